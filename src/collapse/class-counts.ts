import { type Tensor, tidy } from '../torch/index.js';

/** Per-class counts held as a float64 tensor (on the features' device), read back into JavaScript. */
export function readClassCounts(counts: Tensor | undefined, numClasses: number): Float64Array {
  return counts === undefined ? new Float64Array(numClasses) : tidy(() => counts.to('cpu').data() as Float64Array);
}
