/** Every layer against PyTorch 1.13: initial values after the same seed, outputs, gradients, buffers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  castFloating,
  Conv2d,
  Dropout,
  Flatten,
  Identity,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from '../../src/nn/index.js';
import { manualSeed, noGrad, tidy } from '../../src/torch/index.js';
import { assertTensorClose, assertExact, decode, decodeState, type EncodedState, type EncodedTensor, readFixture } from './golden.js';

interface LayerCase {
  seed: number;
  dropout_seed: number | null;
  mode: 'train' | 'eval';
  init: EncodedState;
  state_before: EncodedState;
  input: EncodedTensor;
  output: EncodedTensor;
  grad_output: EncodedTensor;
  input_grad: EncodedTensor;
  param_grads: EncodedState;
  state_after: EncodedState;
  second_input?: EncodedTensor;
  second_output?: EncodedTensor;
  state_after_second?: EncodedState;
}

type Golden = Record<'float32' | 'float64', Record<string, LayerCase>> & { fresh_after_seed0: Record<string, EncodedState> };

/** The same modules as LAYER_CASES in make_nn_golden.py. */
const BUILDERS: Record<string, () => Module> = {
  linear: () => new Linear(5, 3),
  linear_no_bias: () => new Linear(6, 2, { bias: false }),
  linear_3d_input: () => new Linear(4, 3),
  conv2d: () => new Conv2d(3, 4, 3, { padding: 1 }),
  conv2d_stride_padding: () => new Conv2d(2, 3, [3, 2], { stride: 2, padding: [1, 0] }),
  conv2d_dilation_no_bias: () => new Conv2d(2, 2, 3, { dilation: 2, padding: 2, bias: false }),
  conv2d_groups: () => new Conv2d(4, 6, 3, { padding: 1, groups: 2 }),
  batchnorm1d_train: () => new BatchNorm1d(4),
  batchnorm1d_train_3d: () => new BatchNorm1d(3),
  batchnorm1d_eval: () => new BatchNorm1d(4),
  batchnorm2d_train: () => new BatchNorm2d(3),
  batchnorm2d_eval: () => new BatchNorm2d(3),
  batchnorm2d_cumulative: () => new BatchNorm2d(3, { momentum: null }),
  batchnorm2d_momentum_eps: () => new BatchNorm2d(3, { momentum: 0.3, eps: 1e-3 }),
  batchnorm2d_plain: () => new BatchNorm2d(3, { affine: false, trackRunningStats: false }),
  batchnorm2d_plain_eval: () => new BatchNorm2d(3, { affine: false, trackRunningStats: false }),
  maxpool2d: () => new MaxPool2d(2),
  maxpool2d_stride_padding: () => new MaxPool2d(3, { stride: 2, padding: 1 }),
  maxpool2d_ceil_dilation: () => new MaxPool2d(2, { stride: 2, dilation: 2, ceilMode: true }),
  avgpool2d: () => new AvgPool2d(2),
  avgpool2d_padding: () => new AvgPool2d(3, { stride: 2, padding: 1 }),
  avgpool2d_exclude_pad_ceil: () => new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  adaptiveavgpool2d: () => new AdaptiveAvgPool2d([3, 2]),
  adaptiveavgpool2d_global: () => new AdaptiveAvgPool2d(1),
  relu: () => new ReLU(),
  dropout_eval: () => new Dropout(0.5),
  dropout_train: () => new Dropout(0.3),
  flatten: () => new Flatten(),
  flatten_range: () => new Flatten(0, 2),
  identity: () => new Identity(),
  sequential: () => new Sequential(new Linear(5, 4), new ReLU(), new Linear(4, 3)),
};

const golden = readFixture<Golden>('layers.json');

function assertState(module: Module, expected: EncodedState, what: string, exact = false): void {
  const state = module.stateDict();
  assert.deepEqual([...state.keys()].sort(), Object.keys(expected).sort(), `${what}: state-dict names`);
  for (const [name, t] of state) (exact ? assertExact : assertTensorClose)(t, expected[name]!, `${what} ${name}`);
}

function runCase(name: string, dtype: 'float32' | 'float64', c: LayerCase): void {
  tidy(() => {
    manualSeed(c.seed);
    const module = BUILDERS[name]!();
    try {
      // The draws of a freshly built module equal PyTorch's bit for bit.
      assertState(module, c.init, `${name} init`, true);
      castFloating(module, dtype);
      if (c.mode === 'eval') {
        module.eval();
        module.loadStateDict(decodeState(c.state_before));
      }
      assertState(module, c.state_before, `${name} state before`, true);
      const x = decode(c.input).requiresGrad_(true);
      if (c.dropout_seed !== null) manualSeed(c.dropout_seed);
      const out = module.call(x);
      assertTensorClose(out, c.output, `${name} output`);
      out.mul(decode(c.grad_output)).sum().backward();
      assertTensorClose(x.grad!, c.input_grad, `${name} input grad`);
      const params = new Map(module.namedParameters());
      assert.deepEqual([...params.keys()], Object.keys(c.param_grads), `${name}: parameters`);
      for (const [p, t] of params) assertTensorClose(t.grad!, c.param_grads[p]!, `${name} grad of ${p}`);
      assertState(module, c.state_after, `${name} state after`);
      if (c.second_input !== undefined) {
        const second = noGrad(() => module.call(decode(c.second_input!)));
        assertTensorClose(second, c.second_output!, `${name} second output`);
        assertState(module, c.state_after_second!, `${name} state after second batch`);
      }
    } finally {
      module.dispose();
    }
  });
}

for (const dtype of ['float32', 'float64'] as const) {
  describe(`layers match PyTorch (${dtype})`, () => {
    for (const [name, c] of Object.entries(golden[dtype])) {
      if (name === 'losses') continue;
      test(name, () => runCase(name, dtype, c));
    }
  });
}

describe('default initialisation after manualSeed(0) equals PyTorch reset_parameters()', () => {
  test('Linear, Conv2d (groups, no bias), BatchNorm2d, drawn in sequence from one seed', () => {
    const fresh = golden.fresh_after_seed0;
    manualSeed(0);
    const modules: [string, Module][] = [
      ['linear', new Linear(20, 7)],
      ['conv2d', new Conv2d(3, 5, 3)],
      ['conv2d_groups_no_bias', new Conv2d(4, 6, [3, 2], { groups: 2, bias: false })],
      ['batchnorm2d', new BatchNorm2d(4)],
      ['linear_wide', new Linear(300, 10)],
    ];
    for (const [name, module] of modules) {
      assertState(module, fresh[name]!, name, true);
      module.dispose();
    }
  });
});
