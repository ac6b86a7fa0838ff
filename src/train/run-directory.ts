import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { atomicWriteFile } from '../util/atomic-file.js';
import { makeDirectory } from '../util/make-directory.js';

export type RunState = 'running' | 'finished' | 'diverged' | 'interrupted';

export interface RunStatus {
  state: RunState;
  epoch: number;
  epochs: number;
  tptEpoch: number | null;
  message: string | null;
  updatedAt: string;
}

/** A metrics.jsonl or geometry.jsonl line: at least its epoch. */
export interface EpochRecord {
  epoch: number;
  [key: string]: unknown;
}

/** The files of one run (docs/run-directory.md): the trainer writes them, everything else reads them. */
export class RunDirectory {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  get configFile(): string {
    return join(this.root, 'config.json');
  }
  get statusFile(): string {
    return join(this.root, 'status.json');
  }
  get metricsFile(): string {
    return join(this.root, 'metrics.jsonl');
  }
  get geometryFile(): string {
    return join(this.root, 'geometry.jsonl');
  }
  get checkpointDir(): string {
    return join(this.root, 'checkpoints');
  }
  get lastCheckpoint(): string {
    return join(this.checkpointDir, 'last.safetensors');
  }
  checkpointFor(epoch: number): string {
    return join(this.checkpointDir, `epoch-${String(epoch).padStart(4, '0')}.safetensors`);
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
      return JSON.parse(readFileSync(this.configFile, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${this.configFile}: cannot read the run's settings (${(error as Error).message})`);
    }
  }

  writeStatus(status: Omit<RunStatus, 'updatedAt'>): void {
    atomicWriteFile(this.statusFile, `${JSON.stringify({ ...status, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  }

  appendMetrics(record: EpochRecord): void {
    appendFileSync(this.metricsFile, `${JSON.stringify(record)}\n`);
  }

  appendGeometry(record: EpochRecord): void {
    appendFileSync(this.geometryFile, `${JSON.stringify(record)}\n`);
  }

  readMetrics(): EpochRecord[] {
    return readJsonLines(this.metricsFile);
  }

  /**
   * Drops the lines of epochs after `epoch` (measured after the checkpoint a resume starts from),
   * so that a resumed run writes them again exactly once.
   */
  truncateAfter(epoch: number): void {
    for (const file of [this.metricsFile, this.geometryFile]) {
      if (!existsSync(file)) continue;
      const kept = readJsonLines(file).filter((r) => r.epoch <= epoch);
      atomicWriteFile(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }

  checkpoints(): string[] {
    if (!existsSync(this.checkpointDir)) return [];
    return readdirSync(this.checkpointDir)
      .filter((f) => /^epoch-\d+\.safetensors$/.test(f))
      .sort()
      .map((f) => join(this.checkpointDir, f));
  }
}

/** Parses a JSON-lines file, skipping a partial last line (a run being written). */
export function readJsonLines(file: string): EpochRecord[] {
  if (!existsSync(file)) return [];
  const records: EpochRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as EpochRecord;
      if (typeof value.epoch === 'number') records.push(value);
    } catch {
      // A torn write: the line is skipped, as readers of a live run must.
    }
  }
  return records;
}
