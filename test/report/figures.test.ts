import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { allFigures, epochFigures } from '../../src/report/figures.js';
import { simplexEtfCosines, geometryAt } from '../../src/report/geometry.js';
import { readRun, readRuns } from '../../src/run/run-reader.js';
import { makeTempDir, writeFixtureRun, writeTwoFixtureRuns } from './fixture-run.js';

/** The panel titles (metric keys, shown as subtitles) of a figure spec. */
function panelKeys(spec: unknown): string[] {
  const hconcat = (spec as { hconcat: { title: { subtitle: string } }[] }).hconcat;
  return hconcat.map((panel) => panel.title.subtitle);
}

describe('figures', () => {
  const parent = makeTempDir();
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('leaves out a panel whose key no run has, and a figure with no panel left', async () => {
    const dir = writeFixtureRun(parent, {
      name: 'omit',
      omitKeys: ['equinorm_classifier', 'self_duality', 'webb_lowe_distance', 'webb_lowe_agreement', 'loss_wd'],
    });
    const figures = epochFigures([await readRun(dir)]);
    const byId = new Map(figures.map((f) => [f.id, f]));
    assert.deepEqual(panelKeys(byId.get('fig2-equinorm')!.spec), ['equinorm_means']);
    assert.deepEqual(panelKeys(byId.get('loss')!.spec), ['loss', 'test_loss']);
    assert.ok(!byId.has('fig5-self-duality'));
    assert.ok(!byId.has('webb-lowe'));
    // a cross-entropy run has no MSE decomposition
    assert.ok(!byId.has('mse-decomposition'));
  });

  it('keeps a panel that only one of several runs has, and draws the MSE decomposition of an MSE run', async () => {
    const { runA, runB } = writeTwoFixtureRuns(makeTempDir());
    const figures = epochFigures(await readRuns([runA, runB]));
    const ids = figures.map((f) => f.id);
    assert.ok(ids.includes('mse-decomposition'));
    for (const id of [
      'error',
      'loss',
      'fig2-equinorm',
      'fig3-equiangular',
      'fig4-maxangle',
      'fig5-self-duality',
      'fig6-nc1',
      'fig7-ncc-mismatch',
      'layers-nc1',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    // the MSE legend lists only the MSE run
    const mse = JSON.stringify(figures.find((f) => f.id === 'mse-decomposition')!.spec);
    assert.ok(mse.includes('gaussian / mlp / mse'));
    assert.ok(!mse.includes('fashion-mnist / mlp / ce'));
  });

  it('has no layer figure when no line has layers', async () => {
    const dir = writeFixtureRun(parent, { name: 'no-layers', layers: 0 });
    assert.ok(!epochFigures([await readRun(dir)]).some((f) => f.id === 'layers-nc1'));
  });

  it('marks tpt_epoch with a rule on every epoch panel', async () => {
    const dir = writeFixtureRun(parent, { name: 'tpt', tptEpoch: 30 });
    for (const figure of epochFigures([await readRun(dir)]).filter((f) => f.section !== 'layers')) {
      const panels = (figure.spec as { hconcat: { layer: { mark: { type: string }; data: { values: { tpt_epoch?: number }[] } }[] }[] }).hconcat;
      for (const panel of panels) {
        const rule = panel.layer.find((layer) => layer.mark.type === 'rule');
        assert.deepEqual(
          rule?.data.values.map((v) => v.tpt_epoch),
          [30],
          figure.id,
        );
      }
    }
  });

  it('picks the geometry of the asked epoch, or the nearest measured one', async () => {
    const run = await readRun(writeFixtureRun(parent, { name: 'geometry', epochs: 100 }));
    assert.equal(geometryAt(run)?.epoch, 100);
    assert.equal(geometryAt(run, 12)?.epoch, 12);
    assert.equal(geometryAt(run, 11)?.epoch, 12);
    assert.equal(geometryAt(run, 10)?.epoch, 8); // a tie goes to the earlier epoch
    const ids = allFigures([run], { epoch: 12 })
      .filter((f) => f.section === 'geometry')
      .map((f) => f.id);
    assert.deepEqual(ids, ['geometry-cosines', 'geometry-pca2d', 'geometry-pca3d']);
  });

  it('builds the simplex ETF cosines', () => {
    const etf = simplexEtfCosines(4);
    assert.deepEqual(etf[0], [1, -1 / 3, -1 / 3, -1 / 3]);
    assert.equal(etf[2]![2], 1);
  });
});
