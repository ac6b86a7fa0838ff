import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CollapseError, measureCollapseOfArrays } from '../../src/collapse/index.js';
import { meanPairCosine } from '../../src/collapse/measures/minority-cosines.js';
import { dispose } from '../../src/torch/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { caseTensors, type GoldenCase, goldenCases, goldenTolerance } from './golden.js';

/** The float64 reference, straight from the rows: mean over pairs a < b of members of cos(v_a, v_b). */
function referenceMeanCosine(rows: number[][], members: number[]): number {
  let total = 0;
  let pairs = 0;
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const [u, v] = [rows[members[i]!]!, rows[members[j]!]!];
      total += u.reduce((s, x, k) => s + x * v[k]!, 0) / (norm(u) * norm(v));
      pairs++;
    }
  }
  return total / pairs;
}

/** Centred class means mu_c - mu_G (mu_G the unweighted mean of the class means), in float64 from the raw features. */
function centredMeans(c: GoldenCase): number[][] {
  const [n, p] = c.shape;
  const sums = Array.from({ length: c.numClasses }, () => new Array<number>(p).fill(0));
  const counts = new Array<number>(c.numClasses).fill(0);
  for (let i = 0; i < n; i++) {
    counts[c.labels[i]!]!++;
    for (let k = 0; k < p; k++) sums[c.labels[i]!]![k]! += c.features[i * p + k]!;
  }
  const means = sums.map((s, cls) => s.map((x) => x / counts[cls]!));
  const global = new Array<number>(p).fill(0).map((_, k) => means.reduce((s, m) => s + m[k]!, 0) / c.numClasses);
  return means.map((m) => m.map((x, k) => x - global[k]!));
}

function weightRows(c: GoldenCase): number[][] {
  const p = c.shape[1];
  return Array.from({ length: c.numClasses }, (_, cls) => c.weight.slice(cls * p, (cls + 1) * p));
}

for (const golden of goldenCases().filter((c) => c.numClasses >= 4)) {
  test(`golden ${golden.name}: the minority and majority cosines equal a float64 reference from the raw arrays`, () => {
    const C = golden.numClasses;
    const minority = Array.from({ length: Math.floor(C / 2) }, (_, i) => C - 1 - i).reverse();
    const majority = Array.from({ length: C - minority.length }, (_, i) => i);
    const t = caseTensors(golden);
    try {
      const metrics = measureCollapseOfArrays(t.features, t.labels, { numClasses: C, weight: t.weight, minorityClasses: minority, batchSize: 29 });
      const means = centredMeans(golden);
      const weights = weightRows(golden);
      assertClose(metrics.minority_cos_means!, referenceMeanCosine(means, minority), `${golden.name}.minority_cos_means`, goldenTolerance());
      assertClose(metrics.majority_cos_means!, referenceMeanCosine(means, majority), `${golden.name}.majority_cos_means`, goldenTolerance());
      assertClose(metrics.minority_cos_classifier!, referenceMeanCosine(weights, minority), `${golden.name}.minority_cos_classifier`, goldenTolerance());
      assertClose(metrics.majority_cos_classifier!, referenceMeanCosine(weights, majority), `${golden.name}.majority_cos_classifier`, goldenTolerance());
    } finally {
      dispose(t);
    }
  });
}

test('without minority classes the keys are left out, never 0 or NaN; without a weight only the means keys come', () => {
  const golden = goldenCases().find((c) => c.numClasses >= 4)!;
  const t = caseTensors(golden);
  try {
    const none = measureCollapseOfArrays(t.features, t.labels, { numClasses: golden.numClasses, weight: t.weight });
    const empty = measureCollapseOfArrays(t.features, t.labels, { numClasses: golden.numClasses, weight: t.weight, minorityClasses: [] });
    for (const metrics of [none, empty]) for (const key of Object.keys(metrics)) assert.doesNotMatch(key, /ority_cos/);
    const meansOnly = measureCollapseOfArrays(t.features, t.labels, { numClasses: golden.numClasses, minorityClasses: [0, 1] });
    assert.deepEqual(
      Object.keys(meansOnly)
        .filter((k) => k.includes('ority_cos'))
        .sort(),
      ['majority_cos_means', 'minority_cos_means'],
    );
    // One minority class: no minority pair, so no minority key; the majority pairs still count.
    const one = measureCollapseOfArrays(t.features, t.labels, { numClasses: golden.numClasses, weight: t.weight, minorityClasses: [golden.numClasses - 1] });
    assert.equal('minority_cos_classifier' in one, false);
    assert.equal(typeof one.majority_cos_classifier, 'number');
    assert.throws(() => measureCollapseOfArrays(t.features, t.labels, { numClasses: golden.numClasses, minorityClasses: [golden.numClasses] }), CollapseError);
    assert.throws(() => measureCollapseOfArrays(t.features, t.labels, { numClasses: golden.numClasses, minorityClasses: [1, 1] }), /named twice/);
  } finally {
    dispose(t);
  }
});

test('a simplex ETF gives -1/(C-1) among any group of classes; parallel rows give 1', () => {
  const C = 6;
  const gram = new Float64Array(C * C).map((_, i) => (Math.floor(i / C) === i % C ? 1 : -1 / (C - 1)));
  assert.ok(Math.abs(meanPairCosine(gram, C, [3, 4, 5])! + 1 / (C - 1)) < 1e-15);
  const parallel = new Float64Array(C * C).fill(4);
  assert.equal(meanPairCosine(parallel, C, [0, 2]), 1);
  assert.equal(meanPairCosine(parallel, C, [0]), undefined);
});
