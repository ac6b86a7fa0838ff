import { inflateSync } from 'node:zlib';
import { DatasetError } from '../errors.js';
import { readDataFile } from './files.js';

/**
 * A reader for MATLAB level-5 MAT-files (what MATLAB writes with -v6 and -v7), enough for the
 * numeric arrays that datasets such as SVHN ship in.
 *
 * Layout: a 128-byte header (116 bytes of text, 8 bytes subsystem offset, 2 bytes version
 * 0x0100, 2 bytes endian indicator), then data elements. Each element has an 8-byte tag
 * (type, byte count) or, when the data fits in 4 bytes, a "small data element" whose tag packs
 * the byte count in the upper 16 bits and the data in the next 4 bytes. Elements are padded to
 * 8 bytes. A variable is an miMATRIX element holding sub-elements: array flags, dimensions, name,
 * real part (and imaginary part). MATLAB -v7 wraps each variable in an miCOMPRESSED element
 * whose data is a zlib stream of that miMATRIX element.
 *
 * Arrays come back as MATLAB stores them: column-major, with MATLAB's dims.
 */

const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_INT64 = 12;
const MI_UINT64 = 13;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

/** Element types that can hold numbers, with their size in bytes. */
const NUMERIC_STORAGE: Record<number, { name: string; bytes: number }> = {
  [MI_INT8]: { name: 'miINT8', bytes: 1 },
  [MI_UINT8]: { name: 'miUINT8', bytes: 1 },
  [MI_INT16]: { name: 'miINT16', bytes: 2 },
  [MI_UINT16]: { name: 'miUINT16', bytes: 2 },
  [MI_INT32]: { name: 'miINT32', bytes: 4 },
  [MI_UINT32]: { name: 'miUINT32', bytes: 4 },
  [MI_SINGLE]: { name: 'miSINGLE', bytes: 4 },
  [MI_DOUBLE]: { name: 'miDOUBLE', bytes: 8 },
  [MI_INT64]: { name: 'miINT64', bytes: 8 },
  [MI_UINT64]: { name: 'miUINT64', bytes: 8 },
};

export type MatClassName = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type MatData =
  Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** mxCLASS codes (the low byte of the array flags) of the numeric classes. */
const NUMERIC_CLASSES: Record<number, MatClassName> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

const OTHER_CLASSES: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  16: 'function handle',
  17: 'opaque',
};

/** The storage type of each class, used when the stored data is in that same type. */
const CLASS_STORAGE: Record<MatClassName, number> = {
  double: MI_DOUBLE,
  single: MI_SINGLE,
  int8: MI_INT8,
  uint8: MI_UINT8,
  int16: MI_INT16,
  uint16: MI_UINT16,
  int32: MI_INT32,
  uint32: MI_UINT32,
  int64: MI_INT64,
  uint64: MI_UINT64,
};

export interface MatArray {
  name: string;
  /** MATLAB dimensions, e.g. [32, 32, 3, N]; the data is column-major over them. */
  dims: number[];
  className: MatClassName;
  /** True for MATLAB logical arrays (stored as uint8). */
  logical: boolean;
  data: MatData;
}

export interface MatFile {
  file: string;
  /** The descriptive text of the header, e.g. "MATLAB 5.0 MAT-file, Platform: ...". */
  description: string;
  littleEndian: boolean;
  variables: Map<string, MatArray>;
  /** Variables present in the file but not numeric arrays (cells, structs, chars, sparse, complex). */
  skipped: { name: string; what: string }[];
}

/** Reads a MAT-file from disk. */
export function readMatFile(path: string): MatFile {
  return parseMat(readDataFile(path), path);
}

/** Parses MAT-file bytes; `file` is only used in messages. */
export function parseMat(bytes: Uint8Array, file: string): MatFile {
  if (bytes.length < 128) {
    throw new DatasetError(file, `truncated: ${bytes.length} bytes, too short for the 128-byte MAT-file header`);
  }
  const description = Buffer.from(bytes.subarray(0, 116))
    .toString('latin1')
    .replace(/[\s\0]+$/, '');
  const indicator = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (indicator !== 'IM' && indicator !== 'MI') {
    const hdf5 = bytes.length >= 520 && Buffer.from(bytes.subarray(512, 520)).toString('latin1') === '\x89HDF\r\n\x1a\n';
    throw new DatasetError(
      file,
      hdf5 || description.startsWith('MATLAB 7.3')
        ? 'MAT-file version 7.3 (HDF5) is not supported, expected a level-5 MAT-file (save with -v7 or -v6)'
        : `no MAT-file endian indicator at bytes 126-127 (found ${JSON.stringify(indicator)}), expected a level-5 MAT-file ("IM" or "MI")`,
    );
  }
  const littleEndian = indicator === 'IM';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, littleEndian);
  if (version === 0x0200 || description.startsWith('MATLAB 7.3')) {
    throw new DatasetError(file, 'MAT-file version 7.3 (HDF5) is not supported, expected a level-5 MAT-file (save with -v7 or -v6)');
  }
  if (version !== 0x0100) {
    throw new DatasetError(file, `MAT-file version 0x${version.toString(16)}, expected 0x0100 (level 5)`);
  }
  const result: MatFile = { file, description, littleEndian, variables: new Map(), skipped: [] };
  readTopLevelElements(bytes, 128, file, littleEndian, result);
  return result;
}

/** Returns a numeric variable by name, or throws saying what the file holds instead. */
export function matVariable(mat: MatFile, name: string): MatArray {
  const found = mat.variables.get(name);
  if (found) return found;
  const skipped = mat.skipped.find((entry) => entry.name === name);
  if (skipped) {
    throw new DatasetError(mat.file, `variable "${name}" is a ${skipped.what}, expected a real numeric array`);
  }
  const present = [...mat.variables.keys(), ...mat.skipped.map((entry) => entry.name)];
  throw new DatasetError(mat.file, `no variable "${name}"; the file has ${present.length === 0 ? 'no variables' : present.map((n) => `"${n}"`).join(', ')}`);
}

interface Tag {
  type: number;
  byteCount: number;
  dataOffset: number;
  /** Offset of the next element, padding included. */
  next: number;
}

function readTag(bytes: Uint8Array, view: DataView, offset: number, le: boolean, file: string, where: string): Tag {
  if (offset + 8 > bytes.length) {
    throw new DatasetError(file, `truncated: ${where} at byte ${offset} needs an 8-byte tag but only ${bytes.length - offset} bytes remain`);
  }
  const first = view.getUint32(offset, le);
  const smallByteCount = first >>> 16;
  if (smallByteCount !== 0) {
    // Small data element: the byte count shares the first word with the type, data in the second.
    if (smallByteCount > 4) {
      throw new DatasetError(file, `${where} at byte ${offset}: small data element of ${smallByteCount} bytes, expected at most 4`);
    }
    return { type: first & 0xffff, byteCount: smallByteCount, dataOffset: offset + 4, next: offset + 8 };
  }
  const byteCount = view.getUint32(offset + 4, le);
  const dataOffset = offset + 8;
  if (dataOffset + byteCount > bytes.length) {
    throw new DatasetError(file, `truncated: ${where} at byte ${offset} says ${byteCount} bytes of data but only ${bytes.length - dataOffset} remain`);
  }
  // Compressed elements are not padded; every other element is padded to 8 bytes.
  const padded = first === MI_COMPRESSED ? byteCount : Math.ceil(byteCount / 8) * 8;
  return { type: first, byteCount, dataOffset, next: Math.min(dataOffset + padded, bytes.length) };
}

function readTopLevelElements(bytes: Uint8Array, start: number, file: string, le: boolean, result: MatFile): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = start;
  // Fewer than 8 bytes left can only be padding.
  while (offset + 8 <= bytes.length) {
    const tag = readTag(bytes, view, offset, le, file, 'data element');
    const data = bytes.subarray(tag.dataOffset, tag.dataOffset + tag.byteCount);
    if (tag.type === MI_COMPRESSED) {
      let inflated: Buffer;
      try {
        inflated = inflateSync(data);
      } catch (error) {
        throw new DatasetError(file, `compressed data element at byte ${offset} is corrupt (${(error as Error).message})`);
      }
      readTopLevelElements(new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength), 0, file, le, result);
    } else if (tag.type === MI_MATRIX) {
      readMatrix(data, file, le, result);
    }
    // Other top-level element types carry no variables; skip them.
    offset = tag.next;
  }
}

function readMatrix(bytes: Uint8Array, file: string, le: boolean, result: MatFile): void {
  if (bytes.length === 0) return; // an empty miMATRIX is an empty placeholder
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flagsTag = readTag(bytes, view, 0, le, file, 'array flags');
  if (flagsTag.type !== MI_UINT32 || flagsTag.byteCount !== 8) {
    throw new DatasetError(file, `array flags of type ${flagsTag.type} with ${flagsTag.byteCount} bytes, expected miUINT32 (6) with 8 bytes`);
  }
  const flagsWord = view.getUint32(flagsTag.dataOffset, le);
  const classCode = flagsWord & 0xff;
  const flagBits = (flagsWord >>> 8) & 0xff;
  const complex = (flagBits & 0x08) !== 0;
  const logical = (flagBits & 0x02) !== 0;

  const dimsTag = readTag(bytes, view, flagsTag.next, le, file, 'dimensions');
  if (dimsTag.type !== MI_INT32 || dimsTag.byteCount % 4 !== 0) {
    throw new DatasetError(file, `dimensions of type ${dimsTag.type} with ${dimsTag.byteCount} bytes, expected miINT32 (5)`);
  }
  const dims: number[] = [];
  for (let i = 0; i < dimsTag.byteCount / 4; i++) dims.push(view.getInt32(dimsTag.dataOffset + 4 * i, le));

  const nameTag = readTag(bytes, view, dimsTag.next, le, file, 'array name');
  const name = Buffer.from(bytes.subarray(nameTag.dataOffset, nameTag.dataOffset + nameTag.byteCount)).toString('latin1');

  const className = NUMERIC_CLASSES[classCode];
  if (className === undefined) {
    result.skipped.push({ name, what: `${OTHER_CLASSES[classCode] ?? `class ${classCode}`} array` });
    return;
  }
  if (complex) {
    result.skipped.push({ name, what: `complex ${className} array` });
    return;
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const realTag = readTag(bytes, view, nameTag.next, le, file, `real part of "${name}"`);
  const storage = NUMERIC_STORAGE[realTag.type];
  if (storage === undefined) {
    throw new DatasetError(file, `variable "${name}": real part stored as type ${realTag.type}, expected a numeric miTYPE`);
  }
  if (realTag.byteCount !== count * storage.bytes) {
    throw new DatasetError(
      file,
      `variable "${name}": ${realTag.byteCount} bytes of ${storage.name} data for dims ${dims.join('x')}, expected ${count * storage.bytes}`,
    );
  }
  const data = decodeNumbers(bytes, view, realTag.dataOffset, realTag.type, count, className, le);
  result.variables.set(name, { name, dims, className, logical, data });
}

function allocate(className: MatClassName, count: number): MatData {
  switch (className) {
    case 'double':
      return new Float64Array(count);
    case 'single':
      return new Float32Array(count);
    case 'int8':
      return new Int8Array(count);
    case 'uint8':
      return new Uint8Array(count);
    case 'int16':
      return new Int16Array(count);
    case 'uint16':
      return new Uint16Array(count);
    case 'int32':
      return new Int32Array(count);
    case 'uint32':
      return new Uint32Array(count);
    case 'int64':
      return new BigInt64Array(count);
    case 'uint64':
      return new BigUint64Array(count);
  }
}

/**
 * Decodes `count` stored values into an array of the variable's class. MATLAB often stores data
 * in a smaller type than its class (a double array of small integers as miUINT8), so storage and
 * class are converted here.
 */
function decodeNumbers(bytes: Uint8Array, view: DataView, offset: number, storageType: number, count: number, className: MatClassName, le: boolean): MatData {
  const out = allocate(className, count);
  const storageBytes = NUMERIC_STORAGE[storageType]!.bytes;
  const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (CLASS_STORAGE[className] === storageType && (storageBytes === 1 || le === hostLittleEndian)) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * storageBytes));
    return out;
  }
  const read = storedValueReader(view, storageType, le);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) {
      const value = read(offset + i * storageBytes);
      out[i] = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
    }
  } else {
    for (let i = 0; i < count; i++) {
      const value = read(offset + i * storageBytes);
      out[i] = typeof value === 'bigint' ? Number(value) : value;
    }
  }
  return out;
}

function storedValueReader(view: DataView, storageType: number, le: boolean): (at: number) => number | bigint {
  switch (storageType) {
    case MI_INT8:
      return (at) => view.getInt8(at);
    case MI_UINT8:
      return (at) => view.getUint8(at);
    case MI_INT16:
      return (at) => view.getInt16(at, le);
    case MI_UINT16:
      return (at) => view.getUint16(at, le);
    case MI_INT32:
      return (at) => view.getInt32(at, le);
    case MI_UINT32:
      return (at) => view.getUint32(at, le);
    case MI_SINGLE:
      return (at) => view.getFloat32(at, le);
    case MI_DOUBLE:
      return (at) => view.getFloat64(at, le);
    case MI_INT64:
      return (at) => view.getBigInt64(at, le);
    case MI_UINT64:
      return (at) => view.getBigUint64(at, le);
    default:
      throw new Error(`unreachable storage type ${storageType}`);
  }
}
