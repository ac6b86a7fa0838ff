import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { deepFool } from '../../src/robustness/deepfool.js';
import { robustnessMetrics, splitRobustness, withFrozenModel } from '../../src/robustness/measure-robustness.js';
import { robustnessSubset } from '../../src/robustness/robustness-subset.js';
import { createModel } from '../../src/nn/models/registry.js';
import * as torch from '../../src/torch/index.js';

describe('robustness subset', () => {
  it('is a fixed set of distinct indices for a seed, different for another seed', () => {
    const a = robustnessSubset(1000, 50, 3);
    assert.deepEqual(a, robustnessSubset(1000, 50, 3));
    assert.equal(new Set(a).size, 50);
    assert.ok(
      a.every((i, n) => Number.isInteger(i) && i >= 0 && i < 1000 && (n === 0 || i > a[n - 1]!)),
      'sorted, in range',
    );
    assert.notDeepEqual(a, robustnessSubset(1000, 50, 4));
    assert.deepEqual(robustnessSubset(5, 50, 3), [0, 1, 2, 3, 4], 'k above the split size takes the whole split');
  });
});

describe('robustness measure', () => {
  it('is the mean of ||r|| / ||x|| over the subset, whatever the batching, in eval mode with BatchNorm', () => {
    torch.manualSeed(11);
    const model = createModel('mlp', { inputShape: [1, 4, 4], numClasses: 4, width: 1 / 16, depth: 2 });
    torch.tidy(() => {
      // Running statistics that differ from any batch's own, so that train-mode BatchNorm would couple the samples.
      for (const [name, buffer] of model.namedBuffers()) if (name.endsWith('running_mean')) buffer.fill_(0.3);
      const inputs = torch.randn([30, 1, 4, 4]);
      const split = { inputs, labels: torch.zeros([30], { dtype: 'int64' }), count: 30 };
      const indices = [0, 3, 4, 9, 10, 17, 21, 22, 28];
      const whole = withFrozenModel(model, () => splitRobustness(model, split, indices, { batchSize: 100 }));
      const batched = withFrozenModel(model, () => splitRobustness(model, split, indices, { batchSize: 2 }));
      assert.ok(Math.abs(whole.meanRatio - batched.meanRatio) <= 1e-5 * whole.meanRatio, `${whole.meanRatio} vs ${batched.meanRatio}`);
      // The same mean from one-sample attacks.
      let sum = 0;
      let flipped = 0;
      withFrozenModel(model, () => {
        for (const i of indices) {
          const x = inputs.narrow(0, i, 1);
          const result = deepFool((t) => model.call(t), x);
          if (!result.flipped[0]) continue;
          sum += result.perturbation.norm().item() / x.norm().item();
          flipped++;
        }
      });
      assert.equal(whole.attacked, indices.length);
      assert.equal(whole.failed, indices.length - flipped);
      assert.ok(Math.abs(whole.meanRatio - sum / flipped) <= 1e-5 * whole.meanRatio);
      assert.ok(whole.meanRatio > 0);
    });
    model.dispose();
  });

  it('leaves the model as it found it: training mode and parameters that require gradients', () => {
    torch.manualSeed(12);
    const model = createModel('mlp', { inputShape: [1, 4, 4], numClasses: 3, width: 1 / 16, depth: 1 });
    model.train();
    torch.tidy(() => {
      const split = { inputs: torch.randn([12, 1, 4, 4]), labels: torch.zeros([12], { dtype: 'int64' }), count: 12 };
      const metrics = robustnessMetrics(model, { train: split, test: split }, 5, 0);
      assert.deepEqual(Object.keys(metrics).sort(), ['deepfool_failed', 'deepfool_test', 'deepfool_train']);
      assert.equal(metrics.deepfool_train, metrics.deepfool_test, 'the same images in both splits give the same value');
      assert.ok(metrics.deepfool_failed! >= 0 && metrics.deepfool_failed! <= 1);
    });
    assert.equal(model.training, true);
    assert.ok(
      model.parameters().every((p) => p.requiresGrad && p.grad === undefined),
      'no parameter gradient was accumulated',
    );
    model.dispose();
  });
});
