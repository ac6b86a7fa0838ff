/**
 * The published protocols of Papyan, Han & Donoho (PNAS 2020) as named sets of `train` options.
 * Every preset also keeps the trainer's defaults, which are the paper's: SGD momentum 0.9, weight
 * decay 5e-4, batch 128, 350 epochs, lr divided by 10 at 1/3 and 2/3, the authors' 50 measured
 * epochs, lr 0.0679 for cross-entropy and 0.0184 for MSE (the authors' notebook).
 * The paper's seventh dataset, ImageNet, has no reader here and so no preset.
 */

import { settingDefaults, type TrainSettings } from './option-table.js';

/** The settings a preset sets, under their config.json keys (as the `train` command stores its options). */
export type PresetOptions = Partial<TrainSettings> & { dataset: string; model: string };

export interface Preset {
  name: string;
  description: string;
  options: PresetOptions;
}

const DEFAULTS = settingDefaults();
/**
 * What every preset shares: the paper's protocol, which is the option table's defaults, written
 * out so that `ncollapse presets` shows it.
 */
const PAPER_PROTOCOL = {
  loss: DEFAULTS.loss,
  epochs: DEFAULTS.epochs,
  batchSize: DEFAULTS.batchSize,
  momentum: DEFAULTS.momentum,
  weightDecay: DEFAULTS.weightDecay,
  measure: DEFAULTS.measure,
} satisfies Partial<TrainSettings>;

/** The embedded default of `ncollapse demo` (and `train --preset demo`): the paper's protocol on 500 Fashion-MNIST images per class with the MLP. */
export const DEMO_PRESET: Preset = {
  name: 'demo',
  description: "the embedded default of `ncollapse demo`: the paper's protocol on 500 Fashion-MNIST images per class with the MLP",
  options: { dataset: 'fashion-mnist', model: 'mlp', perClass: 500, ...PAPER_PROTOCOL },
};

interface PaperDataset {
  dataset: string;
  label: string;
  /** Balanced training subset per class (the paper trains on balanced subsets). */
  perClass?: number;
  /** 28x28 images zero-padded to 32x32, as the authors do for their conv nets on MNIST. */
  pad: boolean;
}

const PAPER_DATASETS: PaperDataset[] = [
  { dataset: 'mnist', label: 'MNIST', perClass: 5000, pad: true },
  { dataset: 'fashion-mnist', label: 'Fashion-MNIST', perClass: 5000, pad: true },
  // SVHN's smallest training class has 4659 images.
  { dataset: 'svhn', label: 'SVHN', perClass: 4600, pad: false },
  { dataset: 'cifar10', label: 'CIFAR10', perClass: 5000, pad: false },
  { dataset: 'cifar100', label: 'CIFAR100', perClass: 500, pad: false },
  { dataset: 'stl10', label: 'STL10', perClass: 500, pad: false },
];

/**
 * The paper's three families, with the member of each that this model registry has: the paper
 * varies the depth by dataset (its Table 1 / SI); here VGG-11 on 28x28 inputs and VGG-13 on the
 * others, ResNet-18 (ResNet-50 on CIFAR100), and DenseNet-121, the registry's only DenseNet.
 */
function familyModel(family: 'vgg' | 'resnet' | 'densenet', dataset: string): string {
  if (family === 'vgg') return dataset === 'mnist' || dataset === 'fashion-mnist' || dataset === 'svhn' ? 'vgg11' : 'vgg13';
  if (family === 'resnet') return dataset === 'cifar100' ? 'resnet50' : 'resnet18';
  return 'densenet121';
}

function paperPresets(): Preset[] {
  const presets: Preset[] = [];
  for (const data of PAPER_DATASETS) {
    for (const family of ['vgg', 'resnet', 'densenet'] as const) {
      const model = familyModel(family, data.dataset);
      presets.push({
        name: `papyan-${data.dataset}-${family}`,
        description: `the paper's ${data.label} with ${model}${data.perClass ? `, ${data.perClass} training images per class` : ''}${data.pad ? ', padded to 32x32' : ''}`,
        options: { dataset: data.dataset, model, ...(data.perClass ? { perClass: data.perClass } : {}), pad: data.pad, ...PAPER_PROTOCOL },
      });
    }
  }
  return presets;
}

/**
 * Minority collapse (Fang, He, Long & Su, PNAS 2021) on Fashion-MNIST: K_A = K_B = 5 (the last
 * five classes are minority, --imbalance step:R), VGG11 on 32x32-padded images, trained into the
 * terminal phase with the paper's SGD protocol. R = 100 here; grids/minority-collapse.yaml sweeps
 * R over 1, 10, 100 and 1000 with seeds, and `ncollapse report SWEEP` draws the cosines against R.
 */
export const MINORITY_COLLAPSE_PRESET: Preset = {
  name: 'fang-fashion-mnist-minority',
  description:
    'Fang et al. 2021 minority collapse: Fashion-MNIST, 5000 images in each majority class and 50 in each of the last 5 (step:100), VGG11, padded to 32x32',
  options: { dataset: 'fashion-mnist', model: 'vgg11', perClass: 5000, imbalance: 'step:100', pad: true, ...PAPER_PROTOCOL },
};

/**
 * A fixed simplex-ETF classifier (Zhu et al. 2021, Yang et al. 2022): the demo's data and MLP,
 * the last layer fixed to a seeded random simplex ETF and only the features trained.
 */
export const FIXED_ETF_PRESET: Preset = {
  name: 'fixed-etf-fashion-mnist',
  description:
    "a fixed simplex-ETF classifier (Zhu et al. 2021, Yang et al. 2022): the demo's 500 Fashion-MNIST images per class and MLP, only the features trained",
  options: { dataset: 'fashion-mnist', model: 'mlp', perClass: 500, classifier: 'etf', ...PAPER_PROTOCOL },
};

export const PRESETS: Preset[] = [
  {
    name: 'papyan-mnist-resnet18',
    description: "the authors' notebook: ResNet18 with a 3x3 stem on all of MNIST, 28x28 padded to 32x32 (lr 0.0679 with ce, 0.0184 with mse)",
    options: { dataset: 'mnist', model: 'resnet18', pad: true, ...PAPER_PROTOCOL },
  },
  ...paperPresets(),
  DEMO_PRESET,
  MINORITY_COLLAPSE_PRESET,
  FIXED_ETF_PRESET,
];

export const presetNames = PRESETS.map((p) => p.name);

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
