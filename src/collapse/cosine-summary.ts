import { type Tensor, tidy } from '../torch/index.js';
import { DEFAULT_TILE } from './measures/pairwise-tiles.js';

/**
 * What the report and dashboard show of C vectors' pairwise cosines when C is too large for a
 * C x C heat map (last-layer-geometry.ts, COSINE_MATRIX_LIMIT): a histogram of the cosines over
 * pairs a < b, and the classes with the largest interference (the highest cosine to another
 * class), computed over tiles of the Gram matrix like the pairwise keys.
 */
export interface CosineSummary {
  /** Bin edges from -1 to 1 (bins + 1 values). */
  edges: number[];
  /** Pairs a < b per bin. */
  counts: number[];
  /** The classes whose nearest other class (by cosine) is nearest, largest cosine first. */
  interference: { class: number; partner: number; cos: number }[];
}

export function cosineSummary(vectors: Tensor, options: { bins?: number; top?: number; tile?: number } = {}): CosineSummary {
  const [C] = vectors.shape as [number, number];
  const bins = options.bins ?? 40;
  const tile = options.tile ?? DEFAULT_TILE;
  const counts = new Array<number>(bins).fill(0);
  const best = new Float64Array(C).fill(Number.NEGATIVE_INFINITY);
  const partner = new Int32Array(C).fill(-1);
  tidy(() => {
    const norms = vectors.square().sum(1).sqrt().clamp(1e-300);
    const unit = vectors.div(norms.unsqueeze(1));
    for (let a = 0; a < C; a += tile) {
      const rowsA = Math.min(tile, C - a);
      for (let b = a; b < C; b += tile) {
        const rowsB = Math.min(tile, C - b);
        const cosines = tidy(
          () =>
            unit
              .narrow(0, a, rowsA)
              .mm(unit.narrow(0, b, rowsB).T)
              .to('cpu')
              .data() as Float64Array,
        );
        for (let i = 0; i < rowsA; i++) {
          for (let j = a === b ? i + 1 : 0; j < rowsB; j++) {
            const cos = cosines[i * rowsB + j]!;
            counts[Math.min(bins - 1, Math.max(0, Math.floor(((cos + 1) / 2) * bins)))]!++;
            if (cos > best[a + i]!) {
              best[a + i] = cos;
              partner[a + i] = b + j;
            }
            if (cos > best[b + j]!) {
              best[b + j] = cos;
              partner[b + j] = a + i;
            }
          }
        }
      }
    }
  });
  const order = Array.from({ length: C }, (_, c) => c).sort((x, y) => best[y]! - best[x]!);
  return {
    edges: Array.from({ length: bins + 1 }, (_, k) => -1 + (2 * k) / bins),
    counts,
    interference: order.slice(0, options.top ?? 10).map((c) => ({ class: c, partner: partner[c]!, cos: best[c]! })),
  };
}
