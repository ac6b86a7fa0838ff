import { DatasetError } from '../errors.js';
import { readMaybeGzipped } from './files.js';

/**
 * IDX, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST: a big-endian 32-bit magic number
 * (two zero bytes, a type byte, the number of dimensions), one big-endian 32-bit size per
 * dimension, then the values in row-major order. Only the unsigned-byte type (0x08) is used by
 * these datasets, so only it is read.
 */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
const UNSIGNED_BYTE = 0x08;

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses IDX bytes with an expected number of dimensions. `file` is only used in messages.
 * The data is a view into `bytes`, not a copy.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims: number, what: string): IdxArray {
  const expectedMagic = (UNSIGNED_BYTE << 8) | expectedDims;
  const expectedText = `${expectedMagic} (IDX unsigned-byte ${what})`;
  if (bytes.length < 4) {
    throw new DatasetError(file, `truncated: ${bytes.length} bytes, too short for an IDX header; expected magic number ${expectedText}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    const type = bytes[2]!;
    const dims = bytes[3]!;
    const meaning =
      bytes[0] === 0 && bytes[1] === 0 && TYPE_NAMES[type] !== undefined
        ? ` (IDX ${TYPE_NAMES[type]} with ${dims} dimension${dims === 1 ? '' : 's'})`
        : ' (not an IDX file)';
    throw new DatasetError(file, `magic number ${magic}${meaning}, expected ${expectedText}`);
  }
  const headerBytes = 4 + 4 * expectedDims;
  if (bytes.length < headerBytes) {
    throw new DatasetError(file, `truncated: ${bytes.length} bytes, but the IDX header of ${what} needs ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < expectedDims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const valueCount = dims.reduce((a, b) => a * b, 1);
  const needed = headerBytes + valueCount;
  if (bytes.length < needed) {
    throw new DatasetError(file, `truncated: header says ${describeDims(dims, what)} (${needed} bytes) but the file has ${bytes.length} bytes`);
  }
  if (bytes.length > needed) {
    throw new DatasetError(
      file,
      `${bytes.length - needed} bytes after the data: header says ${describeDims(dims, what)} (${needed} bytes) but the file has ${bytes.length} bytes`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes, needed) };
}

function describeDims(dims: number[], what: string): string {
  if (dims.length === 3) return `${dims[0]} ${what} of ${dims[1]}x${dims[2]}`;
  if (dims.length === 1) return `${dims[0]} ${what}`;
  return `${what} of ${dims.join('x')}`;
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count x rows x cols bytes, row-major. */
  pixels: Uint8Array;
}

/** Reads an IDX image file (`*-images-idx3-ubyte`, gzipped or not). */
export function readIdxImages(path: string): IdxImages {
  const { dims, data } = parseIdx(readMaybeGzipped(path), path, 3, 'images');
  return { count: dims[0]!, rows: dims[1]!, cols: dims[2]!, pixels: data };
}

/** Reads an IDX label file (`*-labels-idx1-ubyte`, gzipped or not). */
export function readIdxLabels(path: string): Uint8Array {
  return parseIdx(readMaybeGzipped(path), path, 1, 'labels').data;
}
