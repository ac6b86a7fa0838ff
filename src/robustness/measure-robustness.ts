/**
 * The paper's robustness measure (Papyan, Han & Donoho 2020, Figure 8): for a fixed subset of
 * images, the mean over the subset of ||r(x)||_2 / ||x||_2, r being DeepFool's minimal
 * perturbation, and the fraction of images DeepFool failed to flip.
 */
import type { ClassifierModel } from '../nn/models/classifier.js';
import * as torch from '../torch/index.js';
import { deepFool, type DeepFoolOptions } from './deepfool.js';
import { robustnessSubset } from './robustness-subset.js';

/** The images and labels of one split (the trainer's LabelledImages fits). */
export interface LabelledImages {
  inputs: torch.Tensor;
  labels: torch.Tensor;
  count: number;
}

export interface SplitRobustness {
  /** Mean of ||r|| / ||x|| over the images DeepFool flipped; NaN when it flipped none. */
  meanRatio: number;
  attacked: number;
  failed: number;
}

export interface RobustnessOptions extends DeepFoolOptions {
  /** Images attacked together (default 100). */
  batchSize?: number;
}

/** DeepFool on the given images of a split, through a model that must already be in eval mode. */
export function splitRobustness(model: ClassifierModel, split: LabelledImages, indices: number[], options: RobustnessOptions = {}): SplitRobustness {
  const batchSize = options.batchSize ?? 100;
  let ratioSum = 0;
  let flippedCount = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    torch.tidy(() => {
      const index = torch.tensor(indices.slice(start, start + batchSize), { dtype: 'int64', device: split.inputs.device });
      const inputs = split.inputs.indexSelect(0, index);
      const result = deepFool((x) => model.call(x), inputs, options);
      const ratios = result.perturbation.flatten(1).norm(2, 1).div(inputs.flatten(1).norm(2, 1)).to('float64').toArray();
      ratios.forEach((ratio, i) => {
        if (!result.flipped[i]) return;
        ratioSum += ratio;
        flippedCount++;
      });
    });
  }
  return { meanRatio: flippedCount > 0 ? ratioSum / flippedCount : Number.NaN, attacked: indices.length, failed: indices.length - flippedCount };
}

/**
 * Runs fn on a model in eval mode (BatchNorm's running statistics: the samples of a batch are
 * independent) with its parameters out of autograd (DeepFool needs gradients for the inputs only),
 * restoring both after.
 */
export function withFrozenModel<T>(model: ClassifierModel, fn: () => T): T {
  const wasTraining = model.training;
  const parameters = model.parameters();
  const required = parameters.map((p) => p.requiresGrad);
  model.eval();
  parameters.forEach((p) => p.requiresGrad_(false));
  try {
    return fn();
  } finally {
    parameters.forEach((p, i) => p.requiresGrad_(required[i]!));
    model.train(wasTraining);
  }
}

/** The metrics.jsonl keys: deepfool_train, deepfool_test (each left out when nothing was flipped) and deepfool_failed. */
export function robustnessMetrics(
  model: ClassifierModel,
  splits: { train: LabelledImages; test?: LabelledImages },
  samples: number,
  seed: number,
  options: RobustnessOptions = {},
): Record<string, number> {
  return withFrozenModel(model, () => {
    const metrics: Record<string, number> = {};
    let attacked = 0;
    let failed = 0;
    for (const [name, split] of [
      ['train', splits.train],
      ['test', splits.test],
    ] as const) {
      if (!split) continue;
      const result = splitRobustness(model, split, robustnessSubset(split.count, samples, seed), options);
      if (Number.isFinite(result.meanRatio)) metrics[`deepfool_${name}`] = result.meanRatio;
      attacked += result.attacked;
      failed += result.failed;
    }
    metrics.deepfool_failed = attacked > 0 ? failed / attacked : 0;
    return metrics;
  });
}
