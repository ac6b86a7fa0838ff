/** Mean and sample standard deviation, as the authors' torch.mean / torch.std. */

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/**
 * Sample standard deviation (divide by n - 1), two-pass. A single value has no spread: 0 (with
 * two classes the pairwise measures have one pair, and torch.std would say NaN).
 */
export function sampleStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  const m = mean(values);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - m) ** 2;
  return Math.sqrt(squares / (n - 1));
}

/** std / mean: a spread that does not depend on the scale. */
export function coefficientOfVariation(values: ArrayLike<number>): number {
  return sampleStd(values) / mean(values);
}
