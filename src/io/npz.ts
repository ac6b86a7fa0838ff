import { unzipSync, type UnzipFileInfo } from 'fflate';
import { DatasetError } from '../errors.js';
import { readDataFile } from './files.js';
import { parseNpy, type NpyArray } from './npy.js';

/**
 * NumPy's .npz: a zip archive with one .npy file per array, stored (np.savez) or deflated
 * (np.savez_compressed). Arrays are keyed by member name without the ".npy" suffix, which is how
 * NumPy names them (`np.load(f)['features']`).
 */
export interface NpzReadOptions {
  /** Only decode these arrays (names without ".npy"); a missing one is an error. */
  only?: string[];
}

const ZIP_STORED = 0;
const ZIP_DEFLATED = 8;

/** Reads an .npz file from disk. */
export function readNpz(path: string, options: NpzReadOptions = {}): Map<string, NpyArray> {
  return parseNpz(readDataFile(path), path, options);
}

/** Parses .npz bytes; `file` is only used in messages. */
export function parseNpz(bytes: Uint8Array, file: string, options: NpzReadOptions = {}): Map<string, NpyArray> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new DatasetError(file, 'no zip signature "PK" at the start, expected an .npz archive (a zip of .npy files)');
  }
  const wanted = options.only ? new Set(options.only.map(memberFileName)) : undefined;
  const seen: string[] = [];
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (info: UnzipFileInfo) => {
        seen.push(info.name);
        if (wanted && !wanted.has(info.name)) return false;
        if (info.compression !== ZIP_STORED && info.compression !== ZIP_DEFLATED) {
          throw new DatasetError(
            `${file}, member ${info.name}`,
            `zip compression method ${info.compression}, expected stored (0) or deflated (8) as np.savez and np.savez_compressed write`,
          );
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(file, `not a readable zip archive (${(error as Error).message}), expected an .npz file`);
  }
  if (wanted) {
    for (const name of wanted) {
      if (!(name in members)) {
        throw new DatasetError(
          file,
          `no array "${arrayName(name)}" (member ${name}); the archive has ${seen.map((n) => `"${arrayName(n)}"`).join(', ') || 'no members'}`,
        );
      }
    }
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(members)) {
    if (name.endsWith('/')) continue; // a directory entry, not an array
    arrays.set(arrayName(name), parseNpy(data, `${file}, member ${name}`));
  }
  return arrays;
}

/** Reads one array of an .npz by name (without ".npy"). */
export function readNpzArray(path: string, name: string): NpyArray {
  const arrays = readNpz(path, { only: [name] });
  return arrays.get(arrayName(name))!;
}

function memberFileName(name: string): string {
  return name.endsWith('.npy') ? name : `${name}.npy`;
}

function arrayName(member: string): string {
  return member.endsWith('.npy') ? member.slice(0, -4) : member;
}
