import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SweepDirectory, type SweepRow } from '../../src/sweep/sweep-directory.js';
import { metricsWithoutTime, runCli, startCli, waitFor } from '../train/cli-run.js';
import { slurm, startCluster, type TestCluster } from './slurm-cluster.js';

/**
 * A real SLURM (slurmctld + slurmd + munged, started by scripts/slurm/start.sh) runs a tiny sweep
 * as one job array; the same sweep runs on the local backend at the same time. While the array
 * runs, one task is requeued by SLURM (scontrol requeue) and another gets the time-limit signal
 * (USR1 to the batch step): both must resume from their checkpoints, and every run must end equal
 * to its local twin.
 */

const GRID = `name: slurm-test
fixed: { dataset: gaussian, model: mlp, width: 1, epochs: 3, measure: all, report: false, threads: 1 }
axes:
  lr: [0.01, 0.05]
  seed: [0, 1]
`;

function runState(dir: string): { state?: string; epoch?: number } {
  try {
    return JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { state?: string; epoch?: number };
  } catch {
    return {};
  }
}

/** slurmctld answers "try again later" while it is still changing the array job. */
async function retryBusy(command: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await command();
      return;
    } catch (error) {
      if (attempt >= 20 || !/try again later/i.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The pid of the `ncollapse sweep task DIR --index I` process that SLURM started. */
function taskPid(dir: string, index: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('task');
    if (at > 0 && args[at - 1] === 'sweep' && args[at + 1] === dir && args[at + 2] === '--index' && args[at + 3] === String(index)) return Number(entry);
  }
  throw new Error(`no process runs task ${index} of ${dir}`);
}

/** Every task's log, for the message of a failed assertion. */
function taskLogs(dir: string): string {
  const logs = join(dir, 'logs');
  return readdirSync(logs)
    .sort()
    .map((file) => `--- ${file}\n${readFileSync(join(logs, file), 'utf8')}`)
    .join('\n');
}

function createdAt(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { createdAt: string }).createdAt;
}

describe('sweep on SLURM', { timeout: 240_000 }, () => {
  let cluster: TestCluster | undefined;
  let work: string;
  let submittedJob: string | undefined;
  let local: ReturnType<typeof startCli> | undefined;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'ncollapse-sweep-slurm-'));
    cluster = await startCluster();
    process.env.SLURM_CONF = cluster.slurmConf;
  });

  after(async () => {
    // Whatever happened: no task and no local train outlives the test.
    if (submittedJob) await slurm('scancel', [submittedJob]).catch(() => undefined);
    local?.child.kill('SIGTERM');
    await local?.done;
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs the array, requeues and signals tasks that then resume, and equals the local backend', async (t) => {
    const started = Date.now();
    const grid = join(work, 'grid.yaml');
    writeFileSync(grid, GRID);
    const slurmDir = join(work, 'on-slurm');
    const localDir = join(work, 'local');
    for (const dir of [slurmDir, localDir]) {
      const planned = await runCli(['sweep', 'plan', grid, '--out', dir]);
      assert.equal(planned.code, 0, planned.stderr);
    }
    const rows: SweepRow[] = new SweepDirectory(slurmDir).readRows();
    assert.equal(rows.length, 4);

    const submitted = await runCli(['sweep', 'run', slurmDir, '--backend', 'slurm', '--max-running', '2']);
    assert.equal(submitted.code, 0, submitted.stderr);
    const jobId = /submitted job (\d+)/.exec(submitted.stdout)?.[1];
    assert.ok(jobId, submitted.stdout);
    submittedJob = jobId;
    const sbatch = (JSON.parse(readFileSync(join(slurmDir, 'slurm.json'), 'utf8')) as { sbatch: string[] }).sbatch;
    assert.ok(sbatch.includes('--array=0-3%2') && sbatch.includes('--requeue') && sbatch.includes('--signal=B:USR1@120'), sbatch.join(' '));

    // The local twin runs meanwhile.
    local = startCli(['sweep', 'run', localDir, '--backend', 'local', '--parallel', '2', '--threads', '1']);

    // Two tasks are interrupted the two SLURM ways while they train (status.json 'running', early in
    // the run): first one gets the time-limit signal (USR1 to the batch step, as
    // --signal=B:USR1@120 would send) and requeues itself; once it has, another is requeued by SLURM
    // (scontrol requeue, which sends SIGTERM). train checkpoints on both. One at a time: slurmctld
    // refuses changes to an array while one of its tasks is being requeued.
    const interrupted = new Map<number, { how: 'usr1' | 'requeue'; createdAt: string }>();
    for (const how of ['usr1', 'requeue'] as const) {
      let target: SweepRow | undefined;
      while (!target) {
        assert.ok(Date.now() - started < 150_000, `no task was seen training in time for ${how} (${[...interrupted.keys()]})`);
        target = rows.find((row) => {
          const state = runState(join(slurmDir, row.id));
          return !interrupted.has(row.index) && state.state === 'running' && (state.epoch ?? 0) <= 1;
        });
        if (!target) await new Promise((r) => setTimeout(r, 20));
      }
      const dir = join(slurmDir, target.id);
      interrupted.set(target.index, { how, createdAt: createdAt(dir) });
      if (how === 'requeue') await retryBusy(() => slurm('scontrol', ['requeue', `${jobId}_${target.index}`]));
      else {
        // What --signal=B:USR1 does: USR1 to the batch step's process, which is the task (the job
        // script execs it). Sent by pid: `scancel --signal` on an array task retries for minutes
        // while slurmctld is changing the array, and signals again each time.
        process.kill(taskPid(slurmDir, target.index), 'SIGUSR1');
        const log = join(slurmDir, 'logs', `task-${target.index}.log`);
        await waitFor(() => /requeued as \d+_\d+/.test(readFileSync(log, 'utf8')), 60_000, `task ${target.index} to requeue itself`);
      }
      t.diagnostic(`${how} task ${target.index} at epoch ${runState(dir).epoch} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }

    // A requeued job waits two minutes before it may start again; let it start at once.
    const deadline = Date.now() + 180_000;
    for (;;) {
      // squeue may time out on a loaded machine: ask again rather than take that for an empty queue.
      const queue = (await slurm('squeue', ['--noheader', '--array', `--jobs=${jobId}`, '--format=%i|%T|%r']).catch(() => '?')).trim();
      if (queue === '?') {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (queue === '') break;
      for (const line of queue.split('\n')) {
        const [id, state, reason] = line.split('|');
        if (state === 'PENDING' && reason === 'BeginTime') await slurm('scontrol', ['update', `JobId=${id}`, 'StartTime=now']).catch(() => undefined);
      }
      assert.ok(Date.now() < deadline, `the job array did not finish in time: ${queue}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    t.diagnostic(`the array finished after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const status = await runCli(['sweep', 'status', slurmDir]);
    assert.match(status.stdout, /4 runs: 4 finished/, `${status.stdout}\n${taskLogs(slurmDir)}`);

    for (const [index, { how, createdAt: before }] of interrupted) {
      const log = readFileSync(join(slurmDir, 'logs', `task-${index}.log`), 'utf8');
      if (how === 'usr1') {
        assert.match(log, /USR1/, log);
        assert.match(log, new RegExp(`requeued as ${jobId}_${index}`), log);
      }
      assert.match(log, new RegExp(`task ${index} .*: resuming from its checkpoint \\(SLURM restart 1\\)`), log);
      assert.match(log, new RegExp(`task ${index} .*: finished in`), log);
      // Resumed, not restarted: a restart writes config.json anew.
      assert.equal(createdAt(join(slurmDir, rows[index]!.id)), before);
    }

    const localDone = await local.done;
    assert.equal(localDone.code, 0, localDone.stderr + localDone.stdout);
    for (const row of rows) {
      assert.equal(runState(join(slurmDir, row.id)).state, 'finished');
      assert.deepEqual(
        metricsWithoutTime(join(slurmDir, row.id, 'metrics.jsonl')),
        metricsWithoutTime(join(localDir, row.id, 'metrics.jsonl')),
        `run ${row.index}`,
      );
    }
  });
});
