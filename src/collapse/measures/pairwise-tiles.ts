import { type Tensor, tidy } from '../../torch/index.js';
import { CollapseError } from '../collapse-error.js';

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
    const inverseNorm = Float64Array.from(normValues, (s) => 1 / Math.sqrt(s));
    const variance = options.classVariance;
    const totals = new Float64Array(5); // deviation, deviation^2, |cos + 1/(C-1)|, ETF residual^2, cdnv
    for (let a = 0; a < C; a += tile) {
      const rowsA = Math.min(tile, C - a);
      const va = vectors.narrow(0, a, rowsA);
      for (let b = a; b < C; b += tile) {
        const rowsB = Math.min(tile, C - b);
        // One matrix product per tile; the sums over its entries go in one JavaScript loop, which
        // reads each entry once. Whole-tile libtorch reductions (about 14 ops per entry, each
        // streaming the tile again) measured 2 to 4 times slower on 2 busy cores, and erratic: each
        // small parallel op waits for both threads. The rows are monomorphic functions (with and
        // without cdnv) that multiply by precomputed inverse norms.
        const gram = tidy(
          () =>
            va
              .mm(vectors.narrow(0, b, rowsB).T)
              .to('cpu')
              .data() as Float64Array,
        );
        if (a === b) {
          for (let i = 0; i < rowsA; i++) {
            const residual = gram[i * rowsB + i]! / gramNorm - onDiagonalEtf;
            totals[3] += residual * residual;
          }
        }
        for (let i = 0; i < rowsA; i++) {
          const from = a === b ? i + 1 : 0;
          if (variance)
            tileRowWithCdnv(
              gram,
              i * rowsB,
              from,
              rowsB,
              a + i,
              b,
              inverseNorm,
              normValues,
              variance,
              meanCosine,
              target,
              1 / gramNorm,
              offDiagonalEtf,
              totals,
            );
          else tileRow(gram, i * rowsB, from, rowsB, inverseNorm[a + i]!, b, inverseNorm, meanCosine, target, 1 / gramNorm, offDiagonalEtf, totals);
        }
      }
    }
    const [deviationSum, deviationSquares, angleSum, etfSquares, cdnvSum] = totals as unknown as number[] as [number, number, number, number, number];
    const spreadSquares = Math.max(0, deviationSquares - (deviationSum * deviationSum) / pairs);
    return {
      equiangular: pairs < 2 ? 0 : Math.sqrt(spreadSquares / (pairs - 1)),
      maxangle: angleSum / pairs,
      etfError: Math.sqrt(etfSquares),
      ...(options.classVariance ? { cdnv: cdnvSum / pairs } : {}),
    };
  });
}

/** The sums of one row of a tile, pairs (a, b + j) for j in [from, rowsB) (monomorphic: no cdnv). */
function tileRow(
  gram: Float64Array,
  row: number,
  from: number,
  rowsB: number,
  inverseA: number,
  b: number,
  inverseNorm: Float64Array,
  meanCosine: number,
  target: number,
  inverseGramNorm: number,
  offDiagonalEtf: number,
  totals: Float64Array,
): void {
  let deviationSum = 0;
  let deviationSquares = 0;
  let angleSum = 0;
  let etfSquares = 0;
  for (let j = from; j < rowsB; j++) {
    const g = gram[row + j]!;
    const cosine = g * inverseA * inverseNorm[b + j]!;
    const deviation = cosine - meanCosine;
    deviationSum += deviation;
    deviationSquares += deviation * deviation;
    angleSum += Math.abs(cosine + target);
    const residual = g * inverseGramNorm + offDiagonalEtf;
    etfSquares += residual * residual;
  }
  totals[0] += deviationSum;
  totals[1] += deviationSquares;
  totals[2] += angleSum;
  totals[3] += 2 * etfSquares; // (a, b) and (b, a)
}

/** tileRow with the cdnv terms (s_a + s_b) / (2 |v_a - v_b|^2) of the row's pairs. */
function tileRowWithCdnv(
  gram: Float64Array,
  row: number,
  from: number,
  rowsB: number,
  ca: number,
  b: number,
  inverseNorm: Float64Array,
  squaredNorms: Float64Array,
  variance: Float64Array,
  meanCosine: number,
  target: number,
  inverseGramNorm: number,
  offDiagonalEtf: number,
  totals: Float64Array,
): void {
  tileRow(gram, row, from, rowsB, inverseNorm[ca]!, b, inverseNorm, meanCosine, target, inverseGramNorm, offDiagonalEtf, totals);
  const sa = squaredNorms[ca]!;
  const va = variance[ca]!;
  let cdnvSum = 0;
  let smallest = Number.POSITIVE_INFINITY;
  for (let j = from; j < rowsB; j++) {
    const distance = sa + squaredNorms[b + j]! - 2 * gram[row + j]!;
    smallest = distance < smallest ? distance : smallest;
    cdnvSum += (va + variance[b + j]!) / distance;
  }
  if (!(smallest > 0)) {
    for (let j = from; j < rowsB; j++) {
      const distance = sa + squaredNorms[b + j]! - 2 * gram[row + j]!;
      if (!(distance > 0)) throw new CollapseError(`classes ${ca} and ${b + j} have the same mean, so cdnv is undefined`);
    }
  }
  totals[4] += cdnvSum / 2;
}
