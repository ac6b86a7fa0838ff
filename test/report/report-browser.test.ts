import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { writeReport } from '../../src/report/index.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { makeTempDir, writeTwoFixtureRuns } from './fixture-run.js';

describe('report in a browser', () => {
  const parent = makeTempDir();
  let browser: LaunchedBrowser;
  let reportPath = '';
  before(async () => {
    const { runA, runB } = writeTwoFixtureRuns(parent);
    reportPath = await writeReport([runA, runB], join(parent, 'report'), { png: false });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('shows every figure from file:// without network', async () => {
    const page = await browser.context.newPage();
    const remote: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) remote.push(request.url());
    });
    await page.goto(pathToFileURL(reportPath).href);
    await page.waitForLoadState('load');

    const figureIds = readdirSync(join(parent, 'report', 'figures'))
      .filter((f) => f.endsWith('.svg'))
      .map((f) => f.replace(/\.svg$/, ''));
    const shown = await page.$$eval('figure img', (imgs) =>
      imgs.map((img) => ({
        id: img.closest('figure')?.getAttribute('data-figure') ?? '',
        loaded: (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 100,
        visible: img.getBoundingClientRect().width > 100,
      })),
    );
    assert.deepEqual(shown.map((s) => s.id).sort(), [...figureIds].sort());
    for (const figure of shown) assert.ok(figure.loaded && figure.visible, `${figure.id} not drawn`);

    const titles = await page.$$eval('figure .figure-title', (nodes) => nodes.map((n) => n.textContent ?? ''));
    for (const title of [
      'Training and test error',
      'Figure 2: class means and classifiers become equinorm',
      'Figure 3: class means and classifiers approach equiangularity',
      'Figure 4: class means and classifiers approach maximal-angle equiangularity',
      'Figure 5: classifier converges to self-duality',
      'Figure 6: training within-class variation collapses',
      'Figure 7: classifier behaviour approaches that of the nearest class centre',
      'Layer-wise collapse',
      'MSE loss decomposition (Han, Papyan & Donoho 2022)',
    ]) {
      assert.ok(
        titles.some((t) => t.startsWith(title)),
        `missing figure "${title}"`,
      );
    }
    assert.ok(titles.some((t) => t.startsWith('Cosines of centred class means')));
    assert.ok(titles.some((t) => t.startsWith('PCA of class means and classifiers (3-D)')));
    assert.match((await page.textContent('table.table1')) ?? '', /gaussian \/ mlp \/ mse/);
    assert.deepEqual(remote, []);
  });
});
