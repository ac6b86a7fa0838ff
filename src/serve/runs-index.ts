import type { Dirent } from 'node:fs';
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

/** How many file-system calls the listing keeps in flight (libuv's pool runs 4 at a time). */
const LISTING_CONCURRENCY = 64;

/**
 * The run directories directly inside `runsDir` (those with a config.json), by directory name.
 * A symlinked run whose target lies outside `runsDir` is left out: nothing outside is served.
 * The folder is read once; a plain sub-directory costs one stat (of its config.json), a symlink
 * three, so that a sweep of 100,000 planned folders is listed in one pass.
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
  const found: (string | null)[] = new Array(entries.length).fill(null);
  await forEachLimited(entries.length, LISTING_CONCURRENCY, async (i) => {
    found[i] = await runDirOf(root, entries[i]!);
  });
  entries.forEach((entry, i) => {
    if (found[i] !== null) runs.set(entry.name, found[i]!);
  });
  return new Map([...runs.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The real directory of an entry of the runs folder when it is a run inside it, else null. */
async function runDirOf(root: string, entry: Dirent): Promise<string | null> {
  try {
    let real = join(root, entry.name);
    if (entry.isSymbolicLink()) {
      real = await realpath(real);
      const rel = relative(root, real);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
      if (!(await stat(real)).isDirectory()) return null;
    }
    await stat(join(real, RUN_FILE_NAMES.config));
    return real;
  } catch {
    return null; // not a run directory (yet): no config.json
  }
}

/** Runs task(0) ... task(count - 1), at most `limit` at a time. */
async function forEachLimited(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
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
