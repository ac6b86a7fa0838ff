import { selectRuns } from '../sweep/selection.js';
import { sweepStatus } from '../sweep/status.js';
import { SweepDirectory } from '../sweep/sweep-directory.js';

/** What the dashboard shows of a sweep: every row's state and each cell's selected run; null when RUNS_DIR is not a sweep. */
export async function sweepResponse(runsDir: string) {
  const sweep = new SweepDirectory(runsDir);
  if (!sweep.isSweep()) return null;
  const info = sweep.readInfo();
  const status = await sweepStatus(sweep);
  const cells = selectRuns(sweep, status.runs.map((run) => run.row));
  const selected = new Set(cells.flatMap((cell) => (cell.selected ? [cell.selected.id] : [])));
  return {
    name: info.name,
    axes: info.axes,
    backend: status.slurmJob ? `slurm job ${status.slurmJob.jobId}` : status.localPool !== null ? 'local pool' : null,
    runs: status.runs.map((run) => ({
      index: run.row.index,
      name: run.row.id,
      cell: `${run.row.config.dataset} / ${run.row.config.model} / ${run.row.config.loss}`,
      axes: run.row.axes,
      state: run.state,
      epoch: run.epoch,
      epochs: run.epochs,
      testError: run.testError,
      selected: selected.has(run.row.id),
    })),
    cells: cells.map((cell) => ({ cell: `${cell.dataset} / ${cell.model} / ${cell.loss}`, selected: cell.selected?.id ?? null, lr: cell.selected?.lr ?? null, note: cell.note })),
  };
}

/** The selected runs of a sweep (the dashboard's first selection), or null when RUNS_DIR is not a sweep. */
export function sweepSelectedRuns(runsDir: string): string[] | null {
  const sweep = new SweepDirectory(runsDir);
  if (!sweep.isSweep()) return null;
  try {
    return selectRuns(sweep).flatMap((cell) => (cell.selected ? [cell.selected.id] : []));
  } catch {
    return null;
  }
}
