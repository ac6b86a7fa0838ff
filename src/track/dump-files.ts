import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The dumps of a dump folder (docs/track.md): one per epoch, a file `epoch-0007.npz` or
 * `epoch-0007.safetensors`, or a folder `epoch-0007/` of shards (read as `analyze FOLDER` reads
 * it). Any other name is not a dump, so a writer that writes to another name (`.epoch-0007.npz`,
 * `epoch-0007.npz.tmp`) and renames it into place is never read half-written.
 */
export const DUMP_NAME_PATTERN = /^epoch-(\d+)(\.npz|\.safetensors)?$/;

/** The file the user's job creates in the dump folder when it has written its last dump. */
export const DONE_MARKER_NAME = 'DONE';

export interface DumpFile {
  epoch: number;
  /** A folder of shards rather than one file. */
  folder: boolean;
  /** The file's name in the dump folder. */
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** The dumps in a folder, in increasing epoch (one file per epoch: a second one is an error for the caller). */
export function listDumps(dir: string): DumpFile[] {
  const dumps: DumpFile[] = [];
  for (const name of readdirSync(dir)) {
    const match = DUMP_NAME_PATTERN.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    let stats;
    try {
      stats = statSync(path);
    } catch {
      continue; // renamed or removed since the listing
    }
    const folder = match[2] === undefined;
    if (folder ? !stats.isDirectory() : !stats.isFile()) continue;
    const { size, mtimeMs } = folder ? folderStamp(path) : stats;
    dumps.push({ epoch: Number(match[1]), folder, name, path, size, mtimeMs });
  }
  return dumps.sort((a, b) => a.epoch - b.epoch || a.name.localeCompare(b.name));
}

/** A folder's total size and latest modification: it changes while any of its shards is written. */
function folderStamp(dir: string): { size: number; mtimeMs: number } {
  let size = 0;
  let mtimeMs = statSync(dir).mtimeMs;
  for (const name of readdirSync(dir)) {
    try {
      const stats = statSync(join(dir, name));
      size += stats.size;
      mtimeMs = Math.max(mtimeMs, stats.mtimeMs);
    } catch {
      // removed since the listing: the next look sees the folder as it is then
    }
  }
  return { size, mtimeMs };
}

/** What identifies one version of a file: a dump that changes gets a new one (and is read again). */
export function dumpVersion(dump: DumpFile): string {
  return `${dump.size}:${dump.mtimeMs}`;
}
