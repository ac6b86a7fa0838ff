import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { epochFigures } from '../../src/report/figures.js';
import { imbalanceRatio, ratioPoints } from '../../src/report/minority-ratio-spec.js';
import { readRuns } from '../../src/run/run-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-minority-figures-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A finished run of 3 measured epochs; `minority` the last epoch's minority_cos_classifier, or no minority keys at all. */
function writeRun(name: string, imbalance: string | null, seed: number, minority: number | null): string {
  const run = join(dir, name);
  mkdirSync(run, { recursive: true });
  const config = {
    name,
    dataset: 'fashion-mnist',
    model: 'mlp',
    loss: 'ce',
    epochs: 3,
    numClasses: 10,
    seed,
    imbalance,
    ...(imbalance ? { minorityClasses: [5, 6, 7, 8, 9], classCounts: [10, 10, 10, 10, 10, 1, 1, 1, 1, 1] } : {}),
  };
  writeFileSync(join(run, 'config.json'), JSON.stringify(config));
  const lines = [1, 2, 3].map((epoch) => ({
    epoch,
    train_error: 0,
    nc1: 1 / epoch,
    ...(minority === null
      ? {}
      : {
          minority_cos_classifier: epoch === 3 ? minority : minority / (4 - epoch),
          majority_cos_classifier: -0.1,
          minority_cos_means: minority / 2,
          majority_cos_means: -0.11,
        }),
  }));
  writeFileSync(join(run, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  writeFileSync(
    join(run, 'status.json'),
    JSON.stringify({ state: 'finished', epoch: 3, epochs: 3, tptEpoch: 1, message: null, updatedAt: new Date().toISOString() }),
  );
  return run;
}

test('imbalanced runs get the minority figure over epochs, and runs over several ratios the figure against R', async () => {
  const runs = await readRuns([
    writeRun('r1', 'step:1', 0, -0.1),
    writeRun('r10', 'step:10', 0, 0.3),
    writeRun('r100', 'step:100:3', 0, 0.8),
    writeRun('r100b', 'step:100:3', 1, 0.9),
  ]);
  const ids = epochFigures(runs).map((f) => f.id);
  assert.ok(ids.includes('minority-collapse'));
  assert.ok(ids.includes('minority-collapse-ratio'));
  assert.deepEqual(
    runs.map((r) => imbalanceRatio(r.config)),
    [1, 10, 100, 100],
  );
  const points = ratioPoints(runs, 'minority_cos_classifier', 'majority_cos_classifier');
  assert.deepEqual(
    points.filter((p) => p.group === 'minority').map((p) => [p.ratio, p.value]),
    [
      [1, -0.1],
      [10, 0.3],
      [100, 0.8],
      [100, 0.9],
    ],
    "each run's last epoch",
  );
  assert.equal(points.filter((p) => p.group === 'majority').length, 4);
  // One ratio only: no figure against R (a line needs two points), the figure over epochs stays.
  const single = epochFigures(runs.slice(1, 2)).map((f) => f.id);
  assert.ok(single.includes('minority-collapse'));
  assert.equal(single.includes('minority-collapse-ratio'), false);
  // A sweep's report passes every finished run for the ratio figure while showing one run per cell.
  assert.ok(epochFigures(runs.slice(0, 1), 'run', runs).some((f) => f.id === 'minority-collapse-ratio'));
});

test('balanced runs have neither figure', async () => {
  const runs = await readRuns([writeRun('b0', null, 0, null), writeRun('b1', null, 1, null)]);
  const ids = epochFigures(runs).map((f) => f.id);
  assert.equal(
    ids.some((id) => id.startsWith('minority')),
    false,
  );
});
