import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError } from '../../src/data/dataset-error.js';
import { encodeNpy, parseNpy, readNpy, writeNpy, type NpyArray } from '../../src/io/npy.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const fixture = (name: string) => readNpy(join(FIXTURES, name));

test('golden files from NumPy: C-order float32', () => {
  const array = fixture('c_float32.npy');
  assert.equal(array.dtype, 'float32');
  assert.deepEqual(array.shape, [3, 4]);
  assert.ok(array.data instanceof Float32Array);
  assert.deepEqual(
    [...array.data],
    Array.from({ length: 12 }, (_, i) => i / 4),
  );
});

test('golden files from NumPy: Fortran-order arrays come back in C order', () => {
  const grid = fixture('fortran_float64.npy');
  assert.equal(grid.dtype, 'float64');
  assert.deepEqual(grid.shape, [2, 3, 4]);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) assert.equal(grid.data[(i * 3 + j) * 4 + k], 100 * i + 10 * j + k, `(${i}, ${j}, ${k})`);

  const matrix = fixture('fortran_int32.npy');
  assert.equal(matrix.dtype, 'int32');
  assert.deepEqual(matrix.shape, [3, 2]);
  assert.deepEqual([...matrix.data], [0, 1, 10, 11, 20, 21]);
});

test('golden files from NumPy: every supported dtype', () => {
  const cases: [string, NpyArray['dtype'], number[], unknown[]][] = [
    ['int64.npy', 'int64', [4], [-3n, 0n, 2n ** 40n, -(2n ** 62n)]],
    ['int32.npy', 'int32', [3], [-2147483648, 7, 2147483647]],
    ['int16.npy', 'int16', [3], [-32768, 1, 32767]],
    ['int8.npy', 'int8', [3], [-128, 5, 127]],
    ['uint8.npy', 'uint8', [2, 2], [0, 255, 128, 1]],
    ['uint16.npy', 'uint16', [2], [65535, 2]],
    ['uint32.npy', 'uint32', [2], [4294967295, 3]],
    ['uint64.npy', 'uint64', [2], [2n ** 64n - 1n, 4n]],
    ['bool.npy', 'bool', [3], [1, 0, 1]],
    ['scalar_float64.npy', 'float64', [], [2.5]],
    ['empty_float32.npy', 'float32', [0, 3], []],
    ['v2_float32.npy', 'float32', [2], [1, 2]],
    ['v3_int16.npy', 'int16', [2, 2], [1, 2, 3, 4]],
  ];
  for (const [file, dtype, shape, values] of cases) {
    const array = fixture(file);
    assert.equal(array.dtype, dtype, file);
    assert.deepEqual(array.shape, shape, file);
    assert.deepEqual([...array.data], values, file);
  }
  assert.ok(fixture('int64.npy').data instanceof BigInt64Array);
  assert.ok(fixture('uint64.npy').data instanceof BigUint64Array);
});

test('unsupported NumPy files are refused with the file and the reason', () => {
  const cases: [string, RegExp][] = [
    ['big_endian_float32.npy', /big_endian_float32\.npy: dtype '>f4' is big-endian, expected little-endian \('<f4'\)/],
    ['object.npy', /object\.npy: dtype '\|O' is an object array/],
    ['structured.npy', /structured\.npy: structured dtype \[\('a', '<i4'\), \('b', '<f4'\)\] is not supported/],
  ];
  for (const [file, message] of cases) {
    assert.throws(
      () => fixture(file),
      (error: unknown) => error instanceof DatasetError && error.message.startsWith(join(FIXTURES, file)) && message.test(error.message),
      file,
    );
  }
});

test('bad magic, unknown version and truncated data are reported', () => {
  const good = encodeNpy({ data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] });
  assert.throws(() => parseNpy(new TextEncoder().encode('not a numpy file at all'), 'x.npy'), /x\.npy: no \.npy magic/);
  const future = good.slice();
  future[6] = 9;
  assert.throws(() => parseNpy(future, 'future.npy'), /future\.npy: \.npy format version 9\.0, expected 1\.0, 2\.0 or 3\.0/);
  assert.throws(
    () => parseNpy(good.subarray(0, good.length - 8), 'cut.npy'),
    (error: unknown) =>
      error instanceof DatasetError && error.message === 'cut.npy: truncated: header says float64 of shape (2, 2) (32 bytes of data) but the file has 24',
  );
  const path = join(tempDir(), 'missing.npy');
  assert.throws(
    () => readNpy(path),
    (error: unknown) => error instanceof DatasetError && error.message === `${path}: file not found`,
  );
});

test('a hand-written Fortran-order header is transposed', () => {
  // 2x3 int16 in column-major order: columns (1, 4), (2, 5), (3, 6) -> rows (1 2 3), (4 5 6).
  const header = "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }";
  const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
  const bytes = new Uint8Array(128 + 12);
  bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, padded.length, 0]);
  bytes.set(new TextEncoder().encode(padded), 10);
  const values = new Int16Array([1, 4, 2, 5, 3, 6]);
  bytes.set(new Uint8Array(values.buffer), 128);
  const array = parseNpy(bytes, 'f.npy');
  assert.deepEqual(array.shape, [2, 3]);
  assert.deepEqual([...array.data], [1, 2, 3, 4, 5, 6]);
});

test('encodeNpy writes a version 1.0 header aligned to 64 bytes and reads back', () => {
  const cases: NpyArray[] = [
    { dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) },
    { dtype: 'float64', shape: [1], data: new Float64Array([Math.PI]) },
    { dtype: 'int64', shape: [2], data: new BigInt64Array([-1n, 2n ** 50n]) },
    { dtype: 'int32', shape: [2, 1, 1], data: new Int32Array([-9, 9]) },
    { dtype: 'uint8', shape: [3], data: new Uint8Array([0, 128, 255]) },
    { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
    { dtype: 'float64', shape: [], data: new Float64Array([7]) },
  ];
  for (const array of cases) {
    const bytes = encodeNpy(array);
    assert.equal(bytes[6], 1);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    assert.equal((10 + headerLength) % 64, 0);
    assert.equal(bytes[10 + headerLength - 1], 0x0a, 'header ends with a newline');
    const back = parseNpy(bytes, 'round-trip.npy');
    assert.equal(back.dtype, array.dtype);
    assert.deepEqual(back.shape, array.shape);
    assert.deepEqual([...back.data], [...array.data]);
  }
  assert.match(new TextDecoder().decode(encodeNpy({ data: new Float32Array(3), shape: [3] }).subarray(10, 128)), /'shape': \(3,\)/);
});

const numpyWorks = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

test('NumPy itself reads what writeNpy writes', () => {
  assert.ok(numpyWorks, '/usr/bin/python3 cannot import numpy: scripts/setup.sh --test installs python3-numpy');
  const dir = tempDir();
  writeNpy(join(dir, 'a.npy'), { data: new Float32Array([1.5, -2, 3, 4, 5, 6]), shape: [2, 3] });
  writeNpy(join(dir, 'b.npy'), { data: new BigInt64Array([-5n, 7n]), shape: [2] });
  writeNpy(join(dir, 'c.npy'), { data: new Uint8Array([1, 0, 1]), shape: [3], dtype: 'bool' });
  const script = [
    'import numpy as np, sys',
    'a = np.load(sys.argv[1] + "/a.npy"); b = np.load(sys.argv[1] + "/b.npy"); c = np.load(sys.argv[1] + "/c.npy")',
    'print(a.dtype, a.shape, a[1, 0], a[0, 1], b.dtype, b.tolist(), c.dtype, c.tolist())',
  ].join('\n');
  const result = spawnSync('/usr/bin/python3', ['-c', script, dir], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'float32 (2, 3) 4.0 -2.0 int64 [-5, 7] bool [True, False, True]');
});

test('writeNpy output round-trips through a file', () => {
  const path = join(tempDir(), 'w.npy');
  writeNpy(path, { data: new Float64Array([0.25, 0.5]), shape: [1, 2] });
  const back = readNpy(path);
  assert.deepEqual(back, { dtype: 'float64', shape: [1, 2], data: new Float64Array([0.25, 0.5]) });
  writeFileSync(path, Buffer.alloc(0));
  assert.throws(() => readNpy(path), /w\.npy: no \.npy magic/);
});
