import { DatasetError } from './dataset-error.js';

/** Channels, height, width of one image. */
export type ImageShape = [number, number, number];

/**
 * One split of an image dataset as plain typed arrays. `images` is N x C x H x W (channel-first,
 * as PyTorch), float32; straight from a reader the values are pixel/255 in [0, 1].
 */
export interface ImageSplit {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  shape: ImageShape;
}

export interface ImageDataset {
  name: string;
  train: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  classNames: string[];
  /** The per-pixel training statistics used when the dataset was standardised. */
  standardization?: { mean: Float32Array; std: Float32Array };
  /** The files the dataset was read from (empty for synthetic data). */
  sources?: string[];
  /** With --imbalance: the training examples kept of each class, and the minority classes. */
  imbalance?: { counts: number[]; minority: number[] };
}

export function imageSize(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/** Builds a split, checking that the arrays agree with the count and shape. */
export function makeSplit(images: Float32Array, labels: Int32Array, shape: ImageShape): ImageSplit {
  const count = labels.length;
  const size = imageSize(shape);
  if (images.length !== count * size) {
    throw new DatasetError('split', `${images.length} pixel values for ${count} labels of shape ${shape.join('x')}, expected ${count * size}`);
  }
  return { images, labels, count, shape: [shape[0], shape[1], shape[2]] };
}

/** Checks that every label lies in 0..numClasses-1; `file` names where they came from. */
export function checkLabels(labels: Int32Array, numClasses: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= numClasses) {
      throw new DatasetError(file, `label ${label} at index ${i}, expected 0..${numClasses - 1}`);
    }
  }
}

/** Number of examples of each class. */
export function classCounts(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/** Converts bytes 0..255 to float32 pixel/255. */
export function bytesToUnitFloats(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
  return out;
}
