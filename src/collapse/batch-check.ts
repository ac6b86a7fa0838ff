import { type Tensor } from '../torch/index.js';
import { CollapseError } from './errors.js';

export interface CheckedBatch {
  /** int64 labels on the features' device. */
  labels: Tensor;
  /** Samples of each class in this batch. */
  counts: Float64Array;
}

/**
 * Validates one batch against the accumulator's shape and turns the labels into int64 on the
 * features' device. The per-class counts come back to JavaScript anyway (they decide which
 * classes are new), so the range check costs no extra pass over the labels.
 */
export function checkBatch(features: Tensor, labels: Tensor, numClasses: number, dim: number | undefined): CheckedBatch {
  if (features.ndim !== 2) throw new CollapseError(`features must be a matrix (batch x features), got shape [${features.shape.join(', ')}]`);
  const [rows, width] = features.shape as [number, number];
  if (dim !== undefined && width !== dim) throw new CollapseError(`features have ${width} columns, but earlier batches had ${dim}`);
  if (features.dtype !== 'float32' && features.dtype !== 'float64') {
    throw new CollapseError(`features must be float32 or float64, got ${features.dtype}`);
  }
  if (labels.ndim !== 1 || labels.size(0) !== rows) {
    throw new CollapseError(`a batch of ${rows} features has labels of shape [${labels.shape.join(', ')}], expected [${rows}]`);
  }
  if (labels.dtype === 'float32' || labels.dtype === 'float64' || labels.dtype === 'bool') {
    throw new CollapseError(`labels must be integers, got ${labels.dtype}`);
  }
  let int64 = labels.dtype === 'int64' ? labels : labels.to('int64');
  if (int64.device !== features.device) int64 = int64.to(features.device);
  if (rows > 0 && int64.min().item() < 0) throw new CollapseError(`labels must lie in 0..${numClasses - 1}, got ${int64.min().item()}`);
  const bins = int64.bincount(numClasses).to('cpu').data();
  if (bins.length > numClasses) {
    throw new CollapseError(`labels must lie in 0..${numClasses - 1}, got ${bins.length - 1}`);
  }
  return { labels: int64, counts: Float64Array.from(bins as BigInt64Array, Number) };
}
