import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { DatasetError } from '../../src/data/dataset-error.js';
import { encodeNpy } from '../../src/io/npy.js';
import { parseNpz, readNpz, readNpzArray } from '../../src/io/npz.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url));

const FEATURES = Array.from({ length: 15 }, (_, i) => i);

test('reads np.savez (stored members, zip64 extra fields)', () => {
  const arrays = readNpz(join(FIXTURES, 'savez.npz'));
  assert.deepEqual([...arrays.keys()].sort(), ['features', 'labels']);
  const features = arrays.get('features')!;
  assert.equal(features.dtype, 'float32');
  assert.deepEqual(features.shape, [5, 3]);
  assert.deepEqual([...features.data], FEATURES);
  const labels = arrays.get('labels')!;
  assert.equal(labels.dtype, 'int64');
  assert.deepEqual([...labels.data], [0n, 1n, 2n, 3n, 4n]);
});

test('reads np.savez_compressed (deflated members, one of them Fortran-ordered)', () => {
  const arrays = readNpz(join(FIXTURES, 'savez_compressed.npz'));
  assert.deepEqual([...arrays.get('features')!.data], FEATURES);
  const means = arrays.get('means')!;
  assert.deepEqual(means.shape, [3, 5]);
  // means = features.T: element (i, j) = 3j + i
  for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) assert.equal(means.data[i * 5 + j], 3 * j + i);
});

test('reads only the arrays asked for, and names a missing one', () => {
  const path = join(FIXTURES, 'savez_compressed.npz');
  const only = readNpz(path, { only: ['labels'] });
  assert.deepEqual([...only.keys()], ['labels']);
  assert.deepEqual(readNpzArray(path, 'features').shape, [5, 3]);
  assert.throws(
    () => readNpzArray(path, 'logits'),
    (error: unknown) =>
      error instanceof DatasetError && error.message === `${path}: no array "logits" (member logits.npy); the archive has "features", "labels", "means"`,
  );
});

test('archives written by another zip writer, stored and deflated', () => {
  const a = encodeNpy({ data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] });
  const b = encodeNpy({ data: new Int32Array([5, 6]), shape: [2] });
  for (const level of [0, 6] as const) {
    const zip = zipSync({ 'a.npy': a, 'b.npy': b }, { level });
    const arrays = parseNpz(zip, `level${level}.npz`);
    assert.deepEqual([...arrays.get('a')!.data], [1, 2, 3, 4]);
    assert.deepEqual([...arrays.get('b')!.data], [5, 6]);
  }
});

test('an unsupported member names the archive and the member', () => {
  const big = encodeNpy({ data: new Float32Array([1, 2]), shape: [2] });
  // Turn '<f4' into '>f4' in the header.
  const at = Buffer.from(big).indexOf("'<f4'");
  big[at + 1] = '>'.charCodeAt(0);
  const path = join(tempDir(), 'features.npz');
  writeFileSync(path, zipSync({ 'ok.npy': encodeNpy({ data: new Float32Array(1), shape: [1] }), 'x.npy': big }));
  assert.throws(
    () => readNpz(path),
    (error: unknown) => error instanceof DatasetError && error.message === `${path}, member x.npy: dtype '>f4' is big-endian, expected little-endian ('<f4')`,
  );
});

test('a file that is not a zip archive, or a damaged one, is reported', () => {
  const dir = tempDir();
  const notZip = join(dir, 'a.npz');
  writeFileSync(notZip, encodeNpy({ data: new Float32Array(2), shape: [2] }));
  assert.throws(
    () => readNpz(notZip),
    (error: unknown) => error instanceof DatasetError && error.message.startsWith(`${notZip}: no zip signature "PK"`),
  );
  const cut = join(dir, 'cut.npz');
  const zip = zipSync({ 'a.npy': encodeNpy({ data: new Float32Array(100), shape: [100] }) });
  writeFileSync(cut, zip.subarray(0, zip.length - 30));
  assert.throws(
    () => readNpz(cut),
    (error: unknown) => error instanceof DatasetError && error.message.startsWith(`${cut}: not a readable zip archive`),
  );
});
