import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';

import { type AnyTypedArray, type DType, type Tensor, tensor, tidy } from '../torch/index.js';
import { writeAll, writeFileAtomically } from './atomic-file.js';
import { InputFileError } from '../errors.js';

/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and written here
 * without a dependency:
 *
 *   8 bytes   N, the header length, unsigned 64-bit little-endian
 *   N bytes   UTF-8 JSON: {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
 *             padded with spaces so that the data starts 8-byte aligned
 *   rest      the tensors' bytes, little-endian, row-major; offsets are relative to here and must
 *             cover this part exactly, without holes or overlaps
 */

/** The safetensors dtypes this engine has, with its dtype and each element's size in bytes. */
const DTYPES = {
  BOOL: { dtype: 'bool', bytes: 1 },
  U8: { dtype: 'uint8', bytes: 1 },
  I32: { dtype: 'int32', bytes: 4 },
  F32: { dtype: 'float32', bytes: 4 },
  F64: { dtype: 'float64', bytes: 8 },
  I64: { dtype: 'int64', bytes: 8 },
} as const satisfies Record<string, { dtype: DType; bytes: number }>;

export type SafetensorsDType = keyof typeof DTYPES;

/**
 * The order of the Rust writer (and so of Python's save_file): larger dtypes first, as its Dtype
 * enum ranks them, then by name. Any order is valid; this one keeps every tensor aligned to its
 * element size and our files byte-comparable with theirs.
 */
const WRITE_RANK: Record<SafetensorsDType, number> = { I64: 0, F64: 1, F32: 2, I32: 3, U8: 4, BOOL: 5 };

/** The Rust reader's limit: a larger header is taken as a corrupt or hostile file. */
const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsContents {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** An error about one file: the message starts with the file's path. */
export class SafetensorsError extends InputFileError {}

function assertLittleEndianHost(): void {
  // Typed arrays use the host's byte order; the format's is little-endian.
  if (endianness() !== 'LE') throw new Error('safetensors: big-endian hosts are not supported');
}

function safetensorsDType(dtype: DType): SafetensorsDType {
  const found = (Object.keys(DTYPES) as SafetensorsDType[]).find((key) => DTYPES[key].dtype === dtype);
  if (found === undefined) throw new Error(`no safetensors dtype for '${dtype}'`);
  return found;
}

function byteView(data: AnyTypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Writes tensors (CPU or not, any layout) and string metadata as one safetensors file. The write
 * is atomic: the bytes go to `<file>.tmp-<pid>-<random>`, which is fsynced and then renamed over
 * `file`, so a reader sees the old file or the new one, never a partial one; on failure the
 * temporary file is removed.
 */
export function saveSafetensors(tensors: Map<string, Tensor>, file: string, metadata: Record<string, string> = {}): void {
  assertLittleEndianHost();
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new SafetensorsError(file, `metadata '${key}' must be a string, got ${typeof value}`);
  }
  const entries: Entry[] = [];
  for (const [name, t] of tensors) {
    if (name === '' || name === '__metadata__') throw new SafetensorsError(file, `'${name}' cannot name a tensor`);
    entries.push({ name, dtype: safetensorsDType(t.dtype), shape: t.shape, begin: 0, end: 0 });
  }
  entries.sort((a, b) => WRITE_RANK[a.dtype] - WRITE_RANK[b.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let offset = 0;
  for (const entry of entries) {
    entry.begin = offset;
    offset += entry.shape.reduce((a, b) => a * b, 1) * DTYPES[entry.dtype].bytes;
    entry.end = offset;
  }

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  for (const { name, dtype, shape, begin, end } of entries) header[name] = { dtype, shape, data_offsets: [begin, end] };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.alloc(Math.ceil(json.length / 8) * 8, ' ');
  json.copy(padded);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));

  writeAtomically(file, (fd) => {
    writeAll(fd, length);
    writeAll(fd, padded);
    for (const entry of entries) {
      const data = tensors.get(entry.name)!.data();
      if (data.byteLength !== entry.end - entry.begin)
        throw new Error(`tensor '${entry.name}' gave ${data.byteLength} bytes, expected ${entry.end - entry.begin}`);
      writeAll(fd, byteView(data));
    }
  });
}

function writeAtomically(file: string, write: (fd: number) => void): void {
  try {
    writeFileAtomically(file, write);
  } catch (error) {
    throw new SafetensorsError(file, `cannot write: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads a safetensors file into CPU tensors (owned by the caller, or by the enclosing tidy()).
 * The whole header is checked before any tensor is made; a corrupt file gives a SafetensorsError
 * naming the file and what is wrong.
 */
export function loadSafetensors(file: string): SafetensorsContents {
  assertLittleEndianHost();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new SafetensorsError(file, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  const { entries, metadata, dataStart } = parseHeader(bytes, file);
  const tensors = tidy(() => {
    const result = new Map<string, Tensor>();
    for (const entry of entries) {
      // A fresh copy: the data in the file need not be aligned for a Float64Array or BigInt64Array.
      const raw = new Uint8Array(bytes.subarray(dataStart + entry.begin, dataStart + entry.end)).buffer;
      result.set(entry.name, tensor(typedArray(entry.dtype, raw), { shape: entry.shape, dtype: DTYPES[entry.dtype].dtype }));
    }
    return result;
  });
  return { tensors, metadata };
}

function typedArray(dtype: SafetensorsDType, buffer: ArrayBuffer): AnyTypedArray {
  switch (dtype) {
    case 'F32':
      return new Float32Array(buffer);
    case 'F64':
      return new Float64Array(buffer);
    case 'I64':
      return new BigInt64Array(buffer);
    case 'I32':
      return new Int32Array(buffer);
    case 'U8':
    case 'BOOL':
      return new Uint8Array(buffer);
  }
}

/** Validates the header against the file's size, as the Rust reader does. */
function parseHeader(bytes: Buffer, file: string): { entries: Entry[]; metadata: Record<string, string>; dataStart: number } {
  const fail = (problem: string): never => {
    throw new SafetensorsError(file, `not a valid safetensors file: ${problem}`);
  };
  if (bytes.length < 8) fail(`the file has ${bytes.length} bytes, fewer than the 8 of the header length (truncated?)`);
  const declared = bytes.readBigUInt64LE(0);
  if (declared > BigInt(MAX_HEADER_BYTES)) fail(`the header length ${declared} is over the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length) fail(`the header length ${headerLength} runs past the end of the file (${bytes.length} bytes; truncated?)`);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    fail(`the header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) fail('the header is not a JSON object');

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!isPlainObject(value)) fail('__metadata__ is not an object');
      for (const [key, text] of Object.entries(value as Record<string, unknown>)) {
        if (typeof text !== 'string') fail(`__metadata__ '${key}' is not a string`);
        metadata[key] = text as string;
      }
      continue;
    }
    entries.push(parseEntry(name, value, dataLength, fail));
  }

  // The offsets must tile the data part exactly: no overlap (two tensors sharing bytes) and no
  // hole (bytes no tensor owns, which the format forbids to rule out polyglot files).
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const entry of byBegin) {
    if (entry.begin < covered)
      fail(`the data_offsets of '${entry.name}' [${entry.begin}, ${entry.end}] overlap those of '${previous!.name}' [${previous!.begin}, ${previous!.end}]`);
    if (entry.begin > covered) fail(`bytes ${covered} to ${entry.begin} of the data belong to no tensor`);
    covered = entry.end;
    previous = entry;
  }
  if (covered !== dataLength) fail(`the tensors cover ${covered} bytes of data, the file holds ${dataLength}`);
  return { entries, metadata, dataStart };
}

function parseEntry(name: string, value: unknown, dataLength: number, fail: (problem: string) => never): Entry {
  if (!isPlainObject(value)) fail(`the entry of tensor '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPES)) {
    fail(`tensor '${name}' has dtype ${JSON.stringify(dtype)}, not one of ${Object.keys(DTYPES).join(', ')}`);
  }
  const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor '${name}' has shape ${JSON.stringify(shape)}, not a list of sizes`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`tensor '${name}' has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataLength) fail(`tensor '${name}' has data_offsets [${begin}, ${end}] beyond the ${dataLength} bytes of data (truncated?)`);
  const size = DTYPES[dtype as SafetensorsDType].bytes;
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * size;
  if (expected !== end - begin) {
    fail(`tensor '${name}' of dtype ${dtype} and shape [${(shape as number[]).join(', ')}] needs ${expected} bytes, its data_offsets span ${end - begin}`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
