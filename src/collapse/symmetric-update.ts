import { type Tensor, tidy } from '../torch/index.js';

/**
 * Column blocks of the symmetric rank-k update. Only the blocks on and above the diagonal are
 * computed (about half the work of a full E^T E): libtorch exposes no syrk, and with a plain
 * reference BLAS the product is the whole cost of the within-class covariance.
 */
const BLOCK_WIDTH = 64;

/**
 * S += E^T E on the block upper triangle of S (p x p). The blocks below the diagonal are left
 * as they are; `symmetricFromUpper` rebuilds the full matrix from the upper triangle.
 */
export function addUpperGram(s: Tensor, e: Tensor): void {
  const p = e.size(1);
  tidy(() => {
    if (p <= 2 * BLOCK_WIDTH) {
      s.addmm_(e.T, e);
      return;
    }
    const et = e.T.contiguous();
    for (let i = 0; i < p; i += BLOCK_WIDTH) {
      const rows = Math.min(BLOCK_WIDTH, p - i);
      const left = et.narrow(0, i, rows);
      for (let j = i; j < p; j += BLOCK_WIDTH) {
        const cols = Math.min(BLOCK_WIDTH, p - j);
        s.narrow(0, i, rows).narrow(1, j, cols).addmm_(left, e.narrow(1, j, cols));
      }
    }
  });
}

/** The symmetric matrix whose upper triangle (diagonal included) is that of s. */
export function symmetricFromUpper(s: Tensor): Tensor {
  return tidy(() => {
    const upper = s.triu();
    return upper.add(upper.triu(1).T);
  });
}
