import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { BIN, metricLines, runCli, startCli, waitFor } from '../train/cli-run.js';
import { freePort } from './ranks.js';

const root = mkdtempSync(join(tmpdir(), 'ncollapse-launch-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A small, quick job: 1000 gaussian samples, a narrow MLP, one thread per rank.
const JOB = ['--dataset', 'gaussian', '--per-class', '100', '--width', '0.125', '--batch-size', '64', '--no-report', '--quiet'];

const readJsonLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('ncollapse launch', () => {
  it('--backends names the c10d backends of this build', async () => {
    const done = await runCli(['launch', '--backends']);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^c10d backends built: gloo/m);
  });

  it('launch --nproc 2 train runs 3 epochs and its metrics.jsonl has every key of a single-process run', { timeout: 180_000 }, async () => {
    const single = join(root, 'single');
    const parallel = join(root, 'parallel');
    const [one, two] = await Promise.all([
      runCli(['train', ...JOB, '--epochs', '3', '--measure', 'all', '--out', single]),
      runCli(['launch', '--nproc', '2', 'train', ...JOB, '--epochs', '3', '--measure', 'all', '--out', parallel]),
    ]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const expected = readJsonLines(join(single, 'metrics.jsonl'));
    const got = readJsonLines(join(parallel, 'metrics.jsonl'));
    assert.deepEqual(
      got.map((r) => r.epoch),
      [1, 2, 3],
    );
    for (const [i, record] of got.entries()) {
      assert.deepEqual(Object.keys(record).sort(), Object.keys(expected[i]!).sort());
      for (const [key, value] of Object.entries(record)) if (typeof value === 'number') assert.ok(Number.isFinite(value), `${key} = ${value}`);
    }
    assert.equal(JSON.parse(readFileSync(join(parallel, 'status.json'), 'utf8')).state, 'finished');
    // The ranks measured their shards and merged them: one process measuring the saved network
    // (rank 0's, BatchNorm statistics included) on all the data finds the same values. The
    // features are float32 from other batch compositions, hence 1e-7 rather than measure.test's 1e-9.
    const analyzed = await runCli(['analyze', '--checkpoint', join(parallel, 'checkpoints', 'epoch-0003.safetensors'), '--layers', '--json']);
    assert.equal(analyzed.code, 0, analyzed.stderr);
    const alone = JSON.parse(analyzed.stdout) as Record<string, unknown> & { layers: Record<string, number>[] };
    const close = (a: unknown, b: unknown, what: string) =>
      assert.ok(Math.abs((a as number) - (b as number)) <= 1e-7 * Math.max(1, Math.abs(b as number)), `${what}: ${a} (merged) vs ${b} (one process)`);
    const last = got[2]! as Record<string, unknown> & { layers: Record<string, number>[] };
    let compared = 0;
    for (const [key, value] of Object.entries(alone)) {
      if (typeof value !== 'number') continue;
      close(last[key], value, key);
      compared++;
    }
    assert.ok(compared >= 18, `only ${compared} metrics compared`);
    assert.equal(last.layers.length, alone.layers.length);
    alone.layers.forEach((layer, i) => {
      for (const key of ['nc1', 'nc1_trace_ratio', 'cdnv', 'ncc_accuracy']) close(last.layers[i]![key], layer[key], `layer ${layer.name} ${key}`);
    });
  });

  it('after one rank is killed the run stops, and --resume (with 2 ranks) finishes it', { timeout: 240_000 }, async () => {
    const out = join(root, 'killed');
    const { child, done } = startCli(['launch', '--nproc', '2', 'train', ...JOB, '--per-class', '300', '--epochs', '8', '--measure', 'all', '--out', out]);
    try {
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      await waitFor(() => metricLines(join(out, 'metrics.jsonl')) >= 1, 150_000, 'the first measured epoch');
      const victim = Number(/rank 1 of 2 is process (\d+)/.exec(stderr)?.[1]);
      assert.ok(victim > 0, `no pid for rank 1 in:\n${stderr}`);
      process.kill(victim, 'SIGKILL');
      const stopped = await done;
      assert.notEqual(stopped.code, 0, 'the launch succeeded although a rank was killed');
      assert.match(stopped.stderr, /rank 1 was killed by SIGKILL/);
      const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'));
      assert.equal(status.state, 'interrupted');
      assert.match(status.message, /c10d .* failed on rank 0 of a world of 2/);
    } finally {
      child.kill('SIGKILL');
    }
    const resumed = await runCli(['launch', '--nproc', '2', 'train', '--resume', '--quiet', '--out', out]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      readJsonLines(join(out, 'metrics.jsonl')).map((r) => r.epoch),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')).state, 'finished');
  });

  it('a single-process run killed mid-way is not resumed as 2 ranks (training depends on the world size), and resumes as 1', { timeout: 180_000 }, async () => {
    const out = join(root, 'grown');
    const { child, done } = startCli(['train', ...JOB, '--epochs', '4', '--measure', 'all', '--out', out]);
    try {
      await waitFor(() => metricLines(join(out, 'metrics.jsonl')) >= 1, 120_000, 'the first measured epoch');
      child.kill('SIGKILL');
      await done;
    } finally {
      child.kill('SIGKILL');
    }
    assert.ok(metricLines(join(out, 'metrics.jsonl')) < 4, 'the run finished before it was killed');
    const lines = metricLines(join(out, 'metrics.jsonl'));
    const refused = await runCli(['launch', '--nproc', '2', 'train', '--resume', '--quiet', '--out', out]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /trained with world size 1 and would continue with 2; resume it with one process/);
    assert.equal(metricLines(join(out, 'metrics.jsonl')), lines, 'the refused resume changed the run');
    const resumed = await runCli(['train', '--resume', '--quiet', '--out', out]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(
      readJsonLines(join(out, 'metrics.jsonl')).map((r) => r.epoch),
      [1, 2, 3, 4],
    );
    assert.equal(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')).state, 'finished');
  });

  it('ranks started by srun (SLURM_PROCID, SLURM_NTASKS, SLURM_JOB_NODELIST) train together, without launch', { timeout: 180_000 }, async () => {
    const out = join(root, 'slurm');
    const port = await freePort();
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'].includes(k)),
    );
    const ranks = [0, 1].map((rank) => {
      const child = spawn(process.execPath, [BIN, 'train', ...JOB, '--epochs', '1', '--measure', 'all', '--out', out], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...base,
          OMP_NUM_THREADS: '1',
          SLURM_PROCID: String(rank),
          SLURM_NTASKS: '2',
          SLURM_LOCALID: String(rank),
          SLURM_JOB_NODELIST: 'localhost',
          SLURM_JOB_ID: '4242',
          MASTER_PORT: String(port),
        },
      });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      return { child, done: new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr }))) };
    });
    try {
      for (const { done } of ranks) {
        const { code, stderr } = await done;
        assert.equal(code, 0, stderr);
      }
      assert.deepEqual(
        readJsonLines(join(out, 'metrics.jsonl')).map((r) => r.epoch),
        [1],
      );
    } finally {
      for (const { child } of ranks) child.kill('SIGKILL');
    }
  });
});
