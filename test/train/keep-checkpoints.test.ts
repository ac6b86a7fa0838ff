import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { RunDirectory } from '../../src/run/run-directory.js';
import type { TrainOptions } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { checkpointRobustness } from '../../src/analyze/checkpoint-robustness.js';

const work = mkdtempSync(join(tmpdir(), 'ncollapse-keep-checkpoints-'));
after(() => rmSync(work, { recursive: true, force: true }));

const options = (out: string, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  name: 'keep',
  out,
  dataset: 'gaussian',
  perClass: 20,
  model: 'mlp',
  width: 0.125,
  epochs: 7,
  batchSize: 50,
  measure: 'all',
  report: false,
  seed: 1,
  ...extra,
});

test('checkpoints are pruned to last.safetensors and the newest --keep-checkpoints epochs (default 3)', async () => {
  const byDefault = join(work, 'default');
  await train(options(byDefault), { quiet: true });
  assert.deepEqual(readdirSync(join(byDefault, 'checkpoints')).sort(), [
    'epoch-0005.safetensors',
    'epoch-0006.safetensors',
    'epoch-0007.safetensors',
    'last.safetensors',
  ]);

  const one = join(work, 'one');
  await train(options(one, { keepCheckpoints: 1 }), { quiet: true });
  assert.deepEqual(readdirSync(join(one, 'checkpoints')).sort(), ['epoch-0007.safetensors', 'last.safetensors']);
  assert.equal(new RunDirectory(one).readConfig().keepCheckpoints, 1);
  // A pruned epoch is named as missing, with the epochs that are there.
  assert.throws(
    () => checkpointRobustness({ run: one, epoch: 3, samples: 2 }),
    /epoch-0003\.safetensors: no such checkpoint; this run saved the measured epochs 7/,
  );
});

test('--keep-checkpoints 0 is refused (the final epoch is always kept)', async () => {
  await assert.rejects(train(options(join(work, 'zero'), { keepCheckpoints: 0 }), { quiet: true }), /keep-checkpoints|keepCheckpoints/);
});
