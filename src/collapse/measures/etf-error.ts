import { CollapseError } from '../collapse-error.js';

/**
 * etf_error_means / etf_error_classifier: || G/||G||_F - E ||_F with E = (I - 11^T/C)/sqrt(C-1)
 * the Gram matrix of a unit-Frobenius simplex equiangular tight frame; G is Mt Mt^T or W W^T.
 */
export function etfError(gram: Float64Array, numClasses: number): number {
  const C = numClasses;
  let norm = 0;
  for (let i = 0; i < C * C; i++) norm += gram[i]! ** 2;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new CollapseError('the Gram matrix is zero, so its distance to a simplex ETF is undefined');
  const scale = 1 / Math.sqrt(C - 1);
  let squares = 0;
  for (let a = 0; a < C; a++) {
    for (let b = 0; b < C; b++) {
      const etf = ((a === b ? 1 : 0) - 1 / C) * scale;
      squares += (gram[a * C + b]! / norm - etf) ** 2;
    }
  }
  return Math.sqrt(squares);
}
