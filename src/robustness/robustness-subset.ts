import { createRandom, shuffleInPlace } from '../data/random.js';

/**
 * The fixed random subset of a split that DeepFool attacks: the first k of a seeded shuffle, in
 * index order. A JS generator, not libtorch's, so that measuring never moves the training's
 * random stream, and the same run seed gives the same images at every epoch and in
 * `ncollapse robustness` afterwards.
 */
export function robustnessSubset(count: number, k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`robustness subset: k must be a positive integer, got ${k}`);
  const order = shuffleInPlace(
    Array.from({ length: count }, (_, i) => i),
    createRandom(seed ^ 0x0dee_f001),
  );
  return order.slice(0, Math.min(k, count)).sort((a, b) => a - b);
}
