import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { metricLines, runCli, startCli, waitFor } from './cli-run.js';

// A run long enough to be alive while the second writers try: the Gaussian mixture, many epochs.
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
  '400',
  '--measure',
  'all',
  '--no-report',
  '--quiet',
];

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-writer-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a live run refuses train --resume and demo --fresh, naming its process; once killed, --resume continues it', async () => {
  const run = join(dir, 'live');
  const first = startCli([...RUN, '--out', run]);
  try {
    await waitFor(() => metricLines(join(run, 'metrics.jsonl')) >= 2, 60_000, 'two measured epochs');
    const config = readFileSync(join(run, 'config.json'), 'utf8');

    const resume = await runCli(['train', '--resume', '--out', run, '--quiet']);
    assert.equal(resume.code, 2, resume.stderr);
    assert.match(resume.stderr, new RegExp(`in use by another ncollapse process \\(train\\): pid ${first.child.pid} on host`));

    const fresh = await runCli(['demo', '--fresh', '--out', run, '--quiet', '--epochs', '2']);
    assert.equal(fresh.code, 2, fresh.stderr);
    assert.match(fresh.stderr, new RegExp(`pid ${first.child.pid}`));
    assert.equal(readFileSync(join(run, 'config.json'), 'utf8'), config, 'the live run was left alone');
    assert.ok(existsSync(join(run, 'metrics.jsonl')));
  } finally {
    first.child.kill('SIGKILL');
    await first.done;
  }
  // The killed writer's lock is stale: it never blocks the resume.
  assert.ok(existsSync(join(run, 'writer.lock')));
  const atKill = metricLines(join(run, 'metrics.jsonl'));
  const resumed = startCli(['train', '--resume', '--out', run, '--quiet', '--epochs', '400']);
  await waitFor(() => metricLines(join(run, 'metrics.jsonl')) > atKill || resumed.child.exitCode !== null, 60_000, 'the resumed run measuring');
  resumed.child.kill('SIGINT');
  const stopped = await resumed.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.equal(existsSync(join(run, 'writer.lock')), false, 'a clean stop removes the lock');
  const epochs = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { epoch: number }).epoch);
  assert.deepEqual(
    epochs,
    [...new Set(epochs)].sort((a, b) => a - b),
    'one line per epoch, in order',
  );
});

test('a train whose start fails its checks leaves no folder behind (the lock is not a leftover)', async () => {
  const run = join(dir, 'bad-start');
  const result = await runCli([...RUN, '--batch-size', '100000', '--out', run]);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(existsSync(run), false);
});
