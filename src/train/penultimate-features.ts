import type { FeatureBatch, FeatureSource } from '../collapse/index.js';
import type { ClassifierModel } from '../nn/models/classifier.js';
import * as torch from '../torch/index.js';
import { sequentialBatches, type TensorSplit } from './data-tensors.js';

/**
 * Penultimate features batch by batch, computed on the fly: the input of the classifier, caught by
 * a forward hook, with no gradients. The model's mode (eval for measurement) is the caller's.
 */
export function penultimateFeatures(model: ClassifierModel, split: TensorSplit, batchSize: number): FeatureSource {
  return function* () {
    let captured: torch.Tensor | undefined;
    const hook = model.classifier.registerForwardHook((_module, input) => {
      captured = input;
    });
    try {
      for (const batch of sequentialBatches(split, batchSize)) {
        torch.noGrad(() => model.call(batch.inputs));
        yield { features: captured!, labels: batch.labels } satisfies FeatureBatch;
      }
    } finally {
      hook.remove();
    }
  };
}
