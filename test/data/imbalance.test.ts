import assert from 'node:assert/strict';
import { test } from 'node:test';

import { classCounts, formatImbalance, imbalancedCounts, loadDataset, parseImbalance } from '../../src/data/index.js';
import { UsageError } from '../../src/errors.js';

test('step:R keeps n_A in the first half of the classes and round(n_A / R) in the last half (Fang et al.)', () => {
  assert.deepEqual(imbalancedCounts(parseImbalance('step:10'), 200, 10), { counts: [200, 200, 200, 200, 200, 20, 20, 20, 20, 20], minority: [5, 6, 7, 8, 9] });
  assert.deepEqual(imbalancedCounts(parseImbalance('step:1000'), 200, 10).counts.slice(5), [1, 1, 1, 1, 1], 'never below one example');
  assert.deepEqual(imbalancedCounts(parseImbalance('step:3'), 100, 5), { counts: [100, 100, 100, 33, 33], minority: [3, 4] });
  assert.deepEqual(
    imbalancedCounts(parseImbalance('step:1'), 50, 4),
    { counts: [50, 50, 50, 50], minority: [2, 3] },
    'R = 1 still names the minority half, for the R = 1 point of a sweep',
  );
});

test('step:R:K makes the last K classes minority; exp:R decays geometrically from n_A to n_A / R', () => {
  assert.deepEqual(imbalancedCounts(parseImbalance('step:4:2'), 40, 6), { counts: [40, 40, 40, 40, 10, 10], minority: [4, 5] });
  const exp = imbalancedCounts(parseImbalance('exp:100'), 1000, 10);
  assert.deepEqual(
    exp.counts,
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((c) => Math.round(1000 * 100 ** (-c / 9))),
  );
  assert.equal(exp.counts[0], 1000);
  assert.equal(exp.counts[9], 10);
  assert.deepEqual(exp.minority, [5, 6, 7, 8, 9]);
});

test('bad specs are usage errors that say what was expected', () => {
  for (const bad of ['step', 'step:0.5', 'step:x', 'exp:10:2', 'linear:10', 'step:10:0', 'step:10:1.5', 'step:']) {
    assert.throws(
      () => parseImbalance(bad),
      (e: unknown) => e instanceof UsageError && /expected step:R, step:R:K or exp:R/.test(e.message),
      bad,
    );
  }
  assert.throws(() => imbalancedCounts(parseImbalance('step:10:10'), 5, 10), /leaves no majority class/);
  assert.equal(formatImbalance(parseImbalance('step:10:3')), 'step:10:3');
  assert.equal(formatImbalance(parseImbalance('exp:50')), 'exp:50');
});

const gaussian = { classes: 6, dimension: 4, trainPerClass: 40, testPerClass: 5, seed: 2 };

test('loadDataset: exact per-class counts on top of perClass, drawn from the seed; the test split stays whole', () => {
  const load = (imbalanceSeed: number) => loadDataset('gaussian', { gaussian, perClass: 30, imbalance: parseImbalance('step:4'), imbalanceSeed });
  const a = load(7);
  assert.deepEqual(classCounts(a.train.labels, 6), [30, 30, 30, 8, 8, 8]);
  assert.equal(a.train.count, 114);
  assert.deepEqual(a.imbalance, { counts: [30, 30, 30, 8, 8, 8], minority: [3, 4, 5] });
  assert.deepEqual(classCounts(a.test.labels, 6), [5, 5, 5, 5, 5, 5]);
  const again = load(7);
  assert.deepEqual(again.train.images, a.train.images, 'the same seed draws the same examples');
  const other = load(8);
  assert.deepEqual(classCounts(other.train.labels, 6), [30, 30, 30, 8, 8, 8]);
  assert.notDeepEqual(other.train.images, a.train.images, 'another seed draws other minority examples');
  // Without perClass n_A is the smallest class.
  assert.deepEqual(classCounts(loadDataset('gaussian', { gaussian, imbalance: parseImbalance('exp:40') }).train.labels, 6), [40, 19, 9, 4, 2, 1]);
  assert.equal(loadDataset('gaussian', { gaussian }).imbalance, undefined);
});
