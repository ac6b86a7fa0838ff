import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDataset } from '../../data/index.js';
import { load } from '../../nn/checkpoint.js';
import { createModel } from '../../nn/models/registry.js';
import { type ClassifierModel } from '../../nn/models/classifier.js';
import { dispose, noGrad, type Tensor } from '../../torch/index.js';
import { sequentialBatches, splitToTensors, type TensorSplit } from '../../train/data-tensors.js';
import { type FeatureBatch, type FeatureSource } from '../batches.js';
import { type CovarianceMode } from '../collapse-measurement.js';
import { orderedMetrics } from '../collapse-metrics.js';
import { type LayerCollapse, measureLayerwiseCollapse } from '../layerwise.js';
import { measureCollapse } from '../measure-collapse.js';
import { AnalysisInputError } from './analysis-arrays.js';
import { type AnalysisOutput } from './analyze-files.js';

export interface AnalyzeCheckpointOptions {
  /** runs/NAME/checkpoints/<file>.safetensors; the run's config.json is two folders up. */
  checkpoint: string;
  /** Dataset to run the model on (default: the run's). */
  dataset?: string;
  dataDir?: string;
  split?: 'train' | 'test';
  /** Default: the run's weight decay when it was trained with MSE loss (the decomposition's setting). */
  wd?: number;
  covariance?: CovarianceMode;
  layers?: boolean;
  pool?: boolean;
  batchSize?: number;
}

/** The parts of the trainer's config.json that rebuild the model and its data. */
export interface RunConfig {
  model: string;
  dataset: string;
  dataDir: string | null;
  perClass: number | null;
  pad: boolean;
  seed: number;
  loss: string;
  weightDecay: number;
  width: number | null;
  depth: number | null;
  featureDim: number | null;
  numClasses: number;
  inputShape: [number, number, number];
  trainSize: number;
}

/**
 * `ncollapse analyze --checkpoint`: rebuild the run's model from its config.json, load the saved
 * weights, stream the penultimate features of a dataset split through a hook on the classifier
 * (eval mode, no gradients) and measure them with the classifier's W and b.
 */
export function analyzeCheckpoint(options: AnalyzeCheckpointOptions): AnalysisOutput & { layers?: LayerCollapse[] } {
  const config = readRunConfig(options.checkpoint);
  if (config.model === 'ufm') {
    throw new AnalysisInputError(options.checkpoint, "an unconstrained-features run has no dataset to run: its features are the model's parameters");
  }
  const datasetName = options.dataset ?? config.dataset;
  const dataset = loadDataset(datasetName, {
    dataDir: options.dataDir ?? config.dataDir ?? undefined,
    perClass: datasetName === config.dataset ? config.perClass ?? undefined : undefined,
    pad: config.pad,
    seed: config.seed,
  });
  if (dataset.numClasses !== config.numClasses) {
    throw new AnalysisInputError(options.checkpoint, `the model has ${config.numClasses} classes but dataset '${datasetName}' has ${dataset.numClasses}`);
  }
  const shape = dataset.train.shape;
  if (shape.some((d, i) => d !== config.inputShape[i])) {
    throw new AnalysisInputError(options.checkpoint, `the model takes inputs of shape [${config.inputShape.join(', ')}] but dataset '${datasetName}' has [${shape.join(', ')}]`);
  }
  const model = createRunModel(config);
  let split: TensorSplit | undefined;
  try {
    loadModelWeights(model, options.checkpoint);
    model.eval();
    split = splitToTensors(options.split === 'test' ? dataset.test : dataset.train, 'cpu');
    const data = split;
    const weightDecay = options.wd ?? (config.loss === 'mse' && config.weightDecay > 0 ? config.weightDecay : undefined);
    const metrics = measureCollapse(penultimateFeatures(model, data, options.batchSize ?? 500), {
      numClasses: config.numClasses,
      weight: model.classifier.weight,
      bias: model.classifier.bias,
      weightDecay,
      covariance: options.covariance ?? 'full',
    });
    const layers = options.layers
      ? measureLayerwiseCollapse(model, () => sequentialBatches(data, options.batchSize ?? 500), { numClasses: config.numClasses, pool: options.pool })
      : undefined;
    return {
      source: `${options.checkpoint} on ${datasetName} (${options.split ?? 'train'})`,
      samples: data.count,
      dim: model.featureDim,
      numClasses: config.numClasses,
      metrics: orderedMetrics(metrics),
      ...(layers ? { layers } : {}),
    };
  } finally {
    if (split) dispose([split.inputs, split.labels]);
    model.dispose();
  }
}

/** A freshly initialised model of the architecture a run's config.json describes. */
export function createRunModel(config: RunConfig): ClassifierModel {
  return createModel(config.model, {
    inputShape: config.inputShape,
    numClasses: config.numClasses,
    width: config.width ?? undefined,
    depth: config.depth ?? undefined,
    numSamples: config.trainSize,
    featureDim: config.featureDim ?? undefined,
  });
}

/** The config.json of the run a checkpoint belongs to (two folders up). */
export function readRunConfig(checkpoint: string): RunConfig {
  if (!existsSync(checkpoint)) throw new AnalysisInputError(checkpoint, 'no such checkpoint file');
  const file = join(dirname(dirname(checkpoint)), 'config.json');
  if (!existsSync(file)) {
    throw new AnalysisInputError(checkpoint, `the run's config.json was expected at ${file} (a checkpoint lives in runs/NAME/checkpoints/)`);
  }
  let config: Partial<RunConfig>;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunConfig>;
  } catch (error) {
    throw new AnalysisInputError(file, `not valid JSON (${(error as Error).message})`);
  }
  for (const key of ['model', 'dataset', 'numClasses', 'inputShape'] as const) {
    if (config[key] === undefined) throw new AnalysisInputError(file, `field '${key}' is missing`);
  }
  return {
    dataDir: null,
    perClass: null,
    pad: false,
    seed: 0,
    loss: 'ce',
    weightDecay: 0,
    width: null,
    depth: null,
    featureDim: null,
    trainSize: 0,
    ...config,
  } as RunConfig;
}

/** The `model.`-prefixed tensors of a training state (or a bare state dict) into the model. */
export function loadModelWeights(model: ClassifierModel, checkpoint: string): void {
  const { tensors } = load(checkpoint);
  try {
    const prefixed = [...tensors.keys()].some((name) => name.startsWith('model.'));
    const state = new Map<string, Tensor>();
    for (const [name, t] of tensors) {
      if (!prefixed) state.set(name, t);
      else if (name.startsWith('model.')) state.set(name.slice('model.'.length), t);
    }
    model.loadStateDict(state, { source: checkpoint });
  } finally {
    dispose([...tensors.values()]);
  }
}

/** Penultimate features batch by batch: the input of the classifier, caught by a forward hook. */
function penultimateFeatures(model: ClassifierModel, split: TensorSplit, batchSize: number): FeatureSource {
  return function* () {
    let captured: Tensor | undefined;
    const hook = model.classifier.registerForwardHook((_module, input) => {
      captured = input;
    });
    try {
      for (const batch of sequentialBatches(split, batchSize)) {
        noGrad(() => model.call(batch.inputs));
        yield { features: captured!, labels: batch.labels } satisfies FeatureBatch;
      }
    } finally {
      hook.remove();
    }
  };
}
