import assert from 'node:assert/strict';
import { test } from 'node:test';

import { summaryTable } from '../../src/cli/demo.js';
import { runCli } from '../train/cli-run.js';

test('every command answers --help', async () => {
  for (const command of ['train', 'demo', 'analyze', 'report', 'serve', 'track']) {
    const result = await runCli([command, '--help']);
    assert.equal(result.code, 0, `${command} --help: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`Usage: ncollapse ${command}`));
  }
});

test('bad training options are clear errors that create nothing', async () => {
  const epochs = await runCli(['train', '--epochs', 'many', '--out', '/tmp/ncollapse-never']);
  assert.equal(epochs.code, 1);
  assert.match(epochs.stderr, /--epochs <n>.*must be a positive integer, got 'many'/);
  const dataset = await runCli(['train', '--dataset', 'imagenet', '--out', '/tmp/ncollapse-never', '--quiet']);
  assert.equal(dataset.code, 1);
  assert.match(dataset.stderr, /imagenet: unknown dataset, expected one of .*fashion-mnist/);
  const model = await runCli(['train', '--dataset', 'gaussian', '--model', 'alexnet', '--out', '/tmp/ncollapse-never', '--quiet']);
  assert.equal(model.code, 1);
  assert.match(model.stderr, /unknown model 'alexnet'; valid models: mlp, vgg11/);
});

test('the demo summary shows epoch 1, the start of the terminal phase and the end', () => {
  const table = summaryTable([
    { epoch: 1, train_error: 0.2, nc1: 1.5, tpt_epoch: null },
    { epoch: 30, train_error: 0, nc1: 0.4, tpt_epoch: 30 },
    { epoch: 350, train_error: 0, nc1: 0.05, ncc_mismatch: 0, tpt_epoch: 30 },
  ]);
  const lines = table.split('\n');
  assert.match(lines[0]!, /epoch 1\s+TPT \(epoch 30\)\s+end \(epoch 350\)/);
  assert.match(table, /nc1\s+1\.5000\s+0\.4000\s+0\.0500/);
  assert.match(table, /ncc_mismatch\s+-\s+-\s+0$/m);
  assert.match(summaryTable([{ epoch: 1, train_error: 0.3, tpt_epoch: null }]), /TPT \(not reached\)/);
});
