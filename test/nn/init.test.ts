/** The init helpers and the statistics of PyTorch's default initialisation at realistic sizes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchNorm2d, castFloating, Conv2d, init, Linear } from '../../src/nn/index.js';
import { empty, manualSeed, tidy } from '../../src/torch/index.js';

test('calculateFanInAndFanOut and calculateGain follow torch.nn.init', () =>
  tidy(() => {
    assert.deepEqual(init.calculateFanInAndFanOut(empty([7, 20])), { fanIn: 20, fanOut: 7 });
    assert.deepEqual(init.calculateFanInAndFanOut(empty([8, 3, 5, 2])), { fanIn: 30, fanOut: 80 });
    assert.throws(() => init.calculateFanInAndFanOut(empty([5])), /fewer than 2 dimensions/);
    assert.equal(init.calculateGain('relu'), Math.SQRT2);
    assert.equal(init.calculateGain('conv2d'), 1);
    assert.equal(init.calculateGain('tanh'), 5 / 3);
    assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.0001)));
    // Python's math.sqrt(2.0 / (1 + math.sqrt(5) ** 2)):
    assert.equal(init.calculateGain('leaky_relu', Math.sqrt(5)), 0.5773502691896257);
  }));

test('default Linear/Conv2d weights and biases are U(±1/sqrt(fan_in)) with matching moments', () =>
  tidy(() => {
    manualSeed(0);
    for (const module of [new Linear(512, 256), new Conv2d(64, 128, 3)]) {
      const fanIn = init.calculateFanInAndFanOut(module.weight).fanIn;
      const bound = 1 / Math.sqrt(fanIn);
      for (const t of [module.weight, module.bias!]) {
        assert.ok(t.abs().max().item() <= bound * (1 + 1e-6), 'inside the bound');
        if (t.numel > 10_000) {
          assert.ok(Math.abs(t.mean().item()) < 0.02 * bound, 'mean about 0');
          assert.ok(Math.abs(t.std().item() / (bound / Math.sqrt(3)) - 1) < 0.02, 'std about bound / sqrt(3)');
        }
      }
      module.dispose();
    }
  }));

test('kaimingNormal_(fan_out, relu) has std sqrt(2 / fan_out); BatchNorm starts at 1 and 0', () =>
  tidy(() => {
    manualSeed(0);
    const w = empty([128, 64, 3, 3]);
    init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
    assert.ok(Math.abs(w.std().item() / Math.sqrt(2 / (128 * 9)) - 1) < 0.01);
    const bn = new BatchNorm2d(5);
    assert.deepEqual(bn.weight!.toArray(), [1, 1, 1, 1, 1]);
    assert.deepEqual(bn.bias!.toArray(), [0, 0, 0, 0, 0]);
    assert.deepEqual(bn.runningVar!.toArray(), [1, 1, 1, 1, 1]);
    assert.deepEqual(bn.numBatchesTracked!.shape, []);
    bn.dispose();
  }));

test('castFloating converts floating tensors in place and leaves num_batches_tracked int64', () =>
  tidy(() => {
    const bn = new BatchNorm2d(3);
    const weight = bn.weight!;
    castFloating(bn, 'float64');
    assert.equal(bn.weight, weight, 'same tensor object (optimisers hold it)');
    assert.equal(weight.dtype, 'float64');
    assert.equal(weight.requiresGrad, true);
    assert.equal(bn.runningMean!.dtype, 'float64');
    assert.equal(bn.numBatchesTracked!.dtype, 'int64');
    bn.dispose();
  }));
