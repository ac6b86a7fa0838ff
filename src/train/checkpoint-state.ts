import { loadTrainingState, saveTrainingState } from './training-state.js';
import type { Module } from '../nn/module.js';
import type { LRScheduler, Optimizer } from '../optim/index.js';
import { InputFileError } from '../errors.js';

/** Where a run stands: enough to continue it as if it had never stopped. */
export interface CheckpointProgress {
  /** Epochs completed. */
  epoch: number;
  /** Batches of epoch `epoch + 1` already done (a Ctrl-C mid-epoch); 0 at an epoch boundary. */
  batchesDone: number;
  /** Training time so far, in seconds, excluding measurement. */
  seconds: number;
  tptEpoch: number | null;
}

export interface TrainingParts {
  model: Module;
  optimizer: Optimizer;
  scheduler: LRScheduler;
}

export function saveCheckpoint(file: string, parts: TrainingParts, progress: CheckpointProgress): void {
  saveTrainingState(file, { ...parts, extra: { progress } });
}

export function loadCheckpoint(file: string, parts: TrainingParts): CheckpointProgress {
  const { extra } = loadTrainingState(file, parts);
  const progress = extra.progress as Partial<CheckpointProgress> | undefined;
  if (
    !progress ||
    typeof progress.epoch !== 'number' ||
    typeof progress.batchesDone !== 'number' ||
    typeof progress.seconds !== 'number' ||
    !(progress.tptEpoch === null || typeof progress.tptEpoch === 'number')
  ) {
    throw new InputFileError(file, "field 'extra.progress' is missing or malformed; expected {epoch, batchesDone, seconds, tptEpoch}");
  }
  return progress as CheckpointProgress;
}
