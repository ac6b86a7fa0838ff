import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

import { atomicWriteFile } from '../io/atomic-file.js';
import { SlurmError } from './slurm-error.js';
import { SweepDirectoryError } from './sweep-directory-error.js';
import { SweepUsageError } from './sweep-usage-error.js';
import { ncollapseCommand } from './ncollapse-command.js';
import { isDone, readRunProgress } from './run-state.js';
import type { SweepDirectory } from './sweep-directory.js';

/**
 * The SLURM backend: ONE `sbatch --array ... --requeue` job whose tasks each run
 * `ncollapse sweep task DIR --index $SLURM_ARRAY_TASK_ID`. SLURM schedules, throttles (%K),
 * requeues and cancels; ncollapse only writes the job script and reads squeue.
 */

const execFileAsync = promisify(execFile);

/** Seconds before the time limit at which SLURM sends USR1 to the task (it checkpoints and requeues). */
export const SIGNAL_BEFORE_LIMIT_S = 120;

export interface SlurmSubmitOptions {
  partition?: string;
  time?: string;
  gpusPerTask?: number;
  cpusPerTask: number;
  /** At most this many array tasks at once (the %K of --array). */
  maxRunning?: number;
  /** Further sbatch options, passed as they are. */
  extra?: string[];
}

export const SlurmJobSchema = z.object({
  jobId: z.string().regex(/^\d+$/),
  submittedAt: z.string(),
  indices: z.array(z.number().int().min(0)),
  sbatch: z.array(z.string()),
});
export type SlurmJob = z.infer<typeof SlurmJobSchema>;

async function slurmCommand(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { encoding: 'utf8', timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new SlurmError(`'${command}' is not installed or not on PATH: the slurm backend needs SLURM's client commands`);
    throw new SlurmError(`${command} ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** "0-3", "0,2,5-7": the compact form of --array for sorted indices. */
export function arraySpec(indices: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    parts.push(i === j ? String(indices[i]) : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_/.,:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The batch script: `exec` so that the task itself receives SLURM's signals (B:USR1, TERM). */
export function batchScript(sweep: SweepDirectory): string {
  const { command, args } = ncollapseCommand(['sweep', 'task', sweep.root]);
  return [
    '#!/bin/bash',
    `# ncollapse sweep ${sweep.root}: one array task per row of sweep.jsonl (written by 'ncollapse sweep run --backend slurm').`,
    `exec ${[command, ...args].map(shellQuote).join(' ')} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

export function sbatchArgs(sweep: SweepDirectory, name: string, indices: number[], options: SlurmSubmitOptions, script: string): string[] {
  const throttle = options.maxRunning ? `%${options.maxRunning}` : '';
  return [
    '--parsable',
    `--job-name=ncollapse-${name}`,
    `--array=${arraySpec(indices)}${throttle}`,
    '--requeue',
    `--signal=B:USR1@${SIGNAL_BEFORE_LIMIT_S}`,
    `--cpus-per-task=${options.cpusPerTask}`,
    '--ntasks=1',
    `--output=${join(sweep.logsDir, 'task-%a.log')}`,
    '--open-mode=append',
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.gpusPerTask ? [`--gpus-per-task=${options.gpusPerTask}`] : []),
    ...(options.extra ?? []),
    script,
  ];
}

export function readSlurmJob(sweep: SweepDirectory): SlurmJob | null {
  if (!existsSync(sweep.slurmFile)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(sweep.slurmFile, 'utf8'));
  } catch (error) {
    throw new SweepDirectoryError(sweep.slurmFile, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = SlurmJobSchema.safeParse(json);
  if (!parsed.success) throw new SweepDirectoryError(sweep.slurmFile, `field '${parsed.error.issues[0]!.path.join('.')}': ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export type SlurmTaskState = 'pending' | 'running' | 'other';

/** The array tasks of a job that SLURM still knows, by index (an empty map once the job is gone). */
export async function queuedTasks(jobId: string): Promise<Map<number, { state: SlurmTaskState; slurmState: string }>> {
  const tasks = new Map<number, { state: SlurmTaskState; slurmState: string }>();
  let out: string;
  try {
    out = await slurmCommand('squeue', ['--noheader', '--array', `--jobs=${jobId}`, '--format=%K|%T']);
  } catch (error) {
    // squeue answers "Invalid job id" once a finished job has left slurmctld's memory.
    if (error instanceof SlurmError && /invalid job id/i.test(error.message)) return tasks;
    throw error;
  }
  for (const line of out.split('\n')) {
    const [index, slurmState] = line.trim().split('|');
    if (!index || !slurmState || !/^\d+$/.test(index)) continue;
    const state: SlurmTaskState =
      slurmState === 'PENDING' || slurmState === 'REQUEUED'
        ? 'pending'
        : ['RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED'].includes(slurmState)
          ? 'running'
          : 'other';
    tasks.set(Number(index), { state, slurmState });
  }
  return tasks;
}

export async function submitSlurm(sweep: SweepDirectory, options: SlurmSubmitOptions): Promise<SlurmJob | null> {
  const info = sweep.readInfo();
  const rows = sweep.readRows();
  const previous = readSlurmJob(sweep);
  if (previous && (await queuedTasks(previous.jobId)).size > 0) {
    throw new SweepUsageError(
      `${sweep.root}: job ${previous.jobId} of this sweep is still queued or running; wait for it or cancel it with 'ncollapse sweep cancel ${sweep.root}'`,
    );
  }
  const indices = rows.filter((row) => !isDone(readRunProgress(sweep.runDir(row)))).map((row) => row.index);
  if (indices.length === 0) return null;
  mkdirSync(sweep.logsDir, { recursive: true });
  const script = join(sweep.root, 'sweep.sbatch');
  atomicWriteFile(script, batchScript(sweep));
  const args = sbatchArgs(sweep, info.name, indices, options, script);
  const out = await slurmCommand('sbatch', args);
  const jobId = out.trim().split(';')[0]!;
  if (!/^\d+$/.test(jobId)) throw new SlurmError(`sbatch answered '${out.trim()}', not a job id`);
  const job: SlurmJob = { jobId, submittedAt: new Date().toISOString(), indices, sbatch: args };
  atomicWriteFile(sweep.slurmFile, `${JSON.stringify(job, null, 2)}\n`);
  return job;
}

export async function cancelSlurm(job: SlurmJob): Promise<void> {
  await slurmCommand('scancel', [job.jobId]);
}

/** Puts this array task back in the queue (after it has checkpointed on USR1). */
export async function requeueSelf(): Promise<string | null> {
  const arrayJob = process.env.SLURM_ARRAY_JOB_ID;
  const task = process.env.SLURM_ARRAY_TASK_ID;
  const id = arrayJob && task ? `${arrayJob}_${task}` : process.env.SLURM_JOB_ID;
  if (!id) return null;
  // slurmctld refuses changes to an array job for a moment while it changes another of its tasks.
  for (let attempt = 0; ; attempt++) {
    try {
      await slurmCommand('scontrol', ['requeue', id]);
      return id;
    } catch (error) {
      if (attempt >= 60 || !/try again later/i.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
