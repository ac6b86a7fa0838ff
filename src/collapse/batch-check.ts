import { type Tensor } from '../torch/index.js';
import { CollapseError } from './collapse-error.js';

/**
 * Validates one batch against the accumulator's shape and returns its labels as int64 on the
 * features' device. Nothing comes back to JavaScript but two scalars (the label range): a typed
 * array per batch is a malloc'd block that lives until V8 collects it, and such blocks pin holes
 * in glibc's heap between the batches' large temporaries (the resident set then grows).
 */
export function checkBatch(features: Tensor, labels: Tensor, numClasses: number, dim: number | undefined): Tensor {
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
  if (rows > 0) {
    const [low, high] = [int64.min().item(), int64.max().item()];
    if (low < 0 || high >= numClasses) throw new CollapseError(`labels must lie in 0..${numClasses - 1}, got ${low < 0 ? low : high}`);
  }
  return int64;
}
