import { mkdirSync, writeFileSync } from 'node:fs';

import { RunDirectory } from '../../src/run/run-directory.js';

/**
 * The checkpoints a run that finished `epochs` epochs leaves behind: a status.json saying
 * "finished" counts only with them (src/sweep/run-state.ts), so a sweep's fake finished runs write
 * them too. Their contents are never read by the sweep's status.
 */
export function leaveFinishedCheckpoints(dir: string, epochs: number): void {
  const run = new RunDirectory(dir);
  mkdirSync(run.checkpointDir, { recursive: true });
  for (const file of [run.checkpointFor(epochs), run.lastCheckpoint]) writeFileSync(file, '');
}
