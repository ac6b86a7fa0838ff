import { makeSplit, type ImageDataset, type ImageSplit } from './dataset.js';
import { createRandom, type Random } from './random.js';
import { DatasetError } from './dataset-error.js';

/**
 * A seeded synthetic mixture of Gaussians, for fast experiments and tests without files.
 * Class c has mean `separation * u_c`, u_c a random unit vector in R^d (drawn from the seed), and
 * samples are mean + `noise` * N(0, I). So `separation` is the distance of every class mean from
 * the origin, and the ratio separation/noise sets how hard the problem is. Samples are
 * interleaved by class (example i has class i mod C), as a shuffled real dataset would be.
 * Values are not pixels: they are not in [0, 1].
 */
export interface GaussianMixtureOptions {
  classes?: number;
  dimension?: number;
  separation?: number;
  noise?: number;
  trainPerClass?: number;
  testPerClass?: number;
  seed?: number;
}

export const GAUSSIAN_DEFAULTS: Required<GaussianMixtureOptions> = {
  classes: 10,
  dimension: 32,
  separation: 3,
  noise: 1,
  trainPerClass: 500,
  testPerClass: 100,
  seed: 0,
};

export function gaussianMixture(options: GaussianMixtureOptions = {}): ImageDataset {
  const settings = { ...GAUSSIAN_DEFAULTS, ...options };
  const { classes, dimension, separation, noise, trainPerClass, testPerClass, seed } = settings;
  for (const [key, value] of Object.entries({ classes, dimension, trainPerClass, testPerClass })) {
    if (!Number.isInteger(value) || value < 1) throw new DatasetError('gaussian', `${key} must be a positive integer, got ${value}`);
  }
  if (!(noise >= 0) || !(separation >= 0)) {
    throw new DatasetError('gaussian', `separation and noise must be non-negative, got ${separation} and ${noise}`);
  }
  const random = createRandom(seed);
  const means = new Float64Array(classes * dimension);
  for (let c = 0; c < classes; c++) {
    let norm = 0;
    for (let j = 0; j < dimension; j++) {
      const value = random.normal();
      means[c * dimension + j] = value;
      norm += value * value;
    }
    const scale = separation / Math.sqrt(norm);
    for (let j = 0; j < dimension; j++) means[c * dimension + j]! *= scale;
  }
  // Train is drawn before test from the one stream, so changing testPerClass leaves train as it is.
  const train = sampleSplit(means, classes, dimension, trainPerClass, noise, random);
  const test = sampleSplit(means, classes, dimension, testPerClass, noise, random);
  return {
    name: 'gaussian',
    train,
    test,
    numClasses: classes,
    classNames: Array.from({ length: classes }, (_, c) => `class ${c}`),
    sources: [],
  };
}

function sampleSplit(means: Float64Array, classes: number, dimension: number, perClass: number, noise: number, random: Random): ImageSplit {
  const count = classes * perClass;
  const images = new Float32Array(count * dimension);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    for (let j = 0; j < dimension; j++) {
      images[i * dimension + j] = means[label * dimension + j]! + noise * random.normal();
    }
  }
  return makeSplit(images, labels, [dimension, 1, 1]);
}
