import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { load, loadTrainingState, save, saveTrainingState, TRAINING_STATE_FORMAT } from '../../src/train/training-state.js';
import { Module } from '../../src/nn/module.js';
import { MultiStepLR, SGD } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';

const { F } = torch;
const work = mkdtempSync(join(tmpdir(), 'ncollapse-training-state-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A small classifier with a child module, a buffer and an int64 buffer, as real models have. */
class Layer extends Module {
  readonly weight: torch.Tensor;
  readonly bias: torch.Tensor;
  constructor(inputs: number, outputs: number) {
    super();
    this.weight = this.registerParameter('weight', torch.randn([outputs, inputs]).mul_(0.3));
    this.bias = this.registerParameter('bias', torch.zeros([outputs]));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return F.linear(x, this.weight, this.bias);
  }
}

class TinyNet extends Module {
  readonly hidden: Layer;
  readonly head: Layer;
  readonly seen: torch.Tensor;
  constructor(hiddenWidth = 12) {
    super();
    this.hidden = this.registerModule('hidden', new Layer(6, hiddenWidth));
    this.head = this.registerModule('head', new Layer(hiddenWidth, 3));
    this.seen = this.registerBuffer('batches_seen', torch.zeros([], { dtype: 'int64' }));
  }
  forward(x: torch.Tensor): torch.Tensor {
    torch.noGrad(() => this.seen.add_(1));
    return this.head.call(this.hidden.call(x).relu());
  }
}

function makeRun(seed: number, hiddenWidth?: number) {
  torch.manualSeed(seed);
  const model = new TinyNet(hiddenWidth);
  const optimizer = new SGD(model.parameters(), { lr: 0.2, momentum: 0.9, weightDecay: 5e-4 });
  // A milestone inside the resumed part: the restored scheduler must apply it.
  const scheduler = new MultiStepLR(optimizer, { milestones: [4], gamma: 0.1 });
  return { model, optimizer, scheduler };
}

type Run = ReturnType<typeof makeRun>;

torch.manualSeed(123);
const x = torch.keep(torch.randn([24, 6]));
const y = torch.keep(torch.randint(0, 3, [24]));

/** One "epoch": a step of the optimiser, then of the scheduler. */
function epoch({ model, optimizer, scheduler }: Run): void {
  optimizer.zeroGrad();
  torch.tidy(() => F.crossEntropy(model.call(x), y).backward());
  optimizer.step();
  scheduler.step();
}

function snapshot({ model, optimizer, scheduler }: Run) {
  return {
    state: [...model.stateDict()].map(([name, t]) => [name, t.toArray()]),
    lr: optimizer.paramGroups.map((g) => g.lr),
    lastEpoch: scheduler.lastEpoch,
  };
}

function release({ model, optimizer }: Run): void {
  optimizer.dispose();
  model.dispose();
}

test('a run saved after 3 epochs and resumed into a fresh model, optimiser and scheduler equals 5 uninterrupted epochs exactly', () => {
  const before = torch.liveTensors();
  const uninterrupted = makeRun(1);
  for (let i = 0; i < 3; i++) epoch(uninterrupted);
  const file = join(work, 'epoch-3.safetensors');
  saveTrainingState(file, { ...uninterrupted, extra: { epoch: 3, seed: 1, note: 'resume me' } });
  for (let i = 0; i < 2; i++) epoch(uninterrupted);

  const resumed = makeRun(2);
  assert.notDeepEqual(snapshot(resumed).state, snapshot(uninterrupted).state);
  const { extra, metadata } = loadTrainingState(file, resumed);
  assert.deepEqual(extra, { epoch: 3, seed: 1, note: 'resume me' });
  assert.equal(metadata.format, TRAINING_STATE_FORMAT);
  assert.equal(resumed.scheduler.lastEpoch, 3);
  for (let i = 0; i < 2; i++) epoch(resumed);

  assert.deepEqual(snapshot(resumed), snapshot(uninterrupted));
  assert.ok(Math.abs(resumed.optimizer.paramGroups[0]!.lr - 0.02) < 1e-15, 'the milestone at epoch 4 was applied after resuming');
  release(uninterrupted);
  release(resumed);
  assert.equal(torch.liveTensors(), before, 'loading left no tensor behind');
});

test('the file holds model.*, optimizer.* and JSON metadata, readable as a plain safetensors file', () => {
  const run = makeRun(3);
  epoch(run);
  const file = join(work, 'layout.safetensors');
  saveTrainingState(file, { ...run, extra: { epoch: 1 } });
  torch.tidy(() => {
    const { tensors, metadata } = load(file);
    assert.deepEqual([...tensors.keys()].sort(), [
      'model.batches_seen',
      'model.head.bias',
      'model.head.weight',
      'model.hidden.bias',
      'model.hidden.weight',
      'optimizer.state.0.momentum_buffer',
      'optimizer.state.1.momentum_buffer',
      'optimizer.state.2.momentum_buffer',
      'optimizer.state.3.momentum_buffer',
    ]);
    assert.equal(tensors.get('model.batches_seen')!.dtype, 'int64');
    assert.deepEqual(tensors.get('model.hidden.weight')!.toArray(), run.model.hidden.weight.toArray());
    assert.deepEqual(Object.keys(metadata).sort(), ['extra', 'format', 'ncollapse.sha256', 'optimizer.param_groups', 'scheduler']);
    assert.deepEqual(JSON.parse(metadata['optimizer.param_groups']!), [
      { lr: 0.2, momentum: 0.9, dampening: 0, weightDecay: 5e-4, nesterov: false, maximize: false, initialLr: 0.2, params: [0, 1, 2, 3] },
    ]);
    assert.deepEqual(JSON.parse(metadata.scheduler!), {
      kind: 'MultiStepLR',
      lastEpoch: 1,
      stepCount: 2,
      baseLrs: [0.2],
      lastLr: [0.2],
      milestones: [4],
      gamma: 0.1,
    });
    assert.deepEqual(JSON.parse(metadata.extra!), { epoch: 1 });
  });
  release(run);
});

test('an independent reader of the safetensors format finds the model part under PyTorch’s names and shapes', () => {
  const run = makeRun(4);
  epoch(run);
  const file = join(work, 'for-pytorch.safetensors');
  saveTrainingState(file, { ...run, extra: { epoch: 1 } });
  const reader = fileURLToPath(new URL('../fixtures/checkpoint/read_safetensors_with_numpy.py', import.meta.url));
  const result = spawnSync('/usr/bin/python3', [reader, file], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr || 'python3 with numpy is needed (scripts/setup.sh --test)');
  const read = JSON.parse(result.stdout) as {
    metadata: Record<string, string>;
    tensors: Record<string, { dtype: string; shape: number[]; values: unknown[] }>;
  };
  // The state_dict of torch.nn.Linear(6, 12) as `hidden`, torch.nn.Linear(12, 3) as `head` and an int64 buffer.
  const model = Object.fromEntries(
    Object.entries(read.tensors)
      .filter(([name]) => name.startsWith('model.'))
      .map(([name, t]) => [name.slice('model.'.length), [t.dtype, t.shape]]),
  );
  assert.deepEqual(model, {
    'hidden.weight': ['F32', [12, 6]],
    'hidden.bias': ['F32', [12]],
    'head.weight': ['F32', [3, 12]],
    'head.bias': ['F32', [3]],
    batches_seen: ['I64', []],
  });
  assert.deepEqual(read.tensors['model.hidden.weight']!.values, run.model.hidden.weight.toArray());
  assert.deepEqual(read.tensors['model.batches_seen']!.values, ['1']);
  assert.equal(JSON.parse(read.metadata.extra!).epoch, 1);
  release(run);
});

test('loading into a model of another shape, or a file that is not a training state, fails naming the file', () => {
  const run = makeRun(5);
  const file = join(work, 'wide.safetensors');
  saveTrainingState(file, { ...run });
  const narrow = makeRun(5, 8);
  assert.throws(
    () => loadTrainingState(file, narrow),
    (error: unknown) => error instanceof Error && error.message.includes(file) && /shape/.test(error.message),
  );

  const plain = join(work, 'plain.safetensors');
  torch.tidy(() => save(new Map([['model.x', torch.ones([1])]]), plain));
  assert.throws(
    () => loadTrainingState(plain, run),
    new RegExp(`^SafetensorsError: ${plain}: not a training state: format is undefined`.replace(/[/.]/g, '\\$&')),
  );
  release(run);
  release(narrow);
});

test('without a scheduler to restore, the scheduler state in the file is left alone', () => {
  const run = makeRun(6);
  epoch(run);
  const file = join(work, 'no-scheduler.safetensors');
  saveTrainingState(file, { model: run.model, optimizer: run.optimizer });
  const other = makeRun(7);
  const { metadata } = loadTrainingState(file, { model: other.model, optimizer: other.optimizer });
  assert.equal(metadata.scheduler, undefined);
  assert.deepEqual(snapshot(other).state, snapshot(run).state);
  release(run);
  release(other);
});
