import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { NcollapseError } from '../errors.js';

/** An output folder that cannot be made: the message names the path and the system's reason. */
export class OutputDirectoryError extends NcollapseError {
  readonly path: string;

  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(`${path}: cannot create the output folder: ${problem}`, options);
    this.path = path;
  }
}

const REASONS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
};

/** The folder's stats, or undefined when it is not there (a file higher up gives ENOTDIR: not there either). */
function existing(path: string, folder: string) {
  try {
    return statSync(folder, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOTDIR') return undefined;
    throw new OutputDirectoryError(path, `cannot look at ${folder}: ${REASONS[code] ?? (error as Error).message}`, { cause: error });
  }
}

/**
 * `mkdir -p` that always ends. Node's own recursive mkdirSync loops forever where the kernel
 * answers ENOENT for a folder that cannot be made (under /proc, for one), and reports a read-only
 * file system as ENOENT; here each missing level is made once, from the nearest existing
 * ancestor down, and the first failure is reported with its real cause.
 */
export function makeDirectory(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  let current = target;
  for (;;) {
    const stats = existing(path, current);
    if (stats !== undefined) {
      if (!stats.isDirectory()) throw new OutputDirectoryError(path, `${current} exists and is not a folder`);
      break;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST' && statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
      const reason = REASONS[code] ?? (code === 'ENOENT' ? `${dirname(folder)} does not accept new folders` : (error as Error).message);
      throw new OutputDirectoryError(path, `mkdir ${folder} failed: ${reason} (${code})`, { cause: error });
    }
  }
}
