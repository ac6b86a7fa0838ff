import { DatasetError } from './dataset-error.js';
import { imageSize, makeSplit, type ImageSplit } from './dataset.js';
import { createRandom, shuffleInPlace } from './random.js';

/** The examples at `indices`, in that order. */
export function selectExamples(split: ImageSplit, indices: ArrayLike<number>): ImageSplit {
  const size = imageSize(split.shape);
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!;
    if (!(from >= 0 && from < split.count)) throw new RangeError(`selectExamples: index ${from} outside 0..${split.count - 1}`);
    images.set(split.images.subarray(from * size, (from + 1) * size), i * size);
    labels[i] = split.labels[from]!;
  }
  return makeSplit(images, labels, split.shape);
}

function indicesByClass(split: ImageSplit, numClasses: number): number[][] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i]!;
    if (label < 0 || label >= numClasses) throw new RangeError(`example ${i} has label ${label}, outside 0..${numClasses - 1}`);
    byClass[label]!.push(i);
  }
  return byClass;
}

function classCountOf(split: ImageSplit, numClasses?: number): number {
  if (numClasses !== undefined) return numClasses;
  let max = -1;
  for (const label of split.labels) if (label > max) max = label;
  return max + 1;
}

export interface PerClassOptions {
  /** Number of classes; by default the largest label + 1. Give it so an absent class is reported. */
  numClasses?: number;
  /**
   * Without a seed, the first K examples of each class in file order (the paper's choice).
   * With a seed, K examples of each class drawn at random from that seed.
   */
  seed?: number;
  /** Names the data in the error message. */
  source?: string;
}

/**
 * A class-balanced subset with K examples of each class. The chosen examples keep their order
 * in the file (so classes stay interleaved as they were). Throws if a class has fewer than K.
 */
export function perClass(split: ImageSplit, k: number, options: PerClassOptions = {}): ImageSplit {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`perClass: K must be a positive integer, got ${k}`);
  const numClasses = classCountOf(split, options.numClasses);
  const byClass = indicesByClass(split, numClasses);
  const random = options.seed === undefined ? undefined : createRandom(options.seed);
  const chosen: number[] = [];
  byClass.forEach((indices, label) => {
    if (indices.length < k) {
      throw new DatasetError(options.source ?? 'training split', `class ${label} has ${indices.length} examples, fewer than the ${k} per class asked for`);
    }
    const picked = random ? shuffleInPlace([...indices], random).slice(0, k) : indices.slice(0, k);
    chosen.push(...picked);
  });
  chosen.sort((a, b) => a - b);
  return selectExamples(split, chosen);
}

export interface PixelStatistics {
  /** Per-pixel mean over the training set, length C*H*W. */
  mean: Float32Array;
  /** Per-pixel standard deviation (population, ddof 0), 1 where it was 0. */
  std: Float32Array;
}

/** Per-pixel mean and standard deviation over a split; constant pixels get std 1. */
export function pixelStatistics(split: ImageSplit): PixelStatistics {
  const size = imageSize(split.shape);
  const sum = new Float64Array(size);
  const sumSquares = new Float64Array(size);
  // Accumulate in float64 around a shift (the first image) so variance does not cancel badly.
  const shift = split.images.subarray(0, size);
  for (let n = 0; n < split.count; n++) {
    const base = n * size;
    for (let p = 0; p < size; p++) {
      const value = split.images[base + p]! - shift[p]!;
      sum[p]! += value;
      sumSquares[p]! += value * value;
    }
  }
  const mean = new Float32Array(size);
  const std = new Float32Array(size);
  const count = Math.max(split.count, 1);
  for (let p = 0; p < size; p++) {
    const shiftedMean = sum[p]! / count;
    const variance = Math.max(sumSquares[p]! / count - shiftedMean * shiftedMean, 0);
    const deviation = Math.sqrt(variance);
    mean[p] = shiftedMean + (split.count > 0 ? shift[p]! : 0);
    // Pixels that never vary (image borders, padding) would divide by zero; leave them centred.
    std[p] = deviation > 1e-12 ? deviation : 1;
  }
  return { mean, std };
}

/** (x - mean) / std per pixel, into a new split. */
export function applyStandardization(split: ImageSplit, stats: PixelStatistics): ImageSplit {
  const size = imageSize(split.shape);
  if (stats.mean.length !== size) {
    throw new RangeError(`applyStandardization: statistics for ${stats.mean.length} pixels, images have ${size}`);
  }
  const images = new Float32Array(split.images.length);
  for (let n = 0; n < split.count; n++) {
    const base = n * size;
    for (let p = 0; p < size; p++) images[base + p] = (split.images[base + p]! - stats.mean[p]!) / stats.std[p]!;
  }
  return makeSplit(images, split.labels.slice(), split.shape);
}

/**
 * Pixel-wise standardisation with training-set statistics, applied to both splits: the paper's
 * "standardised" inputs. The test set never contributes to the statistics.
 */
export function standardize(train: ImageSplit, test: ImageSplit): { train: ImageSplit; test: ImageSplit; stats: PixelStatistics } {
  const stats = pixelStatistics(train);
  return { train: applyStandardization(train, stats), test: applyStandardization(test, stats), stats };
}

/** Zero padding of `amount` pixels on every side of every image: pad(split, 2) turns 28x28 into 32x32. */
export function pad(split: ImageSplit, amount: number): ImageSplit {
  if (!Number.isInteger(amount) || amount < 0) throw new RangeError(`pad: amount must be a non-negative integer, got ${amount}`);
  if (amount === 0) return split;
  const [channels, height, width] = split.shape;
  const paddedHeight = height + 2 * amount;
  const paddedWidth = width + 2 * amount;
  const images = new Float32Array(split.count * channels * paddedHeight * paddedWidth);
  for (let plane = 0; plane < split.count * channels; plane++) {
    const from = plane * height * width;
    const to = plane * paddedHeight * paddedWidth;
    for (let r = 0; r < height; r++) {
      const row = split.images.subarray(from + r * width, from + (r + 1) * width);
      images.set(row, to + (r + amount) * paddedWidth + amount);
    }
  }
  return makeSplit(images, split.labels.slice(), [channels, paddedHeight, paddedWidth]);
}

export interface HoldOutOptions {
  /** Fraction of each class to hold out, in (0, 1). */
  fraction: number;
  seed?: number;
  numClasses?: number;
}

/**
 * Splits off a class-stratified held-out set (e.g. for validation): from each class a seeded
 * random `fraction` (rounded) goes to `heldOut`, the rest to `kept`; both keep file order.
 */
export function holdOut(split: ImageSplit, options: HoldOutOptions): { kept: ImageSplit; heldOut: ImageSplit } {
  const { fraction } = options;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`holdOut: fraction must be in (0, 1), got ${fraction}`);
  const random = createRandom(options.seed ?? 0);
  const byClass = indicesByClass(split, classCountOf(split, options.numClasses));
  const held = new Uint8Array(split.count);
  for (const indices of byClass) {
    const take = Math.round(indices.length * fraction);
    for (const index of shuffleInPlace([...indices], random).slice(0, take)) held[index] = 1;
  }
  const kept: number[] = [];
  const heldOut: number[] = [];
  for (let i = 0; i < split.count; i++) (held[i] ? heldOut : kept).push(i);
  return { kept: selectExamples(split, kept), heldOut: selectExamples(split, heldOut) };
}
