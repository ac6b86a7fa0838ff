import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../src/data/dataset-error.js';
import { readSvhn, readSvhnFile } from '../../src/data/svhn.js';
import { loadDataset } from '../../src/data/registry.js';
import { mi, mx, writeMat, type MatVariableSpec } from '../io/mat-writer.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The value of image n, channel ch, row r, column c; changes when r and c are swapped. */
const value = (n: number, ch: number, r: number, c: number) => (n * 17 + ch * 83 + r * 3 + c * 7) % 256;

/** SVHN's X: 32x32x3xN uint8, MATLAB column-major, so X(r, c, ch, n) is at r + 32c + 1024ch + 3072n. */
function svhnX(count: number): MatVariableSpec {
  const values = new Uint8Array(3072 * count);
  for (let n = 0; n < count; n++)
    for (let ch = 0; ch < 3; ch++) for (let c = 0; c < 32; c++) for (let r = 0; r < 32; r++) values[r + 32 * c + 1024 * ch + 3072 * n] = value(n, ch, r, c);
  return { name: 'X', classCode: mx.UINT8, dims: [32, 32, 3, count], storage: mi.UINT8, values };
}

/** SVHN's y: Nx1 double (MATLAB stores it as miUINT8), 10 meaning the digit 0. */
function svhnY(labels: number[]): MatVariableSpec {
  return { name: 'y', classCode: mx.DOUBLE, dims: [labels.length, 1], storage: mi.UINT8, values: labels };
}

function at(images: Float32Array, n: number, ch: number, r: number, c: number): number {
  return images[n * 3072 + ch * 1024 + r * 32 + c]!;
}

test('SVHN: X becomes N x 3 x 32 x 32 and label 10 becomes 0', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train_32x32.mat'), writeMat([svhnX(3), svhnY([10, 1, 9])], { compress: true }));
  writeFileSync(join(dir, 'test_32x32.mat'), writeMat([svhnX(2), svhnY([5, 10])]));

  const data = readSvhn(dir);
  assert.equal(data.train.count, 3);
  assert.deepEqual(data.train.shape, [3, 32, 32]);
  assert.deepEqual([...data.train.labels], [0, 1, 9]);
  assert.deepEqual([...data.test.labels], [5, 0]);
  assert.equal(data.classNames[0], '0');
  for (const [n, ch, r, c] of [
    [0, 0, 0, 1],
    [0, 0, 1, 0],
    [1, 2, 31, 0],
    [2, 1, 4, 29],
    [2, 2, 29, 4],
  ] as const) {
    assert.equal(at(data.train.images, n, ch, r, c), Math.fround(value(n, ch, r, c) / 255), `(${n}, ${ch}, ${r}, ${c})`);
  }
  assert.equal(at(data.test.images, 1, 0, 12, 20), Math.fround(value(1, 0, 12, 20) / 255));
});

test('SVHN through loadDataset, with and without standardisation', () => {
  const dir = tempDir();
  // Labels 10, 1, 10, 1, 2, ..., 9: digit 0 and 1 twice, every other digit once.
  const labels = [10, 1, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  writeFileSync(join(dir, 'train_32x32.mat'), writeMat([svhnX(labels.length), svhnY(labels)], { compress: true }));
  writeFileSync(join(dir, 'test_32x32.mat'), writeMat([svhnX(2), svhnY([1, 10])], { compress: true }));
  const raw = loadDataset('svhn', { dataDir: dir, standardize: false });
  assert.deepEqual([...raw.train.labels], [0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(at(raw.train.images, 3, 2, 5, 6), Math.fround(value(3, 2, 5, 6) / 255));
  // One per class: the first 0 and the first 1 (images 0 and 1), then images 4..11.
  const balanced = loadDataset('svhn', { dataDir: dir, perClass: 1, standardize: false });
  assert.deepEqual([...balanced.train.labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(at(balanced.train.images, 2, 1, 7, 8), Math.fround(value(4, 1, 7, 8) / 255));
  const standardized = loadDataset('svhn', { dataDir: dir });
  assert.ok(standardized.standardization);
  assert.equal(standardized.test.count, 2);
});

test('SVHN errors: label outside 1..10, counts that differ, missing variable, missing file', () => {
  const dir = tempDir();
  const path = join(dir, 'bad.mat');
  writeFileSync(path, writeMat([svhnX(2), svhnY([0, 3])]));
  assert.throws(
    () => readSvhnFile(path),
    (error: unknown) => error instanceof DatasetError && error.message === `${path}: label 0 at index 0 of "y", expected 1..10 (10 stands for the digit 0)`,
  );

  writeFileSync(path, writeMat([svhnX(2), svhnY([1, 2, 3])]));
  assert.throws(() => readSvhnFile(path), /image and label counts differ: 2 images in "X" \(dims 32x32x3x2\), 3 labels in "y" \(dims 3x1\)/);

  writeFileSync(path, writeMat([svhnY([1, 2, 3])]));
  assert.throws(() => readSvhnFile(path), /bad\.mat: no variable "X"; the file has "y"/);

  assert.throws(
    () => loadDataset('svhn', { dataDir: dir }),
    (error: unknown) =>
      error instanceof DatasetError && error.message.includes(join(dir, 'svhn', 'train_32x32.mat')) && error.message.includes(join(dir, 'train_32x32.mat')),
  );
});
