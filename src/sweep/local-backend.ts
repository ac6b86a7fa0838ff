import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { NcollapseError } from '../errors.js';
import { LockFile, LockHeldError, readLock, type LockRecord } from '../io/lock-file.js';
import { processState } from '../io/process-identity.js';
import { SweepUsageError } from './sweep-usage-error.js';
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

/**
 * The local pool working on this sweep, if one is alive: local-pool.json is the pool's lock
 * (src/io/lock-file.ts), and it counts only while the process it names runs with the same start
 * time and the same command. A pid that was reused by another process, or a tampered file, names
 * no pool, so that nothing ever signals or waits for a process that is not ours.
 */
export function localPoolHolder(sweep: SweepDirectory): LockRecord | null {
  const record = readLock(sweep.localPoolFile);
  if (record === null) return null;
  const state = processState(record, { checkCommand: true });
  return state === 'gone' ? null : record;
}

/** The pid of a local pool working on this sweep, if one is alive (see localPoolHolder). */
export function runningLocalPool(sweep: SweepDirectory): number | null {
  return localPoolHolder(sweep)?.pid ?? null;
}

/**
 * Asks the sweep's local pool to stop (SIGTERM), after checking that the process is that pool:
 * the same pid, start time and command line as when it took the lock, on this host.
 */
export function stopLocalPool(sweep: SweepDirectory): LockRecord | null {
  const record = readLock(sweep.localPoolFile);
  if (record === null) return null;
  const state = processState(record, { checkCommand: true });
  if (state === 'gone') return null;
  if (state === 'unknown') throw new SweepUsageError(`${sweep.root}: the local pool runs on host ${record.host} (pid ${record.pid}); cancel it there`);
  process.kill(record.pid, 'SIGTERM');
  return record;
}

export async function runLocalPool(sweep: SweepDirectory, options: LocalPoolOptions): Promise<PoolResult> {
  const rows = sweep.readRows();
  // The pool's lock, taken atomically before anything is read or started: of two `sweep run` started together, one runs.
  let lock: LockFile;
  try {
    lock = LockFile.acquire(sweep.localPoolFile, sweep.root, 'sweep run');
  } catch (error) {
    if (error instanceof LockHeldError) throw new SweepUsageError(`${error.message}; stop it with 'ncollapse sweep cancel ${sweep.root}'`);
    throw error;
  }
  try {
    return await runPool(sweep, rows, options);
  } finally {
    lock.release();
  }
}

async function runPool(sweep: SweepDirectory, rows: SweepRow[], options: LocalPoolOptions): Promise<PoolResult> {
  const todo = rows.filter((row) => !isDone(readRunProgress(sweep.runDir(row))));
  const result: PoolResult = { outcomes: [], skipped: rows.length - todo.length, stopped: false };
  if (result.skipped > 0) options.log(`${result.skipped} of ${rows.length} runs already done (finished or diverged): not run again`);
  if (todo.length === 0) return result;

  const parallel = Math.max(1, Math.min(options.parallel, todo.length));
  const threads = options.threads ?? Math.max(1, Math.floor(availableParallelism() / parallel));
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
      let handle: TaskHandle;
      try {
        handle = startSweepTask(sweep, row, { threads, output: { file: logFile } });
      } catch (error) {
        // A run that another process writes (a `sweep task` by hand), or a run directory that is not this row's: left alone.
        if (!(error instanceof NcollapseError)) throw error;
        options.log(`[${row.index}] ${row.id} ${axesText(row)}: not started: ${error.message}`);
        result.outcomes.push({ row, outcome: { start: 'skip', state: 'failed', exitCode: null, seconds: 0, progress: readRunProgress(sweep.runDir(row)) } });
        continue;
      }
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
  }
  return result;
}
