import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../src/data/dataset-error.js';
import { readStl10, readStl10Split } from '../../src/data/stl10.js';
import { tempDir } from '../helpers/temp-dir.js';

const SIDE = 96;
const IMAGE = 3 * SIDE * SIDE;
/** The upright value of image n, channel ch, row r, column c; differs when r and c are swapped. */
const value = (n: number, ch: number, r: number, c: number) => (n * 13 + ch * 71 + r * 5 + c * 2) % 256;

/** STL-10 image bytes as published: per image, R G B planes, each plane column-major. */
function stl10Images(count: number): Uint8Array {
  const out = new Uint8Array(count * IMAGE);
  for (let n = 0; n < count; n++)
    for (let ch = 0; ch < 3; ch++)
      for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) out[n * IMAGE + ch * SIDE * SIDE + c * SIDE + r] = value(n, ch, r, c);
  return out;
}

function at(images: Float32Array, n: number, ch: number, r: number, c: number): number {
  return images[n * IMAGE + ch * SIDE * SIDE + r * SIDE + c]!;
}

test('STL-10 planes are transposed to row-major and labels 1..10 become 0..9', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train_X.bin'), stl10Images(2));
  writeFileSync(join(dir, 'train_y.bin'), Uint8Array.from([1, 10]));
  writeFileSync(join(dir, 'test_X.bin'), stl10Images(3));
  writeFileSync(join(dir, 'test_y.bin'), Uint8Array.from([5, 2, 7]));

  const data = readStl10(dir);
  assert.deepEqual(data.train.shape, [3, 96, 96]);
  assert.deepEqual([...data.train.labels], [0, 9]);
  assert.deepEqual([...data.test.labels], [4, 1, 6]);
  assert.equal(data.classNames[0], 'airplane');
  assert.equal(data.classNames[9], 'truck');
  for (const [n, ch, r, c] of [
    [0, 0, 0, 1],
    [0, 0, 1, 0],
    [1, 2, 95, 3],
    [1, 1, 3, 95],
    [1, 2, 40, 77],
  ] as const) {
    assert.equal(at(data.train.images, n, ch, r, c), Math.fround(value(n, ch, r, c) / 255), `(${n}, ${ch}, ${r}, ${c})`);
  }
  assert.equal(at(data.test.images, 2, 1, 10, 60), Math.fround(value(2, 1, 10, 60) / 255));
});

test('an STL-10 label 0 is rejected: labels start at 1', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'x.bin'), stl10Images(2));
  writeFileSync(join(dir, 'y.bin'), Uint8Array.from([3, 0]));
  assert.throws(
    () => readStl10Split(join(dir, 'x.bin'), join(dir, 'y.bin')),
    (error: unknown) =>
      error instanceof DatasetError && error.message === `${join(dir, 'y.bin')}: label 0 at index 1, expected 1..10 (STL-10 labels start at 1)`,
  );
});

test('STL-10 image and label counts must agree; truncated images are reported', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'x.bin'), stl10Images(2));
  writeFileSync(join(dir, 'y.bin'), Uint8Array.from([3]));
  assert.throws(() => readStl10Split(join(dir, 'x.bin'), join(dir, 'y.bin')), /image and label counts differ: 2 images in .*x\.bin, 1 labels in .*y\.bin/);
  writeFileSync(join(dir, 'short.bin'), stl10Images(1).subarray(0, IMAGE - 5));
  assert.throws(
    () => readStl10Split(join(dir, 'short.bin'), join(dir, 'y.bin')),
    /short\.bin: truncated or not STL-10 images: 27643 bytes is not a whole number of 27648-byte images/,
  );
});
