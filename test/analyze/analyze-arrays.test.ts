import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeArrays } from '../../src/analyze/analyze-arrays.js';
import { COLLAPSE_METRIC_KEYS } from '../../src/collapse/index.js';
import { goldenCases, goldenTolerance } from '../collapse/golden.js';
import { assertClose } from '../helpers/assert-close.js';

const golden = goldenCases().find((c) => c.name === 'partly_collapsed')!;
const [N, p] = golden.shape;
const C = golden.numClasses;

test('analyzeArrays on typed arrays with shapes gives the PyTorch golden values, every key in order', () => {
  const result = analyzeArrays(
    {
      features: { data: Float32Array.from(golden.features), shape: [N, p] },
      labels: BigInt64Array.from(golden.labels, BigInt),
      weight: { data: Float64Array.from(golden.weight), shape: [C, p] },
      bias: Float64Array.from(golden.bias),
    },
    { weightDecay: golden.weightDecay },
  );
  assert.deepEqual([result.samples, result.dim, result.numClasses], [N, p, C]);
  assert.deepEqual(Object.keys(result.metrics), [...COLLAPSE_METRIC_KEYS]);
  for (const [key, expected] of Object.entries(golden.expected))
    assertClose(result.metrics[key as keyof typeof result.metrics], expected, key, goldenTolerance());
});

test('analyzeArrays on plain lists of rows gives the same numbers as on typed arrays', () => {
  const rows = (flat: number[], columns: number) => Array.from({ length: flat.length / columns }, (_, i) => flat.slice(i * columns, (i + 1) * columns));
  const fromRows = analyzeArrays({ features: rows(golden.features, p), labels: golden.labels, weight: rows(golden.weight, p), bias: golden.bias });
  const fromTyped = analyzeArrays({
    features: { data: Float64Array.from(golden.features), shape: [N, p] },
    labels: Int32Array.from(golden.labels),
    weight: { data: Float64Array.from(golden.weight), shape: [C, p] },
    bias: Float64Array.from(golden.bias),
  });
  assert.deepEqual(fromRows, fromTyped);
  assert.equal(fromRows.metrics.lnc1, undefined, 'no weight decay, no MSE decomposition');
});

test('analyzeArrays on a simplex with spread along one axis: the analytic NC1 and a collapsed geometry', () => {
  // Unit class means at 90, 210 and 330 degrees (Sigma_B = I/2), samples at +-0.1 along x (Sigma_W = 0.01 e1 e1^T).
  const vertex = (degrees: number) => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
  const means = [vertex(90), vertex(210), vertex(330)];
  const features = means.flatMap(([x, y]) => [
    [x! - 0.1, y!],
    [x! + 0.1, y!],
  ]);
  const { metrics } = analyzeArrays({ features, labels: [0, 0, 1, 1, 2, 2], weight: means }, { covariance: 'projected' });
  assertClose(metrics.nc1, 0.02 / 3, 'nc1', goldenTolerance(1e-12));
  assertClose(metrics.nc1_trace_ratio, 0.01, 'nc1_trace_ratio', goldenTolerance(1e-12));
  for (const key of ['equinorm_means', 'equiangular_means', 'maxangle_means', 'self_duality', 'train_error'] as const)
    assertClose(metrics[key], 0, key, goldenTolerance());
  assert.equal(metrics.webb_lowe_distance, undefined, "'projected' leaves out what needs the p x p covariance");
});

test('analyzeArrays names the array and what was expected when the input is wrong', () => {
  const features = [
    [0, 1],
    [1, 0],
    [2, 2],
  ];
  assert.throws(
    () => analyzeArrays({ features: [[0, 1], [1]], labels: [0, 1] }),
    /^AnalysisInputError: analyzeArrays, array 'features': row 1 has 1 values but row 0 has 2$/m,
  );
  assert.throws(
    () => analyzeArrays({ features: { data: new Float64Array(5), shape: [3, 2] }, labels: [0, 1, 1] }),
    /array 'features': shape \(3, 2\) needs 6 values, got 5/,
  );
  assert.throws(() => analyzeArrays({ features, labels: [0, 1.5, 1] }), /array 'labels': labels must be integers, got float64/);
  assert.throws(() => analyzeArrays({ features, labels: [0, -1, 1] }), /array 'labels': label -1 at index 1 is negative/);
  assert.throws(() => analyzeArrays({ features, labels: [0, 1] }), /array 'labels': has 2 labels but analyzeArrays, array 'features' has 3 samples/);
  assert.throws(() => analyzeArrays({ features, labels: [0, 1, 1] }, { weightDecay: 5e-4 }), /analyzeArrays: weightDecay needs the classifier weight/);
});

test('analyzeArrays refuses null (what JSON makes of NaN) and other non-numbers instead of reading them as 0', () => {
  const withNull = [
    [0, 1],
    [1, null],
    [2, 2],
  ] as unknown as number[][];
  assert.throws(() => analyzeArrays({ features: withNull, labels: [0, 1, 1] }), /array 'features': row 1, column 1 is null, expected a number/);
  assert.throws(
    () => analyzeArrays({ features: { data: [0, 1, 1, 0, null, 2] as unknown as number[], shape: [3, 2] }, labels: [0, 1, 1] }),
    /array 'features': value 4 is null, expected a number/,
  );
  assert.throws(
    () =>
      analyzeArrays({
        features: [
          [0, 1],
          [1, 0],
          [2, 2],
        ],
        labels: [0, null, 1] as unknown as number[],
      }),
    /array 'labels': label 1 is null, expected a number/,
  );
  assert.throws(
    () =>
      analyzeArrays({
        features: [
          [0, 1],
          [1, 0],
          [2, 2],
        ],
        labels: [0, 1, 1],
        weight: [
          [1, 0],
          [0, 1],
        ],
        bias: [0, '1'] as unknown as number[],
      }),
    /array 'bias': value 1 is "1", expected a number/,
  );
});

test('features or weights whose powers overflow or underflow float64 are refused with the cause, not reported as NaN', () => {
  const vertex = (degrees: number) => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
  const means = [vertex(90), vertex(210), vertex(330)];
  const features = means.flatMap(([x, y]) => [
    [x! - 0.1, y!],
    [x! + 0.1, y!],
  ]);
  const labels = [0, 0, 1, 1, 2, 2];
  const scaled = (rows: number[][], factor: number) => rows.map((row) => row.map((v) => v * factor));
  // Without the check these gave NaN keys (overflow) or "class means coincide" (underflow).
  assert.throws(
    () => analyzeArrays({ features: scaled(features, 1e200), labels }),
    /array 'features': sample 0 holds 1e\+200, beyond 1e\+60 in magnitude: float64 sums of its powers overflow; rescale/,
  );
  assert.throws(
    () => analyzeArrays({ features: scaled(features, 1e-200), labels }),
    /array 'features': its largest value in magnitude is .*e-200, below 1e-60: .* underflow to zero; rescale/,
  );
  assert.throws(() => analyzeArrays({ features, labels, weight: scaled(means, 1e90) }), /array 'weight': row 0 holds 1e\+90, beyond 1e\+60/);
  // The largest scale accepted still measures the same geometry: the keys are scale invariant.
  const { metrics: base } = analyzeArrays({ features, labels, weight: means });
  const { metrics: big } = analyzeArrays({ features: scaled(features, 1e59), labels, weight: means });
  assertClose(big.nc1, base.nc1, 'nc1 at 1e59', goldenTolerance());
  assertClose(big.equiangular_means, base.equiangular_means, 'equiangular_means at 1e59', { absolute: 1e-12 });
});
