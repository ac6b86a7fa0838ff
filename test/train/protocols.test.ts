import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { load } from '../../src/train/training-state.js';
import { simplexEtf } from '../../src/train/etf-classifier.js';
import type { TrainOptions } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { UsageError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-protocols-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Beyond the paper's protocol at once: imbalanced Gaussian classes, AdamW, focal loss, a fixed ETF. */
const OPTIONS = {
  dataset: 'gaussian',
  perClass: 40,
  imbalance: 'step:4',
  model: 'mlp',
  width: 0.125,
  epochs: 6,
  lrMilestones: [],
  measure: 'all',
  optimizer: 'adamw',
  lr: 0.01,
  loss: 'focal',
  focalGamma: 2,
  classifier: 'etf',
  report: false,
  seed: 5,
} satisfies Partial<TrainOptions>;

const metrics = (run: string) =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { seconds: _, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });

test('an imbalanced AdamW focal-loss run on a fixed ETF records its minority classes, measures minority collapse and resumes exactly', async () => {
  const whole = join(dir, 'whole');
  await train({ name: 'whole', out: whole, ...OPTIONS }, { quiet: true });
  const config = JSON.parse(readFileSync(join(whole, 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(config.minorityClasses, [5, 6, 7, 8, 9]);
  assert.deepEqual(config.classCounts, [40, 40, 40, 40, 40, 10, 10, 10, 10, 10]);
  assert.equal(config.trainSize, 250);
  assert.equal(config.optimizer, 'adamw');
  const records = metrics(whole);
  assert.equal(records.length, 6);
  for (const record of records) {
    for (const key of ['minority_cos_classifier', 'minority_cos_means', 'majority_cos_classifier', 'majority_cos_means'])
      assert.equal(typeof record[key], 'number', key);
    // The classifier is the fixed ETF: every group of its rows has cosine -1/(C-1), to float32 rounding.
    assert.ok(Math.abs((record.minority_cos_classifier as number) + 1 / 9) < 1e-6);
    assert.ok(Math.abs((record.majority_cos_classifier as number) + 1 / 9) < 1e-6);
  }

  // The same run stopped after 3 epochs and resumed to 6: the same metrics, the same fixed frame.
  const split = join(dir, 'split');
  await train({ name: 'split', out: split, ...OPTIONS, epochs: 3 }, { quiet: true });
  await train({ name: 'split', out: split, ...OPTIONS, epochs: 6 }, { quiet: true, resume: true, explicit: { epochs: 6 }, notice: () => {} });
  assert.deepEqual(metrics(split), records);
  const state = load(join(split, 'checkpoints', 'last.safetensors'));
  const weight = state.tensors.get('model.classifier.weight')!;
  const etf = Float32Array.from(simplexEtf(10, weight.size(1), OPTIONS.seed));
  assert.deepEqual(weight.toArray(), Array.from(etf), 'the checkpoint holds the seeded ETF, untouched by 6 epochs of AdamW');
  assert.ok(
    [...state.tensors.keys()].some((k) => k.endsWith('.exp_avg_sq')),
    "AdamW's state is checkpointed",
  );
  for (const t of state.tensors.values()) t.dispose();
});

test('a balanced run has no minority keys; p < C - 1 with --classifier etf is a usage error', async () => {
  const balanced = join(dir, 'balanced');
  await train({ name: 'balanced', out: balanced, ...OPTIONS, imbalance: null, epochs: 1 }, { quiet: true });
  assert.equal(
    Object.keys(metrics(balanced)[0]!).some((k) => k.includes('ority_cos')),
    false,
  );
  assert.equal('minorityClasses' in JSON.parse(readFileSync(join(balanced, 'config.json'), 'utf8')), false);
  await assert.rejects(
    train({ name: 'narrow', out: join(dir, 'narrow'), ...OPTIONS, width: 0.01 }, { quiet: true }),
    (e: unknown) => e instanceof UsageError && /p >= C - 1/.test((e as Error).message),
  );
  await assert.rejects(
    train({ name: 'bad', out: join(dir, 'bad'), ...OPTIONS, loss: 'mse', labelSmoothing: 0.1 }, { quiet: true }),
    /label smoothing belongs to the cross-entropy/,
  );
});
