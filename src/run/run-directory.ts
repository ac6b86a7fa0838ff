import { appendFileSync, existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { atomicWriteFile } from '../io/atomic-file.js';
import { MIB, readBoundedText } from '../io/bounded-read.js';
import { LockFile, liveHolder, type LockRecord } from '../io/lock-file.js';
import { makeDirectory } from '../io/make-directory.js';
import { readJsonLines } from './json-lines.js';
import { EPOCH_CHECKPOINT_PATTERN, epochCheckpointName, LAST_CHECKPOINT_NAME, RUN_FILE_NAMES, UNSTARTED_RUN_FILES } from './run-files.js';
import { epochRecordSchema, runStatusSchema, type EpochRecord, type RunStatus, type RunStatusRecord } from './run-schema.js';
import { RunReadError } from './run-reader.js';
import { removeStaleTemporaries } from './stale-temporaries.js';

export type { EpochRecord } from './run-schema.js';

export interface RunWriterLock {
  release(): void;
}

/** Removes an empty folder; a folder with anything in it stays. */
function rmdirSafely(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (the run wrote something), or already gone
  }
}

/** The files of one run (docs/run-directory.md): the trainer writes them, everything else reads them. */
export class RunDirectory {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  get configFile(): string {
    return join(this.root, RUN_FILE_NAMES.config);
  }
  get statusFile(): string {
    return join(this.root, RUN_FILE_NAMES.status);
  }
  get metricsFile(): string {
    return join(this.root, RUN_FILE_NAMES.metrics);
  }
  get geometryFile(): string {
    return join(this.root, RUN_FILE_NAMES.geometry);
  }
  get reportFile(): string {
    return join(this.root, RUN_FILE_NAMES.report);
  }
  get writerLockFile(): string {
    return join(this.root, RUN_FILE_NAMES.writerLock);
  }
  get checkpointDir(): string {
    return join(this.root, RUN_FILE_NAMES.checkpoints);
  }
  get lastCheckpoint(): string {
    return join(this.checkpointDir, LAST_CHECKPOINT_NAME);
  }
  checkpointFor(epoch: number): string {
    return join(this.checkpointDir, epochCheckpointName(epoch));
  }

  /**
   * Makes this process the run's one writer (writer.lock), or throws a LockHeldError naming the
   * live process that is. A folder this call had to create is removed again on release if nothing
   * else was written into it, so that a start that fails its checks leaves nothing behind.
   */
  lockWriter(purpose: string): RunWriterLock {
    const created = !existsSync(this.root);
    makeDirectory(this.root);
    let lock: LockFile;
    try {
      lock = LockFile.acquire(this.writerLockFile, this.root, purpose);
    } catch (error) {
      if (created) rmdirSafely(this.root);
      throw error;
    }
    return {
      release: () => {
        lock.release();
        if (created) rmdirSafely(this.root);
      },
    };
  }

  /** The live process writing this run, if any (a stale lock of a killed process counts as none). */
  liveWriter(): LockRecord | null {
    return liveHolder(this.writerLockFile);
  }

  create(): void {
    makeDirectory(this.checkpointDir);
  }

  hasRun(): boolean {
    return existsSync(this.configFile);
  }

  writeConfig(config: object): void {
    atomicWriteFile(this.configFile, `${JSON.stringify(config, null, 2)}\n`);
  }

  readConfig(): Record<string, unknown> {
    try {
      return JSON.parse(readBoundedText(this.configFile, 64 * MIB, 'config.json')) as Record<string, unknown>;
    } catch (error) {
      throw new RunReadError(`${this.configFile}: cannot read the run's settings (${(error as Error).message})`);
    }
  }

  writeStatus(status: Omit<RunStatusRecord, 'updatedAt'>): void {
    atomicWriteFile(this.statusFile, `${JSON.stringify({ ...status, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  }

  /** status.json, or null while it is absent or unreadable. */
  readStatus(): RunStatus | null {
    if (!existsSync(this.statusFile)) return null;
    try {
      const parsed = runStatusSchema.safeParse(JSON.parse(readBoundedText(this.statusFile, MIB, 'status.json')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  appendMetrics(record: EpochRecord): void {
    appendFileSync(this.metricsFile, `${JSON.stringify(record)}\n`);
  }

  appendGeometry(record: EpochRecord): void {
    appendFileSync(this.geometryFile, `${JSON.stringify(record)}\n`);
  }

  readMetrics(): EpochRecord[] {
    return readJsonLines(this.metricsFile, epochRecordSchema);
  }

  readGeometry(): EpochRecord[] {
    return readJsonLines(this.geometryFile, epochRecordSchema);
  }

  /**
   * Replaces metrics.jsonl atomically (a reader sees the old file or the new one): for a writer
   * that measured an epoch out of order and keeps the lines in increasing epoch.
   */
  rewriteMetrics(records: EpochRecord[]): void {
    atomicWriteFile(this.metricsFile, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Replaces geometry.jsonl atomically (see rewriteMetrics). */
  rewriteGeometry(records: EpochRecord[]): void {
    atomicWriteFile(this.geometryFile, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /**
   * Drops the lines of epochs after `epoch` (measured after the checkpoint a resume starts from),
   * so that a resumed run writes them again exactly once.
   */
  truncateAfter(epoch: number): void {
    for (const file of [this.metricsFile, this.geometryFile]) {
      if (!existsSync(file)) continue;
      const kept = readJsonLines(file, epochRecordSchema).filter((r) => r.epoch <= epoch);
      atomicWriteFile(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }

  /**
   * Removes the epoch checkpoints older than the newest `keep` (by epoch number); last.safetensors
   * is never touched. Returns the files removed.
   */
  pruneCheckpoints(keep: number): string[] {
    const byEpoch = this.checkpoints()
      .map((file) => ({ file, epoch: Number(/(\d+)\.safetensors$/.exec(file)![1]) }))
      .sort((a, b) => b.epoch - a.epoch);
    const removed = byEpoch.slice(Math.max(keep, 1)).map(({ file }) => file);
    for (const file of removed) rmSync(file, { force: true });
    return removed;
  }

  checkpoints(): string[] {
    if (!existsSync(this.checkpointDir)) return [];
    return readdirSync(this.checkpointDir)
      .filter((f) => EPOCH_CHECKPOINT_PATTERN.test(f))
      .sort()
      .map((f) => join(this.checkpointDir, f));
  }

  /** The epochs that have a checkpoint, in order. */
  checkpointEpochs(): number[] {
    if (!existsSync(this.checkpointDir)) return [];
    return readdirSync(this.checkpointDir)
      .flatMap((f) => EPOCH_CHECKPOINT_PATTERN.exec(f)?.[1] ?? [])
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Removes the temporary files that killed atomic writes left here; returns their paths. */
  removeStaleTemporaries(): string[] {
    return removeStaleTemporaries([this.root, this.checkpointDir]);
  }

  /** Removes what train wrote before its first checkpoint, so that the run can start again. */
  clearUnstarted(): void {
    for (const name of UNSTARTED_RUN_FILES) rmSync(join(this.root, name), { force: true });
  }
}
