import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { TEMPORARY_NAME_PATTERN } from '../io/atomic-file.js';

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false; // this process has no write in flight yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that a killed atomic write left in `folders` (a run directory and its
 * checkpoints/). Only names of our own pattern whose writer process is gone are touched. Returns
 * the paths removed.
 */
export function removeStaleTemporaries(folders: string[]): string[] {
  const removed: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue; // not there: nothing to clean
    }
    for (const name of names) {
      const match = TEMPORARY_NAME_PATTERN.exec(name);
      if (!match || isAlive(Number(match[1]))) continue;
      rmSync(join(folder, name), { force: true });
      removed.push(join(folder, name));
    }
  }
  return removed;
}
