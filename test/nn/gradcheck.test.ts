/** Autograd gradients of the layers and losses against float64 central finite differences (eps 1e-6). */
import { test } from 'node:test';
import { AvgPool2d, BatchNorm2d, castFloating, Conv2d, Linear, MaxPool2d } from '../../src/nn/index.js';
import { F, manualSeed, noGrad, randint, randn, tidy } from '../../src/torch/index.js';
import { gradcheck } from './gradcheck.js';

const f64 = { dtype: 'float64' } as const;

test('conv2d (stride, padding, bias) and grouped conv2d', () =>
  tidy(() => {
    manualSeed(1);
    const conv = castFloating(new Conv2d(2, 3, 3, { stride: 2, padding: 1 }), 'float64');
    const x = randn([2, 2, 5, 5], f64).requiresGrad_(true);
    const r = randn([2, 3, 3, 3], f64);
    gradcheck('conv2d', () => conv.call(x).mul(r).sum(), [x, conv.weight, conv.bias!]);
    const grouped = castFloating(new Conv2d(4, 2, [2, 3], { groups: 2, dilation: [1, 2], bias: false }), 'float64');
    const y = randn([1, 4, 4, 6], f64).requiresGrad_(true);
    const s = randn([1, 2, 3, 2], f64);
    gradcheck('grouped conv2d', () => grouped.call(y).mul(s).sum(), [y, grouped.weight]);
    conv.dispose();
    grouped.dispose();
  }));

test('linear', () =>
  tidy(() => {
    manualSeed(2);
    const linear = castFloating(new Linear(4, 3), 'float64');
    const x = randn([5, 4], f64).requiresGrad_(true);
    const r = randn([5, 3], f64);
    gradcheck('linear', () => linear.call(x).mul(r).sum(), [x, linear.weight, linear.bias!]);
    linear.dispose();
  }));

test('batch_norm in training mode (batch statistics)', () =>
  tidy(() => {
    manualSeed(3);
    // No running statistics: each evaluation must see the same function of its input.
    const bn = castFloating(new BatchNorm2d(3, { trackRunningStats: false }), 'float64');
    const x = randn([4, 3, 2, 2], f64).requiresGrad_(true);
    const r = randn([4, 3, 2, 2], f64); // sum(out) alone has zero gradient in x under BN
    const weight = bn.weight!;
    const bias = bn.bias!;
    noGrad(() => weight.copy_(randn([3], f64)));
    gradcheck('batch_norm', () => bn.call(x).mul(r).sum(), [x, weight, bias]);
    bn.dispose();
  }));

test('max and average pooling', () =>
  tidy(() => {
    manualSeed(4);
    const x = randn([2, 2, 6, 6], f64).requiresGrad_(true);
    const maxPool = new MaxPool2d(3, { stride: 2, padding: 1 });
    const r = randn([2, 2, 3, 3], f64);
    gradcheck('max_pool2d', () => maxPool.call(x).mul(r).sum(), [x]);
    const avgPool = new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true });
    const s = randn([2, 2, 4, 4], f64);
    gradcheck('avg_pool2d', () => avgPool.call(x).mul(s).sum(), [x]);
    const t = randn([2, 2, 4, 3], f64);
    gradcheck('adaptive_avg_pool2d', () => F.adaptiveAvgPool2d(x, [4, 3]).mul(t).sum(), [x]);
  }));

test('cross-entropy (with label smoothing) and MSE', () =>
  tidy(() => {
    manualSeed(5);
    const logits = randn([5, 4], f64).requiresGrad_(true);
    const labels = randint(0, 4, [5]);
    gradcheck('cross_entropy', () => F.crossEntropy(logits, labels), [logits]);
    gradcheck('cross_entropy smoothed', () => F.crossEntropy(logits, labels, { labelSmoothing: 0.1, reduction: 'sum' }), [logits]);
    const target = randn([5, 4], f64);
    gradcheck('mse', () => F.mseLoss(logits, target), [logits]);
    const oneHot = labels.oneHot(4).to('float64');
    gradcheck('mse one-hot, sum', () => F.mseLoss(logits, oneHot, 'sum'), [logits]);
  }));
