import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDashboard, type Dashboard } from '../../src/serve/index.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { appendFixtureEpoch, makeTempDir, writeTwoFixtureRuns, type FixtureOptions } from '../report/fixture-run.js';

describe('dashboard in a browser', () => {
  const parent = makeTempDir();
  const runsDir = join(parent, 'runs');
  let dashboard: Dashboard;
  let browser: LaunchedBrowser;
  let runB = '';
  let optionsB: FixtureOptions;
  before(async () => {
    mkdirSync(runsDir);
    ({ runB, optionsB } = writeTwoFixtureRuns(runsDir));
    dashboard = await startDashboard({ runsDir, port: 0 });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('lists two runs, draws the charts, and shows an appended metrics line within 2 s', async (t) => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const remote: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(dashboard.url)) remote.push(request.url());
    });
    await page.goto(dashboard.url);

    await page.waitForSelector('#runs tbody tr[data-run="synthetic-mse"]');
    const rows = await page.$$eval('#runs tbody tr[data-run]', (trs) => trs.map((tr) => tr.getAttribute('data-run')));
    assert.deepEqual(rows, ['fmnist-mlp-ce', 'synthetic-mse']);
    assert.match((await page.textContent('#runs tbody tr[data-run="synthetic-mse"]')) ?? '', /running/);
    assert.match((await page.textContent('#runs tbody tr[data-run="fmnist-mlp-ce"]')) ?? '', /finished/);

    // the charts, drawn by vega-embed as SVG
    await page.waitForSelector('.figure[data-figure="fig6-nc1"] svg .mark-line', { timeout: 15_000 });
    const figureCount = await page.$$eval('.figure svg.marks', (svgs) => svgs.length);
    assert.ok(figureCount >= 13, `${figureCount} charts`);
    const legend = await page.textContent('.figure[data-figure="error"]');
    assert.match(legend ?? '', /gaussian \/ mlp \/ mse/);
    await page.waitForSelector('#geometry-heatmap svg');
    assert.equal(await page.textContent('[data-testid="latest-epoch-synthetic-mse"]'), '29');
    // wait until the first drawing is over, so that the 2 s below measure the live update alone
    await page.waitForFunction(() => document.body.dataset.figuresEpoch?.includes('synthetic-mse:29'));

    appendFixtureEpoch(runB, optionsB, 35);
    const t0 = Date.now();
    await page.waitForFunction(() => document.querySelector('[data-testid="latest-epoch-synthetic-mse"]')?.textContent === '35', undefined, { timeout: 2000 });
    const seenAfter = Date.now() - t0;
    assert.ok(seenAfter < 2000, `seen after ${seenAfter} ms`);
    t.diagnostic(`metrics line shown after ${seenAfter} ms`);
    // and the run list and the charts follow
    await page.waitForFunction(() => document.body.dataset.figuresEpoch?.includes('synthetic-mse:35'), undefined, { timeout: 5000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="run-epoch-synthetic-mse"]')?.textContent?.startsWith('35'), undefined, {
      timeout: 5000,
    });

    assert.deepEqual(errors, []);
    assert.deepEqual(remote, []);
  });

  it('rotates the 3-D geometry by dragging and plays the epochs', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${dashboard.url}#runs=fmnist-mlp-ce`);
    await page.waitForSelector('#geometry-heatmap svg', { timeout: 15_000 });
    const before = await page.$eval('#geometry-canvas', (c) => (c as HTMLCanvasElement).toDataURL());
    const box = (await page.$('#geometry-canvas'))!;
    await box.scrollIntoViewIfNeeded();
    const rect = (await box.boundingBox())!;
    await page.mouse.move(rect.x + 200, rect.y + 200);
    await page.mouse.down();
    await page.mouse.move(rect.x + 280, rect.y + 240, { steps: 4 });
    await page.mouse.up();
    const after = await page.$eval('#geometry-canvas', (c) => (c as HTMLCanvasElement).toDataURL());
    assert.notEqual(after, before, 'dragging should rotate the view');

    assert.match((await page.textContent('[data-testid="geometry-epoch"]')) ?? '', /^epoch 100 /);
    await page.click('#geometry-play');
    await page.waitForFunction(() => /^epoch (1|2|4) /.test(document.querySelector('[data-testid="geometry-epoch"]')?.textContent ?? ''), undefined, {
      timeout: 3000,
    });
  });
});
