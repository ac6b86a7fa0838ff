import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

import { InputFileError } from '../errors.js';
import { MIB, readBoundedText } from '../io/bounded-read.js';
import { configId } from './config-id.js';
import { SweepDirectoryError } from './sweep-directory-error.js';

/**
 * A sweep directory (docs/run-directory.md, "Sweeps"): sweep.json and sweep.jsonl written by
 * `sweep plan`, one run directory per row named by the row's id, and what the backends add.
 */

export const SWEEP_KIND = 'ncollapse-sweep';

export const SweepInfoSchema = z.object({
  kind: z.literal(SWEEP_KIND),
  version: z.literal(1),
  name: z.string(),
  description: z.string().nullable(),
  grid: z.string(),
  axes: z.array(z.string()),
  runs: z.number().int().positive(),
  createdAt: z.string(),
});
export type SweepInfo = z.infer<typeof SweepInfoSchema>;

export const SweepRowSchema = z.object({
  index: z.number().int().min(0),
  /** Hash of `config`: the same settings always get the same id. */
  id: z.string().regex(/^[0-9a-f]{12}$/),
  /** The axis values of this row, for tables. */
  axes: z.record(z.string(), z.unknown()),
  /** The trainer's settings, every default explicit, without name and out. */
  config: z.record(z.string(), z.unknown()),
  /** `ncollapse train` arguments without --out, --threads unless the grid sets it. */
  args: z.array(z.string()),
});
export type SweepRow = z.infer<typeof SweepRowSchema>;

export class SweepDirectory {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get infoFile(): string {
    return join(this.root, 'sweep.json');
  }
  get rowsFile(): string {
    return join(this.root, 'sweep.jsonl');
  }
  get gridCopy(): string {
    return join(this.root, 'grid.yaml');
  }
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  get slurmFile(): string {
    return join(this.root, 'slurm.json');
  }
  get localPoolFile(): string {
    return join(this.root, 'local-pool.json');
  }
  get summaryFile(): string {
    return join(this.root, 'summary.json');
  }
  runDir(row: Pick<SweepRow, 'id'>): string {
    return join(this.root, row.id);
  }

  isSweep(): boolean {
    return existsSync(this.infoFile);
  }

  readInfo(): SweepInfo {
    if (!this.isSweep()) {
      throw new SweepDirectoryError(this.root, `not a sweep directory (no sweep.json); create one with 'ncollapse sweep plan GRID.yaml --out ${this.root}'`);
    }
    let json: unknown;
    try {
      json = JSON.parse(readBoundedText(this.infoFile, MIB, 'sweep.json'));
    } catch (error) {
      if (error instanceof InputFileError) throw error;
      throw new SweepDirectoryError(this.infoFile, `not valid JSON (${(error as Error).message})`);
    }
    const parsed = SweepInfoSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SweepDirectoryError(this.infoFile, `field '${issue.path.join('.')}': ${issue.message}; this is not a sweep written by ncollapse`);
    }
    return parsed.data;
  }

  readRows(): SweepRow[] {
    const info = this.readInfo();
    let text: string;
    try {
      // 100,000 rows of about 1 KB each fit well within the bound.
      text = readBoundedText(this.rowsFile, 512 * MIB, 'sweep.jsonl');
    } catch (error) {
      throw new SweepDirectoryError(this.rowsFile, `cannot read the sweep's rows (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const rows = text
      .split('\n')
      .map((line, i) => ({ line, number: i + 1 }))
      .filter(({ line }) => line.trim() !== '')
      .map(({ line, number }) => {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          throw new SweepDirectoryError(this.rowsFile, `line ${number} is not valid JSON`);
        }
        const parsed = SweepRowSchema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new SweepDirectoryError(this.rowsFile, `line ${number}: field '${issue.path.join('.')}': ${issue.message}`);
        }
        if (parsed.data.index !== number - 1)
          throw new SweepDirectoryError(this.rowsFile, `line ${number}: index ${parsed.data.index}, expected ${number - 1}`);
        return parsed.data;
      });
    if (rows.length !== info.runs) throw new SweepDirectoryError(this.rowsFile, `${rows.length} rows, but sweep.json says ${info.runs}`);
    const seen = new Map<string, number>();
    for (const row of rows) {
      const line = row.index + 1;
      // The id names the run (and its folder, DIR/ID): it must be the hash of the row's settings.
      if (configId(row.config) !== row.id)
        throw new SweepDirectoryError(
          this.rowsFile,
          `line ${line}: id ${row.id} is not the hash of the row's config (${configId(row.config)}); the row was changed after 'sweep plan'`,
        );
      const first = seen.get(row.id);
      if (first !== undefined)
        throw new SweepDirectoryError(this.rowsFile, `line ${line}: id ${row.id} repeats line ${first + 1}; two rows cannot share a run directory`);
      seen.set(row.id, row.index);
      // The sweep chooses where a run goes and how it is started: a row's args may not.
      const owned = row.args.find((word) => /^--(out|resume|quiet|no-resume)(=|$)/.test(word));
      if (owned !== undefined)
        throw new SweepDirectoryError(
          this.rowsFile,
          `line ${line}: args hold ${owned}, which the sweep sets itself (a row's run directory is always ${join(this.root, row.id)})`,
        );
    }
    return rows;
  }

  row(index: number): SweepRow {
    const rows = this.readRows();
    const row = rows[index];
    if (!row) throw new SweepDirectoryError(this.rowsFile, `no row ${index}: the sweep has rows 0 to ${rows.length - 1}`);
    return row;
  }
}
