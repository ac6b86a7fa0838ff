import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { epochFigures } from '../../src/report/figures.js';
import { readRun } from '../../src/run/run-reader.js';
import { makeTempDir, writeFixtureRun } from './fixture-run.js';

interface Panel {
  title: { subtitle: string };
  layer: { mark: { type: string }; encoding: { x: { field: string; scale: { type: string } } }; data: { values: Record<string, number>[] } }[];
}

describe('Figure 8 (DeepFool robustness)', () => {
  const parent = makeTempDir();
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('is drawn against a log epoch axis with the TPT rule when the run has the deepfool keys, and left out otherwise', async () => {
    const dir = writeFixtureRun(parent, { name: 'robust', tptEpoch: 30 });
    assert.ok(!epochFigures([await readRun(dir)]).some((f) => f.id === 'fig8-robustness'), 'no keys, no figure');
    const file = join(dir, 'metrics.jsonl');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    const withKeys = lines.map((line, i) => ({ ...line, deepfool_train: 0.1 + i / 1000, deepfool_test: 0.09 + i / 1000, deepfool_failed: 0 }));
    writeFileSync(file, withKeys.map((l) => JSON.stringify(l)).join('\n') + '\n');

    const figure = epochFigures([await readRun(dir)]).find((f) => f.id === 'fig8-robustness');
    assert.ok(figure, 'Figure 8 is drawn');
    assert.equal(figure.section, 'paper');
    const panels = (figure.spec as unknown as { hconcat: Panel[] }).hconcat;
    assert.deepEqual(
      panels.map((p) => p.title.subtitle),
      ['deepfool_train', 'deepfool_test', 'deepfool_failed'],
    );
    for (const panel of panels) {
      const line = panel.layer.find((l) => l.mark.type === 'line')!;
      assert.equal(line.encoding.x.scale.type, 'log');
      assert.equal(line.data.values.length, lines.length);
      assert.deepEqual(
        panel.layer.find((l) => l.mark.type === 'rule')!.data.values.map((v) => v.tpt_epoch),
        [30],
      );
    }
    const train = panels[0]!.layer.find((l) => l.mark.type === 'line')!.data.values;
    assert.equal(train[train.length - 1]!.value, withKeys[withKeys.length - 1]!.deepfool_train);
  });
});
