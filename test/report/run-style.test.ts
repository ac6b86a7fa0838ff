import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, it } from 'node:test';

import { epochFigures } from '../../src/report/figures.js';
import { readRuns } from '../../src/run/run-reader.js';
import { makeTempDir, writeFixtureRun } from './fixture-run.js';

/** A sweep's report draws its selected runs as the paper does: colour by dataset, line style by network. */

const parent = makeTempDir();
after(() => rmSync(parent, { recursive: true, force: true }));

interface Layer {
  data: { values: { run: string; dataset: string; model: string }[] };
  encoding: { color: { field: string; scale: { domain: string[] } }; strokeDash?: { field: string }; detail?: { field: string } };
}

it('colours by dataset and dashes by network, keeping one line per run', async () => {
  const runs = await readRuns([
    writeFixtureRun(parent, { name: 'a', dataset: 'fashion-mnist', model: 'mlp', numClasses: 10, epochs: 20, seed: 0 }),
    writeFixtureRun(parent, { name: 'b', dataset: 'fashion-mnist', model: 'vgg11', numClasses: 10, epochs: 20, seed: 1 }),
    writeFixtureRun(parent, { name: 'c', dataset: 'gaussian', model: 'mlp', numClasses: 10, epochs: 20, seed: 2 }),
  ]);
  const styled = epochFigures(runs, 'dataset-model').find((f) => f.id === 'error')!;
  const line = (styled.spec as unknown as { hconcat: { layer: Layer[] }[] }).hconcat[0]!.layer[0]!;
  assert.equal(line.encoding.color.field, 'dataset');
  assert.deepEqual(line.encoding.color.scale.domain, ['fashion-mnist', 'gaussian']);
  assert.equal(line.encoding.strokeDash?.field, 'model');
  assert.equal(line.encoding.detail?.field, 'run');
  assert.deepEqual(new Set(line.data.values.map((p) => `${p.dataset}/${p.model}`)), new Set(['fashion-mnist/mlp', 'fashion-mnist/vgg11', 'gaussian/mlp']));

  // The default stays a colour per run.
  const plain = epochFigures(runs).find((f) => f.id === 'error')!;
  const plainLine = (plain.spec as unknown as { hconcat: { layer: Layer[] }[] }).hconcat[0]!.layer[0]!;
  assert.equal(plainLine.encoding.color.field, 'run');
  assert.equal(plainLine.encoding.strokeDash, undefined);
});
