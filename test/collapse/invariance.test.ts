import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureCollapseOfArrays } from '../../src/collapse/index.js';
import { dispose, randn, randperm, tidy } from '../../src/torch/index.js';
import { gaussianClasses, maxRelativeDifference } from './data.js';

test('nc1, nc1_trace_ratio, cdnv and the shape of the means do not change under global translation and scale', () => {
  const data = gaussianClasses({ n: 600, p: 20, C: 5, dtype: 'float64' });
  const moved = tidy(() => data.features.mul(37.5).add(randn([20], { dtype: 'float64' }).mul(1000)));
  try {
    const base = measureCollapseOfArrays(data.features, data.labels, { numClasses: 5 });
    const after = measureCollapseOfArrays(moved, data.labels, { numClasses: 5 });
    for (const key of ['nc1', 'nc1_trace_ratio', 'cdnv', 'equinorm_means', 'equiangular_means', 'maxangle_means', 'etf_error_means', 'ncc_accuracy'] as const) {
      assert.ok(Math.abs(after[key] - base[key]) <= 1e-10 * Math.abs(base[key]), `${key}: ${after[key]} vs ${base[key]}`);
    }
  } finally {
    dispose([data, moved]);
  }
});

test('permuting the samples changes nothing beyond rounding (1e-12)', () => {
  const data = gaussianClasses({ n: 900, p: 16, C: 6 });
  const order = randperm(900);
  const shuffled = tidy(() => ({ features: data.features.indexSelect(0, order), labels: data.labels.indexSelect(0, order) }));
  try {
    const options = { numClasses: 6, weight: data.weight, bias: data.bias, weightDecay: 5e-4 };
    const base = measureCollapseOfArrays(data.features, data.labels, { ...options, batchSize: 128 });
    const after = measureCollapseOfArrays(shuffled.features, shuffled.labels, { ...options, batchSize: 100 });
    const worst = maxRelativeDifference({ ...after }, { ...base });
    assert.ok(worst.difference < 1e-12, `${worst.key} differs by ${worst.difference}`);
  } finally {
    dispose([data, order, shuffled]);
  }
});
