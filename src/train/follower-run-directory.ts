import { type EpochRecord, RunDirectory } from '../run/run-directory.js';
import type { RunStatusRecord } from '../run/run-schema.js';

/**
 * The run directory as ranks other than 0 see it: they read the settings and checkpoints (a
 * resume needs the folder on a file system every rank sees) and write nothing; rank 0 writes.
 */
export class FollowerRunDirectory extends RunDirectory {
  override create(): void {}
  override writeConfig(_config: object): void {}
  override writeStatus(_status: Omit<RunStatusRecord, 'updatedAt'>): void {}
  override appendMetrics(_record: EpochRecord): void {}
  override appendGeometry(_record: EpochRecord): void {}
  override truncateAfter(_epoch: number): void {}
}
