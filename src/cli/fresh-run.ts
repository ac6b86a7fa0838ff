import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { UsageError } from '../errors.js';
import { heldMessage, liveHolder, LockHeldError } from '../io/lock-file.js';
import { currentProcess, sameProcess } from '../io/process-identity.js';

/** What ncollapse writes into a run directory (docs/run-directory.md), and nothing else. */
const RUN_ENTRIES = new Set(['config.json', 'status.json', 'metrics.jsonl', 'geometry.jsonl', 'checkpoints', 'report.html', 'figures', 'writer.lock']);
const WRITER_LOCK = 'writer.lock';
const TEMPORARY = /\.tmp-\d+-[0-9a-f]+$/;
const STATES = new Set(['running', 'finished', 'diverged', 'interrupted']);

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * For `demo --fresh`: removes the run directory at `path` only if ncollapse wrote it (a config.json
 * and status.json of ours and no other entries than a run's), and returns what it removed. Any
 * other file or folder there is refused with a UsageError and left untouched. A run that another
 * live process is writing is refused too (LockHeldError); the caller holds the run's writer lock
 * (RunDirectory.lockWriter), which stays, and so does the folder while it holds it.
 */
export function removeOwnRun(path: string): string[] {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return [];
  const refuse = (why: string): never => {
    throw new UsageError(`--fresh: ${path} ${why}; it is not a run directory of ncollapse, so it is left alone (choose another --out)`);
  };
  if (!stats.isDirectory()) refuse('is not a folder');
  if (readdirSync(path).length === 0) return [];
  const config = readJson(join(path, 'config.json'));
  const status = readJson(join(path, 'status.json'));
  if (typeof config?.ncollapseVersion !== 'string' || typeof config.dataset !== 'string') refuse('has no config.json written by ncollapse');
  if (typeof status?.state !== 'string' || !STATES.has(status.state)) refuse('has no status.json written by ncollapse');
  const foreign = readdirSync(path).filter((name) => !RUN_ENTRIES.has(name) && !TEMPORARY.test(name));
  if (foreign.length > 0) refuse(`holds files that ncollapse did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''})`);
  const holder = liveHolder(join(path, WRITER_LOCK));
  if (holder !== null && !sameProcess(holder, currentProcess())) throw new LockHeldError(heldMessage(path, join(path, WRITER_LOCK), holder), holder);
  const removed = readdirSync(path)
    .filter((name) => name !== WRITER_LOCK)
    .map((name) => join(path, name));
  for (const entry of removed) rmSync(entry, { recursive: true, force: true });
  if (readdirSync(path).length === 0) rmSync(path, { recursive: true, force: true });
  return removed;
}
