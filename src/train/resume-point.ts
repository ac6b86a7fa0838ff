import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import { NcollapseError } from '../errors.js';
import { type CheckpointProgress, loadCheckpoint, type TrainingParts } from './checkpoint-state.js';
import type { RunDirectory } from '../run/run-directory.js';

/** A run that cannot be continued: the message says what each checkpoint held or lacked. */
export class ResumeError extends NcollapseError {}

export interface ResumePoint {
  progress: CheckpointProgress;
  /** The checkpoint the run continues from; null when it starts again from its seeded beginning. */
  file: string | null;
}

/**
 * Loads the newest intact checkpoint of a run into `parts`: last.safetensors, else the epoch files
 * newest first. A missing, empty, truncated or corrupted file (its checksums fail) is passed over,
 * and `notice` says so. A run that measured nothing yet and has no checkpoint starts again from
 * epoch 0 (its initialisation is seeded, so that is the same run), as does one killed inside its
 * first checkpoint write; any other whose metrics.jsonl holds epochs that no intact checkpoint
 * covers is refused, so that nothing written is thrown away.
 */
export function loadResumePoint(run: RunDirectory, parts: TrainingParts, configEpochs: number, notice: (line: string) => void): ResumePoint {
  const candidates = [run.lastCheckpoint, ...run.checkpoints().reverse()];
  const problems: string[] = [];
  let attempted = false;
  for (const file of candidates) {
    if (!existsSync(file)) {
      problems.push(`${basename(file)}: missing`);
      continue;
    }
    if (statSync(file).size === 0) {
      problems.push(`${basename(file)}: empty`);
      continue;
    }
    let progress: CheckpointProgress;
    attempted = true;
    try {
      progress = loadCheckpoint(file, parts);
    } catch (error) {
      problems.push(`${basename(file)}: ${(error as Error).message}`);
      continue;
    }
    if (problems.length > 0) notice(`--resume: ${problems.join('; ')}. Continuing from ${file} (epoch ${progress.epoch}).`);
    if (progress.epoch > configEpochs) {
      throw new ResumeError(
        `${run.configFile}: field 'epochs' is ${configEpochs}, but ${file} already holds epoch ${progress.epoch}; ` +
          `set 'epochs' to at least ${progress.epoch} (or pass --epochs N to extend the run)`,
      );
    }
    return { progress, file };
  }
  const measured = run.readMetrics();
  // A failed load may have changed part of the model, so the seeded start is only for a run that never got a checkpoint.
  if (measured.length === 0 && !attempted) {
    notice(`--resume: no checkpoint in ${run.checkpointDir} and no measured epoch; starting the run from its beginning.`);
    return { progress: { epoch: 0, batchesDone: 0, seconds: 0, tptEpoch: null }, file: null };
  }
  // The trainer appends an epoch's metrics before it writes that epoch's checkpoint, so a run killed
  // inside its first checkpoint write holds one measured epoch and no checkpoint (only a temporary
  // file). Starting again from the seeded beginning measures that epoch again, identically.
  if (measured.length === 1 && !attempted) {
    notice(
      `--resume: the first checkpoint was never completed (${problems.join('; ')}); starting the run from its beginning, which measures epoch ${measured[0]!.epoch} again.`,
    );
    return { progress: { epoch: 0, batchesDone: 0, seconds: 0, tptEpoch: null }, file: null };
  }
  throw new ResumeError(
    `--resume: no intact checkpoint in ${run.checkpointDir} (${problems.join('; ')}), ` +
      `but ${run.metricsFile} holds ${measured.length} measured epochs; refusing to start again and lose them`,
  );
}
