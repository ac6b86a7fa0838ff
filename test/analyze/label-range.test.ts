import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';

import { AnalysisInputError, readArchive, type SourceArray } from '../../src/analyze/analysis-arrays.js';
import { validateAnalysisArrays } from '../../src/analyze/validate-arrays.js';
import { encodeNpy } from '../../src/io/npy.js';
import { tempDir } from '../helpers/temp-dir.js';

const features: SourceArray = { file: 'f.npz', name: 'H', dtype: 'float64', shape: [4, 2], data: new Float64Array([1, 0, 0, 1, 1, 1, 0, 0]) };
const labelsOf = (dtype: string, data: ArrayLike<number | bigint>): SourceArray => ({ file: 'f.npz', name: 'y', dtype, shape: [4], data });
const tooBig = (sample: number, value: string) => (error: unknown) =>
  error instanceof AnalysisInputError &&
  error.message.includes(`f.npz, array 'y': label ${value} of sample ${sample} is not a class index (it does not fit in 32 bits)`);

test('labels at or above 2^31 are errors naming the sample, not wrapped into other classes', () => {
  // Each of these wrapped to class 0 or 1 (or a negative) in 32 bits before.
  assert.throws(() => validateAnalysisArrays({ features, labels: labelsOf('int64', new BigInt64Array([0n, 1n, 2n ** 32n, 1n])) }), tooBig(2, '4294967296'));
  assert.throws(
    () => validateAnalysisArrays({ features, labels: labelsOf('uint64', new BigUint64Array([0n, 1n, 0n, 2n ** 32n + 1n])) }),
    tooBig(3, '4294967297'),
  );
  assert.throws(() => validateAnalysisArrays({ features, labels: labelsOf('uint32', new Uint32Array([2 ** 31, 1, 0, 1])) }), tooBig(0, '2147483648'));
  assert.throws(
    () => validateAnalysisArrays({ features, labels: labelsOf('int64', new BigInt64Array([0n, -(2n ** 40n), 1n, 0n])) }),
    tooBig(1, '-1099511627776'),
  );
  const fine = validateAnalysisArrays({ features, labels: labelsOf('int64', new BigInt64Array([0n, 1n, 1n, 0n])) });
  assert.deepEqual([...fine.labels], [0, 1, 1, 0]);
});

test('an .npz with int64 labels of 2^32 is refused when read for analysis', () => {
  const dir = tempDir('ncollapse-labels-');
  const file = join(dir, 'wide.npz');
  writeFileSync(
    file,
    zipSync({
      'H.npy': encodeNpy({ data: new Float64Array([1, 0, 0, 1, 1, 1, 0, 0]), shape: [4, 2] }),
      'y.npy': encodeNpy({ data: new BigInt64Array([0n, 1n, 2n ** 32n, 2n ** 32n + 1n]), shape: [4] }),
    }),
  );
  const arrays = readArchive(file, { features: 'H', labels: 'y', weight: 'W', bias: 'b' });
  assert.throws(
    () => validateAnalysisArrays(arrays),
    (error: unknown) => error instanceof AnalysisInputError && /label 4294967296 of sample 2/.test(error.message),
  );
});
