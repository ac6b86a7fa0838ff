import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DatasetError } from '../errors.js';
import { BYTES_PER_ELEMENT, DESCR_TO_DTYPE, parseNpyHeader } from './npy.js';

/**
 * Where the rows of one array lie in a file, read from the file's header alone, so that a shard
 * of any size is read a batch of rows at a time (see src/analyze/shards/). Element kinds include
 * the half-precision ones language models emit: 'float16' (npy '<f2', safetensors F16) and
 * 'bfloat16' (safetensors BF16).
 */
export type ElementKind =
  'float16' | 'bfloat16' | 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool';

/** npy.ts's element sizes and the two half-precision kinds it does not keep as dtypes. */
export const ELEMENT_BYTES: Record<ElementKind, number> = { ...BYTES_PER_ELEMENT, float16: 2, bfloat16: 2 };

export interface ArrayLayout {
  file: string;
  /** The array's name in the file (a safetensors key), or the file's role for a .npy file. */
  name: string;
  kind: ElementKind;
  shape: number[];
  /** Byte offset of the first element in the file (row-major data follows). */
  offset: number;
}

/** npy.ts's dtypes, and float16 (<f2), which it widens to float32 rather than keep as a dtype of its own. */
const NPY_KINDS: Record<string, ElementKind> = { ...DESCR_TO_DTYPE, '<f2': 'float16' };

const SAFETENSORS_KINDS: Record<string, ElementKind> = {
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
  I8: 'int8',
  I16: 'int16',
  I32: 'int32',
  I64: 'int64',
  U8: 'uint8',
  U16: 'uint16',
  U32: 'uint32',
  U64: 'uint64',
  BOOL: 'bool',
};

/** Reads `length` bytes at `position` of a file (short reads are an error naming the file). */
export function readBytesAt(file: string, fd: number, position: number, target: Uint8Array): void {
  let done = 0;
  while (done < target.length) {
    const got = readSync(fd, target, done, target.length - done, position + done);
    if (got === 0) throw new DatasetError(file, `ends at byte ${position + done}, expected ${target.length - done} more bytes (truncated or replaced?)`);
    done += got;
  }
}

function withFile<T>(file: string, read: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(file, code === 'ENOENT' ? 'file not found' : `cannot open: ${(error as Error).message}`);
  }
  try {
    return read(fd, statSync(file).size);
  } finally {
    closeSync(fd);
  }
}

/** The layout of a .npy file (C order only: a Fortran-order array has no contiguous rows). */
export function npyLayout(file: string, role: string): ArrayLayout {
  return withFile(file, (fd, size) => {
    const preamble = new Uint8Array(Math.min(size, 12));
    readBytesAt(file, fd, 0, preamble);
    const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
    if (preamble.length < 10 || magic.some((byte, i) => preamble[i] !== byte)) {
      throw new DatasetError(file, 'no .npy magic "\\x93NUMPY" at the start, expected a NumPy .npy file');
    }
    const major = preamble[6]!;
    const view = new DataView(preamble.buffer);
    if (major !== 1 && major !== 2 && major !== 3) throw new DatasetError(file, `.npy format version ${major}, expected 1, 2 or 3`);
    if (major !== 1 && preamble.length < 12) throw new DatasetError(file, 'truncated .npy header');
    const headerStart = major === 1 ? 10 : 12;
    const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
    if (headerStart + headerLength > size) throw new DatasetError(file, `truncated: the .npy header of ${headerLength} bytes runs past the end of the file`);
    const headerBytes = new Uint8Array(headerLength);
    readBytesAt(file, fd, headerStart, headerBytes);
    const header = parseNpyHeader(Buffer.from(headerBytes).toString(major === 3 ? 'utf8' : 'latin1'), file);
    const kind = NPY_KINDS[header.descr];
    if (kind === undefined) throw new DatasetError(file, `dtype '${header.descr}' is not supported, expected one of ${Object.keys(NPY_KINDS).join(' ')}`);
    if (header.fortranOrder && header.shape.length > 1) {
      throw new DatasetError(file, 'is in Fortran order, which cannot be streamed by rows; save it with np.save(np.ascontiguousarray(a))');
    }
    const layout = { file, name: role, kind, shape: header.shape, offset: headerStart + headerLength };
    requireBytes(layout, size);
    return layout;
  });
}

/** The layout of every tensor of a .safetensors file, by name (the header alone is read). */
export function safetensorsLayouts(file: string): Map<string, ArrayLayout> {
  return withFile(file, (fd, size) => {
    const fail = (problem: string): never => {
      throw new DatasetError(file, `not a valid safetensors file: ${problem}`);
    };
    if (size < 8) fail(`the file has ${size} bytes, fewer than the 8 of the header length (truncated?)`);
    const lengthBytes = new Uint8Array(8);
    readBytesAt(file, fd, 0, lengthBytes);
    const declared = new DataView(lengthBytes.buffer).getBigUint64(0, true);
    if (declared > 100_000_000n) fail(`the header length ${declared} is over the 100000000-byte limit`);
    const headerLength = Number(declared);
    if (8 + headerLength > size) fail(`the header length ${headerLength} runs past the end of the file (${size} bytes; truncated?)`);
    const headerBytes = new Uint8Array(headerLength);
    readBytesAt(file, fd, 8, headerBytes);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
    } catch (error) {
      fail(`the header is not valid UTF-8 JSON (${(error as Error).message})`);
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
    const dataStart = 8 + headerLength;
    const layouts = new Map<string, ArrayLayout>();
    for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') continue;
      const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const kind = typeof entry?.dtype === 'string' ? SAFETENSORS_KINDS[entry.dtype] : undefined;
      if (kind === undefined) fail(`tensor '${name}' has dtype ${JSON.stringify(entry?.dtype)}, not one of ${Object.keys(SAFETENSORS_KINDS).join(', ')}`);
      const shape = entry.shape;
      if (!Array.isArray(shape) || !shape.every((x) => Number.isSafeInteger(x) && x >= 0))
        fail(`tensor '${name}' has shape ${JSON.stringify(shape)}, not a list of sizes`);
      const offsets = entry.data_offsets;
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((x) => Number.isSafeInteger(x) && x >= 0))
        fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
      const [begin, end] = offsets as [number, number];
      const needed = (shape as number[]).reduce((a, b) => a * b, 1) * ELEMENT_BYTES[kind!];
      if (end - begin !== needed)
        fail(
          `tensor '${name}' of dtype ${String(entry.dtype)} and shape [${(shape as number[]).join(', ')}] needs ${needed} bytes, its data_offsets span ${end - begin}`,
        );
      const layout = { file, name, kind: kind!, shape: shape as number[], offset: dataStart + begin };
      requireBytes(layout, size);
      layouts.set(name, layout);
    }
    return layouts;
  });
}

/** The array's bytes, element count times element size. */
export function layoutBytes(layout: ArrayLayout): number {
  return layout.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[layout.kind];
}

function requireBytes(layout: ArrayLayout, size: number): void {
  const end = layout.offset + layoutBytes(layout);
  if (end > size) {
    throw new DatasetError(
      layout.file,
      `array '${layout.name}' of shape (${layout.shape.join(', ')}) needs bytes up to ${end} but the file has ${size} (truncated?)`,
    );
  }
}
