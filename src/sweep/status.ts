import { isStale } from '../run/run-reader.js';
import { SlurmError } from './slurm-error.js';
import { runningLocalPool } from './local-backend.js';
import { isDone, readRunProgress, type RunProgress } from './run-state.js';
import { queuedTasks, readSlurmJob, type SlurmJob } from './slurm-backend.js';
import type { SweepDirectory, SweepRow } from './sweep-directory.js';

/**
 * The state of each run of a sweep, from its run directory and, for a SLURM sweep, squeue
 * (this SLURM may keep no accounting, so sacct is not asked: a task squeue no longer lists is
 * judged by its run directory alone).
 */

export type SweepRunState = 'planned' | 'queued' | 'running' | 'finished' | 'diverged' | 'interrupted';

export interface SweepRunStatus {
  row: SweepRow;
  state: SweepRunState;
  epoch: number;
  epochs: number;
  testError: number | null;
  /** SLURM's own word for the task, when squeue lists it. */
  slurmState: string | null;
  message: string | null;
}

export interface SweepStatus {
  runs: SweepRunStatus[];
  slurmJob: SlurmJob | null;
  localPool: number | null;
  /** squeue could not be asked (not on the cluster's login node): states come from the run directories alone. */
  warning: string | null;
}

function runState(progress: RunProgress, queue: { state: string; slurmState: string } | undefined, backendActive: boolean): SweepRunState {
  if (isDone(progress)) return progress.state as 'finished' | 'diverged';
  // A result that the folder does not back (a bare status.json): not done, the next run resumes or restarts it.
  if (progress.state === 'finished' || progress.state === 'diverged') return progress.hasCheckpoint ? 'interrupted' : 'planned';
  if (queue?.state === 'running') return 'running';
  if (queue?.state === 'pending') return 'queued';
  if (progress.state === 'running') {
    // status.json says running but nothing runs it any more: a killed process.
    const stale = isStale({
      state: 'running',
      epoch: progress.epoch,
      epochs: progress.epochs ?? 0,
      tptEpoch: null,
      message: null,
      updatedAt: progress.updatedAt ?? '',
    });
    return backendActive && !stale ? 'running' : 'interrupted';
  }
  if (progress.state === 'interrupted') return 'interrupted';
  return 'planned';
}

/** `known` lets a caller that keeps the rows and the runs' progress (the dashboard) spare the reads. */
export async function sweepStatus(sweep: SweepDirectory, known: { rows?: SweepRow[]; progressOf?: (row: SweepRow) => RunProgress } = {}): Promise<SweepStatus> {
  const rows = known.rows ?? sweep.readRows();
  const progressOf = known.progressOf ?? ((row: SweepRow) => readRunProgress(sweep.runDir(row)));
  const slurmJob = readSlurmJob(sweep);
  let queue = new Map<number, { state: string; slurmState: string }>();
  let warning: string | null = null;
  try {
    if (slurmJob) queue = await queuedTasks(slurmJob.jobId);
  } catch (error) {
    if (!(error instanceof SlurmError)) throw error;
    warning = `${error.message}; the states below come from the run directories alone`;
  }
  const localPool = runningLocalPool(sweep);
  const runs = rows.map((row): SweepRunStatus => {
    const progress = progressOf(row);
    const queued = queue.get(row.index);
    return {
      row,
      state: runState(progress, queued, localPool !== null || queued !== undefined),
      epoch: progress.epoch,
      epochs: progress.epochs ?? (row.config.epochs as number),
      testError: progress.testError,
      slurmState: queued?.slurmState ?? null,
      message: progress.state === 'diverged' || progress.state === 'interrupted' ? progress.message : null,
    };
  });
  return { runs, slurmJob, localPool, warning };
}

/** The status as a text table: one line per run, then the count of each state. */
export function statusTable(status: SweepStatus): string {
  const axisNames = [...new Set(status.runs.flatMap((run) => Object.keys(run.row.axes)))];
  const header = ['#', 'id', ...axisNames, 'state', 'epoch', 'test error'];
  const body = status.runs.map((run) => [
    String(run.row.index),
    run.row.id,
    ...axisNames.map((name) => {
      const value = run.row.axes[name];
      return Array.isArray(value) ? value.join(',') : String(value ?? '');
    }),
    run.state + (run.slurmState && !['PENDING', 'RUNNING'].includes(run.slurmState) ? ` (${run.slurmState})` : ''),
    `${run.epoch}/${run.epochs}`,
    run.testError === null ? '-' : run.testError.toFixed(4),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= header.length - 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const counts = new Map<string, number>();
  for (const run of status.runs) counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
  const backend = status.slurmJob
    ? `slurm job ${status.slurmJob.jobId}`
    : status.localPool !== null
      ? `local pool (pid ${status.localPool})`
      : 'no backend running';
  return [
    line(header),
    ...body.map(line),
    '',
    `${status.runs.length} runs: ${[...counts.entries()].map(([state, n]) => `${n} ${state}`).join(', ')}; ${backend}`,
    ...(status.warning ? [`warning: ${status.warning}`] : []),
  ].join('\n');
}
