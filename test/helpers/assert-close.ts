import assert from 'node:assert/strict';

/** Elementwise closeness with a mixed absolute/relative tolerance. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const scale = Math.max(1, Math.abs(e));
    assert.ok(Math.abs(a - e) <= tolerance * scale, `${what}[${i}]: ${a} differs from ${e} by more than ${tolerance}`);
  }
}
