import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { readRunProgress, type RunProgress } from '../sweep/run-state.js';
import { cellKey, selectRuns, type CellSelection } from '../sweep/selection.js';
import { sweepStatus, type SweepRunState, type SweepRunStatus } from '../sweep/status.js';
import { SweepDirectory, type SweepRow } from '../sweep/sweep-directory.js';
import { runningLocalPool } from '../sweep/local-backend.js';
import { readSlurmJob } from '../sweep/slurm-backend.js';
import type { IndexedRun } from './run-cache.js';
import { sameSignature, type RunSignature } from './run-signature.js';

/** Rows per page of /api/sweep unless `limit` says otherwise, and the most one page may hold. */
export const SWEEP_PAGE_ROWS = 100;
export const SWEEP_PAGE_MAX_ROWS = 1000;

const STATES: readonly SweepRunState[] = ['planned', 'queued', 'running', 'finished', 'diverged', 'interrupted'];

export interface SweepQuery {
  offset: number;
  limit: number;
  /** Only rows in this state; null: every row. */
  state: SweepRunState | null;
}

/** offset, limit and state of /api/sweep, checked: a bad value is a 400 naming the parameter. */
export function parseSweepQuery(params: URLSearchParams): { ok: true; query: SweepQuery } | { ok: false; error: string } {
  const whole = (name: string, fallback: number, max: number): number | string => {
    const text = params.get(name);
    if (text === null || text === '') return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value > max)
      return `${name}: expected a whole number from 0 to ${max}, got '${text.slice(0, 40)}'`;
    return value;
  };
  const offset = whole('offset', 0, Number.MAX_SAFE_INTEGER);
  if (typeof offset === 'string') return { ok: false, error: offset };
  const limit = whole('limit', SWEEP_PAGE_ROWS, SWEEP_PAGE_MAX_ROWS);
  if (typeof limit === 'string') return { ok: false, error: limit };
  const state = params.get('state') || null;
  if (state !== null && !STATES.includes(state as SweepRunState))
    return { ok: false, error: `state: expected one of ${STATES.join(', ')}, got '${state.slice(0, 40)}'` };
  return { ok: true, query: { offset, limit, state: state as SweepRunState | null } };
}

/** The progress of a row whose folder holds no config.json: the run has not started. */
const NOT_STARTED: RunProgress = {
  state: null,
  epoch: 0,
  epochs: null,
  updatedAt: null,
  message: null,
  hasConfig: false,
  backed: false,
  hasCheckpoint: false,
  testError: null,
  lastMeasuredEpoch: null,
};

/** What the dashboard knows of the runs: the watcher (src/serve/run-watcher.ts). */
export interface RunIndex {
  runs(): Map<string, IndexedRun>;
  /** Changes when runs() would answer differently. */
  readonly generation: number;
}

/** A SLURM sweep's states come from squeue too, which changes without a file changing: asked again after this long. */
const SLURM_STATE_MS = 10_000;

interface SweepState {
  rows: SweepRow[];
  runs: SweepRunStatus[];
  cells: CellSelection[];
  backend: string | null;
  warning: string | null;
  /** Ids of the selected runs, one per cell that has one. */
  selected: Set<string>;
  counts: Record<SweepRunState, number>;
}

interface RowsEntry {
  key: string;
  rows: SweepRow[];
  byId: Map<string, SweepRow>;
  /** The rows of each (dataset, model, loss) cell, by cellKey. */
  byCell: Map<string, SweepRow[]>;
}

interface StateEntry {
  /** rows, backend and the watcher's generation: equal keys, equal state. */
  key: string;
  rowsKey: string;
  backendKey: string;
  at: number;
  /** The runs as the watcher listed them when the state was computed. */
  runs: Map<string, IndexedRun>;
  state: SweepState;
}

/** A running run turns 'interrupted' when its status.json grows old, without any file changing: looked at again after this long. */
const RUNNING_RECHECK_MS = 30_000;

/** The JSON body of /api/sweep and its ETag (a hash of the body: an unchanged poll is answered 304). */
export interface SweepAnswer {
  body: string;
  etag: string;
}

/**
 * What the dashboard shows of a sweep, kept between requests: the rows (read again when
 * sweep.jsonl changes) and each started run's progress (read again when its files change, as the
 * watcher's signatures say). A row whose folder the watcher does not list has not started, so a
 * sweep of 100,000 planned rows costs no file read per row and request.
 */
export class SweepIndex {
  private readonly sweep: SweepDirectory;
  private rowsEntry: RowsEntry | null = null;
  private readonly progress = new Map<string, { signature: RunSignature; progress: RunProgress }>();
  private stateEntry: StateEntry | null = null;

  constructor(
    runsDir: string,
    private readonly index: RunIndex,
  ) {
    this.sweep = new SweepDirectory(runsDir);
  }

  isSweep(): boolean {
    return this.sweep.isSweep();
  }

  /** The rows of sweep.jsonl, parsed again only when it or sweep.json changed (size, mtime), with the rows of each cell. */
  private async rows(): Promise<RowsEntry> {
    const stamp = async (path: string) => {
      const info = await stat(path).catch(() => null);
      return info ? `${info.size}:${info.mtimeMs}` : '-';
    };
    const key = `${await stamp(this.sweep.infoFile)} ${await stamp(this.sweep.rowsFile)}`;
    if (this.rowsEntry?.key !== key) {
      const rows = this.sweep.readRows();
      const byCell = new Map<string, SweepRow[]>();
      for (const row of rows) {
        const cell = cellKey(row.config);
        const list = byCell.get(cell);
        if (list) list.push(row);
        else byCell.set(cell, [row]);
      }
      this.rowsEntry = { key, rows, byId: new Map(rows.map((row) => [row.id, row])), byCell };
    }
    return this.rowsEntry;
  }

  private progressOf(runs: Map<string, IndexedRun>): (row: SweepRow) => RunProgress {
    return (row) => {
      const indexed = runs.get(row.id);
      if (!indexed) return NOT_STARTED;
      const cached = this.progress.get(row.id);
      if (cached && indexed.signature && sameSignature(cached.signature, indexed.signature)) return cached.progress;
      const progress = readRunProgress(indexed.dir);
      if (indexed.signature) this.progress.set(row.id, { signature: indexed.signature, progress });
      return progress;
    };
  }

  /**
   * Every row's state and each cell's selection; null when RUNS_DIR is not a sweep. Computed
   * again only when the rows, a run or the backend changed (a poll of an idle sweep costs a few
   * stats), and for a SLURM sweep every SLURM_STATE_MS.
   */
  async state(): Promise<SweepState | null> {
    if (!this.isSweep()) return null;
    const rows = await this.rows();
    const slurmJob = readSlurmJob(this.sweep);
    const backendKey = `${runningLocalPool(this.sweep)}|${slurmJob?.jobId ?? '-'}`;
    const key = `${rows.key}|${this.index.generation}|${backendKey}`;
    const cached = this.stateEntry;
    const now = Date.now();
    const fresh = cached !== null && (slurmJob === null || now - cached.at < SLURM_STATE_MS) && now - cached.at < RUNNING_RECHECK_MS;
    if (cached && fresh && cached.key === key) return cached.state;
    const runs = this.index.runs();
    const progressOf = this.progressOf(runs);
    // squeue's word can change every row, and other rows or another backend change everything.
    const incremental = cached !== null && slurmJob === null && cached.rowsKey === rows.key && cached.backendKey === backendKey;
    const state = incremental ? await this.update(cached, rows, runs, progressOf) : await this.compute(rows.rows, progressOf);
    this.stateEntry = { key, rowsKey: rows.key, backendKey, at: now, runs, state };
    return state;
  }

  private async compute(rows: SweepRow[], progressOf: (row: SweepRow) => RunProgress): Promise<SweepState> {
    const status = await sweepStatus(this.sweep, { rows, progressOf });
    const cells = selectRuns(this.sweep, rows, progressOf);
    const backend = status.slurmJob ? `slurm job ${status.slurmJob.jobId}` : status.localPool !== null ? 'local pool' : null;
    return this.finish({ rows, runs: status.runs, cells, backend, warning: status.warning });
  }

  /**
   * The state after some runs changed: the rows of those runs (and of running runs, which may
   * have gone stale) computed again, and the selection of their cells only. A run that changes
   * in a sweep of 100,000 rows costs its cell, not the sweep.
   */
  private async update(before: StateEntry, rows: RowsEntry, runs: Map<string, IndexedRun>, progressOf: (row: SweepRow) => RunProgress): Promise<SweepState> {
    const changedIds = new Set<string>();
    for (const [id, run] of runs) {
      const old = before.runs.get(id);
      if (!old || !run.signature || !old.signature || !sameSignature(old.signature, run.signature)) changedIds.add(id);
    }
    for (const id of before.runs.keys()) if (!runs.has(id)) changedIds.add(id);
    for (const run of before.state.runs) if (run.state === 'running') changedIds.add(run.row.id);
    const changedRows = [...changedIds].flatMap((id) => rows.byId.get(id) ?? []);
    if (changedRows.length === 0) return before.state;
    const status = await sweepStatus(this.sweep, { rows: changedRows, progressOf });
    const statuses = [...before.state.runs];
    for (const run of status.runs) statuses[run.row.index] = run;
    const changedCells = new Set(changedRows.map((row) => cellKey(row.config)));
    const cells = before.state.cells.map((cell) => {
      const key = `${cell.dataset} / ${cell.model} / ${cell.loss}`;
      return changedCells.has(key) ? selectRuns(this.sweep, rows.byCell.get(key)!, progressOf)[0]! : cell;
    });
    return this.finish({ ...before.state, runs: statuses, cells, warning: status.warning });
  }

  private finish(state: Omit<SweepState, 'selected' | 'counts'>): SweepState {
    const selected = new Set(state.cells.flatMap((cell) => (cell.selected ? [cell.selected.id] : [])));
    const counts = Object.fromEntries(STATES.map((name) => [name, 0])) as Record<SweepRunState, number>;
    for (const run of state.runs) counts[run.state]++;
    return { ...state, selected, counts };
  }

  /** The selected runs of the sweep (the dashboard's first selection), or null when RUNS_DIR is not a sweep. */
  async selectedRuns(): Promise<string[] | null> {
    try {
      const state = await this.state();
      return state ? [...state.selected] : null;
    } catch {
      return null;
    }
  }

  /**
   * The sweep in summary: the count of rows in each state, each cell's selected run, the selected
   * runs' rows, and one page of rows (those in `query.state`, from `query.offset`); null when
   * RUNS_DIR is not a sweep.
   */
  async answer(query: SweepQuery): Promise<SweepAnswer | null> {
    const state = await this.state();
    if (!state) return null;
    const info = this.sweep.readInfo();
    const selected = state.selected;
    const rowJson = (run: SweepRunStatus) => ({
      index: run.row.index,
      name: run.row.id,
      cell: cellKey(run.row.config),
      axes: run.row.axes,
      state: run.state,
      epoch: run.epoch,
      epochs: run.epochs,
      testError: run.testError,
      selected: selected.has(run.row.id),
    });
    const counts = state.counts;
    const matching = query.state === null ? state.runs : state.runs.filter((run) => run.state === query.state);
    const body = JSON.stringify({
      name: info.name,
      axes: info.axes,
      backend: state.backend,
      warning: state.warning,
      total: state.runs.length,
      counts,
      cells: state.cells.map((cell) => ({
        cell: `${cell.dataset} / ${cell.model} / ${cell.loss}`,
        selected: cell.selected?.id ?? null,
        lr: cell.selected?.lr ?? null,
        note: cell.note,
      })),
      selected: state.runs.filter((run) => selected.has(run.row.id)).map(rowJson),
      page: {
        offset: query.offset,
        limit: query.limit,
        state: query.state,
        total: matching.length,
        runs: matching.slice(query.offset, query.offset + query.limit).map(rowJson),
      },
    });
    return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
  }
}
