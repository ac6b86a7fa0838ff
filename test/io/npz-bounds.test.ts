import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';

import { readArchive } from '../../src/analyze/analysis-arrays.js';
import { DatasetError } from '../../src/data/dataset-error.js';
import { encodeNpy } from '../../src/io/npy.js';
import { parseNpz, readNpz } from '../../src/io/npz.js';
import { tempDir } from '../helpers/temp-dir.js';

const small = encodeNpy({ data: new Float64Array([1, 2, 3, 4]), shape: [4] });

/** A .npy header for 4 float64 values followed by `extra` zero bytes: a few KB once deflated. */
function padded(extra: number): Uint8Array {
  const out = new Uint8Array(small.length + extra);
  out.set(small);
  return out;
}

/** Sets the uncompressed size that the central directory declares for every member. */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let at = 0; at + 46 <= out.length; at++) if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, size, true);
  return out;
}

test('a member that declares more bytes than its .npy header implies is refused before it is inflated', () => {
  const bomb = zipSync({ 'x.npy': padded(16 << 20) }, { level: 9 });
  assert.ok(bomb.length < 200_000, `the archive is small (${bomb.length} bytes)`);
  assert.throws(
    () => parseNpz(bomb, 'bomb.npz'),
    (error: unknown) =>
      error instanceof DatasetError &&
      /^bomb\.npz, member x\.npy: its zip entry declares 16777376 bytes, but its \.npy header implies 160$/.test(error.message),
  );
});

test('a member that inflates past the size it declares is refused; a declared 4 GiB is never allocated', () => {
  const lying = declareSize(zipSync({ 'x.npy': padded(1 << 20) }, { level: 9 }), small.length);
  assert.throws(
    () => parseNpz(lying, 'lying.npz'),
    (error: unknown) => error instanceof DatasetError && /member x\.npy: inflates past its declared size of 160 bytes/.test(error.message),
  );
  const huge = declareSize(zipSync({ 'x.npy': small }, { level: 9 }), 0xfffffff0);
  assert.throws(
    () => parseNpz(huge, 'huge.npz'),
    (error: unknown) => error instanceof DatasetError && /declares 4294967280 bytes, but its \.npy header implies 160/.test(error.message),
  );
});

test('the analysis reads only the members it needs: a bomb beside them is never inflated', () => {
  const dir = tempDir('ncollapse-npz-bounds-');
  const file = join(dir, 'features.npz');
  writeFileSync(
    file,
    zipSync(
      {
        'H.npy': encodeNpy({ data: new Float64Array([1, 0, 0, 1]), shape: [2, 2] }),
        'y.npy': encodeNpy({ data: new BigInt64Array([0n, 1n]), shape: [2] }),
        'unrelated.npy': padded(16 << 20),
      },
      { level: 9 },
    ),
  );
  const arrays = readArchive(file, { features: 'H', labels: 'y', weight: 'W', bias: 'b' });
  assert.deepEqual(arrays.features.shape, [2, 2]);
  assert.equal(arrays.weight, undefined);
  assert.throws(() => readArchive(file, { features: 'H', labels: 'labels', weight: 'W', bias: 'b' }), /no array 'labels'; the file has 'H', 'y', 'unrelated'/);
  assert.throws(() => readNpz(file), /member unrelated\.npy: its zip entry declares/);
});
