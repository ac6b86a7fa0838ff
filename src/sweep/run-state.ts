import { existsSync } from 'node:fs';

import { RunDirectory } from '../run/run-directory.js';
import type { RunState, RunStatus } from '../run/run-schema.js';

/** What a sweep needs to know about one run directory, read without loading the report code. */
export interface RunProgress {
  /** status.json's state, or null before the run has written one. */
  state: RunState | null;
  epoch: number;
  epochs: number | null;
  updatedAt: string | null;
  message: string | null;
  hasConfig: boolean;
  hasCheckpoint: boolean;
  /** test_error of the last measured epoch that has one. */
  testError: number | null;
  lastMeasuredEpoch: number | null;
  /**
   * For a run whose status.json says finished or diverged: whether the rest of the folder agrees
   * (see resultIsBacked). A bare status.json never makes a run count as done.
   */
  backed: boolean;
}

/**
 * What a finished or diverged status needs around it to be believed: the run's config.json with
 * the same number of epochs; for a finished run, the checkpoint of its last epoch (the trainer
 * always writes it) and last.safetensors, and no measured epoch past the end; for a diverged one,
 * no measured epoch past the one it stopped at.
 */
function resultIsBacked(run: RunDirectory, status: RunStatus, lastMeasuredEpoch: number | null): boolean {
  if (!run.hasRun()) return false;
  let config: Record<string, unknown>;
  try {
    config = run.readConfig();
  } catch {
    return false;
  }
  if (config.epochs !== status.epochs) return false;
  if (status.state === 'finished') {
    if (status.epoch !== status.epochs) return false;
    if (!existsSync(run.checkpointFor(status.epochs)) || !existsSync(run.lastCheckpoint)) return false;
    return lastMeasuredEpoch === null || lastMeasuredEpoch <= status.epochs;
  }
  return lastMeasuredEpoch === null || lastMeasuredEpoch <= status.epoch + 1;
}

export function readRunProgress(runDir: string): RunProgress {
  const run = new RunDirectory(runDir);
  const status = run.readStatus();
  const metrics = run.readMetrics();
  const withTest = metrics.filter((m) => typeof m.test_error === 'number' && Number.isFinite(m.test_error));
  const last = withTest[withTest.length - 1];
  const lastMeasuredEpoch = metrics.length > 0 ? Math.max(...metrics.map((m) => m.epoch)) : null;
  return {
    state: status?.state ?? null,
    epoch: status?.epoch ?? 0,
    epochs: status?.epochs ?? null,
    updatedAt: status?.updatedAt ?? null,
    message: status?.message ?? null,
    hasConfig: run.hasRun(),
    hasCheckpoint: existsSync(run.lastCheckpoint),
    testError: last ? (last.test_error as number) : null,
    lastMeasuredEpoch,
    backed: status !== null && (status.state === 'finished' || status.state === 'diverged') && resultIsBacked(run, status, lastMeasuredEpoch),
  };
}

/** A run that a task would not run again: finished, or diverged (a result, not a failure). */
export function isDone(progress: RunProgress): boolean {
  return (progress.state === 'finished' || progress.state === 'diverged') && progress.backed;
}
