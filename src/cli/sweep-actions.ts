/** What the `ncollapse sweep` commands do; src/cli/sweep.ts declares them and loads this when one runs. */

import { EXIT_CODES } from '../errors.js';
import { SweepUsageError } from '../sweep/sweep-usage-error.js';
import { axesText, formatOutcome, runLocalPool, stopLocalPool } from '../sweep/local-backend.js';
import { planSweep } from '../sweep/plan.js';
import { cancelSlurm, queuedTasks, readSlurmJob, requeueSelf, submitSlurm } from '../sweep/slurm-backend.js';
import { statusTable, sweepStatus } from '../sweep/status.js';
import { SweepDirectory } from '../sweep/sweep-directory.js';
import { startSweepTask } from '../sweep/task.js';

function log(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
}

export interface RunOptions {
  backend: 'local' | 'slurm';
  parallel: number;
  threads?: number;
  partition?: string;
  time?: string;
  gpusPerTask?: number;
  cpusPerTask: number;
  maxRunning?: number;
}

export async function runCommand(dir: string, options: RunOptions): Promise<void> {
  const sweep = new SweepDirectory(dir);
  sweep.readInfo();
  if (options.backend === 'slurm') {
    const job = await submitSlurm(sweep, {
      partition: options.partition,
      time: options.time,
      gpusPerTask: options.gpusPerTask,
      cpusPerTask: options.threads ?? options.cpusPerTask,
      maxRunning: options.maxRunning,
    });
    if (!job) {
      console.log(`every run of ${sweep.root} is finished or diverged: nothing to submit`);
      return;
    }
    console.log(`submitted job ${job.jobId}: ${job.indices.length} array tasks (sbatch ${job.sbatch.join(' ')})`);
    console.log(`follow it with 'ncollapse sweep status ${dir}', stop it with 'ncollapse sweep cancel ${dir}'`);
    return;
  }
  const result = await runLocalPool(sweep, { parallel: options.parallel, threads: options.threads, log });
  const status = await sweepStatus(sweep);
  console.log('');
  console.log(statusTable(status));
  if (result.stopped) {
    console.log(`stopped; continue with 'ncollapse sweep run ${dir} --backend local'`);
    process.exitCode = EXIT_CODES.sigint;
  } else if (result.outcomes.some(({ outcome }) => outcome.state === 'failed')) {
    process.exitCode = EXIT_CODES.error;
  } else if (status.runs.some((run) => run.state === 'finished')) {
    console.log(`report: ncollapse report ${dir}`);
  }
}

/** One array task (or one row by hand): idempotent, and on SLURM's USR1 it checkpoints and requeues itself. */
export async function taskCommand(dir: string, options: { index: number; threads?: number }): Promise<void> {
  const sweep = new SweepDirectory(dir);
  const row = sweep.row(options.index);
  const slurmThreads = Number(process.env.SLURM_CPUS_PER_TASK);
  const threads = options.threads ?? (Number.isInteger(slurmThreads) && slurmThreads > 0 ? slurmThreads : undefined);
  const restarts = process.env.SLURM_RESTART_COUNT ? ` (SLURM restart ${process.env.SLURM_RESTART_COUNT})` : '';
  const handle = startSweepTask(sweep, row, { threads, output: 'inherit' });
  const what = `task ${row.index} (${row.id}, ${axesText(row)})`;
  if (handle.start === 'skip') {
    const outcome = await handle.done;
    log(`${what}: already ${outcome.state}; not run again${restarts}`);
    return;
  }
  log(
    `${what}: ${handle.start === 'resume' ? 'resuming from its checkpoint' : handle.start === 'restart' ? 'starting again (it stopped before its first checkpoint)' : 'starting'}${restarts}`,
  );
  let requeue = false;
  const onUsr1 = () => {
    log(`${what}: the time limit is near (USR1): checkpointing, then requeueing`);
    requeue = true;
    handle.stop('SIGTERM');
  };
  const onStop = (signal: NodeJS.Signals) => {
    log(`${what}: ${signal}: checkpointing`);
    handle.stop('SIGTERM');
  };
  process.on('SIGUSR1', onUsr1);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  try {
    const outcome = await handle.done;
    log(`${what}: ${formatOutcome(outcome)}`);
    // Whatever state the run stopped in (a signal during train's start-up kills it before it can
    // checkpoint), the next life of the task continues or restarts it.
    if (requeue && outcome.state !== 'finished' && outcome.state !== 'diverged') {
      const id = await requeueSelf();
      log(id ? `${what}: requeued as ${id}; it resumes from its checkpoint` : `${what}: not under SLURM, not requeued`);
    }
    process.exitCode =
      outcome.state === 'finished'
        ? EXIT_CODES.ok
        : outcome.state === 'diverged'
          ? EXIT_CODES.diverged
          : outcome.state === 'interrupted'
            ? EXIT_CODES.sigterm
            : EXIT_CODES.error;
  } finally {
    process.off('SIGUSR1', onUsr1);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
  }
}

export async function cancelCommand(dir: string): Promise<void> {
  const sweep = new SweepDirectory(dir);
  sweep.readInfo();
  let cancelled = false;
  const job = readSlurmJob(sweep);
  if (job && (await queuedTasks(job.jobId)).size > 0) {
    await cancelSlurm(job);
    console.log(`cancelled slurm job ${job.jobId}; running tasks write a checkpoint as they stop`);
    cancelled = true;
  }
  const pool = stopLocalPool(sweep);
  if (pool !== null) {
    console.log(`asked the local pool (pid ${pool.pid}, started ${pool.acquiredAt}) to stop; running trains write a checkpoint as they stop`);
    cancelled = true;
  }
  if (!cancelled) throw new SweepUsageError(`${sweep.root}: nothing to cancel (no slurm job queued or running, no local pool)`);
  console.log(`finished runs are kept; continue later with 'ncollapse sweep run ${dir}'`);
}

export function planCommand(grid: string, options: { out: string; maxRuns?: number }): void {
  const { sweep: dir, rows, created } = planSweep(grid, options.out, options.maxRuns);
  console.log(`${created ? 'planned' : 'already planned:'} ${rows.length} runs in ${dir.root} (sweep.jsonl)`);
}

export async function statusCommand(dir: string): Promise<void> {
  console.log(statusTable(await sweepStatus(new SweepDirectory(dir))));
}
