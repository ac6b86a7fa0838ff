import assert from 'node:assert/strict';

/** How far `actual` may be from `expected`: |actual - expected| <= absolute + relative * |expected|. */
export interface Tolerance {
  absolute?: number;
  relative?: number;
  /**
   * Expected values smaller than this in magnitude are zero up to rounding: the actual value must
   * be smaller than it too, as a relative error means nothing there.
   */
  zeroBelow?: number;
}

/** The one closeness check of the tests: numbers or arrays of numbers, element by element. */
export function assertClose(actual: number | ArrayLike<number> | undefined, expected: number | ArrayLike<number>, what: string, tolerance: Tolerance): void {
  assert.ok(actual !== undefined, `${what}: missing`);
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  assert.equal(a.length, e.length, `${what}: length ${a.length}, expected ${e.length}`);
  const { absolute = 0, relative = 0, zeroBelow } = tolerance;
  for (let i = 0; i < e.length; i++) {
    const got = a[i]!;
    const want = e[i]!;
    const at = typeof expected === 'number' ? '' : `[${i}]`;
    if (zeroBelow !== undefined && Math.abs(want) < zeroBelow) {
      assert.ok(Math.abs(got) < zeroBelow, `${what}${at}: ${got}, expected ~0 (${want})`);
      continue;
    }
    const allowed = absolute + relative * Math.abs(want);
    const error = Math.abs(got - want);
    assert.ok(error <= allowed, `${what}${at}: ${got}, expected ${want} (error ${error.toExponential(2)} > ${allowed.toExponential(2)})`);
  }
}

/** A mixed tolerance: `tol` absolute below 1, relative above. */
export function mixed(tol: number): Tolerance {
  return { absolute: tol, relative: tol };
}
