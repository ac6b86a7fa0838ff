import { sampleStd } from './statistics.js';

/** equiangular_means / equiangular_classifier: the std of the pairwise cosines (NC2: all angles equal). */
export function equiangular(pairCosines: ArrayLike<number>): number {
  return sampleStd(pairCosines);
}
