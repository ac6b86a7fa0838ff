import { keep, type Tensor, tidy } from '../torch/index.js';
import { type ClassMeanSource } from './class-mean-accumulator.js';
import { CollapseError } from './errors.js';

/**
 * What the measures need to know about the class means once the first pass is over. Every
 * quantity that is "about the means" is computed from the centred means Mt and their C x C Gram
 * matrix, never from a p x p matrix: Sigma_B = Mt^T Mt / C has the same nonzero eigenvalues as
 * Mt Mt^T / C, and centring first keeps a large common offset (ReLU features) from cancelling.
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
  /** C x C: Mt Mt^T. */
  gram: Tensor;
  /** The Gram matrix in JavaScript, row-major. */
  gramValues: Float64Array;
}

export function classGeometry(accumulator: ClassMeanSource): ClassGeometry {
  const numClasses = accumulator.numClasses;
  const tensors = tidy(() => {
    const means = accumulator.means();
    const globalMean = means.mean(0);
    const centredMeans = means.sub(globalMean);
    const gram = centredMeans.mm(centredMeans.T);
    return { means: keep(means), globalMean: keep(globalMean), centredMeans: keep(centredMeans), gram: keep(gram) };
  });
  const counts = accumulator.counts();
  const gramValues = tidy(() => tensors.gram.to('cpu').data() as Float64Array);
  let trace = 0;
  for (let c = 0; c < numClasses; c++) trace += gramValues[c * numClasses + c]!;
  if (!(trace > 0)) {
    disposeGeometry({ ...tensors } as ClassGeometry);
    throw new CollapseError('all class means coincide: the between-class covariance is zero and no collapse measure is defined');
  }
  return { numClasses, counts, total: counts.reduce((a, b) => a + b, 0), ...tensors, gramValues };
}

export function disposeGeometry(geometry: ClassGeometry): void {
  geometry.means?.dispose();
  geometry.globalMean?.dispose();
  geometry.centredMeans?.dispose();
  geometry.gram?.dispose();
}

/** |mu_a - mu_b|^2 for every pair, from the Gram matrix of the centred means (diagonal exactly 0). */
export function squaredMeanDistances(gram: Float64Array, numClasses: number): Float64Array {
  const C = numClasses;
  const distances = new Float64Array(C * C);
  for (let a = 0; a < C; a++) {
    for (let b = 0; b < C; b++) {
      if (a !== b) distances[a * C + b] = gram[a * C + a]! + gram[b * C + b]! - 2 * gram[a * C + b]!;
    }
  }
  return distances;
}
