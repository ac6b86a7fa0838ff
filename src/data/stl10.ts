import { join } from 'node:path';
import { DatasetError } from './dataset-error.js';
import { makeSplit, type ImageSplit } from './dataset.js';
import { readClassNames, readDataFile } from '../io/files.js';
import { STL10_CLASS_NAMES } from './class-names.js';

/**
 * STL-10 binary (`stl10_binary/`): `*_X.bin` holds 3x96x96 uint8 images, one channel plane after
 * another (R, G, B), but each plane is in column-major (Fortran) order because the files were
 * written from MATLAB; `*_y.bin` holds one label byte per image, 1..10.
 * We transpose each plane to row-major and map labels to 0..9.
 */
export const STL10_FOLDER = 'stl10_binary';
export const STL10_SIDE = 96;
export const STL10_IMAGE_BYTES = 3 * STL10_SIDE * STL10_SIDE;
export const STL10_NAMES_FILE = 'class_names.txt';

/** Converts the column-major planes of STL-10 image bytes to row-major float32 pixel/255. */
export function parseStl10Images(bytes: Uint8Array, file: string): { images: Float32Array; count: number } {
  if (bytes.length === 0 || bytes.length % STL10_IMAGE_BYTES !== 0) {
    throw new DatasetError(file, `truncated or not STL-10 images: ${bytes.length} bytes is not a whole number of ${STL10_IMAGE_BYTES}-byte images (3x96x96)`);
  }
  const count = bytes.length / STL10_IMAGE_BYTES;
  const side = STL10_SIDE;
  const plane = side * side;
  const images = new Float32Array(bytes.length);
  for (let p = 0; p < count * 3; p++) {
    const base = p * plane;
    // Stored value (row r, column c) is at c * side + r.
    for (let c = 0; c < side; c++) {
      const column = base + c * side;
      for (let r = 0; r < side; r++) images[base + r * side + c] = bytes[column + r]! / 255;
    }
  }
  return { images, count };
}

/** Maps STL-10 label bytes 1..10 to 0..9. */
export function parseStl10Labels(bytes: Uint8Array, file: string): Int32Array {
  const labels = new Int32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const label = bytes[i]!;
    if (label < 1 || label > 10) {
      throw new DatasetError(file, `label ${label} at index ${i}, expected 1..10 (STL-10 labels start at 1)`);
    }
    labels[i] = label - 1;
  }
  return labels;
}

/** Reads one STL-10 split from its image and label files. */
export function readStl10Split(imagesPath: string, labelsPath: string): ImageSplit {
  const { images, count } = parseStl10Images(readDataFile(imagesPath), imagesPath);
  const labels = parseStl10Labels(readDataFile(labelsPath), labelsPath);
  if (labels.length !== count) {
    throw new DatasetError(imagesPath, `image and label counts differ: ${count} images in ${imagesPath}, ${labels.length} labels in ${labelsPath}`);
  }
  return makeSplit(images, labels, [3, STL10_SIDE, STL10_SIDE]);
}

export interface Stl10Data {
  train: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  classNames: string[];
  sources: string[];
}

/** Reads the labelled part of `stl10_binary/` (5,000 train, 8,000 test; the unlabelled set is not read). */
export function readStl10(folder: string): Stl10Data {
  const paths = {
    trainX: join(folder, 'train_X.bin'),
    trainY: join(folder, 'train_y.bin'),
    testX: join(folder, 'test_X.bin'),
    testY: join(folder, 'test_y.bin'),
  };
  const train = readStl10Split(paths.trainX, paths.trainY);
  const test = readStl10Split(paths.testX, paths.testY);
  const classNames = readClassNames(join(folder, STL10_NAMES_FILE), STL10_CLASS_NAMES);
  return { train, test, numClasses: 10, classNames, sources: Object.values(paths) };
}
