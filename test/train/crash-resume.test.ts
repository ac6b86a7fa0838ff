import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { BIN, type Finished, metricLines, metricsWithoutTime, runCli, waitFor } from './cli-run.js';

// A tiny seeded run (Gaussian mixture, narrow MLP, every epoch measured and checkpointed), killed
// with SIGKILL again and again at pseudo-random moments, some of them inside a checkpoint write,
// and resumed each time: its metrics must equal those of the run that was never interrupted.
const EPOCHS = 8;
const RUN = [
  'train',
  '--dataset',
  'gaussian',
  '--per-class',
  '30',
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
  '11',
];
/** How long each atomic write stops before its rename in the runs that are killed inside one. */
const WRITE_PAUSE_MS = '600';
/**
 * The same pause, shorter, in the runs killed at a random moment: the tiny run trains an epoch in
 * milliseconds on an idle machine, and without it a kill up to 400 ms after an epoch could come
 * after the whole run had finished, leaving nothing to interrupt.
 */
const PACING_PAUSE_MS = '100';

let dir: string;
let reference: Record<string, unknown>[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ncollapse-crash-'));
  const whole = await runCli([...RUN, '--out', join(dir, 'whole')]);
  assert.equal(whole.code, 0, whole.stderr);
  reference = metricsWithoutTime(join(dir, 'whole', 'metrics.jsonl'));
  assert.equal(reference.length, EPOCHS);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: the kill moments are pseudo-random but the same on every run of the test. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function startWithPause(args: string[], pauseMs: string): { child: ReturnType<typeof spawn>; done: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NCOLLAPSE_TEST_WRITE_PAUSE_MS: pauseMs } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))) };
}

const temporaries = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((name) => /\.tmp-\d+-[0-9a-f]+$/.test(name)) : []);

test('SIGKILL at random moments, inside checkpoint writes too, then --resume: the metrics equal an uninterrupted run', async () => {
  const run = join(dir, 'crashed');
  const checkpoints = join(run, 'checkpoints');
  const next = random(20261201);
  const kills: string[] = [];
  for (let round = 0; round < 4; round++) {
    const args = [...RUN, '--out', run, ...(round > 0 ? ['--resume'] : [])];
    const lines = metricLines(join(run, 'metrics.jsonl'));
    assert.ok(lines < EPOCHS, `the run finished before round ${round}: ${kills.join('; ')}`);
    if (round % 2 === 1) {
      // Inside a write: the checkpoint's temporary file exists and the rename has not happened.
      const { child, done } = startWithPause(args, WRITE_PAUSE_MS);
      await waitFor(() => temporaries(checkpoints).some((name) => name.includes('.safetensors.tmp-')), 60_000, 'a checkpoint write');
      child.kill('SIGKILL');
      assert.equal((await done).signal, 'SIGKILL');
      kills.push(`round ${round}: inside the write of ${temporaries(checkpoints).join(', ')}`);
    } else {
      // Anywhere in an epoch: after the run has measured one more epoch, a random delay.
      const { child, done } = startWithPause(args, PACING_PAUSE_MS);
      await waitFor(() => metricLines(join(run, 'metrics.jsonl')) > lines, 60_000, 'one more measured epoch');
      const delay = Math.floor(next() * 400);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      const killed = await done;
      kills.push(`round ${round}: ${delay} ms after epoch ${lines + 1} was measured (${killed.signal ?? `exit ${killed.code}`})`);
    }
  }
  const resumed = await runCli([...RUN, '--out', run, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr + kills.join('\n'), /\.tmp-/, 'some kills hit a checkpoint write');
  assert.deepEqual(metricsWithoutTime(join(run, 'metrics.jsonl')), reference, kills.join('\n'));
  assert.equal((JSON.parse(readFileSync(join(run, 'status.json'), 'utf8')) as { state: string }).state, 'finished');
  assert.deepEqual([...temporaries(run), ...temporaries(checkpoints)], [], 'no temporary file is left behind');
});

test('SIGTERM checkpoints and exits 143; --resume finishes the same run', async () => {
  const run = join(dir, 'terminated');
  const { child, done } = startWithPause([...RUN, '--out', run], PACING_PAUSE_MS);
  await waitFor(() => metricLines(join(run, 'metrics.jsonl')) >= 2, 60_000, 'two measured epochs');
  child.kill('SIGTERM');
  const terminated = await done;
  assert.equal(terminated.code, 143, terminated.stderr);
  assert.match(terminated.stderr, /--resume/);
  const resumed = await runCli([...RUN, '--out', run, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(metricsWithoutTime(join(run, 'metrics.jsonl')), reference);
});
