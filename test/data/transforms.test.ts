import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetError } from '../../src/data/dataset-error.js';
import { makeSplit, type ImageSplit } from '../../src/data/dataset.js';
import { applyStandardization, holdOut, pad, perClass, pixelStatistics, selectExamples, standardize } from '../../src/data/transforms.js';

/** A split of 1x2x2 images whose pixels all equal 10 * index + pixel number, so any image is identifiable. */
function numberedSplit(labels: number[]): ImageSplit {
  const images = new Float32Array(labels.length * 4);
  for (let n = 0; n < labels.length; n++) for (let p = 0; p < 4; p++) images[n * 4 + p] = 10 * n + p;
  return makeSplit(images, Int32Array.from(labels), [1, 2, 2]);
}

const firstPixels = (split: ImageSplit) => Array.from({ length: split.count }, (_, n) => split.images[n * 4]!);

test('perClass keeps the first K of each class in file order', () => {
  const split = numberedSplit([2, 0, 1, 0, 2, 1, 0, 2, 1, 1]);
  const subset = perClass(split, 2);
  assert.equal(subset.count, 6);
  assert.deepEqual([...subset.labels], [2, 0, 1, 0, 2, 1]);
  assert.deepEqual(firstPixels(subset), [0, 10, 20, 30, 40, 50]);
  const one = perClass(split, 1);
  assert.deepEqual(firstPixels(one), [0, 10, 20]);
  // The image data comes along with its label.
  assert.deepEqual([...one.images.subarray(8, 12)], [20, 21, 22, 23]);
});

test('perClass with a seed draws K per class at random, reproducibly', () => {
  const labels = Array.from({ length: 100 }, (_, i) => i % 2);
  const split = numberedSplit(labels);
  const a = perClass(split, 5, { seed: 1 });
  const b = perClass(split, 5, { seed: 1 });
  assert.deepEqual(firstPixels(a), firstPixels(b));
  assert.notDeepEqual(firstPixels(a), firstPixels(perClass(split, 5)));
  assert.deepEqual(
    [0, 1].map((c) => [...a.labels].filter((l) => l === c).length),
    [5, 5],
  );
  const order = firstPixels(a);
  assert.deepEqual(
    [...order].sort((x, y) => x - y),
    order,
    'file order kept',
  );
});

test('perClass refuses a class with fewer than K examples, naming it', () => {
  const split = numberedSplit([0, 0, 1, 0]);
  assert.throws(
    () => perClass(split, 2, { source: 'train-labels-idx1-ubyte.gz' }),
    (error: unknown) =>
      error instanceof DatasetError && error.message === 'train-labels-idx1-ubyte.gz: class 1 has 1 examples, fewer than the 2 per class asked for',
  );
  assert.throws(() => perClass(numberedSplit([0, 0]), 1, { numClasses: 2 }), /class 1 has 0 examples/);
});

test('standardisation: per-pixel mean 0 and std 1 on train, train statistics applied to test', () => {
  const count = 50;
  const images = new Float32Array(count * 3 * 2 * 2);
  for (let n = 0; n < count; n++) for (let p = 0; p < 12; p++) images[n * 12 + p] = p === 5 ? 0.25 : ((n * 7 + p * 13) % 17) / 17 + p;
  const train = makeSplit(images, new Int32Array(count), [3, 2, 2]);
  const test = makeSplit(
    Float32Array.from({ length: 12 }, (_, p) => p),
    new Int32Array(1),
    [3, 2, 2],
  );
  const result = standardize(train, test);
  for (let p = 0; p < 12; p++) {
    let sum = 0;
    let sumSquares = 0;
    for (let n = 0; n < count; n++) {
      const v = result.train.images[n * 12 + p]!;
      sum += v;
      sumSquares += v * v;
    }
    const mean = sum / count;
    const std = Math.sqrt(sumSquares / count - mean * mean);
    assert.ok(Math.abs(mean) < 1e-5, `pixel ${p} mean ${mean}`);
    if (p === 5) assert.ok(std < 1e-6, 'a constant pixel stays constant (std guarded to 1, not divided by 0)');
    else assert.ok(Math.abs(std - 1) < 1e-4, `pixel ${p} std ${std}`);
  }
  assert.equal(result.stats.std[5], 1);
  assert.equal(result.stats.mean[5], 0.25);
  // Test images use the training statistics.
  for (let p = 0; p < 12; p++) {
    const expected = (p - result.stats.mean[p]!) / result.stats.std[p]!;
    assert.ok(Math.abs(result.test.images[p]! - expected) < 1e-5);
  }
  // Per pixel, not one global mean: pixel 11 averages near 11.5, pixel 0 near 0.5.
  assert.ok(result.stats.mean[11]! > 11 && result.stats.mean[0]! < 1);
  // The inputs are not modified.
  assert.equal(train.images[5], 0.25);
});

test('pixelStatistics matches a direct two-pass computation', () => {
  const split = numberedSplit([0, 1, 0, 1, 0]);
  const stats = pixelStatistics(split);
  for (let p = 0; p < 4; p++) {
    const values = Array.from({ length: 5 }, (_, n) => 10 * n + p);
    const mean = values.reduce((a, b) => a + b) / 5;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 5);
    assert.ok(Math.abs(stats.mean[p]! - mean) < 1e-5);
    assert.ok(Math.abs(stats.std[p]! - std) < 1e-5);
  }
  assert.throws(() => applyStandardization(makeSplit(new Float32Array(9), new Int32Array(1), [1, 3, 3]), stats), /statistics for 4 pixels, images have 9/);
});

test('pad(split, 2) turns 28x28 into 32x32 with a zero border', () => {
  const images = new Float32Array(2 * 28 * 28);
  for (let i = 0; i < images.length; i++) images[i] = 1 + (i % 28) + 100 * Math.floor(i / 784);
  const padded = pad(makeSplit(images, Int32Array.from([3, 4]), [1, 28, 28]), 2);
  assert.deepEqual(padded.shape, [1, 32, 32]);
  assert.equal(padded.images.length, 2 * 1024);
  assert.deepEqual([...padded.labels], [3, 4]);
  const at = (n: number, r: number, c: number) => padded.images[n * 1024 + r * 32 + c]!;
  assert.equal(at(0, 0, 0), 0);
  assert.equal(at(0, 1, 16), 0);
  assert.equal(at(0, 16, 1), 0);
  assert.equal(at(1, 31, 31), 0);
  assert.equal(at(0, 30, 29), 0);
  assert.equal(at(0, 2, 2), 1); // original (0, 0)
  assert.equal(at(0, 29, 29), 28); // original (27, 27)
  assert.equal(at(1, 10, 7), 101 + 5); // original image 1, (8, 5)
  let total = 0;
  for (const v of padded.images) total += v;
  let original = 0;
  for (const v of images) original += v;
  assert.equal(total, original);
});

test('pad works per channel for colour images', () => {
  const split = makeSplit(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), new Int32Array(1), [2, 2, 2]);
  const padded = pad(split, 1);
  assert.deepEqual(padded.shape, [2, 4, 4]);
  assert.deepEqual([...padded.images.subarray(16, 32)], [0, 0, 0, 0, 0, 5, 6, 0, 0, 7, 8, 0, 0, 0, 0, 0]);
});

test('holdOut is stratified by class, seeded, and partitions the split', () => {
  const labels = Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : 1));
  const split = numberedSplit(labels);
  const { kept, heldOut } = holdOut(split, { fraction: 0.2, seed: 4 });
  assert.equal(heldOut.count, 20);
  assert.equal(kept.count, 80);
  assert.equal([...heldOut.labels].filter((l) => l === 0).length, 12);
  assert.equal([...heldOut.labels].filter((l) => l === 1).length, 8);
  const all = [...firstPixels(kept), ...firstPixels(heldOut)].sort((a, b) => a - b);
  assert.deepEqual(
    all,
    Array.from({ length: 100 }, (_, i) => 10 * i),
  );
  assert.deepEqual(firstPixels(holdOut(split, { fraction: 0.2, seed: 4 }).heldOut), firstPixels(heldOut));
  assert.notDeepEqual(firstPixels(holdOut(split, { fraction: 0.2, seed: 5 }).heldOut), firstPixels(heldOut));
});

test('selectExamples copies images with their labels', () => {
  const split = numberedSplit([5, 6, 7]);
  const picked = selectExamples(split, [2, 0]);
  assert.deepEqual([...picked.labels], [7, 5]);
  assert.deepEqual([...picked.images], [20, 21, 22, 23, 0, 1, 2, 3]);
  assert.throws(() => selectExamples(split, [3]), RangeError);
});
