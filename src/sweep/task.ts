import { openSync, closeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';

import { EXIT_CODES } from '../errors.js';
import { heldMessage } from '../io/lock-file.js';
import { SweepDirectoryError } from './sweep-directory-error.js';
import { SweepUsageError } from './sweep-usage-error.js';
import { canonicalJson } from './config-id.js';
import { spawnNcollapse } from './ncollapse-command.js';
import { parseTrainArgs, rowConfig } from './grid-options.js';
import { isDone, readRunProgress, type RunProgress } from './run-state.js';
import type { SweepDirectory, SweepRow } from './sweep-directory.js';
import { RunDirectory } from '../run/run-directory.js';
import { identityKeys } from '../train/option-table.js';

/**
 * One row of a sweep, run idempotently: a finished (or diverged) run is left as it is, an
 * interrupted one resumes from checkpoints/last.safetensors with `train --resume`, a new one
 * starts with `train --out`. The training itself is a child `ncollapse train` process.
 */

export type TaskStart = 'skip' | 'resume' | 'restart' | 'fresh';

export interface TaskOutcome {
  start: TaskStart;
  /** The run's state afterwards (status.json), or 'failed' when train stopped without a status. */
  state: 'finished' | 'diverged' | 'interrupted' | 'running' | 'failed';
  exitCode: number | null;
  seconds: number;
  progress: RunProgress;
}

export interface TaskOptions {
  /** --threads for a run whose grid does not fix it. */
  threads?: number;
  /** Where train's output goes: a file (appended to) or this process's stdout/stderr. */
  output: { file: string } | 'inherit';
}

export interface TaskHandle {
  start: TaskStart;
  done: Promise<TaskOutcome>;
  /** Asks train to checkpoint and stop (it handles SIGTERM and SIGINT). */
  stop(signal?: NodeJS.Signals): void;
}

function checkSameRun(runDir: string, row: SweepRow): void {
  const run = new RunDirectory(runDir);
  const config = run.readConfig();
  // The option table's identity keys must equal the row's, so that a task never continues someone else's run.
  for (const key of identityKeys) {
    const wanted = row.config[key];
    if (wanted === null || wanted === undefined) continue;
    if (JSON.stringify(config[key]) !== JSON.stringify(wanted)) {
      throw new SweepDirectoryError(
        run.configFile,
        `holds a different run than row ${row.index} of the sweep (${key} is ${JSON.stringify(config[key])}, the row says ${JSON.stringify(wanted)}); it is left as it is`,
      );
    }
  }
}

/**
 * A row's args must say what its config says (the config is what its id hashes): a changed args
 * list cannot smuggle in other settings. Keys that a later ncollapse added to the config are
 * allowed; every key the row records must agree.
 */
export function checkRowArgs(sweep: SweepDirectory, row: SweepRow): void {
  let config: Record<string, unknown>;
  try {
    config = rowConfig(parseTrainArgs(row.args)) as Record<string, unknown>;
  } catch (error) {
    throw new SweepDirectoryError(sweep.rowsFile, `line ${row.index + 1}: args are not valid train options (${(error as Error).message})`);
  }
  for (const [key, value] of Object.entries(row.config)) {
    if (canonicalJson(config[key] ?? null) !== canonicalJson(value ?? null)) {
      throw new SweepDirectoryError(
        sweep.rowsFile,
        `line ${row.index + 1}: args set ${key} to ${canonicalJson(config[key] ?? null)}, the row's config says ${canonicalJson(value ?? null)}; the row was changed after 'sweep plan'`,
      );
    }
  }
}

/** What a task would do with a run directory now. */
export function taskStart(progress: RunProgress): TaskStart {
  if (isDone(progress)) return 'skip';
  if (!progress.hasConfig) return 'fresh';
  return progress.hasCheckpoint ? 'resume' : 'restart';
}

export function trainArgs(sweep: SweepDirectory, row: SweepRow, start: TaskStart, threads?: number): string[] {
  const out = sweep.runDir(row);
  // --resume takes the settings from config.json; only the end-of-run report is a CLI choice.
  if (start === 'resume') return ['train', '--resume', '--out', out, '--quiet', ...(row.config.report === false ? ['--no-report'] : [])];
  const args = ['train', '--out', out, ...row.args, '--quiet'];
  if (threads !== undefined && !row.args.includes('--threads')) args.push('--threads', String(threads));
  return args;
}

/** What train's exit says, checked against the status it left (an error also leaves 'interrupted'). */
function outcomeState(code: number | null, progress: RunProgress): TaskOutcome['state'] {
  if (code === EXIT_CODES.ok) return progress.state === 'finished' ? 'finished' : 'failed';
  if (code === EXIT_CODES.diverged && progress.state === 'diverged') return 'diverged';
  if ((code === EXIT_CODES.sigint || code === EXIT_CODES.sigterm) && progress.state === 'interrupted') return 'interrupted';
  return 'failed';
}

export function startSweepTask(sweep: SweepDirectory, row: SweepRow, options: TaskOptions): TaskHandle {
  const runDir = sweep.runDir(row);
  const before = readRunProgress(runDir);
  const start = taskStart(before);
  if (start === 'skip') {
    return {
      start,
      stop: () => undefined,
      done: Promise.resolve({ start, state: before.state as 'finished' | 'diverged', exitCode: 0, seconds: 0, progress: before }),
    };
  }
  checkRowArgs(sweep, row);
  // Another process writing this run (a `sweep task` by hand, a train): never restarted or resumed under it.
  const writer = new RunDirectory(runDir).liveWriter();
  if (writer !== null) throw new SweepUsageError(heldMessage(runDir, new RunDirectory(runDir).writerLockFile, writer));
  if (before.hasConfig) checkSameRun(runDir, row);
  if (start === 'restart') new RunDirectory(runDir).clearUnstarted();
  mkdirSync(runDir, { recursive: true });

  let fd: number | undefined;
  if (options.output !== 'inherit') {
    mkdirSync(join(options.output.file, '..'), { recursive: true });
    fd = openSync(options.output.file, 'a');
  }
  const started = performance.now();
  const child: ChildProcess = spawnNcollapse(trainArgs(sweep, row, start, options.threads), {
    stdio: fd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd],
  });
  const done = new Promise<TaskOutcome>((resolve, reject) => {
    child.once('error', (error) => {
      if (fd !== undefined) closeSync(fd);
      reject(error);
    });
    child.once('close', (code, signal) => {
      if (fd !== undefined) closeSync(fd);
      const progress = readRunProgress(runDir);
      resolve({ start, state: outcomeState(code, progress), exitCode: code ?? (signal ? 128 : null), seconds: (performance.now() - started) / 1000, progress });
    });
  });
  return {
    start,
    done,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
