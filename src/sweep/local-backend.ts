import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { atomicWriteFile } from '../io/atomic-file.js';
import { SweepUsageError } from './errors.js';
import { isDone, readRunProgress } from './run-state.js';
import type { SweepDirectory, SweepRow } from './sweep-directory.js';
import { startSweepTask, type TaskHandle, type TaskOutcome } from './task.js';

/**
 * The local backend: a pool of `parallel` child `ncollapse train` processes working through the
 * rows that are not done, each with its share of the machine's threads. SIGINT/SIGTERM stop the
 * pool: every running train checkpoints, and the next `sweep run` resumes them.
 */

export interface LocalPoolOptions {
  parallel: number;
  /** Threads of each run; default: the machine's cores divided among the pool, at least 1. */
  threads?: number;
  log: (line: string) => void;
}

export interface PoolResult {
  outcomes: { row: SweepRow; outcome: TaskOutcome }[];
  skipped: number;
  stopped: boolean;
}

export function axesText(row: SweepRow): string {
  return Object.entries(row.axes)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

export function formatOutcome(outcome: TaskOutcome): string {
  const testError = outcome.progress.testError === null ? '' : `, test error ${outcome.progress.testError.toFixed(4)}`;
  const seconds = `${outcome.seconds.toFixed(1)} s`;
  switch (outcome.state) {
    case 'finished':
      return `finished in ${seconds}${testError}`;
    case 'diverged':
      return `diverged after ${seconds} (${outcome.progress.message ?? 'non-finite values'})`;
    case 'interrupted':
      return `interrupted at epoch ${outcome.progress.epoch} after ${seconds}; resumes on the next run`;
    default:
      return `failed with exit code ${outcome.exitCode} after ${seconds}; see the log`;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a local pool working on this sweep, if one is alive. */
export function runningLocalPool(sweep: SweepDirectory): number | null {
  if (!existsSync(sweep.localPoolFile)) return null;
  try {
    const { pid } = JSON.parse(readFileSync(sweep.localPoolFile, 'utf8')) as { pid: number };
    return Number.isInteger(pid) && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export async function runLocalPool(sweep: SweepDirectory, options: LocalPoolOptions): Promise<PoolResult> {
  const rows = sweep.readRows();
  const other = runningLocalPool(sweep);
  if (other !== null && other !== process.pid) throw new SweepUsageError(`${sweep.root}: a local pool (pid ${other}) is already running this sweep; stop it with 'ncollapse sweep cancel ${sweep.root}'`);
  const todo = rows.filter((row) => !isDone(readRunProgress(sweep.runDir(row))));
  const result: PoolResult = { outcomes: [], skipped: rows.length - todo.length, stopped: false };
  if (result.skipped > 0) options.log(`${result.skipped} of ${rows.length} runs already done (finished or diverged): not run again`);
  if (todo.length === 0) return result;

  const parallel = Math.max(1, Math.min(options.parallel, todo.length));
  const threads = options.threads ?? Math.max(1, Math.floor(availableParallelism() / parallel));
  atomicWriteFile(sweep.localPoolFile, `${JSON.stringify({ pid: process.pid, parallel, threads, startedAt: new Date().toISOString() })}\n`);
  options.log(`running ${todo.length} runs, ${parallel} at a time, ${threads} thread(s) each; logs in ${sweep.logsDir}`);

  const active = new Set<TaskHandle>();
  const onSignal = () => {
    if (!result.stopped) options.log('stopping: each running train writes a checkpoint first');
    result.stopped = true;
    for (const handle of active) handle.stop('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (!result.stopped && next < todo.length) {
      const row = todo[next++]!;
      const logFile = join(sweep.logsDir, `run-${row.index}-${row.id}.log`);
      const handle = startSweepTask(sweep, row, { threads, output: { file: logFile } });
      active.add(handle);
      options.log(`[${row.index}] ${row.id} ${axesText(row)}: ${handle.start === 'resume' ? 'resuming from its checkpoint' : 'started'}`);
      try {
        const outcome = await handle.done;
        finished++;
        result.outcomes.push({ row, outcome });
        const where = outcome.state === 'failed' ? ` (${logFile})` : '';
        options.log(`[${row.index}] ${row.id} ${axesText(row)}: ${formatOutcome(outcome)}${where} (${finished}/${todo.length})`);
      } finally {
        active.delete(handle);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(sweep.localPoolFile, { force: true });
  }
  return result;
}
