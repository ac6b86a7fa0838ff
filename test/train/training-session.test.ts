import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import type { TrainOptions } from '../../src/train/config.js';
import { ResumeError } from '../../src/train/resume-point.js';
import { TrainingSetupError } from '../../src/train/training-setup-error.js';
import { train } from '../../src/train/trainer.js';
import * as torch from '../../src/torch/index.js';

// Whatever way a run ends, it gives back the tensors (model, data, optimizer state) and the signal
// handlers it took: a library caller, a sweep or the server trains many runs in one process.
const dir = mkdtempSync(join(tmpdir(), 'ncollapse-training-session-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function options(name: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    name,
    out: join(dir, name),
    dataset: 'gaussian',
    perClass: 20,
    model: 'mlp',
    width: 0.0625,
    epochs: 2,
    batchSize: 50,
    lrMilestones: [100],
    measure: 'all',
    layers: false,
    report: false,
    seed: 5,
    ...extra,
  };
}

const held = () => ({ tensors: torch.liveTensors(), sigint: process.listenerCount('SIGINT'), sigterm: process.listenerCount('SIGTERM') });

test('a failed resume releases the model, data and optimizer it allocated', async () => {
  await train(options('broken-checkpoints'), { quiet: true });
  const before = held();
  // Every checkpoint emptied while metrics.jsonl holds two epochs: the resume is refused after the
  // session (model, data, optimizer) was built and a checkpoint load was tried.
  const checkpoints = join(dir, 'broken-checkpoints', 'checkpoints');
  for (const file of readdirSync(checkpoints)) truncateSync(join(checkpoints, file), 0);
  await assert.rejects(train(options('broken-checkpoints'), { quiet: true, resume: true, handleSignals: true, notice: () => {} }), ResumeError);
  assert.deepEqual(held(), before);
});

test('a resume whose checkpoint is damaged mid-file releases what the partial load allocated', async () => {
  await train(options('truncated-checkpoints'), { quiet: true });
  const before = held();
  const checkpoints = join(dir, 'truncated-checkpoints', 'checkpoints');
  for (const file of readdirSync(checkpoints)) truncateSync(join(checkpoints, file), 600);
  await assert.rejects(train(options('truncated-checkpoints'), { quiet: true, resume: true, handleSignals: true, notice: () => {} }), ResumeError);
  assert.deepEqual(held(), before);
});

test('a start refused after the data is loaded (a batch larger than the data) releases it', async () => {
  const before = held();
  await assert.rejects(train(options('batch-too-large', { batchSize: 1000 }), { quiet: true, handleSignals: true }), TrainingSetupError);
  assert.deepEqual(held(), before);
});

test('an error after training started removes the signal handlers and releases everything', async () => {
  const before = held();
  const failingReport = async (): Promise<string> => {
    assert.equal(process.listenerCount('SIGINT'), before.sigint + 1, 'the handlers are installed while the run trains');
    throw new Error('the report could not be written');
  };
  await assert.rejects(train(options('report-fails'), { quiet: true, handleSignals: true, writeReport: failingReport }), /the report could not be written/);
  assert.deepEqual(held(), before);
});
