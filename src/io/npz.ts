import { DatasetError } from '../errors.js';
import { readDataFile } from './files.js';
import { parseNpy, type NpyArray } from './npy.js';
import { npyImpliedSize } from './npy-size.js';
import { listZipMembers, readZipMember } from './zip-members.js';

/**
 * NumPy's .npz: a zip archive with one .npy file per array, stored (np.savez) or deflated
 * (np.savez_compressed). Arrays are keyed by member name without the ".npy" suffix, which is how
 * NumPy names them (`np.load(f)['features']`).
 */
export interface NpzReadOptions {
  /** Only decode these arrays (names without ".npy"); a missing one is an error. */
  only?: string[];
}

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
  const listed = listZipMembers(bytes, file);
  const seen = listed.map((member) => member.name);
  const members: Record<string, Uint8Array> = {};
  for (const member of listed) {
    if ((wanted && !wanted.has(member.name)) || member.name.endsWith('/')) continue;
    members[member.name] = readZipMember(bytes, member, `${file}, member ${member.name}`, npyImpliedSize);
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

/** The names of the arrays in an .npz (from its zip directory; nothing is inflated). */
export function npzArrayNames(path: string): string[] {
  return listZipMembers(readDataFile(path), path)
    .filter((m) => !m.name.endsWith('/'))
    .map((m) => arrayName(m.name));
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
