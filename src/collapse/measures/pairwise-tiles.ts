import { eye, type Tensor, tensor, tidy, where } from '../../torch/index.js';
import { CollapseError } from '../errors.js';

/**
 * The tile edge of the C x C Gram matrix: pairwise keys never hold more than a few tiles of it
 * (memory O(C p + TILE^2)); 1024 keeps each tile's product a large matrix product.
 */
export const DEFAULT_TILE = 1024;

export interface PairwiseKeys {
  /** std over pairs a < b of cos(v_a, v_b). */
  equiangular: number;
  /** mean over pairs of |cos + 1/(C-1)|. */
  maxangle: number;
  /** || G/||G||_F - E ||_F with E the unit simplex ETF Gram. */
  etfError: number;
  /** With classVariance: the mean over pairs of (s_a + s_b) / (2 |v_a - v_b|^2). */
  cdnv?: number;
}

export interface PairwiseOptions {
  /** Names vector c in the error for a zero vector. */
  what: (index: number) => string;
  tile?: number;
  /** s_c = (1/N_c) sum_{i in c} |h_i - mu_c|^2: adds cdnv (distances between the vectors). */
  classVariance?: Float64Array;
}

/**
 * Every pairwise key of C vectors (rows of a C x p float64 matrix: centred means or classifier
 * rows) over tiles of their Gram matrix G = V V^T, never the whole C x C matrix.
 *
 * What is needed before the tiles is cheap: the norms, the mean cosine
 * (|sum_a u_a|^2 - C) / (C (C-1)) with u_a = v_a / |v_a|, and ||G||_F = ||V^T V||_F (the p x p
 * product when p < C). The equiangular spread is then summed about that mean in one pass over
 * the tiles (with the first-order correction, so the mean's own rounding does not count).
 */
export function pairwiseKeys(vectors: Tensor, options: PairwiseOptions): PairwiseKeys {
  const [C, p] = vectors.shape as [number, number];
  const tile = Math.max(1, options.tile ?? DEFAULT_TILE);
  return tidy(() => {
    const squaredNorms = vectors.square().sum(1);
    const normValues = squaredNorms.to('cpu').data() as Float64Array;
    for (let c = 0; c < C; c++) if (!(normValues[c]! > 0)) throw new CollapseError(`${options.what(c)} is zero, so its angles to the others are undefined`);
    const norms = squaredNorms.sqrt();
    const unitSum = vectors.div(norms.unsqueeze(1)).sum(0);
    const pairs = (C * (C - 1)) / 2;
    const meanCosine = (unitSum.square().sum().item() - C) / (2 * pairs);
    const gramNorm = Math.sqrt((p < C ? vectors.T.mm(vectors) : vectors.mm(vectors.T)).square().sum().item());
    if (!(gramNorm > 0)) throw new CollapseError('the Gram matrix is zero, so its distance to a simplex ETF is undefined');
    const etfScale = 1 / Math.sqrt(C - 1);
    const target = 1 / (C - 1);
    const variance = options.classVariance ? tensor(options.classVariance, { dtype: 'float64', device: vectors.device }) : undefined;
    let deviationSum = 0;
    let deviationSquares = 0;
    let angleSum = 0;
    let etfSquares = 0;
    let cdnvSum = 0;
    for (let a = 0; a < C; a += tile) {
      const rowsA = Math.min(tile, C - a);
      const va = vectors.narrow(0, a, rowsA);
      for (let b = a; b < C; b += tile) {
        const rowsB = Math.min(tile, C - b);
        tidy(() => {
          const vb = vectors.narrow(0, b, rowsB);
          const gram = va.mm(vb.T);
          const cosines = gram.div(norms.narrow(0, a, rowsA).unsqueeze(1)).div(norms.narrow(0, b, rowsB).unsqueeze(0));
          const diagonal = a === b;
          // Pairs a < b: the strict upper triangle of a diagonal tile, every entry of another.
          const pick = (t: Tensor): Tensor => (diagonal ? t.triu(1) : t);
          const deviations = pick(cosines.sub(meanCosine));
          deviationSum += deviations.sum().item();
          deviationSquares += deviations.square().sum().item();
          angleSum += diagonal ? cosines.add(target).abs().triu(1).sum().item() : cosines.add(target).abs().sum().item();
          // E = (I - 11^T / C) / sqrt(C - 1): a diagonal tile holds both orders and the diagonal; another tile counts twice.
          const etf = diagonal ? eye(rowsA, { dtype: 'float64', device: gram.device }).sub(1 / C).mul(etfScale) : undefined;
          const residual = etf ? gram.div(gramNorm).sub(etf) : gram.div(gramNorm).add(etfScale / C);
          etfSquares += (diagonal ? 1 : 2) * residual.square().sum().item();
          if (variance) {
            const na = vectors.narrow(0, a, rowsA).square().sum(1).unsqueeze(1);
            const nb = vectors.narrow(0, b, rowsB).square().sum(1).unsqueeze(0);
            const distances = na.add(nb).sub(gram.mul(2));
            const spread = variance.narrow(0, a, rowsA).unsqueeze(1).add(variance.narrow(0, b, rowsB).unsqueeze(0));
            const offDiagonal = diagonal ? where(eye(rowsA, { dtype: 'float64', device: gram.device }).eq(1), Number.POSITIVE_INFINITY, distances) : distances;
            const closest = offDiagonal.min().item();
            if (!(closest > 0)) {
              const at = offDiagonal.flatten(0, 1).argmin(0).item();
              throw new CollapseError(`classes ${a + Math.floor(at / rowsB)} and ${b + (at % rowsB)} have the same mean, so cdnv is undefined`);
            }
            cdnvSum += pick(spread.div(offDiagonal.mul(2))).sum().item();
          }
        });
      }
    }
    const spreadSquares = Math.max(0, deviationSquares - (deviationSum * deviationSum) / pairs);
    return {
      equiangular: pairs < 2 ? 0 : Math.sqrt(spreadSquares / (pairs - 1)),
      maxangle: angleSum / pairs,
      etfError: Math.sqrt(etfSquares),
      ...(variance ? { cdnv: cdnvSum / pairs } : {}),
    };
  });
}
