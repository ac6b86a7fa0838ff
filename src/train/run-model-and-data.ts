import { datasetInfo, datasetLabels, datasetNames, hasInputs, loadDataset, parseImbalance } from '../data/index.js';
import type { ClassifierModel } from '../nn/models/classifier.js';
import { createModel } from '../nn/models/registry.js';
import * as torch from '../torch/index.js';
import { disposeSplit, indexSplit, splitToTensors, type TensorSplit } from './data-tensors.js';

/** The settings of config.json that decide a run's data and model. */
/** The unconstrained-features model's name, in the data registry and in the model registry alike. */
export const UFM = 'ufm';

export interface ModelAndDataSettings {
  dataset: string;
  dataDir: string | null;
  perClass: number | null;
  pad: boolean;
  seed: number;
  model: string;
  width: number | null;
  depth: number | null;
  featureDim: number | null;
  /** --imbalance (step:R, step:R:K, exp:R), drawn from `seed`; null or absent: balanced. */
  imbalance?: string | null;
}

export interface RunModelAndData {
  model: ClassifierModel;
  train: TensorSplit;
  /** None for the unconstrained-features model, whose only samples are its parameters. */
  test: TensorSplit | undefined;
  numClasses: number;
  classNames: string[];
  inputShape: [number, number, number];
  /** The unconstrained-features model ('ufm' as dataset or as model). */
  isUfm: boolean;
  /** With --imbalance: the training examples kept of each class, and the minority classes. */
  imbalance?: { counts: number[]; minority: number[] };
}

/**
 * Whether a run trains the unconstrained-features model: its model is `ufm`, or its dataset has no
 * inputs (the data registry's `ufm`), and then both are.
 */
export function usesUnconstrainedFeatures(settings: { dataset: string; model: string }): boolean {
  return settings.model === UFM || ((datasetNames as string[]).includes(settings.dataset) && !hasInputs(settings.dataset));
}

/**
 * Reads the data and builds the model of a run, on `device`. The trainer uses it to start (or
 * resume) a run and `analyze --checkpoint` to rebuild one. The seed is set first so that
 * initialisation is reproducible.
 */
export function buildRunModelAndData(settings: ModelAndDataSettings, device: string): RunModelAndData {
  torch.manualSeed(settings.seed);
  let train: TensorSplit;
  let test: TensorSplit | undefined;
  let numClasses: number;
  let classNames: string[];
  let inputShape: [number, number, number];
  let imbalance: RunModelAndData['imbalance'];
  const isUfm = usesUnconstrainedFeatures(settings);
  if (isUfm) {
    const info = datasetInfo(UFM);
    train = indexSplit(datasetLabels(UFM, settings.perClass ?? 20), device);
    test = undefined;
    ({ numClasses, classNames, inputShape } = info);
  } else {
    const dataset = loadDataset(settings.dataset, {
      dataDir: settings.dataDir ?? undefined,
      perClass: settings.perClass ?? undefined,
      pad: settings.pad,
      seed: settings.seed,
      ...(settings.imbalance ? { imbalance: parseImbalance(settings.imbalance), imbalanceSeed: settings.seed } : {}),
    });
    imbalance = dataset.imbalance;
    train = splitToTensors(dataset.train, device);
    test = splitToTensors(dataset.test, device);
    numClasses = dataset.numClasses;
    classNames = dataset.classNames;
    inputShape = dataset.train.shape;
  }
  try {
    torch.manualSeed(settings.seed);
    const model = createModel(isUfm ? UFM : settings.model, {
      inputShape,
      numClasses,
      width: settings.width ?? undefined,
      depth: settings.depth ?? undefined,
      numSamples: train.count,
      featureDim: settings.featureDim ?? undefined,
    });
    model.to(device);
    return { model, train, test, numClasses, classNames, inputShape, isUfm, ...(imbalance ? { imbalance } : {}) };
  } catch (error) {
    disposeSplit(train);
    if (test) disposeSplit(test);
    throw error;
  }
}
