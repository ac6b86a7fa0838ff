import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { isStale, readRun, type RunData } from '../run/run-reader.js';
import { RUN_FILE_NAMES } from '../run/run-files.js';

/** What the run list of the dashboard shows about a run. */
export interface RunSummary {
  name: string;
  label: string;
  dataset: string;
  model: string;
  loss: string;
  /** status.json's state; 'unknown' before it is written, 'invalid' when config.json is unreadable. */
  state: string;
  stale: boolean;
  epoch: number;
  epochs: number;
  tptEpoch: number | null;
  lastMeasuredEpoch: number | null;
  numClasses: number;
  updatedAt: string | null;
  message: string | null;
  hasReport: boolean;
}

/**
 * The run directories directly inside `runsDir` (those with a config.json), by directory name.
 * A symlinked run whose target lies outside `runsDir` is left out: nothing outside is served.
 */
export async function listRunDirs(runsDir: string): Promise<Map<string, string>> {
  const runs = new Map<string, string>();
  let root: string;
  try {
    root = await realpath(runsDir);
  } catch {
    return runs;
  }
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const dir = join(root, entry.name);
    try {
      const real = await realpath(dir);
      const rel = relative(root, real);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
      if (!(await stat(real)).isDirectory()) continue;
      await stat(join(real, RUN_FILE_NAMES.config));
      runs.set(entry.name, real);
    } catch {
      // not a run directory (yet): no config.json
    }
  }
  return new Map([...runs.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function summarise(name: string, run: RunData, hasReport: boolean): RunSummary {
  const last = run.metrics[run.metrics.length - 1];
  return {
    name,
    label: run.label,
    dataset: run.config.dataset,
    model: run.config.model,
    loss: run.config.loss,
    state: run.status?.state ?? 'unknown',
    stale: isStale(run.status),
    epoch: Math.max(run.status?.epoch ?? 0, last?.epoch ?? 0),
    epochs: run.status?.epochs ?? run.config.epochs,
    tptEpoch: run.tptEpoch,
    lastMeasuredEpoch: last?.epoch ?? null,
    numClasses: run.config.numClasses,
    updatedAt: run.status?.updatedAt ?? null,
    message: run.status?.message ?? null,
    hasReport,
  };
}

export function invalidSummary(name: string, error: unknown): RunSummary {
  return {
    name,
    label: name,
    dataset: '',
    model: '',
    loss: '',
    state: 'invalid',
    stale: false,
    epoch: 0,
    epochs: 0,
    tptEpoch: null,
    lastMeasuredEpoch: null,
    numClasses: 0,
    updatedAt: null,
    message: error instanceof Error ? error.message : String(error),
    hasReport: false,
  };
}

export { readRun };
