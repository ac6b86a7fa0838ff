import { readdirSync, rmSync } from 'node:fs';

import { UsageError } from '../errors.js';
import { heldMessage, liveHolder, LockHeldError } from '../io/lock-file.js';
import { currentProcess, sameProcess } from '../io/process-identity.js';
import { RunDirectory } from '../run/run-directory.js';
import { notOwnRunReason, runEntries } from '../run/own-run.js';

/** Refuses (UsageError) a --fresh on anything that is not a run directory of ncollapse. */
export function checkOwnRun(path: string): void {
  const why = notOwnRunReason(path);
  if (why !== null) throw new UsageError(`--fresh: ${path} ${why}; it is not a run directory of ncollapse, so it is left alone (choose another --out)`);
}

/**
 * For `demo --fresh`: removes the run directory at `path` only if ncollapse wrote it (src/run/own-run.ts
 * says what that means), and returns what it removed. Anything else is refused with a UsageError
 * and left untouched. A run that another live process writes is refused too (LockHeldError); the
 * caller holds the run's writer lock (RunDirectory.lockWriter), which stays, and so does the folder.
 */
export function removeOwnRun(path: string): string[] {
  checkOwnRun(path);
  const run = new RunDirectory(path);
  const holder = liveHolder(run.writerLockFile);
  if (holder !== null && !sameProcess(holder, currentProcess())) throw new LockHeldError(heldMessage(path, run.writerLockFile, holder), holder);
  const removed = runEntries(path).filter((entry) => entry !== run.writerLockFile);
  if (removed.length === 0) return [];
  for (const entry of removed) rmSync(entry, { recursive: true, force: true });
  if (readdirSync(path).length === 0) rmSync(path, { recursive: true, force: true });
  return removed;
}
