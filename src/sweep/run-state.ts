import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readJsonLines, type RunState } from '../train/run-directory.js';

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
  let status: Record<string, unknown> = {};
  try {
    status = JSON.parse(readFileSync(join(runDir, 'status.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // no status yet (or a foreign file): the run has not started
  }
  const metrics = readJsonLines(join(runDir, 'metrics.jsonl'));
  const withTest = metrics.filter((m) => typeof m.test_error === 'number' && Number.isFinite(m.test_error));
  const last = withTest[withTest.length - 1];
  const state = typeof status.state === 'string' && ['running', 'finished', 'diverged', 'interrupted'].includes(status.state) ? (status.state as RunState) : null;
  return {
    state,
    epoch: typeof status.epoch === 'number' ? status.epoch : 0,
    epochs: typeof status.epochs === 'number' ? status.epochs : null,
    updatedAt: typeof status.updatedAt === 'string' ? status.updatedAt : null,
    message: typeof status.message === 'string' ? status.message : null,
    hasConfig: existsSync(join(runDir, 'config.json')),
    hasCheckpoint: existsSync(join(runDir, 'checkpoints', 'last.safetensors')),
    testError: last ? (last.test_error as number) : null,
    lastMeasuredEpoch: metrics.length > 0 ? metrics[metrics.length - 1]!.epoch : null,
  };
}

/** A run that a task would not run again: finished, or diverged (a result, not a failure). */
export function isDone(progress: RunProgress): boolean {
  return progress.state === 'finished' || progress.state === 'diverged';
}
