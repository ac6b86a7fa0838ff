import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

import { pauseBeforeRename } from './write-pause.js';

/**
 * Writes a file so that a reader, or a crash, sees either the old content or the new, never a
 * part: the bytes go to `<file>.tmp-<pid>-<random>`, which is fsynced and then renamed over the
 * target. On failure the temporary file is removed and the target is left as it was.
 */
export function writeFileAtomically(file: string, write: (fd: number) => void): void {
  const temporary = temporaryName(file);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx');
    write(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    pauseBeforeRename();
    renameSync(temporary, file);
  } catch (error) {
    try {
      if (fd !== undefined) closeSync(fd);
      unlinkSync(temporary);
    } catch {
      // It was never created, or is already gone: the first error is the one to report.
    }
    throw error;
  }
  syncDirectory(dirname(file));
}

/** The name a write goes to before it is renamed over `file`: `<file>.tmp-<pid>-<random hex>`. */
export function temporaryName(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Matches a name made by temporaryName; group 1 is the writer's process id. */
export const TEMPORARY_NAME_PATTERN = /\.tmp-(\d+)-[0-9a-f]+$/;

/** writeFileAtomically for content in memory. */
export function atomicWriteFile(file: string, content: string | Uint8Array): void {
  writeFileAtomically(file, (fd) => writeAll(fd, typeof content === 'string' ? Buffer.from(content) : content));
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** Makes the rename itself durable; some file systems refuse to fsync a directory, which is harmless. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Durability of the rename is best effort.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
