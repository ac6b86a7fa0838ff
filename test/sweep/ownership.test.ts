import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { currentProcess } from '../../src/io/process-identity.js';
import { SweepDirectoryError } from '../../src/sweep/sweep-directory-error.js';
import { SweepUsageError } from '../../src/sweep/sweep-usage-error.js';
import { runLocalPool, runningLocalPool, stopLocalPool } from '../../src/sweep/local-backend.js';
import { planSweep } from '../../src/sweep/plan.js';
import { isDone, readRunProgress } from '../../src/sweep/run-state.js';
import { SweepDirectory } from '../../src/sweep/sweep-directory.js';
import { checkRowArgs, startSweepTask, taskStart } from '../../src/sweep/task.js';
import { exited, holdLock } from '../io/lock-holder.js';

const work = mkdtempSync(join(tmpdir(), 'ncollapse-sweep-ownership-'));
after(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
function newSweep(): SweepDirectory {
  const grid = join(work, `grid-${counter}.yaml`);
  writeFileSync(grid, 'fixed: { dataset: gaussian, model: mlp, epochs: 4 }\naxes:\n  lr: [0.01, 0.1]\n');
  return planSweep(grid, join(work, `sweep-${counter++}`)).sweep;
}

/** sweep.jsonl with its line `index` changed by `edit`. */
function tamper(sweep: SweepDirectory, index: number, edit: (row: Record<string, unknown>) => void): void {
  const lines = readFileSync(sweep.rowsFile, 'utf8').trim().split('\n');
  const row = JSON.parse(lines[index]!) as Record<string, unknown>;
  edit(row);
  lines[index] = JSON.stringify(row);
  writeFileSync(sweep.rowsFile, `${lines.join('\n')}\n`);
}

describe('a sweep acts only on what is its own', () => {
  it('refuses a row whose args redirect --out, whose id is not its config hash, or whose id repeats', () => {
    const outside = join(work, 'outside');
    const redirected = newSweep();
    tamper(redirected, 0, (row) => (row.args = [...(row.args as string[]), '--out', outside]));
    assert.throws(
      () => redirected.readRows(),
      (e: unknown) => e instanceof SweepDirectoryError && /line 1: args hold --out/.test(e.message),
    );
    const equals = newSweep();
    tamper(equals, 1, (row) => (row.args = [...(row.args as string[]), `--out=${outside}`]));
    assert.throws(() => equals.readRows(), /line 2: args hold --out=/);

    const changed = newSweep();
    tamper(changed, 0, (row) => ((row.config as Record<string, unknown>).lr = 5));
    assert.throws(() => changed.readRows(), /line 1: id [0-9a-f]{12} is not the hash of the row's config/);

    const repeated = newSweep();
    const first = JSON.parse(readFileSync(repeated.rowsFile, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    tamper(repeated, 1, (row) => Object.assign(row, { ...first, index: 1 }));
    assert.throws(() => repeated.readRows(), /line 2: id [0-9a-f]{12} repeats line 1/);
    assert.equal(existsSync(outside), false);
  });

  it('refuses a row whose args say other settings than its (hashed) config', () => {
    const sweep = newSweep();
    tamper(sweep, 0, (row) => {
      const args = row.args as string[];
      args[args.indexOf('--lr') + 1] = '0.7';
    });
    const row = sweep.readRows()[0]!;
    assert.throws(() => checkRowArgs(sweep, row), /line 1: args set lr to 0\.7, the row's config says 0\.01/);
    assert.throws(() => startSweepTask(sweep, row, { output: 'inherit' }), SweepDirectoryError);
    assert.doesNotThrow(() => checkRowArgs(sweep, sweep.readRows()[1]!));
  });

  it('does not count a bare status.json saying finished as a finished run', () => {
    const sweep = newSweep();
    const row = sweep.readRows()[0]!;
    const dir = sweep.runDir(row);
    writeFileSync(
      join(dir, 'status.json'),
      JSON.stringify({ state: 'finished', epoch: 4, epochs: 4, tptEpoch: null, message: null, updatedAt: new Date().toISOString() }),
    );
    let progress = readRunProgress(dir);
    assert.equal(isDone(progress), false);
    assert.equal(taskStart(progress), 'fresh');
    // With its config but without the last epoch's checkpoint: still not done.
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...row.config, ncollapseVersion: '0.1.0' }));
    mkdirSync(join(dir, 'checkpoints'));
    writeFileSync(join(dir, 'checkpoints', 'last.safetensors'), 'weights');
    progress = readRunProgress(dir);
    assert.equal(isDone(progress), false);
    assert.equal(taskStart(progress), 'resume');
    writeFileSync(join(dir, 'checkpoints', 'epoch-0004.safetensors'), 'weights');
    assert.equal(isDone(readRunProgress(dir)), true);
  });

  it('never signals a process that local-pool.json names but that is not the pool (a reused pid, a tampered file)', async () => {
    const sweep = newSweep();
    const stranger = spawn('sleep', ['30']);
    await new Promise((resolve) => stranger.once('spawn', resolve));
    try {
      const pid = stranger.pid!;
      const startTicks = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;
      // Its pid and start time, but a pool's command line: the command does not match.
      writeFileSync(sweep.localPoolFile, JSON.stringify({ ...currentProcess(), pid, startTicks, purpose: 'sweep run', acquiredAt: 'now' }));
      assert.equal(runningLocalPool(sweep), null);
      assert.equal(stopLocalPool(sweep), null);
      // Its pid alone, with another start time (the pool that had this pid is gone).
      writeFileSync(
        sweep.localPoolFile,
        JSON.stringify({ pid, startTicks: '1', command: 'sleep 30', host: currentProcess().host, purpose: 'sweep run', acquiredAt: 'now' }),
      );
      assert.equal(stopLocalPool(sweep), null);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(stranger.exitCode, null);
      assert.equal(stranger.signalCode, null, 'the stranger was never signalled');
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('refuses a second pool on a sweep and a task on a run that another process writes, naming it', async () => {
    const sweep = newSweep();
    const pool = await holdLock(sweep.localPoolFile, 'sweep run');
    try {
      assert.equal(runningLocalPool(sweep), pool.pid);
      await assert.rejects(
        runLocalPool(sweep, { parallel: 1, log: () => undefined }),
        (e: unknown) => e instanceof SweepUsageError && e.message.includes(`pid ${pool.pid}`) && e.message.includes('sweep cancel'),
      );
    } finally {
      pool.kill('SIGKILL');
      await exited(pool);
    }
    const row = sweep.readRows()[0]!;
    const dir = sweep.runDir(row);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...row.config, ncollapseVersion: '0.1.0' }));
    writeFileSync(
      join(dir, 'status.json'),
      JSON.stringify({ state: 'running', epoch: 0, epochs: 4, tptEpoch: null, message: null, updatedAt: new Date().toISOString() }),
    );
    const writer = await holdLock(join(dir, 'writer.lock'), 'train');
    try {
      assert.throws(
        () => startSweepTask(sweep, row, { output: 'inherit' }),
        (e: unknown) => e instanceof SweepUsageError && e.message.includes(`pid ${writer.pid}`),
      );
      assert.ok(existsSync(join(dir, 'config.json')), 'the live run was not cleared for a restart');
      assert.ok(existsSync(join(dir, 'status.json')));
    } finally {
      writer.kill('SIGKILL');
      await exited(writer);
    }
  });
});
