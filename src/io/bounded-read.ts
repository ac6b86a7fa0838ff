import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

import { InputFileError } from '../errors.js';

/** The sizes ncollapse reads its own small files up to: far above what it writes, far below a runaway. */
export const MIB = 1024 * 1024;

function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a whole file that must be a regular file of at most `maxBytes` (`what` names it in the
 * messages: "grid file"). /dev/zero, a pipe or a folder is refused before a byte is read, and a
 * file that grows, or a /proc file that says its size is 0, is read no further than the bound.
 */
export function readBoundedFile(file: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a pipe must not wait for a writer (it is refused just below); regular files ignore it.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputFileError(file, `cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputFileError(file, `is ${kindOf(stats)}; expected a ${what} (a regular file)`);
    const tooLarge = () => new InputFileError(file, `is larger than ${formatBytes(maxBytes)}, the most a ${what} may be`);
    if (stats.size > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw tooLarge();
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** readBoundedFile as UTF-8 text. */
export function readBoundedText(file: string, maxBytes: number, what: string): string {
  return readBoundedFile(file, maxBytes, what).toString('utf8');
}

function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(0)} MiB` : `${bytes} bytes`;
}
