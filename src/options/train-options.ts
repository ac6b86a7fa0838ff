import { type Command, Option } from 'commander';

import type { TrainOptions } from '../train/config.js';
import { DEFAULT_LR } from '../train/default-lr.js';
import { integerList, nonNegativeInteger, nonNegativeNumber, positiveInteger } from './option-parsers.js';

/**
 * The options of `ncollapse train`: defined once here for the train, demo and launch commands and
 * for the sweep's grid files, which accept exactly what `train` accepts.
 */
export interface TrainCliOptions {
  out: string;
  dataset: string;
  dataDir?: string;
  perClass?: number;
  pad: boolean;
  model: string;
  width?: number;
  depth?: number;
  featureDim?: number;
  loss: 'ce' | 'mse';
  epochs: number;
  batchSize: number;
  lr?: number;
  momentum: number;
  weightDecay: number;
  milestones?: number[];
  gamma: number;
  measure: string;
  layers: boolean;
  pool: boolean;
  seed: number;
  device: string;
  threads?: number;
  report: boolean;
  robustness?: number;
  resume: boolean;
  quiet: boolean;
}

/** The trainer's settings of CLI options (the sweep builds its rows with it too). */
export function trainOptionsFromCli(options: TrainCliOptions): TrainOptions {
  return {
    name: options.out.split('/').filter(Boolean).pop() ?? options.out,
    out: options.out,
    dataset: options.dataset,
    dataDir: options.dataDir ?? null,
    perClass: options.perClass ?? null,
    pad: options.pad,
    model: options.model,
    width: options.width ?? null,
    depth: options.depth ?? null,
    featureDim: options.featureDim ?? null,
    loss: options.loss,
    epochs: options.epochs,
    batchSize: options.batchSize,
    lr: options.lr ?? null,
    momentum: options.momentum,
    weightDecay: options.weightDecay,
    lrMilestones: options.milestones ?? null,
    lrGamma: options.gamma,
    measure: options.measure,
    layers: options.layers,
    pool: options.pool,
    seed: options.seed,
    device: options.device,
    threads: options.threads ?? null,
    report: options.report,
    robustness: options.robustness ?? null,
  };
}

export function addTrainingOptions(command: Command): Command {
  return command
    .option('--dataset <name>', 'mnist, fashion-mnist, kmnist, emnist, cifar10, cifar100, stl10, svhn, gaussian or ufm', 'fashion-mnist')
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--per-class <K>', 'keep the first K training images of each class (the paper subsamples)', positiveInteger)
    .option('--pad', 'zero-pad 28x28 images to 32x32 (as the authors do for ResNet on MNIST)', false)
    .option('--model <name>', 'mlp, vgg11/13/16/19, resnet18/34/50, densenet121 or ufm', 'mlp')
    .option('--width <w>', 'width multiplier: 1 is the paper\'s width (512 hidden units for the MLP, full channels for conv nets)', nonNegativeNumber)
    .option('--depth <n>', 'hidden layers of the MLP', positiveInteger)
    .option('--feature-dim <p>', 'feature dimension of the ufm model', positiveInteger)
    .addOption(new Option('--loss <loss>', 'training loss').choices(['ce', 'mse']).default('ce'))
    .option('--epochs <n>', 'epochs', positiveInteger, 350)
    .option('--batch-size <n>', 'batch size (incomplete last batches are skipped)', positiveInteger, 128)
    .option('--lr <lr>', `learning rate (default ${DEFAULT_LR.ce} for ce, ${DEFAULT_LR.mse} for mse)`, nonNegativeNumber)
    .option('--momentum <m>', 'SGD momentum', nonNegativeNumber, 0.9)
    .option('--weight-decay <wd>', 'weight decay', nonNegativeNumber, 5e-4)
    .option('--milestones <list>', 'epochs at which the lr is multiplied by --gamma (default: 1/3 and 2/3 of the run)', integerList)
    .option('--gamma <g>', 'lr factor at each milestone', nonNegativeNumber, 0.1)
    .option('--measure <when>', "epochs to measure: 'paper' (the authors' 50, scaled), 'all', 'none' or a list such as 1,5,10", 'paper')
    .option('--no-layers', 'skip the layer-wise collapse measures')
    .option('--pool', 'global-average-pool convolutional block outputs for the layer-wise measures', false)
    .option('--seed <n>', 'random seed', nonNegativeInteger, 0)
    .option('--device <device>', 'cpu or cuda[:N]', 'cpu')
    .option('--threads <n>', 'intra-op threads (default: libtorch\'s)', positiveInteger)
    .option('--no-report', 'do not write report.html at the end')
    .option('--robustness <K>', 'DeepFool robustness (Figure 8) on K train and K test images at each measured epoch', positiveInteger)
    .option('--quiet', 'no progress output', false);
}
