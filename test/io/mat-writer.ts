import { deflateSync } from 'node:zlib';

/**
 * A test-only writer of MATLAB level-5 MAT-files, written from the format description
 * ("MAT-File Format", MathWorks) independently of the reader, so reading its output back
 * checks the reader against the spec rather than against itself.
 */

/** Data types (the "miTYPE" of a tag). */
export const mi = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
} as const;

/** Array classes (the low byte of the array flags). */
export const mx = {
  CELL: 1,
  STRUCT: 2,
  CHAR: 4,
  DOUBLE: 6,
  SINGLE: 7,
  INT8: 8,
  UINT8: 9,
  INT16: 10,
  UINT16: 11,
  INT32: 12,
  UINT32: 13,
  INT64: 14,
  UINT64: 15,
} as const;

const STORAGE_BYTES: Record<number, number> = {
  [mi.INT8]: 1,
  [mi.UINT8]: 1,
  [mi.INT16]: 2,
  [mi.UINT16]: 2,
  [mi.INT32]: 4,
  [mi.UINT32]: 4,
  [mi.SINGLE]: 4,
  [mi.DOUBLE]: 8,
  [mi.INT64]: 8,
  [mi.UINT64]: 8,
  [mi.UTF8]: 1,
  [mi.UTF16]: 2,
};

export interface MatVariableSpec {
  name: string;
  /** mxCLASS code. */
  classCode: number;
  dims: number[];
  /** miTYPE the real part is stored as (may be smaller than the class, as MATLAB does). */
  storage: number;
  /** Values in column-major order. */
  values: ArrayLike<number>;
  logical?: boolean;
}

export interface MatWriteOptions {
  /** Wrap each variable in an miCOMPRESSED element (what MATLAB -v7 does). */
  compress?: boolean;
  bigEndian?: boolean;
}

function encodeValues(storage: number, values: ArrayLike<number>, littleEndian: boolean): Uint8Array {
  const size = STORAGE_BYTES[storage]!;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const at = i * size;
    switch (storage) {
      case mi.INT8:
        view.setInt8(at, v);
        break;
      case mi.UINT8:
      case mi.UTF8:
        view.setUint8(at, v);
        break;
      case mi.INT16:
        view.setInt16(at, v, littleEndian);
        break;
      case mi.UINT16:
      case mi.UTF16:
        view.setUint16(at, v, littleEndian);
        break;
      case mi.INT32:
        view.setInt32(at, v, littleEndian);
        break;
      case mi.UINT32:
        view.setUint32(at, v, littleEndian);
        break;
      case mi.SINGLE:
        view.setFloat32(at, v, littleEndian);
        break;
      case mi.DOUBLE:
        view.setFloat64(at, v, littleEndian);
        break;
      case mi.INT64:
        view.setBigInt64(at, BigInt(v), littleEndian);
        break;
      case mi.UINT64:
        view.setBigUint64(at, BigInt(v), littleEndian);
        break;
      default:
        throw new Error(`mat-writer: storage type ${storage}`);
    }
  }
  return out;
}

function uint32s(values: number[], littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, littleEndian));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * One data element. 1 to 4 bytes of data use the small data element format: a single 32-bit
 * word holding (byte count << 16) | type, then the data padded to 4 bytes. Otherwise an 8-byte
 * tag (type, byte count), the data, and padding to a multiple of 8 bytes.
 */
export function dataElement(type: number, payload: Uint8Array, littleEndian: boolean): Uint8Array {
  if (payload.length > 0 && payload.length <= 4) {
    const padded = new Uint8Array(4);
    padded.set(payload);
    return concat([uint32s([(payload.length << 16) | type], littleEndian), padded]);
  }
  const padding = new Uint8Array((8 - (payload.length % 8)) % 8);
  return concat([uint32s([type, payload.length], littleEndian), payload, padding]);
}

/** The miMATRIX element of one numeric (or char) array. */
export function matrixElement(spec: MatVariableSpec, littleEndian: boolean): Uint8Array {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  if (count !== spec.values.length) throw new Error(`mat-writer: ${spec.name} has ${spec.values.length} values for dims ${spec.dims}`);
  const flags = spec.classCode | ((spec.logical ? 0x02 : 0) << 8);
  const dims = new Uint8Array(spec.dims.length * 4);
  spec.dims.forEach((d, i) => new DataView(dims.buffer).setInt32(i * 4, d, littleEndian));
  const body = concat([
    dataElement(mi.UINT32, uint32s([flags, 0], littleEndian), littleEndian),
    dataElement(mi.INT32, dims, littleEndian),
    dataElement(mi.INT8, Buffer.from(spec.name, 'latin1'), littleEndian),
    dataElement(spec.storage, encodeValues(spec.storage, spec.values, littleEndian), littleEndian),
  ]);
  return concat([uint32s([mi.MATRIX, body.length], littleEndian), body]);
}

/** The 128-byte header: text, subsystem offset, version 0x0100, endian indicator "MI" as a 16-bit value. */
export function matHeader(littleEndian: boolean, text = 'MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Nov 26 22:00:00 2026'): Uint8Array {
  const header = new Uint8Array(128);
  header.fill(0x20, 0, 116);
  header.set(Buffer.from(text, 'latin1').subarray(0, 116), 0);
  const view = new DataView(header.buffer);
  view.setUint16(124, 0x0100, littleEndian);
  view.setUint16(126, ('M'.charCodeAt(0) << 8) | 'I'.charCodeAt(0), littleEndian);
  return header;
}

/** A whole MAT-file. */
export function writeMat(variables: MatVariableSpec[], options: MatWriteOptions = {}): Uint8Array {
  const littleEndian = !options.bigEndian;
  const elements = variables.map((spec) => {
    const matrix = matrixElement(spec, littleEndian);
    if (!options.compress) return matrix;
    // miCOMPRESSED: a zlib stream of the whole miMATRIX element, not padded.
    const compressed = deflateSync(matrix);
    return concat([uint32s([mi.COMPRESSED, compressed.length], littleEndian), compressed]);
  });
  return concat([matHeader(littleEndian), ...elements]);
}
