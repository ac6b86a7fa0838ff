import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { TEMPORARY_NAME_PATTERN } from '../io/atomic-file.js';
import { RunDirectory } from './run-directory.js';
import { RUN_FILE_NAMES } from './run-files.js';

/** What ncollapse writes into a run directory (docs/run-directory.md), and nothing else. */
const RUN_ENTRIES = new Set<string>(Object.values(RUN_FILE_NAMES));

/**
 * Why the folder at `path` is not a run directory that ncollapse wrote, or null when it is one
 * (a config.json and status.json of ours, no entries but a run's and temporary files) or is empty
 * or absent. Whoever removes a run directory asks this first, so that nothing else is deleted.
 */
export function notOwnRunReason(path: string): string | null {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return null;
  if (!stats.isDirectory()) return 'is not a folder';
  const names = readdirSync(path);
  if (names.length === 0) return null;
  const run = new RunDirectory(path);
  const config = readObject(() => run.readConfig());
  if (typeof config?.ncollapseVersion !== 'string' || typeof config.dataset !== 'string') return 'has no config.json written by ncollapse';
  if (run.readStatus() === null) return 'has no status.json written by ncollapse';
  const foreign = names.filter((name) => !RUN_ENTRIES.has(name) && !TEMPORARY_NAME_PATTERN.test(name));
  if (foreign.length > 0) return `holds files that ncollapse did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''})`;
  return null;
}

/** The entries of a run directory, as paths (to report what a removal removes). */
export function runEntries(path: string): string[] {
  return lstatSync(path, { throwIfNoEntry: false }) === undefined ? [] : readdirSync(path).map((name) => join(path, name));
}

function readObject(read: () => Record<string, unknown>): Record<string, unknown> | undefined {
  try {
    const value: unknown = read();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
