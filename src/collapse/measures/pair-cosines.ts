import { CollapseError } from '../collapse-error.js';

/**
 * cos(v_a, v_b) for the C(C-1)/2 unordered pairs a < b, in row order, from the Gram matrix of
 * the vectors (C x C, row-major). `what` names the vectors in the error for a zero vector.
 */
export function pairCosines(gram: Float64Array, count: number, what: (index: number) => string): Float64Array {
  const norms = new Float64Array(count);
  for (let a = 0; a < count; a++) {
    norms[a] = Math.sqrt(gram[a * count + a]!);
    if (!(norms[a]! > 0)) throw new CollapseError(`${what(a)} is zero, so its angles to the others are undefined`);
  }
  const cosines = new Float64Array((count * (count - 1)) / 2);
  let k = 0;
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) cosines[k++] = gram[a * count + b]! / (norms[a]! * norms[b]!);
  }
  return cosines;
}

/** The norms |v_a| from the Gram matrix. */
export function normsFromGram(gram: Float64Array, count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, a) => Math.sqrt(gram[a * count + a]!));
}
