import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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

test('bad training options are usage errors (exit 2) that create nothing', async () => {
  // The whole table of commands and cases is test/cli/exit-codes.test.ts; these three are the first a user meets.
  const epochs = await runCli(['train', '--epochs', 'many', '--out', '/tmp/ncollapse-never']);
  assert.equal(epochs.code, 2);
  assert.match(epochs.stderr, /--epochs <n>.*must be an integer >= 1 and <= 100000, got 'many'/);
  const dataset = await runCli(['train', '--dataset', 'imagenet', '--out', '/tmp/ncollapse-never', '--quiet']);
  assert.equal(dataset.code, 2);
  assert.match(dataset.stderr, /unknown dataset 'imagenet'; expected one of .*fashion-mnist/);
  const model = await runCli(['train', '--dataset', 'gaussian', '--model', 'alexnet', '--out', '/tmp/ncollapse-never', '--quiet']);
  assert.equal(model.code, 2);
  assert.match(model.stderr, /unknown model 'alexnet'; expected one of mlp, vgg11/);
  assert.ok(!existsSync('/tmp/ncollapse-never'));
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
  assert.doesNotMatch(table, /deepfool_test/, 'a key no epoch measured is left out');
  assert.match(summaryTable([{ epoch: 1, train_error: 0.3, tpt_epoch: null }]), /TPT \(not reached\)/);
});
