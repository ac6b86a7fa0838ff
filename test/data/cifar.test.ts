import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../src/data/dataset-error.js';
import { parseCifarRecords, readCifar10, readCifar100, CIFAR10_LAYOUT } from '../../src/data/cifar.js';
import { CIFAR100_FINE_CLASS_NAMES } from '../../src/data/class-names.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A distinct byte for every (record, channel, row, column) of a small test file. */
const pixel = (n: number, ch: number, r: number, c: number) => (n * 31 + ch * 101 + r * 7 + c * 3) % 256;

/** Records exactly as published: label byte(s), then 1024 R, 1024 G, 1024 B bytes, each plane row-major. */
function cifarRecords(labels: number[][], first = 0): Uint8Array {
  const labelBytes = labels[0]!.length;
  const recordBytes = labelBytes + 3072;
  const out = new Uint8Array(labels.length * recordBytes);
  labels.forEach((label, i) => {
    const at = i * recordBytes;
    out.set(label, at);
    for (let ch = 0; ch < 3; ch++)
      for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) out[at + labelBytes + ch * 1024 + r * 32 + c] = pixel(first + i, ch, r, c);
  });
  return out;
}

function expectPixel(images: Float32Array, n: number, ch: number, r: number, c: number, stored: number) {
  assert.equal(images[n * 3072 + ch * 1024 + r * 32 + c], Math.fround(stored / 255), `pixel (${n}, ${ch}, ${r}, ${c})`);
}

test('CIFAR-10: five training batches in order, the test batch, names from batches.meta.txt', () => {
  const dir = join(tempDir(), 'cifar-10-batches-bin');
  mkdirSync(dir);
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), cifarRecords([[b], [9]], 2 * (b - 1)));
  writeFileSync(join(dir, 'test_batch.bin'), cifarRecords([[3]], 100));
  const names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  writeFileSync(join(dir, 'batches.meta.txt'), `${names.join('\n')}\n\n`);

  const data = readCifar10(dir);
  assert.equal(data.train.count, 10);
  assert.equal(data.test.count, 1);
  assert.deepEqual(data.train.shape, [3, 32, 32]);
  assert.deepEqual([...data.train.labels], [1, 9, 2, 9, 3, 9, 4, 9, 5, 9]);
  assert.deepEqual([...data.test.labels], [3]);
  assert.deepEqual(data.classNames, names);
  // Record 4 is the first of batch 3; red, green and blue planes go to channels 0, 1, 2.
  expectPixel(data.train.images, 4, 0, 0, 0, pixel(4, 0, 0, 0));
  expectPixel(data.train.images, 4, 1, 5, 17, pixel(4, 1, 5, 17));
  expectPixel(data.train.images, 9, 2, 31, 30, pixel(9, 2, 31, 30));
  expectPixel(data.test.images, 0, 2, 1, 2, pixel(100, 2, 1, 2));
});

test('CIFAR-100: fine labels by default, coarse on request', () => {
  const dir = tempDir();
  // [coarse, fine]
  writeFileSync(
    join(dir, 'train.bin'),
    cifarRecords([
      [4, 99],
      [19, 0],
      [0, 57],
    ]),
  );
  writeFileSync(join(dir, 'test.bin'), cifarRecords([[7, 12]], 50));

  const fine = readCifar100(dir);
  assert.equal(fine.numClasses, 100);
  assert.deepEqual([...fine.train.labels], [99, 0, 57]);
  assert.deepEqual([...fine.test.labels], [12]);
  assert.deepEqual(fine.classNames, CIFAR100_FINE_CLASS_NAMES); // no names file: the built-in list
  assert.equal(fine.classNames[99], 'worm');
  expectPixel(fine.train.images, 2, 1, 10, 20, pixel(2, 1, 10, 20));
  expectPixel(fine.test.images, 0, 0, 31, 31, pixel(50, 0, 31, 31));

  const coarse = readCifar100(dir, 'coarse');
  assert.equal(coarse.numClasses, 20);
  assert.deepEqual([...coarse.train.labels], [4, 19, 0]);
  assert.equal(coarse.classNames[19], 'vehicles_2');
});

test('CIFAR-100 names come from fine_label_names.txt when it is there', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train.bin'), cifarRecords([[0, 1]]));
  writeFileSync(join(dir, 'test.bin'), cifarRecords([[0, 1]]));
  const names = Array.from({ length: 100 }, (_, i) => `name${i}`);
  writeFileSync(join(dir, 'fine_label_names.txt'), names.join('\n'));
  assert.deepEqual(readCifar100(dir).classNames, names);
  writeFileSync(join(dir, 'fine_label_names.txt'), names.slice(0, 10).join('\n'));
  assert.throws(() => readCifar100(dir), /fine_label_names\.txt: 10 class names, expected 100/);
});

test('a truncated CIFAR file says how its size fails to divide into records', () => {
  const bytes = cifarRecords([[1], [2]]).subarray(0, 3073 + 1000);
  assert.throws(
    () => parseCifarRecords(bytes, 'data_batch_1.bin', CIFAR10_LAYOUT),
    (error: unknown) =>
      error instanceof DatasetError &&
      error.message.startsWith('data_batch_1.bin: truncated') &&
      error.message.includes('4073 bytes is not a whole number of 3073-byte records') &&
      error.message.includes('1 whole records and 1000 bytes left over'),
  );
});

test('a label outside 0..9 in a CIFAR-10 file is reported with its record', () => {
  const records = cifarRecords([[9], [10]]);
  assert.throws(
    () => parseCifarRecords(records, 'test_batch.bin', CIFAR10_LAYOUT),
    (error: unknown) => error instanceof DatasetError && error.message.startsWith('test_batch.bin: record 1 has label 10, expected 0..9'),
  );
});

test('a missing CIFAR batch names the file', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'data_batch_1.bin'), cifarRecords([[1]]));
  assert.throws(
    () => readCifar10(dir),
    (error: unknown) => error instanceof DatasetError && error.message === `${join(dir, 'data_batch_2.bin')}: file not found`,
  );
});
