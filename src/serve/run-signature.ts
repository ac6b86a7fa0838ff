import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILE_NAMES } from '../run/run-files.js';

/** The files of a run directory that the dashboard reads (docs/run-directory.md). */
export const RUN_FILES = [RUN_FILE_NAMES.config, RUN_FILE_NAMES.status, RUN_FILE_NAMES.metrics, RUN_FILE_NAMES.geometry] as const;
export type RunFile = (typeof RUN_FILES)[number];

/** size:mtime of each file ('-' when absent): a change of any means the file changed. */
export type RunSignature = Record<RunFile, string>;

export async function runSignature(dir: string): Promise<RunSignature> {
  const entries = await Promise.all(
    RUN_FILES.map(async (file) => {
      try {
        const info = await stat(join(dir, file));
        return [file, `${info.size}:${info.mtimeMs}`] as const;
      } catch {
        return [file, '-'] as const;
      }
    }),
  );
  return Object.fromEntries(entries) as RunSignature;
}

export function changedFiles(before: RunSignature | undefined, after: RunSignature): RunFile[] {
  return RUN_FILES.filter((file) => before?.[file] !== after[file]);
}
