import {
  featureBatches,
  type FeatureSource,
  measureCollapse,
  measureLayerwiseCollapse,
  orderedMetrics,
  type LayerCollapse,
  type ShardReducer,
} from '../collapse/index.js';
import { lastLayerGeometry, type LastLayerGeometry } from '../collapse/last-layer-geometry.js';
import type { ClassifierModel } from '../nn/models/classifier.js';
import { robustnessMetrics } from '../robustness/measure-robustness.js';
import * as torch from '../torch/index.js';
import type { ResolvedConfig } from './config.js';
import { sequentialBatches, type TensorSplit } from './data-tensors.js';
import { type LossSpec, trainingLoss, weightDecayPenalty } from './loss.js';
import { penultimateFeatures } from './penultimate-features.js';
import { usesUnconstrainedFeatures } from './run-model-and-data.js';
import { NcollapseError } from '../errors.js';

export interface EpochMeasurement {
  metrics: Record<string, number>;
  layers?: LayerCollapse[];
  geometry?: LastLayerGeometry;
}

/** The network's outputs on the training set are not finite: the run has diverged. */
export class NonFiniteOutputError extends NcollapseError {}

/** Penultimate features of the training set are kept in memory up to this size, else streamed twice. */
const FEATURE_MEMORY_BUDGET_BYTES = 512 * 2 ** 20;
const MEASURE_BATCH = 500;

interface ForwardPass {
  /** N x p penultimate features (the classifier's input), when kept. */
  features?: torch.Tensor;
  lossSum: number;
  errors: number;
  count: number;
}

/**
 * One pass of the network over a split in eval mode: the mean loss and the network's error, and
 * (when asked) the classifier's inputs, captured by a forward hook.
 */
function forwardPass(model: ClassifierModel, split: TensorSplit, loss: LossSpec, keepFeatures: boolean): ForwardPass {
  let captured: torch.Tensor | undefined;
  const hook = model.classifier.registerForwardHook((_m, input) => {
    captured = input;
  });
  const kept: torch.Tensor[] = [];
  let lossSum = 0;
  let errors = 0;
  try {
    // The outer tidy releases the batch views that the generator makes between steps.
    torch.tidy(() =>
      torch.noGrad(() => {
        for (const batch of sequentialBatches(split, MEASURE_BATCH)) {
          torch.tidy(() => {
            const logits = model.call(batch.inputs);
            const size = batch.labels.size(0);
            lossSum += trainingLoss(loss, logits, batch.labels).item() * size;
            errors += logits.argmax(1).ne(batch.labels).sum().item();
            if (keepFeatures) kept.push(torch.keep(captured!.detach()));
          });
        }
      }),
    );
  } finally {
    hook.remove();
  }
  const features = keepFeatures ? torch.tidy(() => torch.cat(kept, 0)) : undefined;
  if (features) torch.keep(features);
  torch.dispose(kept);
  return { features, lossSum, errors, count: split.count };
}

/** The sums of a pass over every shard (`shards`: the splits are this rank's shards of the data). */
function reducePass(pass: ForwardPass, shards: ShardReducer | undefined): ForwardPass {
  if (!shards) return pass;
  const totals = torch.tensor([pass.lossSum, pass.errors, pass.count], { dtype: 'float64' });
  try {
    shards.sum(totals);
    const [lossSum, errors, count] = totals.toArray() as [number, number, number];
    return { ...pass, lossSum, errors, count };
  } finally {
    totals.dispose();
  }
}

/**
 * Everything measured at one epoch: losses, errors, every collapse metric, layer-wise collapse,
 * geometry. With `shards`, train and test are this rank's shards, and every sum and accumulator is
 * merged across ranks, so each rank gets the metrics of all the data.
 */
export function measureEpoch(
  model: ClassifierModel,
  train: TensorSplit,
  test: TensorSplit | undefined,
  config: ResolvedConfig,
  shards?: ShardReducer,
): EpochMeasurement {
  const wasTraining = model.training;
  model.eval();
  try {
    const featureBytes = train.count * model.featureDim * 4;
    const pass = reducePass(forwardPass(model, train, config, featureBytes <= FEATURE_MEMORY_BUDGET_BYTES), shards);
    if (!Number.isFinite(pass.lossSum)) {
      pass.features?.dispose();
      throw new NonFiniteOutputError(`the network's training loss is ${pass.lossSum / pass.count} (non-finite outputs)`);
    }
    const source: FeatureSource = pass.features ? featureBatches(pass.features, train.labels, 1024) : penultimateFeatures(model, train, MEASURE_BATCH);
    try {
      const weight = model.classifier.weight;
      const bias = model.classifier.bias;
      const collapse = measureCollapse(source, {
        numClasses: config.numClasses,
        weight,
        bias,
        // The MSE decomposition is defined for runs trained with MSE loss and weight decay.
        weightDecay: config.loss === 'mse' && config.weightDecay > 0 ? config.weightDecay : undefined,
        minorityClasses: config.minorityClasses,
        shards,
      });
      const loss = pass.lossSum / pass.count;
      const metrics: Record<string, number> = {
        loss,
        loss_wd: loss + weightDecayPenalty(model.parameters(), config.weightDecay),
        ...orderedMetrics(collapse),
      };
      if (test) {
        const testPass = reducePass(forwardPass(model, test, config, false), shards);
        metrics.test_error = testPass.errors / testPass.count;
        metrics.test_loss = testPass.lossSum / testPass.count;
      }
      if (config.robustness !== null && !usesUnconstrainedFeatures(config))
        Object.assign(metrics, robustnessMetrics(model, { train, test }, config.robustness, config.seed));
      const measurement: EpochMeasurement = { metrics };
      measurement.geometry = lastLayerGeometry(source, weight, config.numClasses, shards);
      if (config.layers && model.blockNames().length > 0) {
        measurement.layers = measureLayerwiseCollapse(model, () => sequentialBatches(train, MEASURE_BATCH), {
          numClasses: config.numClasses,
          pool: config.pool,
          shards,
        });
      }
      return measurement;
    } finally {
      pass.features?.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
}
