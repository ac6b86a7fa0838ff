import { native } from './native.js';

/**
 * The element types the engine supports. Their codes are libtorch's ScalarType values, read from
 * the addon's own table (native.dtypeCodes), so there is no second table to keep in sync.
 */
export const DTYPES = ['float32', 'float64', 'int64', 'bool', 'int32', 'uint8'] as const;
export type DType = (typeof DTYPES)[number];

const NAMES_BY_CODE = new Map<number, DType>(DTYPES.map((name) => [native.dtypeCodes[name], name]));

export function dtypeCode(dtype: DType): number {
  if (!(DTYPES as readonly string[]).includes(dtype)) throw new Error(`unknown dtype '${String(dtype)}' (expected one of ${DTYPES.join(', ')})`);
  return native.dtypeCodes[dtype];
}

export function dtypeName(code: number): DType {
  const name = NAMES_BY_CODE.get(code);
  if (name === undefined) throw new Error(`the engine returned an unsupported dtype (code ${code})`);
  return name;
}

export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int64'
      ? BigInt64Array
      : D extends 'int32'
        ? Int32Array
        : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

/** The dtype a typed array holds when no dtype is named. */
export function dtypeOfArray(data: AnyTypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  throw new Error('unsupported typed array');
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}
