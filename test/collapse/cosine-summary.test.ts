import assert from 'node:assert/strict';
import { test } from 'node:test';

import { featureBatches } from '../../src/collapse/batches.js';
import { cosineSummary } from '../../src/collapse/cosine-summary.js';
import { COSINE_MATRIX_LIMIT, lastLayerGeometry } from '../../src/collapse/last-layer-geometry.js';
import { arange, manualSeed, randn, tidy } from '../../src/torch/index.js';

test('the cosine summary over tiles equals a double loop over every pair', () => {
  manualSeed(5);
  const C = 150;
  const p = 8;
  const vectors = randn([C, p], { dtype: 'float64' });
  const summary = cosineSummary(vectors, { bins: 20, top: 5, tile: 32 });
  const rows = vectors.toArray();
  const v = (c: number) => rows.slice(c * p, (c + 1) * p);
  const cosine = (a: number, b: number) => {
    const [x, y] = [v(a), v(b)];
    const dot = x.reduce((s, xi, i) => s + xi * y[i]!, 0);
    return dot / (Math.hypot(...x) * Math.hypot(...y));
  };
  const counts = new Array<number>(20).fill(0);
  const best = Array.from({ length: C }, () => ({ cos: -Infinity, partner: -1 }));
  for (let a = 0; a < C; a++) {
    for (let b = a + 1; b < C; b++) {
      const cos = cosine(a, b);
      counts[Math.min(19, Math.floor(((cos + 1) / 2) * 20))]!++;
      if (cos > best[a]!.cos) best[a] = { cos, partner: b };
      if (cos > best[b]!.cos) best[b] = { cos, partner: a };
    }
  }
  assert.deepEqual(summary.counts, counts);
  assert.equal(
    summary.counts.reduce((a, b) => a + b, 0),
    (C * (C - 1)) / 2,
  );
  const order = best
    .map((x, c) => ({ c, ...x }))
    .sort((x, y) => y.cos - x.cos)
    .slice(0, 5);
  assert.deepEqual(
    summary.interference.map((x) => [x.class, x.partner]),
    order.map((x) => [x.c, x.partner]),
  );
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(summary.interference[i]!.cos - order[i]!.cos) < 1e-12);
  vectors.dispose();
});

test('above the class limit the last-layer geometry holds summaries instead of C x C matrices and points', () => {
  const C = COSINE_MATRIX_LIMIT + 1;
  manualSeed(6);
  const { features, labels, weight } = tidy(() => {
    const labels = arange(0, 3 * C).remainder(C);
    const means = randn([C, 12], { dtype: 'float64' });
    return {
      features: means.indexSelect(0, labels).add(randn([3 * C, 12], { dtype: 'float64' }).mul(0.1)),
      labels,
      weight: randn([C, 12], { dtype: 'float64' }),
    };
  });
  const geometry = lastLayerGeometry(featureBatches(features, labels, 64), weight, C);
  assert.equal(geometry.cos_means, undefined);
  assert.equal(geometry.pca_means, undefined);
  assert.equal(
    geometry.cos_summary!.means.counts.reduce((a, b) => a + b, 0),
    (C * (C - 1)) / 2,
  );
  assert.equal(geometry.cos_summary!.classifier.interference.length, 10);
  for (const t of [features, labels, weight]) t.dispose();
});
