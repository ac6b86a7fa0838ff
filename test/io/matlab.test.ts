import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../src/data/dataset-error.js';
import { matVariable, parseMat, readMatFile, type MatFile } from '../../src/io/matlab.js';
import { matHeader, mi, mx, writeMat, type MatVariableSpec } from './mat-writer.js';
import { tempDir } from '../helpers/temp-dir.js';

const VARIABLES: MatVariableSpec[] = [
  // 2x3 double, column-major: [[1.5, 3, 5], [-2, 4.25, 6e10]]
  { name: 'features', classCode: mx.DOUBLE, dims: [2, 3], storage: mi.DOUBLE, values: [1.5, -2, 3, 4.25, 5, 6e10] },
  // A double array of small integers stored as miUINT8, as MATLAB saves SVHN's y; name in a small element.
  { name: 'y', classCode: mx.DOUBLE, dims: [4, 1], storage: mi.UINT8, values: [10, 1, 2, 10] },
  { name: 'img', classCode: mx.UINT8, dims: [2, 2, 3, 2], storage: mi.UINT8, values: Array.from({ length: 24 }, (_, i) => i * 10) },
  { name: 'neg', classCode: mx.INT16, dims: [1, 3], storage: mi.INT16, values: [-5, 300, -32768] },
  { name: 'flag', classCode: mx.UINT8, dims: [1, 3], storage: mi.UINT8, values: [1, 0, 1], logical: true },
  { name: 'w', classCode: mx.SINGLE, dims: [2, 1], storage: mi.SINGLE, values: [0.5, -1.25] },
  // 4 bytes of data: the real part itself is a small data element.
  { name: 'tiny', classCode: mx.INT32, dims: [1, 1], storage: mi.INT32, values: [-7] },
  { name: 'big', classCode: mx.INT64, dims: [2, 1], storage: mi.INT64, values: [-(2 ** 40), 5] },
  { name: 'counts', classCode: mx.UINT32, dims: [1, 2], storage: mi.UINT16, values: [65535, 3] },
  { name: 'label', classCode: mx.CHAR, dims: [1, 3], storage: mi.UTF16, values: [97, 98, 99] },
];

function checkVariables(mat: MatFile) {
  const features = matVariable(mat, 'features');
  assert.equal(features.className, 'double');
  assert.deepEqual(features.dims, [2, 3]);
  assert.ok(features.data instanceof Float64Array);
  assert.deepEqual([...features.data], [1.5, -2, 3, 4.25, 5, 6e10]);

  const y = matVariable(mat, 'y');
  assert.equal(y.className, 'double');
  assert.ok(y.data instanceof Float64Array, 'stored as miUINT8 but returned in its class');
  assert.deepEqual([...y.data], [10, 1, 2, 10]);

  const img = matVariable(mat, 'img');
  assert.equal(img.className, 'uint8');
  assert.deepEqual(img.dims, [2, 2, 3, 2]);
  assert.ok(img.data instanceof Uint8Array);
  assert.equal(img.data[23], 230);
  assert.equal(img.data[5], 50);

  const neg = matVariable(mat, 'neg');
  assert.ok(neg.data instanceof Int16Array);
  assert.deepEqual([...neg.data], [-5, 300, -32768]);

  const flag = matVariable(mat, 'flag');
  assert.equal(flag.logical, true);
  assert.equal(features.logical, false);
  assert.deepEqual([...flag.data], [1, 0, 1]);

  const w = matVariable(mat, 'w');
  assert.ok(w.data instanceof Float32Array);
  assert.deepEqual([...w.data], [0.5, -1.25]);

  const tiny = matVariable(mat, 'tiny');
  assert.deepEqual(tiny.dims, [1, 1]);
  assert.ok(tiny.data instanceof Int32Array);
  assert.deepEqual([...tiny.data], [-7]);

  const big = matVariable(mat, 'big');
  assert.ok(big.data instanceof BigInt64Array);
  assert.deepEqual([...big.data], [-(2n ** 40n), 5n]);

  const counts = matVariable(mat, 'counts');
  assert.ok(counts.data instanceof Uint32Array);
  assert.deepEqual([...counts.data], [65535, 3]);

  assert.deepEqual(mat.skipped, [{ name: 'label', what: 'char array' }]);
  assert.deepEqual([...mat.variables.keys()], ['features', 'y', 'img', 'neg', 'flag', 'w', 'tiny', 'big', 'counts']);
}

test('reads an uncompressed level-5 MAT-file', () => {
  const path = join(tempDir(), 'plain.mat');
  const bytes = writeMat(VARIABLES);
  // Sanity of the writer itself against the spec: 'IM' at 126..127 for a little-endian file.
  assert.equal(String.fromCharCode(bytes[126]!, bytes[127]!), 'IM');
  writeFileSync(path, bytes);
  const mat = readMatFile(path);
  assert.equal(mat.littleEndian, true);
  assert.match(mat.description, /^MATLAB 5\.0 MAT-file/);
  checkVariables(mat);
});

test('reads a MAT-file whose variables are miCOMPRESSED (as MATLAB -v7 saves)', () => {
  const path = join(tempDir(), 'compressed.mat');
  const bytes = writeMat(VARIABLES, { compress: true });
  assert.equal(new DataView(bytes.buffer).getUint32(128, true), 15, 'first element is miCOMPRESSED');
  writeFileSync(path, bytes);
  checkVariables(readMatFile(path));
});

test('reads a big-endian MAT-file', () => {
  const bytes = writeMat(VARIABLES, { bigEndian: true });
  assert.equal(String.fromCharCode(bytes[126]!, bytes[127]!), 'MI');
  const mat = parseMat(bytes, 'big-endian.mat');
  assert.equal(mat.littleEndian, false);
  checkVariables(mat);
  const compressed = parseMat(writeMat(VARIABLES, { bigEndian: true, compress: true }), 'big-endian-compressed.mat');
  checkVariables(compressed);
});

test('asking for a missing or non-numeric variable says what the file holds', () => {
  const mat = parseMat(writeMat(VARIABLES.slice(0, 2).concat(VARIABLES.slice(-1))), 'vars.mat');
  assert.throws(
    () => matVariable(mat, 'X'),
    (error: unknown) => error instanceof DatasetError && error.message === 'vars.mat: no variable "X"; the file has "features", "y", "label"',
  );
  assert.throws(() => matVariable(mat, 'label'), /vars\.mat: variable "label" is a char array, expected a real numeric array/);
});

test('a truncated MAT-file is reported with the element that runs past the end', () => {
  const bytes = writeMat(VARIABLES.slice(0, 1));
  const path = join(tempDir(), 'cut.mat');
  writeFileSync(path, bytes.subarray(0, bytes.length - 16));
  assert.throws(
    () => readMatFile(path),
    (error: unknown) => error instanceof DatasetError && error.message.startsWith(`${path}: truncated: data element at byte 128 says`),
  );
  assert.throws(() => parseMat(bytes.subarray(0, 100), 'tiny.mat'), /tiny\.mat: truncated: 100 bytes, too short for the 128-byte MAT-file header/);
});

test('a corrupt compressed element and a v7.3 (HDF5) file are reported', () => {
  const bytes = writeMat(VARIABLES.slice(0, 1), { compress: true });
  bytes[140] = bytes[140]! ^ 0xff;
  bytes[141] = bytes[141]! ^ 0xff;
  assert.throws(() => parseMat(bytes, 'bad.mat'), /bad\.mat: compressed data element at byte 128 is corrupt/);

  const v73 = matHeader(true, 'MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00');
  new DataView(v73.buffer).setUint16(124, 0x0200, true);
  assert.throws(() => parseMat(v73, 'new.mat'), /new\.mat: MAT-file version 7\.3 \(HDF5\) is not supported/);
  assert.throws(() => parseMat(new Uint8Array(200), 'zeros.mat'), /zeros\.mat: no MAT-file endian indicator/);
});
