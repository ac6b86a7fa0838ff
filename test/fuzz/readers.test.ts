import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, test, type TestContext } from 'node:test';
import { zipSync } from 'fflate';

import { CIFAR10_LAYOUT, parseCifarRecords } from '../../src/data/cifar.js';
import type { ImageSplit } from '../../src/data/dataset.js';
import { parseIdx } from '../../src/io/idx.js';
import { matVariable, parseMat } from '../../src/io/matlab.js';
import { encodeNpy, type NpyArray, parseNpy } from '../../src/io/npy.js';
import { parseNpz } from '../../src/io/npz.js';
import { parseStl10Images, parseStl10Labels } from '../../src/data/stl10.js';
import { svhnSplitFromMat } from '../../src/data/svhn.js';
import { loadSafetensors, saveSafetensors } from '../../src/io/safetensors.js';
import { tensorChecksums, verifyTensorChecksums, CHECKSUMS_KEY } from '../../src/train/tensor-checksums.js';
import * as torch from '../../src/torch/index.js';
import { mi, mx, writeMat } from '../io/mat-writer.js';
import { concatBytes, tempDir, uint32BE } from '../helpers/temp-dir.js';
import { describeTally, fuzzReader } from './reader-property.js';

// Every file reader against thousands of damaged copies of valid files (see reader-property.ts).
// NCOLLAPSE_FUZZ_RUNS=100000 for a long run; the seed is fixed so that CI runs the same inputs.

const pattern = (length: number, step = 37) => Uint8Array.from({ length }, (_, i) => (i * step + 11) % 256);
const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function npyWellFormed(array: NpyArray): void {
  assert.equal(array.data.length, product(array.shape), 'the data has as many values as the shape says');
}

function splitWellFormed(split: ImageSplit, numClasses: number): void {
  assert.equal(split.labels.length, split.count);
  assert.equal(split.images.length, split.count * product(split.shape));
  for (const label of split.labels) assert.ok(label >= 0 && label < numClasses, `label ${label}`);
  for (const value of split.images) assert.ok(value >= 0 && value <= 1, `pixel ${value}`);
}

let report = (line: string): void => void line;
beforeEach((t) => {
  report = (line) => (t as TestContext).diagnostic(`fuzz ${line}`);
});

test('npy: mutated files load well-formed or throw our error', () => {
  const valid = [
    encodeNpy({ data: Float32Array.from({ length: 12 }, (_, i) => i / 3), shape: [3, 4] }),
    encodeNpy({ data: BigInt64Array.from({ length: 5 }, (_, i) => BigInt(i) * 2n ** 40n), shape: [5] }),
    encodeNpy({ data: new Uint8Array([1, 0, 1]), shape: [3, 1], dtype: 'bool' }),
  ];
  report(describeTally('npy', fuzzReader({ valid, headerBytes: 128, read: (bytes) => parseNpy(bytes, 'x.npy'), wellFormed: npyWellFormed, expansion: 1 })));
});

test('npz: mutated archives load well-formed or throw our error, within a bound on memory', () => {
  const members = {
    'H.npy': encodeNpy({ data: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), shape: [10, 4] }),
    'y.npy': encodeNpy({ data: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i % 3)), shape: [10] }),
  };
  const valid = [zipSync(members, { level: 0 }), zipSync(members, { level: 9 })];
  const read = (bytes: Uint8Array) => parseNpz(bytes, 'x.npz');
  const wellFormed = (arrays: Map<string, NpyArray>) => arrays.forEach(npyWellFormed);
  report(describeTally('npz', fuzzReader({ valid, headerBytes: 64, read, wellFormed, expansion: 1100 })));
});

test('safetensors (a checkpoint with checksums): mutated files load the same tensors or throw our error', () => {
  const dir = tempDir('ncollapse-fuzz-safetensors-');
  const source = join(dir, 'valid.safetensors');
  const tensors = new Map<string, torch.Tensor>([
    [
      'model.weight',
      torch.tensor(
        Float32Array.from({ length: 12 }, (_, i) => i - 5.5),
        { shape: [3, 4] },
      ),
    ],
    ['model.steps', torch.tensor(new BigInt64Array([3n, 2n ** 40n]), { shape: [2] })],
    ['model.mask', torch.tensor(new Uint8Array([1, 0, 1]), { shape: [3], dtype: 'bool' })],
  ]);
  saveSafetensors(tensors, source, { format: 'ncollapse.training-state.v2', extra: '{"epoch":3}', [CHECKSUMS_KEY]: tensorChecksums(tensors) });
  torch.dispose([...tensors.values()]);
  const file = join(dir, 'mutated.safetensors');
  const read = (bytes: Uint8Array) => {
    writeFileSync(file, bytes);
    const loaded = loadSafetensors(file);
    try {
      verifyTensorChecksums(file, loaded.tensors, loaded.metadata);
      return new Map([...loaded.tensors].map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, data: t.data() }]));
    } finally {
      torch.dispose([...loaded.tensors.values()]);
    }
  };
  const valid = [new Uint8Array(readFileSync(source))];
  const expected = read(valid[0]!);
  const wellFormed = (result: typeof expected) => assert.deepEqual(result, expected, 'with checksums, anything that loads is the saved data');
  report(describeTally('safetensors', fuzzReader({ valid, headerBytes: 700, read, wellFormed, expansion: 2 })));
});

test('IDX: mutated image files load well-formed or throw our error', () => {
  const images = concatBytes(uint32BE(0x00000803, 3, 4, 5), pattern(60));
  const read = (bytes: Uint8Array) => parseIdx(bytes, 'train-images-idx3-ubyte', 3, 'images');
  const wellFormed = (array: { dims: number[]; data: Uint8Array }) => assert.equal(array.data.length, product(array.dims));
  report(describeTally('IDX', fuzzReader({ valid: [images], headerBytes: 16, read, wellFormed, expansion: 1 })));
});

test('CIFAR binary: mutated batches load well-formed or throw our error', () => {
  const records = concatBytes(...[3, 0, 9].map((label, n) => concatBytes(new Uint8Array([label]), pattern(3072, 7 + n))));
  const read = (bytes: Uint8Array) => parseCifarRecords(bytes, 'data_batch_1.bin', CIFAR10_LAYOUT);
  report(describeTally('CIFAR', fuzzReader({ valid: [records], headerBytes: 8, read, wellFormed: (split) => splitWellFormed(split, 10), expansion: 4 })));
});

test('STL-10: mutated image and label files load well-formed or throw our error', () => {
  const read = (bytes: Uint8Array) => parseStl10Images(bytes, 'train_X.bin');
  const wellFormed = (result: { images: Float32Array; count: number }) => assert.equal(result.images.length, result.count * 3 * 96 * 96);
  report(describeTally('STL-10 images', fuzzReader({ valid: [pattern(2 * 3 * 96 * 96)], headerBytes: 8, read, wellFormed, expansion: 4 })));
  const labels = (bytes: Uint8Array) => parseStl10Labels(bytes, 'train_y.bin');
  const labelsWellFormed = (result: Int32Array) => result.forEach((label) => assert.ok(label >= 0 && label < 10));
  report(
    describeTally(
      'STL-10 labels',
      fuzzReader({ valid: [new Uint8Array([1, 10, 5, 3])], headerBytes: 4, read: labels, wellFormed: labelsWellFormed, expansion: 4 }),
    ),
  );
});

test('SVHN .mat: mutated files (plain and compressed) load well-formed or throw our error', () => {
  const X = { name: 'X', classCode: mx.UINT8, dims: [32, 32, 3, 2], storage: mi.UINT8, values: pattern(32 * 32 * 3 * 2) };
  const y = { name: 'y', classCode: mx.DOUBLE, dims: [2, 1], storage: mi.UINT8, values: [10, 3] };
  const valid = [writeMat([X, y]), writeMat([X, y], { compress: true })];
  const read = (bytes: Uint8Array) => {
    const mat = parseMat(bytes, 'train_32x32.mat');
    return svhnSplitFromMat(matVariable(mat, 'X'), matVariable(mat, 'y'), 'train_32x32.mat');
  };
  report(describeTally('SVHN .mat', fuzzReader({ valid, headerBytes: 200, read, wellFormed: (split) => splitWellFormed(split, 10), expansion: 1100 })));
});
