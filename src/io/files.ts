import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';

/** Reads a whole file, turning "no such file" into a DatasetError that names the path. */
export function readDataFile(path: string, hint?: string): Uint8Array {
  if (!existsSync(path)) {
    throw new DatasetError(path, `file not found${hint ? ` (${hint})` : ''}`);
  }
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a file and gunzips it when it is gzip data. The check is on the content, not the name,
 * because people rename and half-unpack downloads; the formats read here never start with 1f 8b.
 */
export function readMaybeGzipped(path: string, hint?: string): Uint8Array {
  const bytes = readDataFile(path, hint);
  if (!isGzip(bytes)) return bytes;
  try {
    const inflated = gunzipSync(bytes);
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  } catch (error) {
    throw new DatasetError(path, `corrupt gzip data (${(error as Error).message}), expected a complete .gz file`);
  }
}

/**
 * Returns the first path that exists among `names` inside each folder of `folders` (folders are
 * tried in order, then names). Throws a DatasetError listing every path tried.
 */
export function findDataFile(folders: string[], names: string[], hint?: string): string {
  const tried: string[] = [];
  for (const folder of folders) {
    for (const name of names) {
      const path = join(folder, name);
      if (existsSync(path)) return path;
      tried.push(path);
    }
  }
  const wanted = names.join(' or ');
  throw new DatasetError(wanted, `file not found; looked for ${tried.join(', ')}${hint ? `. ${hint}` : ''}`);
}

/** `name.gz` first (as published), then the unpacked `name`. */
export function gzOrRaw(name: string): string[] {
  return [`${name}.gz`, name];
}

/** Reads a text file of one name per line (blank lines dropped), as the class-name files are. */
export function readLines(path: string): string[] {
  const text = Buffer.from(readDataFile(path)).toString('utf8');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * The names file when it is there (it is part of the published archive), else the built-in list;
 * a names file with the wrong number of lines means a mixed-up folder, which we report.
 */
export function readClassNames(path: string, fallback: string[]): string[] {
  if (!existsSync(path)) return [...fallback];
  const names = readLines(path);
  if (names.length !== fallback.length) {
    throw new DatasetError(path, `${names.length} class names, expected ${fallback.length}, one per line`);
  }
  return names;
}
