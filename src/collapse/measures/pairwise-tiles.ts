import { type Tensor, ones, tensor, tidy } from '../../torch/index.js';
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
    const unitSum = vectors.div(squaredNorms.sqrt().unsqueeze(1)).sum(0);
    const pairs = (C * (C - 1)) / 2;
    const meanCosine = (unitSum.square().sum().item() - C) / (2 * pairs);
    const gramNorm = Math.sqrt((p < C ? vectors.T.mm(vectors) : vectors.mm(vectors.T)).square().sum().item());
    if (!(gramNorm > 0)) throw new CollapseError('the Gram matrix is zero, so its distance to a simplex ETF is undefined');
    const etfScale = 1 / Math.sqrt(C - 1);
    const offDiagonalEtf = etfScale / C; // -E_ab for a != b
    const onDiagonalEtf = (1 - 1 / C) * etfScale; // E_aa
    const target = 1 / (C - 1);
    const inverseNorm = squaredNorms.rsqrt();
    const variance = options.classVariance;
    const varianceTensor = variance ? tensor(variance, { dtype: 'float64', device: vectors.device }) : undefined;
    let deviationSum = 0;
    let deviationSquares = 0;
    let angleSum = 0;
    let etfSquares = 0;
    let cdnvSum = 0;
    const lowerOnes = new Map<number, Tensor>();
    for (let a = 0; a < C; a += tile) {
      const rowsA = Math.min(tile, C - a);
      const va = vectors.narrow(0, a, rowsA);
      for (let b = a; b < C; b += tile) {
        const rowsB = Math.min(tile, C - b);
        const diagonal = a === b;
        // Ones on and below a diagonal tile's diagonal (one per tile size, outside the tile's scope).
        if (diagonal && varianceTensor && !lowerOnes.has(rowsA)) lowerOnes.set(rowsA, ones([rowsA, rowsA], { dtype: 'float64', device: vectors.device }).tril(0));
        // One matrix product per tile, then a few whole-tile libtorch reductions (each a single
        // pass in native code); on a diagonal tile only the pairs above the diagonal count.
        const sums = tidy(() => {
          const gram = va.mm(vectors.narrow(0, b, rowsB).T);
          const pairsOnly = (t: Tensor) => (diagonal ? t.triu(1) : t);
          const cosine = gram.mul(inverseNorm.narrow(0, a, rowsA).unsqueeze(1)).mul(inverseNorm.narrow(0, b, rowsB).unsqueeze(0));
          const deviation = pairsOnly(cosine.sub(meanCosine));
          const values = [
            deviation.sum().item(),
            deviation.norm(2).item() ** 2,
            // |cos + 1/(C-1)| summed: the pairs below the diagonal hold -meanCosine + target, zeroed.
            pairsOnly(cosine.add(target)).norm(1).item(),
            // (g/||G|| + E) summed squared, twice: (a, b) and (b, a).
            (2 * pairsOnly(gram.add(offDiagonalEtf * gramNorm)).norm(2).item() ** 2) / (gramNorm * gramNorm),
            diagonal ? gram.diag().div(gramNorm).sub(onDiagonalEtf).norm(2).item() ** 2 : 0,
          ];
          if (varianceTensor) {
            const normsA = squaredNorms.narrow(0, a, rowsA).unsqueeze(1);
            const normsB = squaredNorms.narrow(0, b, rowsB).unsqueeze(0);
            let distance = gram.mul(-2).add(normsA).add(normsB);
            // The diagonal and the pairs below it (distances 0 and repeats) gain 1: out of the
            // minimum's way, then zeroed in the sum.
            if (diagonal) distance = distance.add(lowerOnes.get(rowsA)!);
            const smallest = distance.min().item();
            if (!(smallest > 0)) {
              const entries = distance.to('cpu').data() as Float64Array;
              const at = entries.findIndex((d) => !(d > 0));
              throw new CollapseError(`classes ${a + Math.floor(at / rowsB)} and ${b + (at % rowsB)} have the same mean, so cdnv is undefined`);
            }
            const spread = varianceTensor.narrow(0, a, rowsA).unsqueeze(1).add(varianceTensor.narrow(0, b, rowsB).unsqueeze(0));
            values.push(pairsOnly(spread.div(distance)).sum().item() / 2);
          }
          return values;
        });
        deviationSum += sums[0]!;
        deviationSquares += sums[1]!;
        angleSum += sums[2]!;
        etfSquares += sums[3]! + sums[4]!;
        cdnvSum += sums[5] ?? 0;
      }
    }
    const spreadSquares = Math.max(0, deviationSquares - (deviationSum * deviationSum) / pairs);
    return {
      equiangular: pairs < 2 ? 0 : Math.sqrt(spreadSquares / (pairs - 1)),
      maxangle: angleSum / pairs,
      etfError: Math.sqrt(etfSquares),
      ...(options.classVariance ? { cdnv: cdnvSum / pairs } : {}),
    };
  });
}
