import type { EpochRecord, RunDirectory } from '../run/run-directory.js';
import { type CheckpointProgress, saveCheckpoint } from './checkpoint-state.js';
import type { DataParallel } from './data-parallel.js';
import { type EpochMeasurement, measureEpoch, NonFiniteOutputError } from './measure-epoch.js';
import type { TrainingSession } from './training-session.js';

export interface MeasureContext {
  session: TrainingSession;
  run: RunDirectory;
  dp: DataParallel | undefined;
  /** Only the writer saves checkpoints. */
  writer: boolean;
  /** Records the divergence and throws. */
  diverged: (what: string, epoch: number) => never;
}

/**
 * Measures collapse after `epoch`, appends the metrics (and geometry) to the run directory, then
 * saves the epoch's checkpoint and last.safetensors. Metrics come first: resume-point.ts counts on it.
 * Returns the epoch's record, whose tpt_epoch is the first epoch with zero training error so far.
 */
export function measureAndCheckpoint(context: MeasureContext, epoch: number, lr: number, seconds: number, tptEpoch: number | null): EpochRecord {
  const { session, run, dp } = context;
  const { model, train, test, config } = session;
  let measurement: EpochMeasurement;
  try {
    measurement = dp ? dp.measure(model, train, test, config) : measureEpoch(model, train, test, config);
  } catch (error) {
    if (error instanceof NonFiniteOutputError) context.diverged(`at the measurement after epoch ${epoch}, ${error.message}`, epoch);
    throw error;
  }
  const trainError = measurement.metrics.train_error;
  const tpt = tptEpoch === null && trainError === 0 ? epoch : tptEpoch;
  const record: EpochRecord = { epoch, lr, seconds, ...measurement.metrics, tpt_epoch: tpt };
  if (measurement.layers) record.layers = measurement.layers;
  run.appendMetrics(record);
  if (measurement.geometry) run.appendGeometry({ epoch, ...measurement.geometry });
  if (context.writer) checkpointEpoch(session, run, { epoch, batchesDone: 0, seconds, tptEpoch: tpt });
  return record;
}

/** Saves the state at the end of an epoch: its own checkpoint and last.safetensors. */
export function checkpointEpoch(session: TrainingSession, run: RunDirectory, progress: CheckpointProgress): void {
  saveCheckpoint(run.checkpointFor(progress.epoch), session.parts, progress);
  saveCheckpoint(run.lastCheckpoint, session.parts, progress);
  run.pruneCheckpoints(session.config.keepCheckpoints ?? 3);
}

/** The line the progress display prints after a measured epoch. */
export function measuredSummary(record: EpochRecord): string {
  const train = `train error ${fmt(record.train_error as number)}`;
  const test = record.test_error !== undefined ? ` test error ${fmt(record.test_error as number)}` : '';
  const nc1 = record.nc1 !== undefined ? ` nc1 ${fmt(record.nc1 as number)}` : '';
  return train + test + nc1;
}

function fmt(value: number | undefined): string {
  if (value === undefined) return '-';
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(2);
}
