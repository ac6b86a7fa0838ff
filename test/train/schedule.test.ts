import assert from 'node:assert/strict';
import { test } from 'node:test';

import { defaultMilestones } from '../../src/train/config.js';
import { measureEpochs, PAPER_MEASURE_EPOCHS } from '../../src/train/schedule.js';

test("the paper schedule of a 350-epoch run is the authors' 50 epochs", () => {
  assert.equal(PAPER_MEASURE_EPOCHS.length, 50);
  assert.deepEqual(measureEpochs('paper', 350), PAPER_MEASURE_EPOCHS);
});

test('the paper schedule scales to shorter runs and always ends at the last epoch', () => {
  const epochs = measureEpochs('paper', 35);
  assert.equal(epochs[0], 1);
  assert.equal(epochs[epochs.length - 1], 35);
  assert.ok(
    epochs.every((e, i) => i === 0 || e > epochs[i - 1]!),
    'strictly increasing',
  );
  assert.ok(epochs.includes(32) && epochs.includes(29), 'round(320/10) and round(293/10)');
  assert.deepEqual(measureEpochs('1,5', 9), [1, 5, 9]);
  assert.deepEqual(measureEpochs('all', 3), [1, 2, 3]);
  assert.deepEqual(measureEpochs('none', 3), []);
  assert.throws(() => measureEpochs('1,x', 9), /'x' is not an epoch number/);
  assert.throws(() => measureEpochs('12', 9), /beyond the run's 9 epochs/);
});

test('the learning rate drops at 1/3 and 2/3 of the run', () => {
  assert.deepEqual(defaultMilestones(350), [116, 233]);
  assert.deepEqual(defaultMilestones(3), [1, 2]);
});
