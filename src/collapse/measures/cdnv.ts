import { CollapseError } from '../collapse-error.js';

/**
 * cdnv (class-distance normalised variance, Galanti et al.): the mean over pairs c < c' of
 * (s_c + s_c') / (2 |mu_c - mu_c'|^2), s_c = (1/N_c) sum_{i in c} |h_i - mu_c|^2.
 *
 * @param classScatter sum_{i in c} |h_i - mu_c|^2 per class
 * @param squaredDistances |mu_a - mu_b|^2, C x C row-major
 */
export function cdnv(classScatter: ArrayLike<number>, counts: ArrayLike<number>, squaredDistances: Float64Array, numClasses: number): number {
  const C = numClasses;
  let sum = 0;
  for (let a = 0; a < C; a++) {
    for (let b = a + 1; b < C; b++) {
      const distance = squaredDistances[a * C + b]!;
      if (!(distance > 0)) throw new CollapseError(`classes ${a} and ${b} have the same mean, so cdnv is undefined`);
      sum += (classScatter[a]! / counts[a]! + classScatter[b]! / counts[b]!) / (2 * distance);
    }
  }
  return sum / ((C * (C - 1)) / 2);
}
