import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from '../train/training-state.js';
import { type ClassifierModel } from '../nn/models/classifier.js';
import { dispose, type Tensor } from '../torch/index.js';
import { disposeSplit, sequentialBatches } from '../train/data-tensors.js';
import { penultimateFeatures } from '../train/penultimate-features.js';
import { buildRunModelAndData, type ModelAndDataSettings, usesUnconstrainedFeatures } from '../train/run-model-and-data.js';
import { type CovarianceMode } from '../collapse/collapse-measurement.js';
import { orderedMetrics } from '../collapse/collapse-metrics.js';
import { type LayerCollapse, measureLayerwiseCollapse } from '../collapse/layerwise.js';
import { measureCollapse } from '../collapse/measure-collapse.js';
import { AnalysisInputError } from './analysis-arrays.js';
import { RUN_FILE_NAMES, runDirOfCheckpoint } from '../run/run-files.js';
import { checkpointConfigSchema, type CheckpointConfig } from '../run/run-schema.js';
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
  /** Minority class indices; default: the run's (config.json's minorityClasses). */
  minority?: number[];
  covariance?: CovarianceMode;
  layers?: boolean;
  pool?: boolean;
  batchSize?: number;
}

/**
 * `ncollapse analyze --checkpoint`: rebuild the run's model from its config.json, load the saved
 * weights, stream the penultimate features of a dataset split through a hook on the classifier
 * (eval mode, no gradients) and measure them with the classifier's W and b.
 */
export function analyzeCheckpoint(options: AnalyzeCheckpointOptions): AnalysisOutput & { layers?: LayerCollapse[] } {
  const config = readRunConfig(options.checkpoint);
  if (usesUnconstrainedFeatures(config)) {
    throw new AnalysisInputError(options.checkpoint, "an unconstrained-features run has no dataset to run: its features are the model's parameters");
  }
  const datasetName = options.dataset ?? config.dataset;
  const { model, train, test, numClasses, inputShape } = buildRunModelAndData(runModelAndDataSettings(config, datasetName, options.dataDir), 'cpu');
  try {
    if (numClasses !== config.numClasses) {
      throw new AnalysisInputError(options.checkpoint, `the model has ${config.numClasses} classes but dataset '${datasetName}' has ${numClasses}`);
    }
    if (inputShape.some((d, i) => d !== config.inputShape[i])) {
      throw new AnalysisInputError(
        options.checkpoint,
        `the model takes inputs of shape [${config.inputShape.join(', ')}] but dataset '${datasetName}' has [${inputShape.join(', ')}]`,
      );
    }
    loadModelWeights(model, options.checkpoint);
    model.eval();
    const data = options.split === 'test' ? test! : train;
    const batchSize = options.batchSize ?? 500;
    const weightDecay = options.wd ?? (config.loss === 'mse' && (config.weightDecay ?? 0) > 0 ? config.weightDecay : undefined);
    const metrics = measureCollapse(penultimateFeatures(model, data, batchSize), {
      numClasses: config.numClasses,
      weight: model.classifier.weight,
      bias: model.classifier.bias,
      weightDecay,
      minorityClasses: options.minority ?? (datasetName === config.dataset ? config.minorityClasses : undefined),
      covariance: options.covariance ?? 'full',
    });
    const layers = options.layers
      ? measureLayerwiseCollapse(model, () => sequentialBatches(data, batchSize), { numClasses: config.numClasses, pool: options.pool })
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
    disposeSplit(train);
    if (test) disposeSplit(test);
    model.dispose();
  }
}

/**
 * What rebuilds a run's model and data from its config.json, optionally on another dataset (whose
 * full training set is then used) or from another data folder.
 */
export function runModelAndDataSettings(config: CheckpointConfig, dataset = config.dataset, dataDir?: string): ModelAndDataSettings {
  return {
    dataset,
    dataDir: dataDir ?? config.dataDir ?? null,
    perClass: dataset === config.dataset ? (config.perClass ?? null) : null,
    pad: config.pad ?? false,
    seed: config.seed ?? 0,
    model: config.model,
    width: config.width ?? null,
    depth: config.depth ?? null,
    featureDim: config.featureDim ?? null,
    imbalance: dataset === config.dataset ? (config.imbalance ?? null) : null,
  };
}

/** The run's config.json, two folders up from the checkpoint (RUN/checkpoints/FILE). */
export function readRunConfig(checkpoint: string): CheckpointConfig {
  if (!existsSync(checkpoint)) throw new AnalysisInputError(checkpoint, 'no such checkpoint file');
  const file = join(runDirOfCheckpoint(checkpoint), RUN_FILE_NAMES.config);
  if (!existsSync(file)) {
    throw new AnalysisInputError(
      checkpoint,
      `the run's ${RUN_FILE_NAMES.config} was expected at ${file} (a checkpoint lives in runs/NAME/${RUN_FILE_NAMES.checkpoints}/)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AnalysisInputError(file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = checkpointConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AnalysisInputError(file, `field '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
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
