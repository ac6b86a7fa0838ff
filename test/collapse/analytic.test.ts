import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureCollapseOfArrays } from '../../src/collapse/index.js';
import { dispose, tensor } from '../../src/torch/index.js';

/** C unit vectors with pairwise cosine -1/(C-1) in R^p (a simplex ETF), rotated off the axes. */
function simplexMeans(C: number, p: number): number[][] {
  const rows = Array.from({ length: C }, (_, c) => Array.from({ length: p }, (_, j) => (j < C ? (j === c ? 1 : 0) - 1 / C : 0)));
  // A fixed rotation in the (0, p-1) plane so no coordinate is trivially zero.
  const angle = 0.7;
  return rows.map((r) => {
    const norm = Math.hypot(...r);
    const x = r.map((v) => v / norm);
    const [a, b] = [x[0]!, x[p - 1]!];
    x[0] = Math.cos(angle) * a - Math.sin(angle) * b;
    x[p - 1] = Math.sin(angle) * a + Math.cos(angle) * b;
    return x;
  });
}

const std = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

test('a perfectly collapsed configuration gives 0 for every metric that vanishes, within 1e-12', () => {
  const C = 4;
  const p = 6;
  const etf = simplexMeans(C, p);
  const offset = [3, -1, 2, 0.5, 7, -4];
  const means = etf.map((row) => row.map((v, j) => 5 * v + offset[j]!));
  const labels = Array.from({ length: 40 }, (_, i) => (i * 7) % C);
  const features = tensor(
    labels.map((y) => means[y]!),
    { dtype: 'float64' },
  );
  const y = tensor(BigInt64Array.from(labels, BigInt));
  const weight = tensor(
    etf.map((row) => row.map((v) => 2 * v)),
    { dtype: 'float64' },
  );
  // The bias cancels the offset, so z_c = 2 * 5 * cos(e_c, e_y).
  const bias = tensor(
    etf.map((row) => -row.reduce((s, v, j) => s + 2 * v * offset[j]!, 0)),
    { dtype: 'float64' },
  );
  try {
    const m = measureCollapseOfArrays(features, y, { numClasses: C, weight, bias, weightDecay: 5e-4, batchSize: 16 });
    for (const key of [
      'nc1',
      'nc1_trace_ratio',
      'cdnv',
      'equinorm_means',
      'equinorm_classifier',
      'equiangular_means',
      'equiangular_classifier',
      'maxangle_means',
      'maxangle_classifier',
      'self_duality',
      'etf_error_means',
      'etf_error_classifier',
      'ncc_mismatch',
      'train_error',
      'webb_lowe_distance',
    ] as const) {
      assert.ok(Math.abs(m[key]!) < 1e-12, `${key} = ${m[key]}`);
    }
    assert.equal(m.ncc_accuracy, 1);
    assert.equal(m.webb_lowe_agreement, 1);
    // Every sample sits on its mean: z_y - z_c = 2 * 5 * (1 - cos) over ||W||_F = 2 sqrt(C).
    const expectedMargin = (10 * (1 + 1 / (C - 1))) / (2 * Math.sqrt(C));
    assert.ok(Math.abs(m.margin_min! - expectedMargin) < 1e-12 && Math.abs(m.margin_mean! - expectedMargin) < 1e-12, `${m.margin_min} ${m.margin_mean}`);
  } finally {
    dispose([features, y, weight, bias]);
  }
});

/**
 * Three classes in the plane, two samples each, worked by hand:
 *   class 0: (3, 1), (3, -1)   mu_0 = (3, 0)   s_0 = 1
 *   class 1: (1, 3), (-1, 3)   mu_1 = (0, 3)   s_1 = 1
 *   class 2: (0, 2), (0, -2)   mu_2 = (0, 0)   s_2 = 4
 * mu_G = (1, 1); Mt rows (2, -1), (-1, 2), (-1, -1).
 * Sigma_W = diag(1/3, 5/3); Sigma_B = [[2, -1], [-1, 2]], Sigma_B^-1 = [[2, 1], [1, 2]] / 3.
 * W = [[1, 0], [0, 1], [-1, -1]], b = 0: z = (h_x, h_y, -h_x - h_y), ||W||_F = 2.
 */
test('hand-computed three-class example', () => {
  const features = tensor(
    [
      [3, 1],
      [3, -1],
      [1, 3],
      [-1, 3],
      [0, 2],
      [0, -2],
    ],
    { dtype: 'float64' },
  );
  const labels = tensor(BigInt64Array.from([0n, 0n, 1n, 1n, 2n, 2n]));
  const weight = tensor(
    [
      [1, 0],
      [0, 1],
      [-1, -1],
    ],
    { dtype: 'float64' },
  );
  try {
    const m = measureCollapseOfArrays(features, labels, { numClasses: 3, weight, batchSize: 4 });
    const close = (key: keyof typeof m, expected: number) => assert.ok(Math.abs(m[key]! - expected) < 1e-12, `${key}: ${m[key]} vs ${expected}`);
    close('nc1_trace_ratio', 2 / 4); // Tr Sigma_W = 2, Tr Sigma_B = 4
    close('nc1', (2 / 9 + 10 / 9) / 3); // Tr(Sigma_W Sigma_B^-1) = 1/3 * 2/3 + 5/3 * 2/3
    close('cdnv', (2 / 36 + 5 / 18 + 5 / 18) / 3); // |mu_0 - mu_1|^2 = 18, the others 9
    const norms = [Math.sqrt(5), Math.sqrt(5), Math.SQRT2];
    close('equinorm_means', std(norms) / mean(norms));
    const cosines = [-4 / 5, -1 / Math.sqrt(10), -1 / Math.sqrt(10)];
    close('equiangular_means', std(cosines));
    close('maxangle_means', mean(cosines.map((c) => Math.abs(c + 1 / 2))));
    // G = Mt Mt^T = [[5, -4, -1], [-4, 5, -1], [-1, -1, 2]], ||G||_F = sqrt(90); E = (I - J/3)/sqrt(2).
    const G = [5, -4, -1, -4, 5, -1, -1, -1, 2];
    const E = [2, -1, -1, -1, 2, -1, -1, -1, 2].map((v) => v / 3 / Math.SQRT2);
    close('etf_error_means', Math.sqrt(G.reduce((s, g, i) => s + (g / Math.sqrt(90) - E[i]!) ** 2, 0)));
    // Nearest centres 0, 0, 1, 1, 1 (|(0,2) - mu_1|^2 = 1 < 4), 2; the network decides the same.
    close('ncc_accuracy', 5 / 6);
    close('ncc_mismatch', 0);
    close('train_error', 1 / 6);
    // Margins (z_y - max other) / ||W||_F: (3,1): z = (3, 1, -4) -> (3 - 1)/2 = 1; (3,-1): 2;
    // (1,3): 1; (-1,3): 2; (0,2): z = (0, 2, -2) -> (-2 - 2)/2 = -2; (0,-2): z = (0, -2, 2) -> 1.
    close('margin_min', -2);
    close('margin_mean', 5 / 6);
    close('equinorm_classifier', std([1, 1, Math.SQRT2]) / mean([1, 1, Math.SQRT2]));
    close('equiangular_classifier', std([0, -Math.SQRT1_2, -Math.SQRT1_2]));
    close('maxangle_classifier', mean([0.5, Math.abs(0.5 - Math.SQRT1_2), Math.abs(0.5 - Math.SQRT1_2)]));
    const Wn = [1, 0, 0, 1, -1, -1].map((v) => v / 2);
    const Mn = [2, -1, -1, 2, -1, -1].map((v) => v / Math.sqrt(12));
    close(
      'self_duality',
      Wn.reduce((s, w, i) => s + (w - Mn[i]!) ** 2, 0),
    );
  } finally {
    dispose([features, labels, weight]);
  }
});

test('ties go to the lowest index, for the nearest centre and for the network', () => {
  // One sample is exactly as far from mu_0 as from mu_1 (integers: no rounding anywhere).
  //   class 0: (2, 1), (2, -1) -> mu_0 = (2, 0)
  //   class 1: (-2, 1), (-2, -1) -> mu_1 = (-2, 0)
  //   class 2: (0, 0), (0, 6) -> mu_2 = (0, 3); (0, 0) is at distance 2 from mu_0 and mu_1, 3 from mu_2.
  const features = tensor(
    [
      [2, 1],
      [2, -1],
      [-2, 1],
      [-2, -1],
      [0, 0],
      [0, 6],
    ],
    { dtype: 'float64' },
  );
  const labels = tensor(BigInt64Array.from([0n, 0n, 1n, 1n, 2n, 2n]));
  // Rows 0 and 1 identical: the network can never prefer class 1 over class 0.
  const weight = tensor(
    [
      [1, 0],
      [1, 0],
      [0, 1],
    ],
    { dtype: 'float64' },
  );
  try {
    const m = measureCollapseOfArrays(features, labels, { numClasses: 3, weight });
    // NCC: 0, 0, 1, 1, then (0,0) -> tie 0/1 -> 0 (wrong), (0,6) -> 2.
    assert.equal(m.ncc_accuracy, 5 / 6);
    // Network z = (x, x, y), ties 0/1 always resolved to 0: (2,1) -> 0; (2,-1) -> 0;
    // (-2, 1): z = (-2, -2, 1) -> 2; (-2, -1): z = (-2, -2, -1) -> 2; (0, 0): (0, 0, 0) -> 0; (0, 6): -> 2.
    // Decisions 0, 0, 2, 2, 0, 2 against labels 0, 0, 1, 1, 2, 2: three errors.
    assert.equal(m.train_error, 3 / 6);
    // Against the NCC decisions 0, 0, 1, 1, 0, 2: mismatches on samples 2 and 3.
    assert.equal(m.ncc_mismatch, 2 / 6);
  } finally {
    dispose([features, labels, weight]);
  }
});
