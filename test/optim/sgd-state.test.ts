import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SGD, type SGDParamGroupInput, type SGDStateDict } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';

const { F } = torch;

/**
 * A two-layer classifier on fixed data. Gradients depend on the parameters, so a resumed run
 * that got any state wrong drifts from the uninterrupted one.
 */
function makeProblem(seed: number) {
  torch.manualSeed(seed);
  const w1 = torch.keep(torch.randn([16, 8]).mul_(0.3).requiresGrad_());
  const b1 = torch.keep(torch.zeros([16]).requiresGrad_());
  const w2 = torch.keep(torch.randn([4, 16]).mul_(0.3).requiresGrad_());
  torch.manualSeed(99);
  const x = torch.keep(torch.randn([32, 8]));
  const y = torch.keep(torch.randint(0, 4, [32]));
  const params = [w1, b1, w2];
  return {
    params,
    groups: (): SGDParamGroupInput[] => [{ params: [w1, b1] }, { params: [w2], lr: 0.05, momentum: 0.8, dampening: 0.2, nesterov: false }],
    trainStep(optimizer: SGD): void {
      optimizer.zeroGrad();
      torch.tidy(() => F.crossEntropy(F.linear(F.linear(x, w1, b1).relu(), w2), y).backward());
      optimizer.step();
    },
    copyFrom(values: number[][]): void {
      torch.noGrad(() => params.forEach((p, i) => torch.tidy(() => p.copy_(torch.tensor(values[i]!, { shape: p.shape })))));
    },
    values: () => params.map((p) => p.toArray()),
    release: () => torch.dispose([...params, x, y]),
  };
}

const OPTIONS = { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true };

/** A state dict as it would come back from a file: copied tensors, JSON-parsed groups. */
function detachedCopy(state: SGDStateDict): SGDStateDict {
  const tensors = new Map([...state.tensors].map(([name, t]) => [name, torch.keep(t.clone())] as const));
  return { tensors, paramGroups: JSON.parse(JSON.stringify(state.paramGroups)) };
}

test('3 steps, save, load into a fresh optimiser, 2 more steps: exactly the 5 uninterrupted steps', () => {
  const before = torch.liveTensors();
  const uninterrupted = makeProblem(1);
  const optimizer = new SGD(uninterrupted.groups(), OPTIONS);
  for (let i = 0; i < 3; i++) uninterrupted.trainStep(optimizer);
  const paramsAt3 = uninterrupted.values();
  const saved = detachedCopy(optimizer.stateDict());
  for (let i = 0; i < 2; i++) uninterrupted.trainStep(optimizer);

  assert.deepEqual([...saved.tensors.keys()], ['state.0.momentum_buffer', 'state.1.momentum_buffer', 'state.2.momentum_buffer']);
  assert.deepEqual(saved.paramGroups, [
    { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 5e-4, nesterov: true, maximize: false, params: [0, 1] },
    { lr: 0.05, momentum: 0.8, dampening: 0.2, weightDecay: 5e-4, nesterov: false, maximize: false, params: [2] },
  ]);

  // Another seed: the fresh parameters differ until the saved values are copied in.
  const resumed = makeProblem(2);
  resumed.copyFrom(paramsAt3);
  const fresh = new SGD(resumed.groups(), { lr: 1 });
  fresh.loadStateDict(saved);
  torch.dispose([...saved.tensors.values()]);
  assert.deepEqual(
    fresh.paramGroups.map((g) => [g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov]),
    [
      [0.1, 0.9, 0, 5e-4, true],
      [0.05, 0.8, 0.2, 5e-4, false],
    ],
  );
  for (let i = 0; i < 2; i++) resumed.trainStep(fresh);

  assert.deepEqual(resumed.values(), uninterrupted.values(), 'bit-for-bit the same parameters');
  const without = makeProblem(2);
  without.copyFrom(paramsAt3);
  const noState = new SGD(without.groups(), OPTIONS);
  for (let i = 0; i < 2; i++) without.trainStep(noState);
  assert.notDeepEqual(without.values(), uninterrupted.values(), 'the momentum buffers matter (else this test proves nothing)');

  for (const o of [optimizer, fresh, noState]) o.dispose();
  for (const p of [uninterrupted, resumed, without]) p.release();
  assert.equal(torch.liveTensors(), before);
});

test('a state that does not fit is refused and leaves the optimiser as it was', () => {
  const problem = makeProblem(3);
  const optimizer = new SGD(problem.groups(), OPTIONS);
  problem.trainStep(optimizer);
  const good = detachedCopy(optimizer.stateDict());
  const bufferBefore = optimizer.stateDict().tensors.get('state.0.momentum_buffer')!.toArray();
  const attempt = (state: SGDStateDict) => () => optimizer.loadStateDict(state, { source: 'ckpt.safetensors' });

  assert.throws(
    attempt({ ...good, paramGroups: good.paramGroups.slice(0, 1) }),
    /SGD.loadStateDict \(ckpt.safetensors\): the state has 1 parameter groups, the optimiser 2/,
  );
  assert.throws(
    attempt({ ...good, paramGroups: [good.paramGroups[0]!, { ...good.paramGroups[1]!, params: [2, 3] }] }),
    /parameter group 1 has 2 parameters in the state, 1 in the optimiser/,
  );
  assert.throws(
    attempt({ ...good, paramGroups: [{ ...good.paramGroups[0]!, lr: 'fast' as unknown as number }, good.paramGroups[1]!] }),
    /parameter group 0: lr must be a finite number/,
  );
  const wrongShape = new Map(good.tensors);
  wrongShape.set('state.1.momentum_buffer', torch.keep(torch.zeros([3])));
  assert.throws(attempt({ ...good, tensors: wrongShape }), /'state.1.momentum_buffer' has shape \[3\], its parameter \[16\]/);
  const unknown = new Map(good.tensors);
  unknown.set('state.0.exp_avg', torch.keep(torch.zeros([16, 8])));
  assert.throws(attempt({ ...good, tensors: unknown }), /unexpected state tensor 'state.0.exp_avg'/);
  const outOfRange = new Map(good.tensors);
  outOfRange.set('state.7.momentum_buffer', torch.keep(torch.zeros([16, 8])));
  assert.throws(attempt({ ...good, tensors: outOfRange }), /refers to parameter 7, the optimiser has 3/);

  assert.deepEqual(optimizer.stateDict().tensors.get('state.0.momentum_buffer')!.toArray(), bufferBefore);
  assert.equal(optimizer.paramGroups[1]!.lr, 0.05);
  torch.dispose([
    wrongShape.get('state.1.momentum_buffer'),
    unknown.get('state.0.exp_avg'),
    outOfRange.get('state.7.momentum_buffer'),
    ...good.tensors.values(),
  ]);
  optimizer.dispose();
  problem.release();
});

test('loaded buffers take the parameter’s dtype, and the optimiser keeps its own copies', () => {
  const p = torch.keep(torch.zeros([2], { dtype: 'float64' }).requiresGrad_());
  const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9 });
  const source = torch.keep(torch.tensor([1, 2], { dtype: 'float32' }));
  optimizer.loadStateDict({ tensors: new Map([['state.0.momentum_buffer', source]]), paramGroups: optimizer.stateDict().paramGroups });
  source.dispose();
  const buffer = optimizer.stateDict().tensors.get('state.0.momentum_buffer')!;
  assert.equal(buffer.dtype, 'float64');
  assert.deepEqual(buffer.toArray(), [1, 2]);
  optimizer.dispose();
  p.dispose();
});
