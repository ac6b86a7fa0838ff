/** The element types the engine supports; the codes are shared with native/src/handle.cc. */
export type DType = 'float32' | 'float64' | 'int64' | 'bool' | 'int32' | 'uint8';

const CODES: Record<DType, number> = { float32: 0, float64: 1, int64: 2, bool: 3, int32: 4, uint8: 5 };
const NAMES: DType[] = ['float32', 'float64', 'int64', 'bool', 'int32', 'uint8'];

export function dtypeCode(dtype: DType): number {
  const code = CODES[dtype];
  if (code === undefined) throw new Error(`unknown dtype '${String(dtype)}' (expected one of ${NAMES.join(', ')})`);
  return code;
}

export function dtypeName(code: number): DType {
  const name = NAMES[code];
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
