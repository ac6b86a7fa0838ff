import { statSync } from 'node:fs';
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

/** Plain sub-directories checked between two turns of the event loop (about a millisecond: a request waits no longer). */
const LISTING_CHUNK = 200;

/**
 * The run directories directly inside `runsDir` (those with a config.json), by directory name.
 * A symlinked run whose target lies outside `runsDir` is left out: nothing outside is served.
 * The folder is read once; a plain sub-directory costs one synchronous stat of its config.json
 * (a tenth of the CPU of an asynchronous one), in chunks that let requests in between, so that
 * a sweep of 100,000 planned folders is listed in one pass; a symlink is resolved asynchronously.
 */
export async function listRunDirs(runsDir: string): Promise<Map<string, string>> {
  const runs = new Map<string, string>();
  let root: string;
  try {
    root = await realpath(runsDir);
  } catch {
    return runs;
  }
  const entries = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter(
    (entry) => !entry.name.startsWith('.') && (entry.isDirectory() || entry.isSymbolicLink()),
  );
  for (let start = 0; start < entries.length; start += LISTING_CHUNK) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const entry of entries.slice(start, start + LISTING_CHUNK)) {
      if (entry.isSymbolicLink()) {
        const real = await linkedRunDir(root, entry.name);
        if (real !== null) runs.set(entry.name, real);
      } else if (statSync(join(root, entry.name, RUN_FILE_NAMES.config), { throwIfNoEntry: false })) {
        runs.set(entry.name, join(root, entry.name));
      }
    }
  }
  return new Map([...runs.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The real directory of a symlink in the runs folder when it is a run inside the folder, else null. */
async function linkedRunDir(root: string, name: string): Promise<string | null> {
  try {
    const real = await realpath(join(root, name));
    const rel = relative(root, real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
    if (!(await stat(real)).isDirectory()) return null;
    await stat(join(real, RUN_FILE_NAMES.config));
    return real;
  } catch {
    return null; // not a run directory (yet): no config.json
  }
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
