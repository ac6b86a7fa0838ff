import { readRunProgress, type RunProgress } from './run-state.js';
import type { SweepDirectory, SweepRow } from './sweep-directory.js';

/**
 * The paper's rule: in each (dataset, model, loss) cell, the run with the lowest final test
 * error. Only finished runs compete; a diverged run never wins; ties go to the earlier row.
 */

export interface Candidate {
  index: number;
  id: string;
  lr: number;
  seed: number;
  axes: Record<string, unknown>;
  state: string;
  finalTestError: number | null;
}

export interface CellSelection {
  dataset: string;
  model: string;
  loss: string;
  selected: Candidate | null;
  /** Why nothing was selected, or what the selection may still change by. */
  note: string | null;
  finished: number;
  diverged: number;
  unfinished: number;
  candidates: Candidate[];
}

export function cellKey(config: Record<string, unknown>): string {
  return `${config.dataset} / ${config.model} / ${config.loss}`;
}

/** `progressOf` lets a caller that keeps the runs' progress (the dashboard) spare the reads. */
export function selectRuns(
  sweep: SweepDirectory,
  rows: SweepRow[] = sweep.readRows(),
  progressOf: (row: SweepRow) => RunProgress = (row) => readRunProgress(sweep.runDir(row)),
): CellSelection[] {
  const cells = new Map<string, CellSelection>();
  for (const row of rows) {
    const key = cellKey(row.config);
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        dataset: String(row.config.dataset),
        model: String(row.config.model),
        loss: String(row.config.loss),
        selected: null,
        note: null,
        finished: 0,
        diverged: 0,
        unfinished: 0,
        candidates: [],
      };
      cells.set(key, cell);
    }
    const progress = progressOf(row);
    const candidate: Candidate = {
      index: row.index,
      id: row.id,
      lr: row.config.lr as number,
      seed: row.config.seed as number,
      axes: row.axes,
      state: progress.state ?? 'planned',
      finalTestError: progress.state === 'finished' ? progress.testError : null,
    };
    cell.candidates.push(candidate);
    if (progress.state === 'finished') cell.finished++;
    else if (progress.state === 'diverged') cell.diverged++;
    else cell.unfinished++;
    if (candidate.finalTestError !== null && (cell.selected === null || candidate.finalTestError < cell.selected.finalTestError!)) cell.selected = candidate;
  }
  for (const cell of cells.values()) {
    const n = cell.candidates.length;
    if (cell.selected) {
      if (cell.unfinished > 0) cell.note = `${cell.unfinished} of ${n} runs not finished yet: the selection may change`;
    } else if (cell.diverged === n) {
      cell.note = `every run diverged (lr ${cell.candidates.map((c) => c.lr).join(', ')}): no run selected; try smaller learning rates`;
    } else if (cell.finished > 0) {
      cell.note = 'no finished run measured a test error: no run selected';
    } else {
      cell.note = `no run finished yet (${cell.diverged} diverged, ${cell.unfinished} not finished): no run selected`;
    }
  }
  return [...cells.values()];
}
