import { DatasetError } from './dataset-error.js';
import { makeSplit, type ImageSplit } from './dataset.js';
import { readIdxImages, readIdxLabels } from '../io/idx.js';

export interface IdxSplitOptions {
  /** Swap rows and columns of every image (EMNIST stores its images transposed). */
  transpose?: boolean;
  /** Added to every label (EMNIST letters are labelled 1..26). */
  labelOffset?: number;
}

/** Reads an image file and its label file into a split of shape [1, rows, cols]. */
export function readIdxSplit(imagesPath: string, labelsPath: string, options: IdxSplitOptions = {}): ImageSplit {
  const images = readIdxImages(imagesPath);
  const labelBytes = readIdxLabels(labelsPath);
  if (images.count !== labelBytes.length) {
    throw new DatasetError(imagesPath, `image and label counts differ: ${images.count} images in ${imagesPath}, ${labelBytes.length} labels in ${labelsPath}`);
  }
  const { count, rows, cols, pixels } = images;
  const size = rows * cols;
  const out = new Float32Array(count * size);
  if (options.transpose) {
    for (let n = 0; n < count; n++) {
      const base = n * size;
      for (let r = 0; r < cols; r++) {
        for (let c = 0; c < rows; c++) out[base + r * rows + c] = pixels[base + c * cols + r]! / 255;
      }
    }
  } else {
    for (let i = 0; i < out.length; i++) out[i] = pixels[i]! / 255;
  }
  const offset = options.labelOffset ?? 0;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = labelBytes[i]! + offset;
  const shape: [number, number, number] = options.transpose ? [1, cols, rows] : [1, rows, cols];
  return makeSplit(out, labels, shape);
}
