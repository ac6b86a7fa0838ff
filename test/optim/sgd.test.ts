import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SGD, type SGDOptions, type SGDParamGroupInput } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';
import { assertClose, mixed } from '../helpers/assert-close.js';
import { type SGDGolden, type SGDRun, readGolden, sgdOptions } from './golden.js';

const golden = readGolden<SGDGolden>('sgd-golden.json');
const TOLERANCE = { float64: 1e-10, float32: 1e-6 } as const;

/** Replays one golden run: same initial values, same gradients, our SGD; checks every step. */
function replay(configName: string, dtype: 'float64' | 'float32'): void {
  const config = golden.configs[configName]!;
  const run: SGDRun = config[dtype];
  const params = new Map(
    Object.entries(golden.shapes).map(([name, shape]) => [name, torch.keep(torch.tensor(run.initial[name]!, { shape, dtype }).requiresGrad_())]),
  );
  const options = sgdOptions(config.options) as SGDOptions;
  const groups = config.options.groups as Record<string, unknown>[] | undefined;
  const optimizer =
    groups === undefined
      ? new SGD([...params.values()], options)
      : new SGD(
          [
            { params: [params.get('a')!], ...sgdOptions(groups[0]!) },
            { params: [params.get('b')!, params.get('c')!], ...sgdOptions(groups[1]!) },
          ] satisfies SGDParamGroupInput[],
          options,
        );
  run.grads.forEach((grads, step) => {
    torch.tidy(() => {
      for (const [name, p] of params) {
        const g = grads[name];
        p.grad = g === null || g === undefined ? undefined : torch.tensor(g, { shape: golden.shapes[name], dtype });
      }
    });
    optimizer.step();
    for (const [name, p] of params) {
      assert.equal(p.dtype, dtype);
      assertClose(p.toArray(), run.after[step]![name]!, `${configName} ${dtype} step ${step + 1} '${name}'`, mixed(TOLERANCE[dtype]));
    }
  });
  optimizer.dispose();
  torch.dispose([...params.values()]);
}

for (const configName of Object.keys(golden.configs)) {
  for (const dtype of ['float64', 'float32'] as const) {
    test(`SGD '${configName}' in ${dtype} follows torch.optim.SGD (PyTorch ${golden.torch}) over ${golden.steps} steps`, () => {
      replay(configName, dtype);
    });
  }
}

test('the golden file covers the configurations of the SGD protocol', () => {
  for (const name of ['plain', 'momentum_wd', 'nesterov', 'dampening']) assert.ok(name in golden.configs, name);
  assert.equal(golden.steps, 5);
});

test('a parameter with no gradient is left alone, momentum buffer included', () => {
  const p = torch.keep(torch.tensor([1, 2], { dtype: 'float64' }).requiresGrad_());
  const optimizer = new SGD([p], { lr: 0.5, momentum: 0.9 });
  torch.tidy(() => {
    p.grad = torch.tensor([1, 1], { dtype: 'float64' });
  });
  optimizer.step();
  assert.deepEqual(p.toArray(), [0.5, 1.5]);
  p.grad = undefined;
  optimizer.step();
  assert.deepEqual(p.toArray(), [0.5, 1.5]);
  const buffer = optimizer.stateDict().tensors.get('state.0.momentum_buffer')!;
  assert.deepEqual(buffer.toArray(), [1, 1]);
  optimizer.dispose();
  p.dispose();
});

test('zeroGrad sets gradients to none', () => {
  const p = torch.keep(torch.tensor([1, 2]).requiresGrad_());
  torch.tidy(() => torch.tensor([3, 4]).mul(p).sum().backward());
  assert.notEqual(p.grad, undefined);
  new SGD([p], { lr: 0.1 }).zeroGrad();
  assert.equal(p.grad, undefined);
  p.dispose();
});

test('step() leaves no tensor behind but the momentum buffers it creates', () => {
  const p = torch.keep(torch.randn([8, 8]).requiresGrad_());
  const q = torch.keep(torch.randn([8]).requiresGrad_());
  const optimizer = new SGD([p, q], { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const setGrads = () =>
    torch.tidy(() => {
      p.grad = torch.randn([8, 8]);
      q.grad = torch.randn([8]);
    });
  setGrads();
  const before = torch.liveTensors();
  optimizer.step();
  assert.equal(torch.liveTensors(), before + 2, 'the first step creates exactly the two momentum buffers');
  for (let i = 0; i < 20; i++) {
    setGrads();
    optimizer.step();
  }
  assert.equal(torch.liveTensors(), before + 2);
  optimizer.dispose();
  assert.equal(torch.liveTensors(), before);
  torch.dispose([p, q]);
});

test('bad hyper-parameters are refused with PyTorch’s rules', () => {
  const p = torch.keep(torch.zeros([2]).requiresGrad_());
  assert.throws(() => new SGD([p], { lr: -1 }), /lr must not be negative/);
  assert.throws(() => new SGD([p], { lr: 0.1, momentum: -0.1 }), /momentum must not be negative/);
  assert.throws(() => new SGD([p], { lr: 0.1, weightDecay: -1 }), /weightDecay must not be negative/);
  assert.throws(() => new SGD([p], { lr: 0.1, nesterov: true }), /nesterov/);
  assert.throws(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /nesterov/);
  assert.throws(() => new SGD([], { lr: 0.1 }), /empty parameter list/);
  assert.throws(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), /more than once/);
  p.dispose();
});

test('a scheduler can set the lr of each group', () => {
  const a = torch.keep(torch.tensor([1], { dtype: 'float64' }).requiresGrad_());
  const b = torch.keep(torch.tensor([1], { dtype: 'float64' }).requiresGrad_());
  const optimizer = new SGD([{ params: [a] }, { params: [b], lr: 0.2 }], { lr: 0.1 });
  assert.deepEqual(
    optimizer.paramGroups.map((g) => g.lr),
    [0.1, 0.2],
  );
  optimizer.paramGroups[1]!.lr = 0.5;
  torch.tidy(() => {
    a.grad = torch.tensor([1], { dtype: 'float64' });
    b.grad = torch.tensor([1], { dtype: 'float64' });
  });
  optimizer.step();
  assert.deepEqual([a.item(), b.item()], [0.9, 0.5]);
  torch.dispose([a, b]);
});
