import { rmSync } from 'node:fs';

import { UsageError } from '../errors.js';
import { notOwnRunReason, runEntries } from '../run/own-run.js';

/**
 * For `demo --fresh`: removes the run directory at `path` only if ncollapse wrote it (src/run/own-run.ts
 * says what that means), and returns what it removed. Anything else is refused with a UsageError
 * and left untouched.
 */
export function removeOwnRun(path: string): string[] {
  const why = notOwnRunReason(path);
  if (why !== null) throw new UsageError(`--fresh: ${path} ${why}; it is not a run directory of ncollapse, so it is left alone (choose another --out)`);
  const removed = runEntries(path);
  if (removed.length === 0) return [];
  for (const entry of removed) rmSync(entry, { recursive: true, force: true });
  rmSync(path, { recursive: true, force: true });
  return removed;
}
