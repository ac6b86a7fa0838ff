import { type Tensor, tidy } from '../torch/index.js';
import { scratch } from './scratch.js';

/**
 * Row panels of the symmetric rank-k update. Only the panels' parts on and right of the diagonal
 * are computed (about half the work of a full E^T E): libtorch exposes no syrk, and with a plain
 * reference BLAS this product is the whole cost of the within-class covariance.
 */
const PANEL_HEIGHT = 32;

/**
 * S += E^T E on the upper triangle of S (p x p), batch after batch; `symmetricFromUpper` rebuilds
 * the full matrix. The transposed batch and each panel's product go to shared scratch buffers
 * (see scratch.ts and small-temporaries.ts for why no batch-sized temporary is allocated).
 */
export function addUpperGram(s: Tensor, e: Tensor): void {
  const [rows, p] = e.shape as [number, number];
  tidy(() => {
    if (p <= 2 * PANEL_HEIGHT) {
      s.addmm_(e.T, e);
      return;
    }
    const et = scratch('transposed', [p, rows], e.device).copy_(e.T);
    const panel = scratch('panel', [1, PANEL_HEIGHT * p], e.device).squeeze(0);
    for (let i = 0; i < p; i += PANEL_HEIGHT) {
      const height = Math.min(PANEL_HEIGHT, p - i);
      const product = panel.narrow(0, 0, height * (p - i)).view([height, p - i]);
      product.addmm_(et.narrow(0, i, height), e.narrow(1, i, p - i), 0, 1);
      s.narrow(0, i, height)
        .narrow(1, i, p - i)
        .add_(product);
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
