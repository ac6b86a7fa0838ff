import { dirname } from 'node:path';

/**
 * The names of a run directory's files (docs/run-directory.md). This is the one place they are
 * spelled: the trainer, the analysis, the report, the dashboard and the CLI all take them from here.
 */
export const RUN_FILE_NAMES = {
  config: 'config.json',
  status: 'status.json',
  metrics: 'metrics.jsonl',
  geometry: 'geometry.jsonl',
  checkpoints: 'checkpoints',
  report: 'report.html',
  /** Names the one process writing the run while it runs (src/io/lock-file.ts). */
  writerLock: 'writer.lock',
  /** The report's figures, beside report.html. */
  figures: 'figures',
} as const;

/** The files train writes before its first checkpoint: removing them lets a run start again. */
export const UNSTARTED_RUN_FILES = [RUN_FILE_NAMES.config, RUN_FILE_NAMES.status, RUN_FILE_NAMES.metrics, RUN_FILE_NAMES.geometry] as const;

/** The checkpoint that --resume continues from, in checkpoints/. */
export const LAST_CHECKPOINT_NAME = 'last.safetensors';

/** The checkpoint of a measured epoch, in checkpoints/: epoch-0042.safetensors. */
export function epochCheckpointName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}.safetensors`;
}

/** Matches an epoch checkpoint's name; group 1 is the epoch. */
export const EPOCH_CHECKPOINT_PATTERN = /^epoch-(\d+)\.safetensors$/;

/** The run directory a checkpoint file belongs to: checkpoints live in RUN/checkpoints/. */
export function runDirOfCheckpoint(checkpoint: string): string {
  return dirname(dirname(checkpoint));
}
