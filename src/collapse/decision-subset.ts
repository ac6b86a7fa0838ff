import { CollapseError } from './collapse-error.js';

/**
 * The fixed subset of samples whose decisions are measured (METRICS.md "Many classes",
 * decision_samples): `size` distinct indices of 0..total-1, sorted, drawn by Floyd's algorithm
 * from a seeded generator (mulberry32), so that the same seed and N give the same subset on
 * every run and in both passes. Undefined when the subset would be every sample.
 */
export function decisionSubset(total: number, size: number | undefined, seed = 0): Float64Array | undefined {
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || size < 1) throw new CollapseError(`decision samples must be a positive integer, got ${size}`);
  if (size >= total) return undefined;
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const chosen = new Set<number>();
  for (let j = total - size; j < total; j++) {
    const pick = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(pick) ? j : pick);
  }
  return Float64Array.from(chosen).sort();
}
