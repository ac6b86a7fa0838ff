import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { metricLines, metricsWithoutTime, runCli, startCli, waitFor } from './cli-run.js';

// A small but real run: the seeded Gaussian mixture, a narrow MLP, 24 epochs, measured every epoch.
const EPOCHS = 24;
const RUN = [
  'train',
  '--dataset',
  'gaussian',
  '--per-class',
  '40',
  '--model',
  'mlp',
  '--width',
  '0.125',
  '--epochs',
  String(EPOCHS),
  '--measure',
  'all',
  '--no-report',
  '--quiet',
  '--seed',
  '7',
];

let dir: string;
let reference: Record<string, unknown>[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ncollapse-resume-'));
  const whole = await runCli([...RUN, '--out', join(dir, 'whole')]);
  assert.equal(whole.code, 0, whole.stderr);
  reference = metricsWithoutTime(join(dir, 'whole', 'metrics.jsonl'));
  assert.equal(reference.length, EPOCHS);
});

after(() => rmSync(dir, { recursive: true, force: true }));

function status(run: string): { state: string; epoch: number } {
  return JSON.parse(readFileSync(join(run, 'status.json'), 'utf8')) as { state: string; epoch: number };
}

test('a run killed with SIGKILL resumes from its last checkpoint and produces the same metrics', async () => {
  const run = join(dir, 'killed');
  const { child, done } = startCli([...RUN, '--out', run]);
  await waitFor(() => metricLines(join(run, 'metrics.jsonl')) >= 3, 60_000, 'three measured epochs');
  child.kill('SIGKILL');
  const killed = await done;
  assert.equal(killed.signal, 'SIGKILL');
  const linesAtKill = metricLines(join(run, 'metrics.jsonl'));
  assert.ok(linesAtKill < EPOCHS, `the run was killed before its end (${linesAtKill} lines)`);
  assert.equal(status(run).state, 'running', 'a killed run could not say goodbye');

  const resumed = await runCli(['train', '--resume', '--out', run, '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(status(run).state, 'finished');
  assert.deepEqual(metricsWithoutTime(join(run, 'metrics.jsonl')), reference);
});

test('Ctrl-C (SIGINT) checkpoints mid-epoch; --resume continues to the same metrics', async () => {
  const run = join(dir, 'interrupted');
  const { child, done } = startCli([...RUN, '--out', run]);
  await waitFor(() => metricLines(join(run, 'metrics.jsonl')) >= 2, 60_000, 'two measured epochs');
  child.kill('SIGINT');
  const interrupted = await done;
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.match(interrupted.stderr, /--resume/);
  assert.equal(status(run).state, 'interrupted');
  assert.ok(existsSync(join(run, 'checkpoints', 'last.safetensors')));

  const resumed = await runCli(['train', '--resume', '--out', run, '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(metricsWithoutTime(join(run, 'metrics.jsonl')), reference);
});

test('a second train into the same directory is refused and leaves the run as it was', async () => {
  const before = readFileSync(join(dir, 'whole', 'metrics.jsonl'), 'utf8');
  const again = await runCli([...RUN, '--out', join(dir, 'whole')]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already holds a run .*config\.json.*--resume/);
  assert.equal(readFileSync(join(dir, 'whole', 'metrics.jsonl'), 'utf8'), before);
});

test('--resume without a run says what is missing', async () => {
  const result = await runCli(['train', '--resume', '--out', join(dir, 'nothing-here'), '--quiet']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /nothing-here.*config\.json does not exist/);
});
