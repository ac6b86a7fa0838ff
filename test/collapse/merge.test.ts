import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classGeometry,
  ClassMeanAccumulator,
  CollapseMeasurement,
  disposeGeometry,
  featureBatches,
  forEachBatch,
  measureCollapseOfArrays,
  SecondPassAccumulator,
  WithinClassScatterAccumulator,
} from '../../src/collapse/index.js';
import { dispose, type Tensor, tensor, tidy } from '../../src/torch/index.js';
import { gaussianClasses, maxRelativeDifference } from './data.js';

/** Three disjoint shards of unequal size; the last one lacks classes 0 and 1 entirely. */
function shards(features: Tensor, labels: Tensor): { features: Tensor; labels: Tensor }[] {
  return tidy(() => {
    const first = { features: features.narrow(0, 0, 300), labels: labels.narrow(0, 0, 300) };
    const restFeatures = features.narrow(0, 300, features.size(0) - 300);
    const restLabels = labels.narrow(0, 300, labels.size(0) - 300);
    const values = restLabels.toArray();
    const pick = (keep: (label: number) => boolean) => {
      const rows = tensor(BigInt64Array.from(values.flatMap((label, i) => (keep(label) ? [BigInt(i)] : []))));
      return { features: restFeatures.indexSelect(0, rows), labels: restLabels.indexSelect(0, rows) };
    };
    return [first, pick((label) => label < 2), pick((label) => label >= 2)];
  });
}

function maxAbs(a: Tensor, b: Tensor): number {
  return tidy(() => a.sub(b).abs().max().item() / b.abs().max().item());
}

test('accumulators built on disjoint shards merge into the one a single pass gives (1e-12)', () => {
  const data = gaussianClasses({ n: 1000, p: 24, C: 5, spread: 0.01 });
  const parts = shards(data.features, data.labels);
  const single = new WithinClassScatterAccumulator(5);
  const merged = new WithinClassScatterAccumulator(5);
  const pieces = parts.map(() => new WithinClassScatterAccumulator(5));
  try {
    forEachBatch(featureBatches(data.features, data.labels, 128), (b) => single.add(b.features, b.labels));
    parts.forEach((part, i) => forEachBatch(featureBatches(part.features, part.labels, 64), (b) => pieces[i]!.add(b.features, b.labels)));
    for (const piece of pieces) merged.merge(piece);
    assert.deepEqual(merged.counts(), single.counts());
    tidy(() => {
      assert.ok(maxAbs(merged.means(), single.means()) < 1e-12);
      const difference = maxAbs(merged.covariance(), single.covariance());
      assert.ok(difference < 1e-12, `covariance differs by ${difference}`);
    });
  } finally {
    for (const a of [single, merged, ...pieces]) a.dispose();
    dispose([data, parts]);
  }
});

test('class-mean accumulators merge, including classes one shard never saw', () => {
  const data = gaussianClasses({ n: 800, p: 8, C: 4 });
  const parts = shards(data.features, data.labels);
  const single = new ClassMeanAccumulator(4);
  const merged = new ClassMeanAccumulator(4);
  try {
    single.add(data.features, data.labels);
    for (const part of parts.reverse()) {
      const piece = new ClassMeanAccumulator(4);
      piece.add(part.features, part.labels);
      merged.merge(piece);
      piece.dispose();
    }
    tidy(() => assert.ok(maxAbs(merged.means(), single.means()) < 1e-12));
  } finally {
    single.dispose();
    merged.dispose();
    dispose([data, parts]);
  }
});

test('second passes over shards merge into the single second pass', () => {
  const data = gaussianClasses({ n: 1000, p: 12, C: 5 });
  const parts = shards(data.features, data.labels);
  const means = new ClassMeanAccumulator(5);
  means.add(data.features, data.labels);
  const geometry = classGeometry(means);
  const network = tidy(() => ({ weight: data.weight.clone(), bias: data.bias.clone() }));
  const single = new SecondPassAccumulator(geometry, { network });
  const merged = new SecondPassAccumulator(geometry, { network });
  try {
    single.add(data.features, data.labels);
    for (const part of parts) {
      const piece = new SecondPassAccumulator(geometry, { network });
      piece.add(part.features, part.labels);
      merged.merge(piece);
      piece.dispose();
    }
    const [a, b] = [merged.result(), single.result()];
    assert.equal(a.count, b.count);
    assert.equal(a.nccCorrect, b.nccCorrect);
    assert.equal(a.networkErrors, b.networkErrors);
    assert.equal(a.nccMismatch, b.nccMismatch);
    assert.equal(a.marginMin, b.marginMin);
    assert.ok(Math.abs(a.marginSum - b.marginSum) < 1e-12 * Math.abs(b.marginSum));
    a.classScatter.forEach((v, c) => assert.ok(Math.abs(v - b.classScatter[c]!) < 1e-12 * b.classScatter[c]!));
    tidy(() => assert.ok(maxAbs(merged.projectedScatter, single.projectedScatter) < 1e-12));
  } finally {
    single.dispose();
    merged.dispose();
    disposeGeometry(geometry);
    means.dispose();
    dispose([data, parts, network]);
  }
});

test('a measurement merged from shards in its first pass reports what one pass reports', () => {
  const data = gaussianClasses({ n: 1000, p: 16, C: 5 });
  const parts = shards(data.features, data.labels);
  const options = { numClasses: 5, weight: data.weight, bias: data.bias, weightDecay: 1e-3 };
  const measurement = new CollapseMeasurement(options);
  try {
    for (const part of parts) {
      const piece = new CollapseMeasurement(options);
      forEachBatch(featureBatches(part.features, part.labels, 100), (b) => piece.addFirstPass(b.features, b.labels));
      measurement.merge(piece);
      piece.dispose();
    }
    measurement.finishFirstPass();
    forEachBatch(featureBatches(data.features, data.labels, 100), (b) => measurement.addSecondPass(b.features, b.labels));
    const merged = measurement.result();
    const single = measureCollapseOfArrays(data.features, data.labels, options);
    const worst = maxRelativeDifference({ ...merged }, { ...single });
    assert.ok(worst.difference < 1e-12, `${worst.key} differs by ${worst.difference}`);
  } finally {
    measurement.dispose();
    dispose([data, parts]);
  }
});
