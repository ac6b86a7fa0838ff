import { join } from 'node:path';
import { DatasetError } from './dataset-error.js';
import { makeSplit, type ImageSplit } from './dataset.js';
import { readClassNames, readDataFile } from '../io/files.js';
import { CIFAR10_CLASS_NAMES, CIFAR100_COARSE_CLASS_NAMES, CIFAR100_FINE_CLASS_NAMES } from './class-names.js';

/**
 * The CIFAR "binary version": fixed-size records, each the label byte(s) followed by 3072 pixel
 * bytes, the 1024 red values (32x32 row-major) then green then blue. That is already C x H x W,
 * so the pixels need no reordering.
 */
export const CIFAR_IMAGE_BYTES = 3 * 32 * 32;
const CIFAR_SHAPE: [number, number, number] = [3, 32, 32];

export const CIFAR10_FOLDER = 'cifar-10-batches-bin';
export const CIFAR10_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_NAMES_FILE = 'batches.meta.txt';

export const CIFAR100_FOLDER = 'cifar-100-binary';
export const CIFAR100_TRAIN_FILE = 'train.bin';
export const CIFAR100_TEST_FILE = 'test.bin';
export const CIFAR100_FINE_NAMES_FILE = 'fine_label_names.txt';
export const CIFAR100_COARSE_NAMES_FILE = 'coarse_label_names.txt';

export interface CifarRecordLayout {
  /** Label bytes before the pixels of each record: 1 for CIFAR-10, 2 for CIFAR-100. */
  labelBytes: number;
  /** Which of those bytes is the label to keep (CIFAR-100: 0 coarse, 1 fine). */
  labelIndex: number;
  numClasses: number;
}

export const CIFAR10_LAYOUT: CifarRecordLayout = { labelBytes: 1, labelIndex: 0, numClasses: 10 };
export const CIFAR100_FINE_LAYOUT: CifarRecordLayout = { labelBytes: 2, labelIndex: 1, numClasses: 100 };
export const CIFAR100_COARSE_LAYOUT: CifarRecordLayout = { labelBytes: 2, labelIndex: 0, numClasses: 20 };

/** Parses the records of one CIFAR binary file. `file` is only used in messages. */
export function parseCifarRecords(bytes: Uint8Array, file: string, layout: CifarRecordLayout): ImageSplit {
  const recordBytes = layout.labelBytes + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % recordBytes !== 0) {
    const whole = Math.floor(bytes.length / recordBytes);
    throw new DatasetError(
      file,
      `truncated or not a CIFAR binary file: ${bytes.length} bytes is not a whole number of ${recordBytes}-byte records ` +
        `(${layout.labelBytes} label byte${layout.labelBytes === 1 ? '' : 's'} + ${CIFAR_IMAGE_BYTES} pixel bytes; ` +
        `${whole} whole records and ${bytes.length - whole * recordBytes} bytes left over)`,
    );
  }
  const count = bytes.length / recordBytes;
  const images = new Float32Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const record = n * recordBytes;
    const label = bytes[record + layout.labelIndex]!;
    if (label >= layout.numClasses) {
      throw new DatasetError(file, `record ${n} has label ${label}, expected 0..${layout.numClasses - 1} (is this the right CIFAR variant?)`);
    }
    labels[n] = label;
    const pixels = record + layout.labelBytes;
    const out = n * CIFAR_IMAGE_BYTES;
    for (let i = 0; i < CIFAR_IMAGE_BYTES; i++) images[out + i] = bytes[pixels + i]! / 255;
  }
  return makeSplit(images, labels, CIFAR_SHAPE);
}

/** Reads one or more CIFAR binary files into one split, in the order given. */
export function readCifarFiles(paths: string[], layout: CifarRecordLayout): ImageSplit {
  const parts = paths.map((path) => parseCifarRecords(readDataFile(path), path, layout));
  return concatSplits(parts);
}

function concatSplits(parts: ImageSplit[]): ImageSplit {
  if (parts.length === 1) return parts[0]!;
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const images = new Float32Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  let at = 0;
  for (const part of parts) {
    images.set(part.images, at * CIFAR_IMAGE_BYTES);
    labels.set(part.labels, at);
    at += part.count;
  }
  return makeSplit(images, labels, CIFAR_SHAPE);
}

export interface CifarData {
  train: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  classNames: string[];
  sources: string[];
}

/** Reads `cifar-10-batches-bin/`: the five training batches in order, then the test batch. */
export function readCifar10(folder: string): CifarData {
  const trainPaths = CIFAR10_TRAIN_FILES.map((name) => join(folder, name));
  const testPath = join(folder, CIFAR10_TEST_FILE);
  const train = readCifarFiles(trainPaths, CIFAR10_LAYOUT);
  const test = readCifarFiles([testPath], CIFAR10_LAYOUT);
  const classNames = readClassNames(join(folder, CIFAR10_NAMES_FILE), CIFAR10_CLASS_NAMES);
  return { train, test, numClasses: 10, classNames, sources: [...trainPaths, testPath] };
}

export type Cifar100Labels = 'fine' | 'coarse';

/** Reads `cifar-100-binary/` with the fine labels (100 classes) or the coarse ones (20). */
export function readCifar100(folder: string, labels: Cifar100Labels = 'fine'): CifarData {
  const layout = labels === 'fine' ? CIFAR100_FINE_LAYOUT : CIFAR100_COARSE_LAYOUT;
  const trainPath = join(folder, CIFAR100_TRAIN_FILE);
  const testPath = join(folder, CIFAR100_TEST_FILE);
  const train = readCifarFiles([trainPath], layout);
  const test = readCifarFiles([testPath], layout);
  const classNames =
    labels === 'fine'
      ? readClassNames(join(folder, CIFAR100_FINE_NAMES_FILE), CIFAR100_FINE_CLASS_NAMES)
      : readClassNames(join(folder, CIFAR100_COARSE_NAMES_FILE), CIFAR100_COARSE_CLASS_NAMES);
  return { train, test, numClasses: layout.numClasses, classNames, sources: [trainPath, testPath] };
}
