import { datasetNames } from '../data/registry.js';
import { modelNames } from '../nn/models/model-names.js';
import { DEFAULT_ADAM_LR, DEFAULT_LR } from './default-lr.js';
import { flag, integer, integerList, number, oneOf, type OptionValue, pattern, registered, text } from './option-values.js';

/**
 * Every option of a training run, once: its flag, its config.json key, its kind of value with its
 * bounds, its default, its help, whether it is a setting of the run or a choice of this invocation,
 * and whether it is part of the run's identity. Derived from this table: the commander options of
 * train, demo and launch (src/options/train-flags.ts), the schema and types of config.json
 * (config.ts), the presets' protocol (presets.ts), the keys a sweep's grid accepts
 * (src/sweep/grid-options.ts), the resume notices (resume-options.ts), the explicit-option
 * detection (src/cli/explicit-options.ts) and a sweep row's identity check (src/sweep/task.ts).
 *
 * To add an option: add one entry here (the key is its config.json key; `flag` is its long flag
 * without dashes when that differs from the key in kebab-case), then read it in the trainer.
 * Checks between options (a milestone past the last epoch) go in crossProblems() of config.ts.
 */

/** A setting is recorded in config.json and decides the run; an invocation choice only steers this process. */
export type OptionRole = 'setting' | 'invocation';

export interface OptionSpec<T = unknown> {
  /** The long flag without dashes; a switch also gets --no-<flag>. */
  flag: string;
  /** The placeholder of the flag's value in the help (`--lr <lr>`); none for a switch. */
  arg?: string;
  help: string;
  /** Help of --no-<flag> (a switch only). */
  negatedHelp?: string;
  value: OptionValue<T>;
  /** null: none; the run decides at its start (the help says how). */
  default: T | null;
  role: OptionRole;
  /** Part of what a run is: a sweep's row may continue a run only when these all agree. */
  identity: boolean;
}

const setting = { role: 'setting', identity: false } as const;
const identity = { role: 'setting', identity: true } as const;
const invocation = { role: 'invocation', identity: false } as const;

/** Epochs, batches and counts well past any real run, but far from overflow and from minutes of building. */
const MAX_EPOCHS = 100_000;

export const TRAIN_OPTIONS = {
  out: {
    ...invocation,
    flag: 'out',
    arg: '<dir>',
    help: 'run directory (config.json, metrics.jsonl, checkpoints/, report.html)',
    value: text(),
    default: null,
  },
  resume: { ...invocation, flag: 'resume', help: 'continue the run in --out from its last checkpoint', value: flag(), default: false },
  quiet: { ...invocation, flag: 'quiet', help: 'no progress output', value: flag(), default: false },

  dataset: {
    ...identity,
    flag: 'dataset',
    arg: '<name>',
    help: `${datasetNames.join(', ')} or ufm`,
    value: registered('dataset', () => [...datasetNames, 'ufm']),
    default: 'fashion-mnist',
  },
  dataDir: { ...setting, flag: 'data-dir', arg: '<dir>', help: 'folder holding the dataset files', value: text(), default: null },
  perClass: {
    ...identity,
    flag: 'per-class',
    arg: '<K>',
    help: 'keep the first K training images of each class (the paper subsamples)',
    value: integer({ min: 1, max: 10_000_000 }),
    default: null,
  },
  pad: {
    ...identity,
    flag: 'pad',
    help: 'zero-pad 28x28 images to 32x32 (as the authors do for ResNet on MNIST)',
    negatedHelp: "do not pad (undoes a preset's --pad)",
    value: flag(),
    default: false,
  },
  model: {
    ...identity,
    flag: 'model',
    arg: '<name>',
    help: 'mlp, vgg11/13/16/19, resnet18/34/50, densenet121 or ufm',
    value: registered('model', () => modelNames),
    default: 'mlp',
  },
  width: {
    ...identity,
    flag: 'width',
    arg: '<w>',
    help: "width multiplier: 1 is the paper's width (512 hidden units for the MLP, full channels for conv nets)",
    value: number({ min: 0, minExclusive: true, max: 64 }),
    default: null,
  },
  depth: { ...identity, flag: 'depth', arg: '<n>', help: 'hidden layers of the MLP', value: integer({ min: 1, max: 100 }), default: null },
  featureDim: {
    ...identity,
    flag: 'feature-dim',
    arg: '<p>',
    help: 'feature dimension of the ufm model',
    value: integer({ min: 1, max: 65_536 }),
    default: null,
  },
  imbalance: {
    ...identity,
    flag: 'imbalance',
    arg: '<spec>',
    help: 'class imbalance on top of --per-class n_A (Fang et al. 2021): step:R (the last half of the classes keep n_A/R), step:R:K (the last K), exp:R (class c keeps n_A R^(-c/(C-1)))',
    value: pattern('step:R, step:R:K or exp:R with R >= 1', /^(step:\d+(\.\d+)?(:[1-9]\d*)?|exp:\d+(\.\d+)?)$/),
    default: null,
  },
  loss: { ...identity, flag: 'loss', arg: '<loss>', help: 'training loss: ce, mse or focal', value: oneOf(['ce', 'mse', 'focal']), default: 'ce' },
  labelSmoothing: {
    ...identity,
    flag: 'label-smoothing',
    arg: '<eps>',
    help: "label smoothing of the cross-entropy (PyTorch's label_smoothing)",
    value: number({ min: 0, max: 1 }),
    default: 0,
  },
  focalGamma: {
    ...identity,
    flag: 'focal-gamma',
    arg: '<g>',
    help: 'gamma of --loss focal (0 is cross-entropy)',
    value: number({ min: 0, max: 100 }),
    default: 2,
  },
  classifier: {
    ...identity,
    flag: 'classifier',
    arg: '<kind>',
    help: 'linear (trained) or etf (fixed to a seeded simplex ETF, not trained; needs p >= C - 1)',
    value: oneOf(['linear', 'etf']),
    default: 'linear',
  },
  optimizer: {
    ...identity,
    flag: 'optimizer',
    arg: '<name>',
    help: "sgd, adam or adamw (PyTorch's betas 0.9, 0.999 and eps 1e-8; --weight-decay is passed to AdamW as its decoupled decay)",
    value: oneOf(['sgd', 'adam', 'adamw']),
    default: 'sgd',
  },
  epochs: { ...identity, flag: 'epochs', arg: '<n>', help: 'epochs', value: integer({ min: 1, max: MAX_EPOCHS }), default: 350 },
  batchSize: {
    ...identity,
    flag: 'batch-size',
    arg: '<n>',
    help: 'batch size (incomplete last batches are skipped)',
    value: integer({ min: 1, max: 1_000_000 }),
    default: 128,
  },
  lr: {
    ...identity,
    flag: 'lr',
    arg: '<lr>',
    help: `learning rate (default ${DEFAULT_LR.ce} for ce and focal, ${DEFAULT_LR.mse} for mse with sgd; ${DEFAULT_ADAM_LR} with adam and adamw)`,
    value: number({ min: 0, minExclusive: true, max: 1000 }),
    default: null,
  },
  momentum: { ...identity, flag: 'momentum', arg: '<m>', help: 'SGD momentum (sgd only)', value: number({ min: 0, max: 1 }), default: 0.9 },
  weightDecay: { ...identity, flag: 'weight-decay', arg: '<wd>', help: 'weight decay', value: number({ min: 0, max: 1 }), default: 5e-4 },
  lrMilestones: {
    ...identity,
    flag: 'milestones',
    arg: '<list>',
    help: "epochs after which the lr is multiplied by --gamma, or 'none' (default: 1/3 and 2/3 of the run)",
    value: integerList({ min: 1, max: MAX_EPOCHS }),
    default: null,
  },
  lrGamma: {
    ...identity,
    flag: 'gamma',
    arg: '<g>',
    help: 'lr factor at each milestone',
    // Large factors are allowed: they blow a run up on purpose (test/train/divergence.test.ts).
    value: number({ min: 0, minExclusive: true, max: 1e6 }),
    default: 0.1,
  },
  measure: {
    ...setting,
    flag: 'measure',
    arg: '<when>',
    help: "epochs to measure: 'paper' (the authors' 50, scaled), 'all', 'none' or a list such as 1,5,10",
    value: pattern('paper, all, none or a list of epochs such as 1,5,10', /^(paper|all|none|[1-9]\d*(\s*,\s*[1-9]\d*)*)$/),
    default: 'paper',
  },
  layers: {
    ...setting,
    flag: 'layers',
    help: 'measure collapse layer by layer too',
    negatedHelp: 'skip the layer-wise collapse measures',
    value: flag(),
    default: true,
  },
  pool: { ...setting, flag: 'pool', help: 'global-average-pool convolutional block outputs for the layer-wise measures', value: flag(), default: false },
  seed: { ...identity, flag: 'seed', arg: '<n>', help: 'random seed', value: integer({ min: 0, max: 2 ** 32 - 1 }), default: 0 },
  device: {
    ...setting,
    flag: 'device',
    arg: '<device>',
    help: 'cpu or cuda[:N]',
    value: pattern('cpu, cuda or cuda:N', /^(cpu|cuda(:\d+)?)$/),
    default: 'cpu',
  },
  threads: { ...setting, flag: 'threads', arg: '<n>', help: "intra-op threads (default: libtorch's)", value: integer({ min: 1, max: 1024 }), default: null },
  keepCheckpoints: {
    ...setting,
    flag: 'keep-checkpoints',
    arg: '<n>',
    // last.safetensors (what --resume continues from) is always kept; older epochs' checkpoints are
    // what a resume falls back to when the newest is damaged, and what `robustness --epoch` reads.
    help: 'measured epochs whose checkpoints are kept, newest first, besides checkpoints/last.safetensors',
    value: integer({ min: 1, max: 1_000_000 }),
    default: 3,
  },
  report: {
    ...setting,
    flag: 'report',
    help: 'write report.html at the end (the default)',
    negatedHelp: 'do not write report.html at the end',
    value: flag(),
    default: true,
  },
  robustness: {
    ...setting,
    flag: 'robustness',
    arg: '<K>',
    help: 'DeepFool robustness (Figure 8) on K train and K test images at each measured epoch',
    value: integer({ min: 1, max: 100_000 }),
    default: null,
  },
} as const satisfies Record<string, OptionSpec<string> | OptionSpec<number> | OptionSpec<boolean> | OptionSpec<number[]>>;

type Table = typeof TRAIN_OPTIONS;
export type TrainOptionKey = keyof Table;
type ValueOf<K extends TrainOptionKey> = Table[K]['value'] extends OptionValue<infer T> ? T : never;
/** An option without a default may be null (decided when the run starts). */
type SettingValue<K extends TrainOptionKey> = Table[K]['default'] extends null ? ValueOf<K> | null : ValueOf<K>;

export type SettingKey = { [K in TrainOptionKey]: Table[K]['role'] extends 'setting' ? K : never }[TrainOptionKey];
export type InvocationKey = Exclude<TrainOptionKey, SettingKey>;

/** Every setting of a run, as config.json records it (before the defaults decided at the start are filled in). */
export type TrainSettings = { -readonly [K in SettingKey]: SettingValue<K> };

export const optionKeys = Object.keys(TRAIN_OPTIONS) as TrainOptionKey[];
export const settingKeys = optionKeys.filter((key) => TRAIN_OPTIONS[key].role === 'setting') as SettingKey[];
/** Keys of config.json that must agree before a sweep's task continues a run. */
export const identityKeys = optionKeys.filter((key) => TRAIN_OPTIONS[key].identity) as SettingKey[];

export function optionSpec(key: TrainOptionKey): OptionSpec {
  return TRAIN_OPTIONS[key] as OptionSpec;
}

/** The flag of a key as the user types it: lrGamma -> --gamma. */
export function flagOf(key: TrainOptionKey): string {
  return `--${TRAIN_OPTIONS[key].flag}`;
}

/** The key of a long flag without dashes (gamma -> lrGamma), or undefined when no option has it. */
export function keyOfFlag(flagName: string): TrainOptionKey | undefined {
  return optionKeys.find((key) => TRAIN_OPTIONS[key].flag === flagName);
}

/** The settings' defaults; null where the run decides at its start. */
export function settingDefaults(): TrainSettings {
  return Object.fromEntries(settingKeys.map((key) => [key, TRAIN_OPTIONS[key].default])) as TrainSettings;
}
