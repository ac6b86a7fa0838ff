import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { logTickValues, MIN_PANEL_WIDTH, niceLogTicks, PANEL_HEIGHT } from '../../src/report/chart-style.js';

/** Tick values of the log axes: 1-2-5 where there is room, fewer where there is not, never 1 to 9 per decade. */

const isDecade = (v: number) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

describe('log axis ticks', () => {
  it('puts 1, 2 and 5 of each decade on a wide epoch axis', () => {
    assert.deepEqual(logTickValues(1, 10, 320, 'x'), [1, 2, 5, 10]);
  });

  it('never puts 30 beside 40 or 200 beside 300 on the narrowest epoch axis (the labels "30 4050", "200300")', () => {
    for (const max of [60, 100, 350, 1000]) {
      const values = logTickValues(1, max, MIN_PANEL_WIDTH, 'x');
      assert.ok(values.length >= 2, `${max}: ${values}`);
      assert.ok(
        values.every((v) => v >= 1 && v <= max),
        `${max}: ${values}`,
      );
      for (const crowded of [
        [30, 40],
        [40, 50],
        [200, 300],
        [300, 400],
      ])
        assert.ok(!crowded.every((v) => values.includes(v)), `${max}: ${values}`);
      for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!);
    }
    assert.deepEqual(logTickValues(1, 350, MIN_PANEL_WIDTH, 'x'), [1, 3, 10, 30, 100, 300]);
  });

  it('thins a tall range of decades on a short vertical axis to whole decades, then every other one', () => {
    const seven = niceLogTicks([3e-7, 0.4], PANEL_HEIGHT);
    assert.deepEqual(seven, [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1]);
    const many = logTickValues(1e-30, 1, 100, 'y');
    assert.ok(many.every(isDecade));
    assert.ok(many.length >= 2 && many.length <= 100 / 16 + 1, `${many}`);
  });

  it('answers nothing for a range without a positive end', () => {
    assert.deepEqual(logTickValues(0, 10, 200, 'x'), []);
    assert.deepEqual(niceLogTicks([0, -1, Number.NaN], 200), []);
  });
});
