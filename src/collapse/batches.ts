import { type Tensor } from '../torch/index.js';
import { CollapseError } from './collapse-error.js';

/** One batch of penultimate features (B x p, float32 or float64, any device) and their labels (int64 B). */
export interface FeatureBatch {
  features: Tensor;
  labels: Tensor;
}

/**
 * Where the batches come from. The measures read the data twice (the second pass needs the final
 * class means), so a source must be iterable twice: an array of batches, or a function that
 * starts a fresh iteration each time it is called (a generator function, for instance).
 */
export type BatchSource<T> = Iterable<T> | (() => Iterable<T>);
export type FeatureSource = BatchSource<FeatureBatch>;

/** A fresh iteration of a source. */
export function iterate<T>(source: BatchSource<T>): Iterable<T> {
  return typeof source === 'function' ? source() : source;
}

/**
 * Batches over features and labels held in memory (narrowed views, no copies), in order.
 * The views are released by whichever scope is open when they are made, so a consumer that
 * processes each batch inside `tidy` releases them as it goes.
 */
export function featureBatches(features: Tensor, labels: Tensor, batchSize = 1024): () => Iterable<FeatureBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CollapseError(`batch size must be a positive integer, got ${batchSize}`);
  const n = features.size(0);
  if (labels.ndim !== 1 || labels.size(0) !== n) {
    throw new CollapseError(`features have ${n} rows but labels have shape [${labels.shape.join(', ')}], expected [${n}]`);
  }
  return function* () {
    for (let start = 0; start < n; start += batchSize) {
      const length = Math.min(batchSize, n - start);
      yield { features: features.narrow(0, start, length), labels: labels.narrow(0, start, length) };
    }
  };
}
