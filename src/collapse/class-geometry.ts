import { keep, type Tensor, tidy } from '../torch/index.js';
import { type ClassMeanSource } from './class-mean-accumulator.js';
import { CollapseError } from './collapse-error.js';

/**
 * What the measures need to know about the class means once the first pass is over. Every
 * quantity that is "about the means" is computed from the centred means Mt (C x p); nothing here
 * is C x C, so that C may be tens of thousands (pairwise keys go over tiles: pairwise-tiles.ts).
 * Centring first keeps a large common offset (ReLU features) from cancelling.
 */
export interface ClassGeometry {
  numClasses: number;
  /** Samples per class (all > 0). */
  counts: Float64Array;
  /** N. */
  total: number;
  /** C x p class means mu_c. */
  means: Tensor;
  /** p: mu_G, the mean of the class means. */
  globalMean: Tensor;
  /** C x p: rows mu_c - mu_G (Mt). */
  centredMeans: Tensor;
  /** |mu_c - mu_G|^2 per class (the diagonal of Mt Mt^T). */
  squaredNorms: Float64Array;
}

export function classGeometry(accumulator: ClassMeanSource): ClassGeometry {
  const numClasses = accumulator.numClasses;
  const tensors = tidy(() => {
    const means = accumulator.means();
    const globalMean = means.mean(0);
    const centredMeans = means.sub(globalMean);
    return { means: keep(means), globalMean: keep(globalMean), centredMeans: keep(centredMeans) };
  });
  const counts = accumulator.counts();
  const squaredNorms = tidy(() => tensors.centredMeans.square().sum(1).to('cpu').data() as Float64Array);
  let trace = 0;
  for (let c = 0; c < numClasses; c++) trace += squaredNorms[c]!;
  if (!(trace > 0)) {
    disposeGeometry({ ...tensors } as ClassGeometry);
    throw new CollapseError('all class means coincide: the between-class covariance is zero and no collapse measure is defined');
  }
  return { numClasses, counts, total: counts.reduce((a, b) => a + b, 0), ...tensors, squaredNorms };
}

export function disposeGeometry(geometry: ClassGeometry): void {
  geometry.means?.dispose();
  geometry.globalMean?.dispose();
  geometry.centredMeans?.dispose();
}
