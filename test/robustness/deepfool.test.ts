import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { createRandom } from '../../src/data/random.js';
import { deepFool } from '../../src/robustness/deepfool.js';
import * as torch from '../../src/torch/index.js';
import { assertClose, mixed } from '../helpers/assert-close.js';

const F = torch.F;

function randomMatrix(rows: number, cols: number, seed: number): number[][] {
  const random = createRandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => random.normal()));
}

/** Distance from x to the nearest boundary of the linear classifier Wx + b, and that boundary's unit normal. */
function closedForm(weight: number[][], bias: number[], x: number[]): { label: number; distance: number; target: number; normal: number[] } {
  const scores = weight.map((row, k) => row.reduce((s, w, j) => s + w * x[j]!, bias[k]!));
  const label = scores.indexOf(Math.max(...scores));
  let best = { distance: Infinity, target: -1, normal: [] as number[] };
  weight.forEach((row, k) => {
    if (k === label) return;
    const w = row.map((v, j) => v - weight[label]![j]!);
    const norm = Math.hypot(...w);
    const distance = Math.abs(scores[k]! - scores[label]!) / norm;
    if (distance < best.distance) best = { distance, target: k, normal: w.map((v) => v / norm) };
  });
  return { label, ...best };
}

describe('DeepFool', () => {
  it('on a linear classifier steps once, onto the nearest decision boundary (closed form, float64)', () => {
    const classes = 6;
    const dim = 12;
    const samples = 40;
    const weightRows = randomMatrix(classes, dim, 1);
    const biasValues = randomMatrix(1, classes, 2)[0]!;
    const points = randomMatrix(samples, dim, 3);
    torch.tidy(() => {
      const weight = torch.tensor(weightRows, { dtype: 'float64' });
      const bias = torch.tensor(biasValues, { dtype: 'float64' });
      const inputs = torch.tensor(points, { dtype: 'float64' });
      const overshoot = 0.02;
      const result = deepFool((x) => F.linear(x, weight, bias), inputs, { overshoot });
      const r = result.perturbation.toArray();
      for (let i = 0; i < samples; i++) {
        const truth = closedForm(weightRows, biasValues, points[i]!);
        const ri = r.slice(i * dim, (i + 1) * dim);
        const length = Math.hypot(...ri);
        // The reference's step is (d + 1e-4) along the boundary's normal, scaled by 1 + overshoot.
        const expected = (1 + overshoot) * (truth.distance + 1e-4);
        assert.ok(Math.abs(length - expected) <= 1e-6 * expected, `sample ${i}: ||r|| = ${length}, closed form ${expected}`);
        assertClose(
          ri.map((v) => v / length),
          truth.normal,
          `sample ${i} direction`,
          mixed(1e-9),
        );
        assert.equal(result.originalLabels[i], truth.label);
        assert.equal(result.perturbedLabels[i], truth.target, `sample ${i} crosses into the nearest class`);
        assert.equal(result.iterations[i], 1);
        assert.equal(result.flipped[i], true);
      }
    });
  });

  it('matches a direct Python PyTorch implementation on a tiny MLP (golden)', () => {
    const golden = JSON.parse(readFileSync(new URL('../fixtures/robustness/deepfool-mlp.json', import.meta.url), 'utf8')) as {
      overshoot: number;
      maxIterations: number;
      layers: { weight: number[][]; bias: number[] }[];
      inputs: number[][];
      perturbation: number[][];
      iterations: number[];
      originalLabels: number[];
      perturbedLabels: number[];
    };
    torch.tidy(() => {
      const layers = golden.layers.map((l) => ({ weight: torch.tensor(l.weight, { dtype: 'float64' }), bias: torch.tensor(l.bias, { dtype: 'float64' }) }));
      const mlp = (x: torch.Tensor) =>
        layers.reduce((h, layer, i) => {
          const out = F.linear(h, layer.weight, layer.bias);
          return i < layers.length - 1 ? out.relu() : out;
        }, x);
      const inputs = torch.tensor(golden.inputs, { dtype: 'float64' });
      const result = deepFool(mlp, inputs, { overshoot: golden.overshoot, maxIterations: golden.maxIterations });
      assert.deepEqual(result.iterations, golden.iterations);
      assert.ok(
        golden.iterations.some((n) => n > 1),
        'the golden has samples that need several steps',
      );
      assert.deepEqual(result.originalLabels, golden.originalLabels);
      assert.deepEqual(result.perturbedLabels, golden.perturbedLabels);
      assertClose(result.perturbation.toArray(), golden.perturbation.flat(), 'perturbation', mixed(1e-9));
    });
  });

  it('returns perturbations that really change the decision of a convolutional network in eval mode', () => {
    torch.manualSeed(5);
    torch.tidy(() => {
      const conv = torch.randn([4, 1, 3, 3]).mul(0.5);
      const fc = torch.randn([3, 4 * 6 * 6]).mul(0.1);
      const net = (x: torch.Tensor) => F.linear(F.maxPool2d(F.conv2d(x, conv).relu(), 2).flatten(1), fc);
      const inputs = torch.randn([16, 1, 14, 14]);
      const result = deepFool(net, inputs);
      assert.ok(result.flipped.every(Boolean), 'every sample flipped');
      const before = torch.noGrad(() => net(inputs).argmax(1).toArray());
      const after = torch.noGrad(() => net(inputs.add(result.perturbation)).argmax(1).toArray());
      assert.deepEqual(before, result.originalLabels);
      assert.deepEqual(after, result.perturbedLabels);
      for (let i = 0; i < before.length; i++) assert.notEqual(after[i], before[i], `sample ${i} is classified differently`);
      // A sample attacked alone gets the same perturbation as in the batch: the samples are independent.
      const alone = deepFool(net, inputs.narrow(0, 3, 1));
      assertClose(alone.perturbation.toArray(), result.perturbation.narrow(0, 3, 1).toArray(), 'sample 3 alone', mixed(1e-5));
    });
  });

  it('reports a sample it cannot flip within maxIterations as not flipped', () => {
    torch.tidy(() => {
      // Class 1's logit -||x||² never exceeds class 0's constant 1: no perturbation flips the decision.
      const saturated = (x: torch.Tensor) => torch.stack([x.sum(1).mul(0).add(1), x.square().sum(1).neg()], 1);
      const result = deepFool(saturated, torch.ones([2, 3], { dtype: 'float64' }), { maxIterations: 3 });
      assert.deepEqual(result.flipped, [false, false]);
      assert.deepEqual(result.iterations, [3, 3]);
      assert.deepEqual(result.perturbedLabels, result.originalLabels);
    });
  });
});
