/** Reading test/fixtures/nn/*.json (written by make_nn_golden.py) and comparing tensors with them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DType, Tensor, tensor } from '../../src/torch/index.js';
import { assertClose, mixed } from '../helpers/assert-close.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'nn');

export interface EncodedTensor {
  dtype: 'float32' | 'float64' | 'int64';
  shape: number[];
  data: string;
}

export type EncodedState = Record<string, EncodedTensor>;

const cache = new Map<string, unknown>();

export function readFixture<T>(name: string): T {
  if (!cache.has(name)) cache.set(name, JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')));
  return cache.get(name) as T;
}

/** A new tensor holding the stored values exactly. */
export function decode(encoded: EncodedTensor): Tensor {
  const bytes = Uint8Array.from(Buffer.from(encoded.data, 'base64')); // a fresh, aligned buffer
  const data =
    encoded.dtype === 'float32'
      ? new Float32Array(bytes.buffer)
      : encoded.dtype === 'float64'
        ? new Float64Array(bytes.buffer)
        : new BigInt64Array(bytes.buffer);
  return tensor(data, { shape: encoded.shape, dtype: encoded.dtype as DType });
}

export function decodeState(state: EncodedState): Map<string, Tensor> {
  return new Map(Object.entries(state).map(([name, encoded]) => [name, decode(encoded)]));
}

/** The parity tolerance against PyTorch: 1e-5 in float32, 1e-10 in float64. */
export function toleranceFor(dtype: string): number {
  return dtype === 'float64' ? 1e-10 : 1e-5;
}

/** Same shape and dtype, and |actual - expected| <= tol * (1 + |expected|) everywhere. */
export function assertTensorClose(actual: Tensor, expected: Tensor | EncodedTensor, what: string, tol?: number): void {
  const want = expected instanceof Tensor ? expected : decode(expected);
  try {
    assert.deepEqual(actual.shape, want.shape, `${what}: shape`);
    assert.equal(actual.dtype, want.dtype, `${what}: dtype`);
    assertClose(actual.toArray() as number[], want.toArray() as number[], what, mixed(tol ?? toleranceFor(want.dtype)));
  } finally {
    if (want !== expected) want.dispose();
  }
}

/** Bit-for-bit equality (initial values drawn from the same generator). */
export function assertExact(actual: Tensor, expected: EncodedTensor, what: string): void {
  assertTensorClose(actual, expected, what, 0);
}

/** [sum, sum |x|, sum x^2] in float64, as make_nn_golden.py's checksum(). */
export function checksum(t: Tensor): [number, number, number] {
  const values = t.toArray();
  let sum = 0;
  let abs = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    abs += Math.abs(v);
    squares += v * v;
  }
  return [sum, abs, squares];
}
