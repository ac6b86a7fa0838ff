import { existsSync } from 'node:fs';

import { RunDirectory } from '../run/run-directory.js';
import type { RunState } from '../run/run-schema.js';

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
}

export function readRunProgress(runDir: string): RunProgress {
  const run = new RunDirectory(runDir);
  const status = run.readStatus();
  const metrics = run.readMetrics();
  const withTest = metrics.filter((m) => typeof m.test_error === 'number' && Number.isFinite(m.test_error));
  const last = withTest[withTest.length - 1];
  return {
    state: status?.state ?? null,
    epoch: status?.epoch ?? 0,
    epochs: status?.epochs ?? null,
    updatedAt: status?.updatedAt ?? null,
    message: status?.message ?? null,
    hasConfig: run.hasRun(),
    hasCheckpoint: existsSync(run.lastCheckpoint),
    testError: last ? (last.test_error as number) : null,
    lastMeasuredEpoch: metrics.length > 0 ? metrics[metrics.length - 1]!.epoch : null,
  };
}

/** A run that a task would not run again: finished, or diverged (a result, not a failure). */
export function isDone(progress: RunProgress): boolean {
  return progress.state === 'finished' || progress.state === 'diverged';
}
