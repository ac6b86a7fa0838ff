import { AnalysisInputError, type SourceArray } from './analysis-arrays.js';

const INT32_MAX = 2 ** 31 - 1;

/**
 * The labels as 32-bit class indices. A value that does not fit (int64, uint64 or uint32 labels at
 * or above 2^31, or below -2^31) is an error naming the sample, never wrapped into another class.
 */
export function labelValues(labels: SourceArray): Int32Array {
  const data = labels.data as ArrayLike<number | bigint>;
  const values = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    const fits = typeof v === 'bigint' ? v >= -BigInt(INT32_MAX) - 1n && v <= BigInt(INT32_MAX) : Number.isInteger(v) && v >= -INT32_MAX - 1 && v <= INT32_MAX;
    if (!fits) throw new AnalysisInputError(labels, `label ${v} of sample ${i} is not a class index (it does not fit in 32 bits); labels must lie in 0..C-1`);
    values[i] = Number(v);
  }
  return values;
}
