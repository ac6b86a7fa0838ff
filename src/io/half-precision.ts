/**
 * Half-precision floats widened to float32, which holds every float16 and bfloat16 value exactly
 * (the engine then accumulates in float64). float16 goes through a table of its 65,536 values;
 * bfloat16 is the top half of a float32, so its bits only move.
 */
let float16Table: Float32Array | undefined;

function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** dst[i] = the float16 whose bits are src[i]. */
export function float16ToFloat32(src: Uint16Array, dst: Float32Array): void {
  if (float16Table === undefined) {
    float16Table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) float16Table[bits] = float16Value(bits);
  }
  const table = float16Table;
  for (let i = 0; i < src.length; i++) dst[i] = table[src[i]!]!;
}

/** dst[i] = the bfloat16 whose bits are src[i]. */
export function bfloat16ToFloat32(src: Uint16Array, dst: Float32Array): void {
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
}
