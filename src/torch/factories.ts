import { type AnyTypedArray, type DType, dtypeCode, dtypeOfArray } from './dtype.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

export interface FactoryOptions {
  dtype?: DType;
  device?: string;
}

type NestedNumbers = number | boolean | NestedNumbers[];

function inferShape(value: NestedNumbers): number[] {
  const shape: number[] = [];
  let level: NestedNumbers = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedNumbers;
  }
  return shape;
}

function arrayFor(dtype: DType, values: ArrayLike<number> | number[]): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
    case 'uint8':
      return Uint8Array.from(values, (v) => (dtype === 'bool' ? (v ? 1 : 0) : v));
  }
}

/**
 * A tensor from nested arrays or a typed array (copied). Nested arrays default to float32, as
 * torch.tensor does for Python floats; a typed array keeps its own dtype unless one is named.
 */
export function tensor(values: NestedNumbers | AnyTypedArray, options: FactoryOptions & { shape?: number[] } = {}): Tensor {
  let data: AnyTypedArray;
  let shape: number[];
  if (ArrayBuffer.isView(values)) {
    const own = dtypeOfArray(values);
    const dtype = options.dtype ?? own;
    data = dtype === own ? values : arrayFor(dtype, values instanceof BigInt64Array ? Array.from(values, Number) : values);
    shape = options.shape ?? [values.length];
    const result = new Tensor(native.fromTypedArray(data, shape, dtypeCode(dtype)));
    return options.device && options.device !== 'cpu' ? moveTo(result, options.device) : result;
  }
  shape = options.shape ?? inferShape(values);
  const flat = (Array.isArray(values) ? (values as unknown[]).flat(Infinity) : [values]) as (number | boolean)[];
  const expected = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== expected) {
    throw new Error(`tensor(): ragged nested array (${flat.length} values for shape [${shape.join(', ')}])`);
  }
  const dtype = options.dtype ?? (typeof flat[0] === 'boolean' ? 'bool' : 'float32');
  data = arrayFor(dtype, flat.map(Number));
  const result = new Tensor(native.fromTypedArray(data, shape, dtypeCode(dtype)));
  return options.device && options.device !== 'cpu' ? moveTo(result, options.device) : result;
}

function moveTo(cpu: Tensor, device: string): Tensor {
  const moved = cpu.to(device);
  cpu.dispose();
  return moved;
}

function code(options: FactoryOptions): number {
  return dtypeCode(options.dtype ?? 'float32');
}

export function zeros(shape: number[], options: FactoryOptions = {}): Tensor {
  return new Tensor(native.zeros(shape, code(options), options.device));
}
export function ones(shape: number[], options: FactoryOptions = {}): Tensor {
  return new Tensor(native.ones(shape, code(options), options.device));
}
export function empty(shape: number[], options: FactoryOptions = {}): Tensor {
  return new Tensor(native.empty(shape, code(options), options.device));
}
export function full(shape: number[], value: number, options: FactoryOptions = {}): Tensor {
  return new Tensor(native.full(shape, value, code(options), options.device));
}
/** Standard normal samples from the global generator (seeded by manualSeed). */
export function randn(shape: number[], options: FactoryOptions = {}): Tensor {
  return new Tensor(native.randn(shape, code(options), options.device));
}
/** Uniform samples in [0, 1) from the global generator. */
export function rand(shape: number[], options: FactoryOptions = {}): Tensor {
  return new Tensor(native.rand(shape, code(options), options.device));
}
/** Integers in [low, high), int64. */
export function randint(low: number, high: number, shape: number[], options: { device?: string } = {}): Tensor {
  return new Tensor(native.randint(low, high, shape, options.device));
}
/** A random permutation of 0..n-1, int64. */
export function randperm(n: number, options: { device?: string } = {}): Tensor {
  return new Tensor(native.randperm(n, options.device));
}
/** Values start, start + step, ... below end; int64 unless a dtype is named. */
export function arange(start: number, end?: number, step = 1, options: FactoryOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  return new Tensor(native.arange(from, to, step, dtypeCode(options.dtype ?? 'int64'), options.device));
}
export function eye(n: number, options: FactoryOptions = {}): Tensor {
  return new Tensor(native.eye(n, code(options), options.device));
}
export function cat(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.cat(
      tensors.map((t) => t.handle),
      dim,
    ),
  );
}
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.stack(
      tensors.map((t) => t.handle),
      dim,
    ),
  );
}
/** Elementwise choice: condition ? a : b (each a tensor or a number). */
export function where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  const h = (x: Tensor | number) => (typeof x === 'number' ? x : x.handle);
  return new Tensor(native.where(condition.handle, h(a), h(b)));
}
