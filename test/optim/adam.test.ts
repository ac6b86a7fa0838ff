import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Adam, type AdamOptions, type AdamParamGroupInput, AdamW } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';
import { assertClose, mixed } from '../helpers/assert-close.js';
import { readGolden, type SGDRun } from './golden.js';

interface AdamRun extends SGDRun {
  finalSteps: number[];
}

interface AdamGolden {
  torch: string;
  steps: number;
  shapes: Record<string, number[]>;
  configs: Record<string, { optimizer: 'Adam' | 'AdamW'; options: Record<string, unknown>; float64: AdamRun; float32: AdamRun }>;
}

const golden = readGolden<AdamGolden>('adam-golden.json');
const TOLERANCE = { float64: 1e-10, float32: 1e-6 } as const;

/** torch.optim.Adam's keyword arguments (snake_case, betas a pair) as our options. */
function adamOptions(python: Record<string, unknown>): AdamOptions {
  const options: AdamOptions = {};
  for (const [key, value] of Object.entries(python)) {
    if (key === 'groups') continue;
    else if (key === 'lr') options.lr = value as number;
    else if (key === 'eps') options.eps = value as number;
    else if (key === 'weight_decay') options.weightDecay = value as number;
    else if (key === 'amsgrad') options.amsgrad = value as boolean;
    else if (key === 'maximize') options.maximize = value as boolean;
    else if (key === 'betas') [options.beta1, options.beta2] = value as [number, number];
    else throw new Error(`unknown Adam option '${key}' in the golden file`);
  }
  return options;
}

function replay(configName: string, dtype: 'float64' | 'float32'): void {
  const config = golden.configs[configName]!;
  const run = config[dtype];
  const params = new Map(
    Object.entries(golden.shapes).map(([name, shape]) => [name, torch.keep(torch.tensor(run.initial[name]!, { shape, dtype }).requiresGrad_())]),
  );
  const Optimizer = config.optimizer === 'Adam' ? Adam : AdamW;
  const groups = config.options.groups as Record<string, unknown>[] | undefined;
  const optimizer =
    groups === undefined
      ? new Optimizer([...params.values()], adamOptions(config.options))
      : new Optimizer(
          [
            { params: [params.get('a')!], ...adamOptions(groups[0]!) },
            { params: [params.get('b')!, params.get('c')!], ...adamOptions(groups[1]!) },
          ] satisfies AdamParamGroupInput[],
          adamOptions(config.options),
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
      assertClose(p.toArray(), run.after[step]![name]!, `${configName} ${dtype} step ${step + 1} '${name}'`, mixed(TOLERANCE[dtype]));
    }
  });
  const steps = [...params.keys()].map((_, i) => optimizer.stateDict().tensors.get(`state.${i}.step`)!.item());
  assert.deepEqual(steps, run.finalSteps, 'the step counts skip the step without a gradient, as PyTorch');
  optimizer.dispose();
  torch.dispose([...params.values()]);
}

for (const configName of Object.keys(golden.configs)) {
  for (const dtype of ['float64', 'float32'] as const) {
    test(`${golden.configs[configName]!.optimizer} '${configName}' in ${dtype} follows torch.optim (PyTorch ${golden.torch}) over ${golden.steps} steps`, () => {
      replay(configName, dtype);
    });
  }
}

/** A small classifier whose gradients depend on the parameters: a resume that loses any state drifts. */
function makeProblem() {
  torch.manualSeed(3);
  const w1 = torch.keep(torch.randn([16, 8]).mul_(0.3).requiresGrad_());
  const w2 = torch.keep(torch.randn([4, 16]).mul_(0.3).requiresGrad_());
  const x = torch.keep(torch.randn([32, 8]));
  const y = torch.keep(torch.randint(0, 4, [32]));
  const params = [w1, w2];
  return {
    params,
    trainStep(optimizer: Adam): void {
      optimizer.zeroGrad();
      torch.tidy(() => torch.F.crossEntropy(torch.F.linear(torch.F.linear(x, w1).relu(), w2), y).backward());
      optimizer.step();
    },
    values: () => params.map((p) => p.toArray()),
    release: () => torch.dispose([...params, x, y]),
  };
}

for (const [name, Optimizer, options] of [
  ['Adam', Adam, { lr: 0.01, weightDecay: 1e-3, amsgrad: true }],
  ['AdamW', AdamW, { lr: 0.01, weightDecay: 5e-4 }],
] as const) {
  test(`${name}: 3 steps, save, load into a fresh optimiser, 2 more steps equal 5 uninterrupted steps`, () => {
    const before = torch.liveTensors();
    const problem = makeProblem();
    const initial = problem.values();
    const uninterrupted = new Optimizer(problem.params, options);
    for (let i = 0; i < 5; i++) problem.trainStep(uninterrupted);
    const expected = problem.values();

    torch.noGrad(() => problem.params.forEach((p, i) => torch.tidy(() => p.copy_(torch.tensor(initial[i]!, { shape: p.shape })))));
    const first = new Optimizer(problem.params, options);
    for (let i = 0; i < 3; i++) problem.trainStep(first);
    const state = first.stateDict();
    const saved = {
      tensors: new Map([...state.tensors].map(([k, t]) => [k, torch.keep(t.clone())] as const)),
      paramGroups: JSON.parse(JSON.stringify(state.paramGroups)),
    };
    const second = new Optimizer(problem.params, { lr: 123 });
    second.loadStateDict(saved);
    assert.equal(second.paramGroups[0]!.lr, 0.01);
    for (let i = 0; i < 2; i++) problem.trainStep(second);
    assert.deepEqual(problem.values(), expected);

    for (const optimizer of [uninterrupted, first, second]) optimizer.dispose();
    torch.dispose([...saved.tensors.values()]);
    problem.release();
    assert.equal(torch.liveTensors(), before, 'no tensor left behind');
  });
}

test('a state from another optimiser, or a bad one, is refused with its source named', () => {
  const p = torch.keep(torch.zeros([2]).requiresGrad_());
  const adam = new Adam([p], { lr: 0.1 });
  assert.throws(
    () =>
      adam.loadStateDict(
        { tensors: new Map(), paramGroups: [{ lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, params: [0] } as never] },
        { source: 'x.safetensors' },
      ),
    /Adam.loadStateDict \(x.safetensors\): parameter group 0: beta1 must be in \[0, 1\), got undefined/,
  );
  const momentum = torch.keep(torch.zeros([2]));
  const good = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0] };
  assert.throws(
    () => adam.loadStateDict({ tensors: new Map([['state.0.momentum_buffer', momentum]]), paramGroups: [good] }),
    /unexpected state tensor 'state.0.momentum_buffer'/,
  );
  assert.throws(() => adam.loadStateDict({ tensors: new Map([['state.0.exp_avg', momentum]]), paramGroups: [good] }), /parameter 0 has no 'step'/);
  assert.throws(() => new Adam([p], { beta2: 1 }), /beta2 must be in \[0, 1\)/);
  assert.throws(() => new AdamW([p], { weightDecay: -1 }), /weightDecay must be a number >= 0/);
  torch.dispose([p, momentum]);
});

test('PyTorch defaults: AdamW decays by 1e-2, Adam not at all', () => {
  const p = torch.keep(torch.zeros([1]).requiresGrad_());
  assert.equal(new AdamW([p]).paramGroups[0]!.weightDecay, 1e-2);
  assert.deepEqual(
    { ...new Adam([p]).paramGroups[0], params: [] },
    { params: [], lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
  );
  p.dispose();
});
