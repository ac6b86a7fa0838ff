import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** A sweep run of 4 epochs that reached `state` with one measured line (its final test error). */
export function writeFakeSweepRun(dir: string, state: string, testError: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name: 'x', dataset: 'gaussian', model: 'mlp', loss: 'ce', epochs: 4, numClasses: 10 }));
  writeFileSync(join(dir, 'status.json'), JSON.stringify({ state, epoch: 4, epochs: 4, tptEpoch: null, message: null, updatedAt: new Date().toISOString() }));
  writeFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ epoch: 4, train_error: 0, test_error: testError })}\n`);
  if (state === 'finished') leaveFinishedCheckpoints(dir, 4);
}
