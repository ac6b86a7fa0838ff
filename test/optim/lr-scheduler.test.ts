import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CosineAnnealingLR, type LRScheduler, MultiStepLR, SGD } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';
import { type SchedulerGolden, readGolden } from './golden.js';

const golden = readGolden<SchedulerGolden>('lr-scheduler-golden.json');

interface Schedule {
  options: Record<string, unknown>;
  /** lr of each group at epoch 0, then after each step(). */
  lrs: number[][];
}

/** An SGD with one parameter group per base lr of the golden file (momentum 0.9, as there). */
function makeOptimizer(): { optimizer: SGD; release: () => void } {
  const weights = golden.baseLrs.map(() => torch.keep(torch.zeros([1]).requiresGrad_()));
  const optimizer = new SGD(
    weights.map((w, i) => ({ params: [w], lr: golden.baseLrs[i]! })),
    { lr: golden.baseLrs[0]!, momentum: 0.9 },
  );
  return { optimizer, release: () => torch.dispose(weights) };
}

function makeScheduler(name: string, optimizer: SGD): LRScheduler {
  const { options } = golden[name] as Schedule;
  if (name.startsWith('multistep')) return new MultiStepLR(optimizer, options as { milestones: number[]; gamma: number });
  return new CosineAnnealingLR(optimizer, options as { tMax: number; etaMin: number });
}

/** Largest absolute difference between our lr sequence and PyTorch's, over every group and epoch. */
function maxDifference(name: string): number {
  const { lrs } = golden[name] as Schedule;
  const { optimizer, release } = makeOptimizer();
  const scheduler = makeScheduler(name, optimizer);
  let worst = 0;
  const compare = (epoch: number) => {
    const expected = lrs[epoch]!;
    const ours = optimizer.paramGroups.map((g) => g.lr);
    assert.deepEqual(scheduler.getLastLr(), ours, `getLastLr() at epoch ${epoch}`);
    expected.forEach((lr, i) => (worst = Math.max(worst, Math.abs(ours[i]! - lr))));
  };
  compare(0);
  for (let epoch = 1; epoch < lrs.length; epoch++) {
    scheduler.step();
    compare(epoch);
  }
  release();
  return worst;
}

for (const name of ['multistep', 'multistep_repeated', 'cosine', 'cosine_short']) {
  test(`${name}: ${golden.epochs} epochs of lr equal PyTorch's within 1e-12`, () => {
    const { lrs } = golden[name] as Schedule;
    assert.equal(lrs.length, golden.epochs + 1);
    const worst = maxDifference(name);
    assert.ok(worst <= 1e-12, `largest difference ${worst}`);
  });
}

test('MultiStepLR divides by ten after epochs 117 and 233', () => {
  const { lrs } = golden.multistep as Schedule;
  assert.deepEqual((golden.multistep as Schedule).options, { milestones: [117, 233], gamma: 0.1 });
  assert.equal(lrs[116]![0], 0.1);
  assert.ok(Math.abs(lrs[117]![0]! - 0.01) < 1e-15);
  assert.ok(Math.abs(lrs[350]![0]! - 0.001) < 1e-15);
});

test('CosineAnnealingLR reaches etaMin at tMax and climbs back after', () => {
  const { optimizer, release } = makeOptimizer();
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: 10, etaMin: 0.001 });
  for (let i = 0; i < 10; i++) scheduler.step();
  assert.ok(Math.abs(scheduler.getLastLr()[0]! - 0.001) < 1e-15);
  scheduler.step();
  assert.ok(scheduler.getLastLr()[0]! > 0.001);
  release();
});

/** Our own lr of each group at epoch 0 and after each of `epochs` steps, uninterrupted. */
function ourSequence(name: string, epochs: number): number[][] {
  const { optimizer, release } = makeOptimizer();
  const scheduler = makeScheduler(name, optimizer);
  const sequence = [scheduler.getLastLr()];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    scheduler.step();
    sequence.push(scheduler.getLastLr());
  }
  release();
  return sequence;
}

for (const name of ['multistep', 'cosine_short']) {
  test(`${name}: a scheduler restored at epoch 150 continues exactly as the uninterrupted one`, () => {
    const uninterrupted = ourSequence(name, golden.epochs);
    const first = makeOptimizer();
    const scheduler = makeScheduler(name, first.optimizer);
    for (let epoch = 1; epoch <= 150; epoch++) scheduler.step();
    const saved = JSON.parse(JSON.stringify({ scheduler: scheduler.stateDict(), groups: first.optimizer.stateDict().paramGroups }));

    const second = makeOptimizer();
    second.optimizer.loadStateDict({ tensors: new Map(), paramGroups: saved.groups });
    const resumed = makeScheduler(name, second.optimizer);
    resumed.loadStateDict(saved.scheduler);
    assert.equal(resumed.lastEpoch, 150);
    assert.deepEqual(resumed.getLastLr(), uninterrupted[150]);
    for (let epoch = 151; epoch <= golden.epochs; epoch++) {
      resumed.step();
      assert.deepEqual(
        second.optimizer.paramGroups.map((g) => g.lr),
        uninterrupted[epoch],
        `epoch ${epoch}`,
      );
    }
    first.release();
    second.release();
  });
}

test('loading the state of another kind of scheduler is refused', () => {
  const { optimizer, release } = makeOptimizer();
  const cosine = new CosineAnnealingLR(optimizer, { tMax: 5 });
  const multistep = new MultiStepLR(optimizer, { milestones: [2] });
  assert.throws(
    () => multistep.loadStateDict(cosine.stateDict(), { source: 'run.safetensors' }),
    /MultiStepLR.loadStateDict \(run.safetensors\): the state is of a CosineAnnealingLR/,
  );
  assert.throws(() => cosine.loadStateDict({ ...cosine.stateDict(), baseLrs: [0.1] }), /baseLrs must hold one finite number per parameter group/);
  release();
});

test('a second scheduler on the same optimiser starts from the recorded initial lr', () => {
  const { optimizer, release } = makeOptimizer();
  const first = new MultiStepLR(optimizer, { milestones: [1] });
  first.step();
  const second = new CosineAnnealingLR(optimizer, { tMax: 10 });
  assert.deepEqual(second.baseLrs, golden.baseLrs);
  release();
});
