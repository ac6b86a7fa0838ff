import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianMixture } from '../../src/data/gaussian.js';
import { createRandom, mulberry32, shuffleInPlace } from '../../src/data/random.js';
import { loadDataset } from '../../src/data/registry.js';

test('mulberry32 is deterministic, in [0, 1), and differs between seeds', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const c = mulberry32(43);
  const first = Array.from({ length: 5 }, () => a());
  assert.deepEqual(
    first,
    Array.from({ length: 5 }, () => b()),
  );
  assert.notDeepEqual(
    first,
    Array.from({ length: 5 }, () => c()),
  );
  const d = mulberry32(1);
  for (let i = 0; i < 10000; i++) {
    const u = d();
    assert.ok(u >= 0 && u < 1);
  }
});

test('normal draws have mean 0 and variance 1', () => {
  const random = createRandom(7);
  let sum = 0;
  let sumSquares = 0;
  const n = 200000;
  for (let i = 0; i < n; i++) {
    const x = random.normal();
    sum += x;
    sumSquares += x * x;
  }
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(sumSquares / n - 1) < 0.01, `variance ${sumSquares / n}`);
});

test('shuffleInPlace is a seeded permutation', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const once = shuffleInPlace([...items], createRandom(3));
  assert.deepEqual(
    [...once].sort((x, y) => x - y),
    items,
  );
  assert.notDeepEqual(once, items);
  assert.deepEqual(shuffleInPlace([...items], createRandom(3)), once);
});

test('the gaussian mixture: shapes, labels, determinism, class means at the given separation', () => {
  const options = { classes: 4, dimension: 16, separation: 5, noise: 0.5, trainPerClass: 500, testPerClass: 50, seed: 11 };
  const data = gaussianMixture(options);
  assert.equal(data.numClasses, 4);
  assert.equal(data.train.count, 2000);
  assert.equal(data.test.count, 200);
  assert.deepEqual(data.train.shape, [16, 1, 1]);
  assert.deepEqual([...data.train.labels.subarray(0, 6)], [0, 1, 2, 3, 0, 1]);
  assert.deepEqual(gaussianMixture(options).train.images, data.train.images);
  assert.notDeepEqual(gaussianMixture({ ...options, seed: 12 }).train.images, data.train.images);

  // Empirical class means lie at distance ~separation from the origin; spread around them is ~noise.
  for (let c = 0; c < 4; c++) {
    const mean = new Float64Array(16);
    let spread = 0;
    for (let i = c; i < 2000; i += 4) for (let j = 0; j < 16; j++) mean[j]! += data.train.images[i * 16 + j]! / 500;
    for (let i = c; i < 2000; i += 4) for (let j = 0; j < 16; j++) spread += (data.train.images[i * 16 + j]! - mean[j]!) ** 2 / (500 * 16);
    const norm = Math.hypot(...mean);
    assert.ok(Math.abs(norm - 5) < 0.2, `class ${c} mean norm ${norm}`);
    assert.ok(Math.abs(Math.sqrt(spread) - 0.5) < 0.03, `class ${c} noise ${Math.sqrt(spread)}`);
  }
});

test('loadDataset("gaussian") honours the seed option', () => {
  const a = loadDataset('gaussian', { seed: 5, standardize: false, gaussian: { classes: 3, dimension: 4, trainPerClass: 10, testPerClass: 2 } });
  const b = loadDataset('gaussian', { standardize: false, gaussian: { classes: 3, dimension: 4, trainPerClass: 10, testPerClass: 2, seed: 5 } });
  assert.deepEqual(a.train.images, b.train.images);
  assert.equal(a.train.count, 30);
  assert.deepEqual(a.classNames, ['class 0', 'class 1', 'class 2']);
  assert.deepEqual(a.sources, []);
});
