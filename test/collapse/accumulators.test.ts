import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClassMeanAccumulator, featureBatches, forEachBatch, WithinClassScatterAccumulator } from '../../src/collapse/index.js';
import { dispose, liveTensors, manualSeed, randint, randn, type Tensor, tidy, zeros } from '../../src/torch/index.js';

/** Sigma_W by the textbook two-pass algorithm on the whole array in float64: the reference. */
function twoPassCovariance(features: Tensor, labels: Tensor, C: number): Tensor {
  return tidy(() => {
    const h = features.to('float64');
    const counts = labels.bincount(C).to('float64').unsqueeze(1);
    const means = zeros([C, h.size(1)], { dtype: 'float64' })
      .indexAdd(0, labels, h)
      .div(counts);
    const d = h.sub(means.indexSelect(0, labels));
    return d.T.mm(d).div(h.size(0));
  });
}

function relativeError(a: Tensor, b: Tensor): number {
  return tidy(() => a.sub(b).norm().item() / b.norm().item());
}

test('late TPT: Sigma_W accurate to 1e-9 when the within-class spread is 1e-6 of the class distances, far from the origin', () => {
  manualSeed(7);
  const C = 6;
  // p > 64 and not a multiple of the panel height: the panelled upper-triangle update runs.
  const p = 150;
  const data = tidy(() => {
    const labels = randint(0, C, [3000]);
    // Class means at distance ~100 from each other and ~1e4 from the origin; spread 1e-4.
    const means = randn([C, p], { dtype: 'float64' }).mul(100).add(1e4);
    const features = means.indexSelect(0, labels).add(randn([3000, p], { dtype: 'float64' }).mul(1e-4));
    return { features, labels };
  });
  const accumulator = new WithinClassScatterAccumulator(C);
  try {
    forEachBatch(featureBatches(data.features, data.labels, 256), (b) => accumulator.add(b.features, b.labels));
    tidy(() => {
      const reference = twoPassCovariance(data.features, data.labels, C);
      const error = relativeError(accumulator.covariance(), reference);
      assert.ok(error < 1e-9, `relative error ${error}`);
      // The same data through raw second moments, E[h h^T] - mu mu^T, loses every digit: the
      // test above would catch an accumulator that did that.
      const h = data.features;
      const counts = data.labels.bincount(C).to('float64').unsqueeze(1);
      const sums = zeros([C, p], { dtype: 'float64' }).indexAdd(0, data.labels, h);
      const naive = h.T.mm(h).sub(sums.div(counts).T.mm(sums)).div(h.size(0));
      assert.ok(relativeError(naive, reference) > 1e-3, 'the naive formula was expected to fail here');
    });
  } finally {
    accumulator.dispose();
    dispose(data);
  }
});

test('float32 features accumulate in float64: the means are those of the float32 values, to 1e-15', () => {
  manualSeed(3);
  const data = tidy(() => ({ features: randn([2000, 5]).add(1000), labels: randint(0, 3, [2000]) }));
  const accumulator = new ClassMeanAccumulator(3);
  try {
    forEachBatch(featureBatches(data.features, data.labels, 100), (b) => accumulator.add(b.features, b.labels));
    tidy(() => {
      const h = data.features.to('float64');
      const exact = zeros([3, 5], { dtype: 'float64' }).indexAdd(0, data.labels, h).div(data.labels.bincount(3).to('float64').unsqueeze(1));
      assert.ok(relativeError(accumulator.means(), exact) < 1e-15);
      assert.equal(accumulator.means().dtype, 'float64');
    });
    assert.deepEqual(
      Array.from(accumulator.counts()),
      tidy(() => data.labels.bincount(3).toArray()),
    );
  } finally {
    accumulator.dispose();
    dispose(data);
  }
});

test('the state does not grow with the number of batches: same live tensors after batch 2 and batch 30', () => {
  manualSeed(5);
  const accumulator = new WithinClassScatterAccumulator(4);
  try {
    const liveAfter: number[] = [];
    for (let i = 0; i < 30; i++) {
      tidy(() => accumulator.add(randn([64, 300]), randint(0, 4, [64])));
      liveAfter.push(liveTensors());
    }
    assert.equal(accumulator.count, 30 * 64);
    assert.equal(liveAfter[29], liveAfter[1]);
  } finally {
    accumulator.dispose();
  }
});
