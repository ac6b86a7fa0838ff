import { writeFileSync } from 'node:fs';
import { DatasetError } from '../errors.js';
import { readDataFile } from './files.js';
import { float16ToFloat32 } from './half-precision.js';

/**
 * NumPy's .npy format: the magic "\x93NUMPY", a major and minor version byte, a header length
 * (uint16 little-endian for 1.0, uint32 for 2.0 and 3.0), then a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, padded with spaces and ended
 * by a newline, then the raw data. Only little-endian numeric dtypes are read; Fortran-ordered
 * arrays are transposed to C order so `data` is always row-major over `shape`.
 */
export type NpyDtype = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool';

export type NpyData =
  Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Row-major (C order) values; int64/uint64 as BigInt arrays, bool as 0/1 bytes. */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The descr strings NumPy writes for each dtype on a little-endian machine (and accepted aliases). */
export const DESCR_TO_DTYPE: Readonly<Record<string, NpyDtype>> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '|i1': 'int8',
  '<i1': 'int8',
  '<i2': 'int16',
  '<i4': 'int32',
  '<i8': 'int64',
  '|u1': 'uint8',
  '<u1': 'uint8',
  '<u2': 'uint16',
  '<u4': 'uint32',
  '<u8': 'uint64',
  '|b1': 'bool',
};

const DTYPE_TO_DESCR: Record<NpyDtype, string> = {
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  uint16: '<u2',
  uint32: '<u4',
  uint64: '<u8',
  bool: '|b1',
};

export const BYTES_PER_ELEMENT: Readonly<Record<NpyDtype, number>> = {
  float32: 4,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Reads a .npy file. */
export function readNpy(path: string): NpyArray {
  return parseNpy(readDataFile(path), path);
}

/** Parses .npy bytes; `source` names the file (or "archive.npz: member x.npy") in messages. */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new DatasetError(source, 'no .npy magic "\\x93NUMPY" at the start, expected a NumPy .npy file');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DatasetError(source, `truncated: ${bytes.length} bytes, too short for a version ${major}.${minor} header`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new DatasetError(source, `.npy format version ${major}.${minor}, expected 1.0, 2.0 or 3.0`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new DatasetError(source, `truncated: header of ${headerLength} bytes but the file has ${bytes.length - headerStart} after the preamble`);
  }
  // Version 3.0 only differs in allowing UTF-8 in the header (for structured field names).
  const headerText = Buffer.from(bytes.subarray(headerStart, dataStart)).toString(major === 3 ? 'utf8' : 'latin1');
  const header = parseNpyHeader(headerText, source);
  if (header.descr === '<f2') return parseFloat16(bytes, dataStart, header, source);
  const dtype = DESCR_TO_DTYPE[header.descr];
  if (dtype === undefined) throw new DatasetError(source, unsupportedDescr(header.descr));
  const count = header.shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * BYTES_PER_ELEMENT[dtype];
  if (bytes.length - dataStart < dataBytes) {
    throw new DatasetError(
      source,
      `truncated: header says ${dtype} of shape (${header.shape.join(', ')}) (${dataBytes} bytes of data) but the file has ${bytes.length - dataStart}`,
    );
  }
  // Copy into a fresh buffer: the data offset is rarely aligned for a typed-array view, and the
  // caller should own its array. Typed arrays use the host's byte order, little-endian on every
  // platform Node runs on, which is why only '<' (and byte-order-free '|') dtypes are accepted.
  const copy = bytes.slice(dataStart, dataStart + dataBytes);
  let data = typedArrayOf(dtype, copy.buffer, count);
  if (header.fortranOrder && header.shape.length > 1) data = fortranToC(data, header.shape, dtype);
  return { dtype, shape: header.shape, data };
}

/** float16 ('<f2', what language models emit) widened exactly to float32. */
function parseFloat16(bytes: Uint8Array, dataStart: number, header: NpyHeader, source: string): NpyArray {
  const count = header.shape.reduce((a, b) => a * b, 1);
  if (bytes.length - dataStart < count * 2) {
    throw new DatasetError(
      source,
      `truncated: header says float16 of shape (${header.shape.join(', ')}) (${count * 2} bytes of data) but the file has ${bytes.length - dataStart}`,
    );
  }
  const bits = new Uint16Array(bytes.slice(dataStart, dataStart + count * 2).buffer, 0, count);
  let data: NpyData = new Float32Array(count);
  float16ToFloat32(bits, data);
  if (header.fortranOrder && header.shape.length > 1) data = fortranToC(data, header.shape, 'float32');
  return { dtype: 'float32', shape: header.shape, data };
}

function unsupportedDescr(descr: string): string {
  if (descr.startsWith('[')) return `structured dtype ${descr} is not supported, expected a plain numeric dtype such as '<f4'`;
  if (descr.startsWith('>')) return `dtype '${descr}' is big-endian, expected little-endian ('<${descr.slice(1)}')`;
  if (descr.endsWith('O') || descr.includes('O')) return `dtype '${descr}' is an object array (pickled Python objects), expected a numeric dtype`;
  return `dtype '${descr}' is not supported, expected one of ${Object.keys(DESCR_TO_DTYPE).join(' ')}`;
}

/**
 * Reads the header dict. It is a Python literal, not JSON, and NumPy has written it with small
 * variations over the years (key order, trailing comma, spacing), so each key is found on its own.
 */
export function parseNpyHeader(text: string, source: string): NpyHeader {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
    throw new DatasetError(source, `header ${JSON.stringify(trimmed.slice(0, 80))} is not a dict, expected {'descr': ..., 'fortran_order': ..., 'shape': ...}`);
  }
  const descrList = /['"]descr['"]\s*:\s*\[/.exec(trimmed);
  if (descrList) {
    const descr = trimmed.slice(descrList.index + descrList[0].length - 1, trimmed.indexOf(']', descrList.index) + 1);
    throw new DatasetError(source, `structured dtype ${descr} is not supported, expected a plain numeric dtype such as '<f4'`);
  }
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(trimmed)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(trimmed)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(trimmed)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DatasetError(source, `header ${JSON.stringify(trimmed)} lacks 'descr', 'fortran_order' or 'shape'`);
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      // NumPy on Python 2 wrote longs as "3L".
      const value = Number(part.replace(/L$/, ''));
      if (!/^\d+L?$/.test(part) || !Number.isSafeInteger(value)) {
        throw new DatasetError(source, `shape (${shapeText}) has ${JSON.stringify(part)}, expected non-negative integers`);
      }
      return value;
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

function typedArrayOf(dtype: NpyDtype, buffer: ArrayBuffer, count: number): NpyData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
    case 'int8':
      return new Int8Array(buffer, 0, count);
    case 'int16':
      return new Int16Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'int64':
      return new BigInt64Array(buffer, 0, count);
    case 'uint8':
      return new Uint8Array(buffer, 0, count);
    case 'uint16':
      return new Uint16Array(buffer, 0, count);
    case 'uint32':
      return new Uint32Array(buffer, 0, count);
    case 'uint64':
      return new BigUint64Array(buffer, 0, count);
    case 'bool':
      return new Uint8Array(buffer, 0, count);
  }
}

/**
 * Reorders Fortran-order (column-major) data to C order (row-major). The element at C index
 * (i0, ..., ik) sits in the Fortran data at i0 + s0*(i1 + s1*(i2 + ...)).
 */
function fortranToC(source: NpyData, shape: number[], dtype: NpyDtype): NpyData {
  const count = source.length;
  const out = typedArrayOf(dtype, new ArrayBuffer(count * BYTES_PER_ELEMENT[dtype]), count);
  const rank = shape.length;
  const fortranStrides = new Array<number>(rank);
  let stride = 1;
  for (let d = 0; d < rank; d++) {
    fortranStrides[d] = stride;
    stride *= shape[d]!;
  }
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  const target = out as unknown as { [i: number]: number | bigint };
  const values = source as unknown as { [i: number]: number | bigint };
  for (let to = 0; to < count; to++) {
    target[to] = values[from]!;
    // Advance the C-order index (last axis fastest), keeping `from` in step.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      from += fortranStrides[d]!;
      if (index[d]! < shape[d]!) break;
      from -= index[d]! * fortranStrides[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function dtypeOfData(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint32Array) return 'uint32';
  return 'uint64';
}

/**
 * Encodes an array as .npy (C order). Version 1.0 unless the header needs more than 65535 bytes.
 * The header is padded so the data starts on a 64-byte boundary, as NumPy does.
 * `dtype` defaults to the one implied by the typed array (pass 'bool' for 0/1 bytes).
 */
export function encodeNpy(array: { data: NpyData; shape: number[]; dtype?: NpyDtype }): Uint8Array {
  const dtype = array.dtype ?? dtypeOfData(array.data);
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new Error(`encodeNpy: shape (${array.shape.join(', ')}) holds ${count} values but the data has ${array.data.length}`);
  }
  if (BYTES_PER_ELEMENT[dtype] !== array.data.BYTES_PER_ELEMENT) {
    throw new Error(`encodeNpy: dtype ${dtype} does not match a ${array.data.constructor.name}`);
  }
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const dict = `{'descr': '${DTYPE_TO_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let major = 1;
  let preamble = 10;
  let headerLength = Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble;
  if (headerLength > 0xffff) {
    major = 2;
    preamble = 12;
    headerLength = Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble;
  }
  const header = dict + ' '.repeat(headerLength - dict.length - 1) + '\n';
  const out = new Uint8Array(preamble + headerLength + array.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.set(Buffer.from(header, 'latin1'), preamble);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), preamble + headerLength);
  return out;
}

/** Writes an array to a .npy file. */
export function writeNpy(path: string, array: { data: NpyData; shape: number[]; dtype?: NpyDtype }): void {
  writeFileSync(path, encodeNpy(array));
}
