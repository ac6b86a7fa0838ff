import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetError } from '../../src/data/dataset-error.js';
import { readIdxImages, readIdxLabels } from '../../src/io/idx.js';
import { readIdxSplit } from '../../src/data/idx-split.js';
import { readEmnist } from '../../src/data/emnist.js';
import { concatBytes, tempDir, uint32BE } from '../helpers/temp-dir.js';

/** IDX images as published: magic 0x00000803, count, rows, cols (big-endian), then the pixels. */
function idxImages(count: number, rows: number, cols: number, pixel: (n: number, r: number, c: number) => number): Uint8Array {
  const pixels = new Uint8Array(count * rows * cols);
  for (let n = 0; n < count; n++) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) pixels[(n * rows + r) * cols + c] = pixel(n, r, c);
  return concatBytes(uint32BE(0x00000803, count, rows, cols), pixels);
}

function idxLabels(labels: number[]): Uint8Array {
  return concatBytes(uint32BE(0x00000801, labels.length), Uint8Array.from(labels));
}

const pixelValue = (n: number, r: number, c: number) => (n * 50 + r * 10 + c) % 256;

test('reads gzipped IDX images and labels with values at known positions', () => {
  const dir = tempDir();
  const images = join(dir, 'train-images-idx3-ubyte.gz');
  const labels = join(dir, 'train-labels-idx1-ubyte.gz');
  writeFileSync(images, gzipSync(idxImages(3, 4, 5, pixelValue)));
  writeFileSync(labels, gzipSync(idxLabels([7, 0, 9])));

  const raw = readIdxImages(images);
  assert.deepEqual([raw.count, raw.rows, raw.cols], [3, 4, 5]);
  assert.equal(raw.pixels[(2 * 4 + 3) * 5 + 1], pixelValue(2, 3, 1));
  assert.deepEqual([...readIdxLabels(labels)], [7, 0, 9]);

  const split = readIdxSplit(images, labels);
  assert.equal(split.count, 3);
  assert.deepEqual(split.shape, [1, 4, 5]);
  assert.deepEqual([...split.labels], [7, 0, 9]);
  // image 1, row 2, column 3 -> 50 + 20 + 3 = 73
  assert.equal(split.images[1 * 20 + 2 * 5 + 3], Math.fround(73 / 255));
  assert.equal(split.images[2 * 20 + 3 * 5 + 4], Math.fround(pixelValue(2, 3, 4) / 255));
});

test('reads raw (not gzipped) IDX files', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'imgs'),
    idxImages(2, 2, 2, () => 255),
  );
  writeFileSync(join(dir, 'lbls'), idxLabels([1, 2]));
  const split = readIdxSplit(join(dir, 'imgs'), join(dir, 'lbls'));
  assert.deepEqual([...split.images], [1, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual([...split.labels], [1, 2]);
});

test('a label file where images are expected is reported by its magic number', () => {
  const dir = tempDir();
  const path = join(dir, 'train-images-idx3-ubyte.gz');
  writeFileSync(path, gzipSync(idxLabels([1, 2, 3])));
  assert.throws(
    () => readIdxImages(path),
    (error: unknown) =>
      error instanceof DatasetError &&
      error.message.startsWith(path) &&
      error.message.includes('magic number 2049') &&
      error.message.includes('expected 2051 (IDX unsigned-byte images)'),
  );
});

test('a file that is not IDX at all is reported as such', () => {
  const dir = tempDir();
  const path = join(dir, 'labels');
  writeFileSync(path, Buffer.from('hello world, not idx'));
  assert.throws(() => readIdxLabels(path), /labels: magic number \d+ \(not an IDX file\), expected 2049 \(IDX unsigned-byte labels\)/);
});

test('a truncated image file says what the header promised and what is there', () => {
  const dir = tempDir();
  const path = join(dir, 'train-images-idx3-ubyte');
  const header = uint32BE(0x00000803, 60000, 28, 28);
  writeFileSync(path, concatBytes(header, new Uint8Array(1000 - header.length)));
  assert.throws(
    () => readIdxImages(path),
    (error: unknown) =>
      error instanceof DatasetError && error.message === `${path}: truncated: header says 60000 images of 28x28 (47040016 bytes) but the file has 1000 bytes`,
  );
});

test('a truncated gzip stream is reported as corrupt gzip data', () => {
  const dir = tempDir();
  const path = join(dir, 't10k-labels-idx1-ubyte.gz');
  const gz = gzipSync(idxLabels(Array.from({ length: 500 }, (_, i) => i % 10)));
  writeFileSync(path, gz.subarray(0, gz.length - 20));
  assert.throws(
    () => readIdxLabels(path),
    (error: unknown) => error instanceof DatasetError && error.message.startsWith(`${path}: corrupt gzip data`),
  );
});

test('image and label counts that differ name both files', () => {
  const dir = tempDir();
  const images = join(dir, 'x-images');
  const labels = join(dir, 'y-labels');
  writeFileSync(
    images,
    idxImages(3, 2, 2, () => 0),
  );
  writeFileSync(labels, idxLabels([1, 2]));
  assert.throws(
    () => readIdxSplit(images, labels),
    (error: unknown) => error instanceof DatasetError && error.message.includes(`image and label counts differ: 3 images in ${images}, 2 labels in ${labels}`),
  );
});

test('a missing file is named', () => {
  const path = join(tempDir(), 'nothing-here-idx3-ubyte.gz');
  assert.throws(
    () => readIdxImages(path),
    (error: unknown) => error instanceof DatasetError && error.message === `${path}: file not found`,
  );
});

test('EMNIST images are transposed upright, letters shifted to 0..25, names from the mapping file', () => {
  const dir = tempDir();
  // Stored transposed: stored (r, c) is the upright pixel (c, r). Rows 2, cols 3 stored -> 3x2 upright.
  writeFileSync(join(dir, 'emnist-letters-train-images-idx3-ubyte.gz'), gzipSync(idxImages(2, 2, 3, pixelValue)));
  writeFileSync(join(dir, 'emnist-letters-train-labels-idx1-ubyte.gz'), gzipSync(idxLabels([1, 26])));
  writeFileSync(join(dir, 'emnist-letters-test-images-idx3-ubyte'), idxImages(1, 2, 3, pixelValue));
  writeFileSync(join(dir, 'emnist-letters-test-labels-idx1-ubyte'), idxLabels([2]));
  const mapping = Array.from({ length: 26 }, (_, i) => `${i + 1} ${65 + i} ${97 + i}`).join('\n');
  writeFileSync(join(dir, 'emnist-letters-mapping.txt'), `${mapping}\n`);

  const data = readEmnist(dir, 'letters');
  assert.deepEqual(data.train.shape, [1, 3, 2]);
  assert.deepEqual([...data.train.labels], [0, 25]);
  assert.deepEqual([...data.test.labels], [1]);
  assert.equal(data.numClasses, 26);
  assert.equal(data.classNames[0], 'A/a');
  assert.equal(data.classNames[25], 'Z/z');
  // upright (row 2, col 1) of image 1 = stored (row 1, col 2) = 50 + 10 + 2
  assert.equal(data.train.images[6 + 2 * 2 + 1], Math.fround(62 / 255));
  assert.equal(data.train.images[0 * 6 + 0 * 2 + 1], Math.fround(pixelValue(0, 1, 0) / 255));
});

test('EMNIST names the files it expects when they are missing', () => {
  const dir = tempDir();
  assert.throws(
    () => readEmnist(dir, 'balanced'),
    (error: unknown) =>
      error instanceof DatasetError &&
      error.message.includes(join(dir, 'emnist-balanced-train-images-idx3-ubyte.gz')) &&
      error.message.includes('emnist-balanced-test-labels-idx1-ubyte'),
  );
});
