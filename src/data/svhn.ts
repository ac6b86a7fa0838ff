import { join } from 'node:path';
import { DatasetError } from './dataset-error.js';
import { makeSplit, type ImageSplit } from './dataset.js';
import { matVariable, readMatFile, type MatArray } from '../io/matlab.js';
import { SVHN_CLASS_NAMES } from './class-names.js';

/**
 * SVHN "cropped digits" (format 2): `train_32x32.mat` and `test_32x32.mat`, each with `X`, a
 * 32x32x3xN uint8 array (MATLAB column-major, so X(row, col, channel, n)), and `y`, Nx1 labels
 * 1..10 where 10 stands for the digit 0. The optional `extra_32x32.mat` is not read.
 */
export const SVHN_TRAIN_FILE = 'train_32x32.mat';
export const SVHN_TEST_FILE = 'test_32x32.mat';

/** Converts SVHN's X and y variables to an N x 3 x 32 x 32 split with labels 0..9. */
export function svhnSplitFromMat(x: MatArray, y: MatArray, file: string): ImageSplit {
  const [height, width, channels, count] = [x.dims[0]!, x.dims[1]!, x.dims[2]!, x.dims[3] ?? 1];
  if (x.dims.length > 4 || x.dims.length < 3 || height !== 32 || width !== 32 || channels !== 3) {
    throw new DatasetError(file, `variable "X" has dims ${x.dims.join('x')}, expected 32x32x3xN`);
  }
  if (x.className !== 'uint8' && x.className !== 'double' && x.className !== 'single') {
    throw new DatasetError(file, `variable "X" is ${x.className}, expected uint8 pixel values`);
  }
  const labelCount = y.dims.reduce((a, b) => a * b, 1);
  if (labelCount !== count || y.dims.filter((d) => d !== 1).length > 1) {
    throw new DatasetError(
      file,
      `image and label counts differ: ${count} images in "X" (dims ${x.dims.join('x')}), ${labelCount} labels in "y" (dims ${y.dims.join('x')})`,
    );
  }
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = Number(y.data[n]!);
    if (!Number.isInteger(label) || label < 1 || label > 10) {
      throw new DatasetError(file, `label ${label} at index ${n} of "y", expected 1..10 (10 stands for the digit 0)`);
    }
    labels[n] = label === 10 ? 0 : label;
  }
  const pixels = x.data as ArrayLike<number>;
  const plane = height * width;
  const imageSize = channels * plane;
  const images = new Float32Array(count * imageSize);
  // Column-major X(r, c, ch, n) is at r + 32c + 1024ch + 3072n; we want n, ch, r, c row-major.
  for (let n = 0; n < count; n++) {
    for (let ch = 0; ch < channels; ch++) {
      const base = n * imageSize + ch * plane;
      for (let c = 0; c < width; c++) {
        const column = base + c * height;
        for (let r = 0; r < height; r++) images[base + r * width + c] = pixels[column + r]! / 255;
      }
    }
  }
  return makeSplit(images, labels, [channels, height, width]);
}

/** Reads one SVHN .mat file. */
export function readSvhnFile(path: string): ImageSplit {
  const mat = readMatFile(path);
  return svhnSplitFromMat(matVariable(mat, 'X'), matVariable(mat, 'y'), path);
}

export interface SvhnData {
  train: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  classNames: string[];
  sources: string[];
}

/** Reads `train_32x32.mat` and `test_32x32.mat` from a folder. */
export function readSvhn(folder: string): SvhnData {
  const trainPath = join(folder, SVHN_TRAIN_FILE);
  const testPath = join(folder, SVHN_TEST_FILE);
  return {
    train: readSvhnFile(trainPath),
    test: readSvhnFile(testPath),
    numClasses: 10,
    classNames: [...SVHN_CLASS_NAMES],
    sources: [trainPath, testPath],
  };
}
