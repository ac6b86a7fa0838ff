import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startDashboard, type Dashboard } from '../../src/serve/index.js';
import { planSweep } from '../../src/sweep/plan.js';
import type { SweepRow } from '../../src/sweep/sweep-directory.js';
import { writeFakeSweepRun as fakeRun } from '../helpers/finished-run-files.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';

/** The sweep panel in a browser: counts by state, the selected run, pages of rows, a state filter. */

describe('the sweep panel in a browser', () => {
  const work = mkdtempSync(join(tmpdir(), 'ncollapse-sweep-panel-'));
  const sweepDir = join(work, 'sweep');
  let rows: SweepRow[];
  let dashboard: Dashboard;
  let browser: LaunchedBrowser;
  before(async () => {
    const grid = join(work, 'grid.yaml');
    writeFileSync(
      grid,
      `fixed: { dataset: gaussian, model: mlp, epochs: 4 }\naxes:\n  lr: logspace(-3, -1, 5)\n  seed: [${Array.from({ length: 60 }, (_, i) => i).join(', ')}]\n`,
    );
    ({ rows } = planSweep(grid, sweepDir));
    // rows 0, 20, ..., 280 finished (the best: row 140), rows 10, 30, ..., 290 diverged
    for (let index = 0; index < rows.length; index += 10) {
      const diverged = index % 20 === 10;
      fakeRun(join(sweepDir, rows[index]!.id), diverged ? 'diverged' : 'finished', index === 140 ? 0.05 : 0.2 + index / 10_000);
    }
    dashboard = await startDashboard({ runsDir: sweepDir, port: 0 });
    browser = await launchBrowser({ width: 1000, height: 900 });
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows the counts, the selected run and a page of 100 rows, and pages and filters on a click', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(dashboard.url);
    await page.waitForSelector('#sweep:not([hidden]) #sweep-runs tbody tr', { timeout: 30_000 });
    const counts = await page.$$eval('#sweep-counts button', (buttons) => buttons.map((b) => b.textContent));
    assert.deepEqual(counts, ['all 300', 'planned 270', 'finished 15', 'diverged 15']);
    assert.deepEqual(await page.$$eval('#sweep-selected tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-sweep-run'))), [rows[140]!.id]);
    assert.equal(await page.textContent('#sweep-range'), 'rows 1–100 of 300');
    assert.equal(await page.$$eval('#sweep-runs tbody tr', (trs) => trs.length), 100);

    await page.click('#sweep-next');
    await page.waitForFunction(() => document.querySelector('#sweep-range')?.textContent === 'rows 101–200 of 300', undefined, { timeout: 10_000 });
    assert.equal(await page.$eval('#sweep-runs tbody tr', (tr) => tr.children[1]!.textContent), '100');

    await page.click('#sweep-counts button[data-state="diverged"]');
    await page.waitForFunction(() => document.querySelector('#sweep-range')?.textContent === 'rows 1–15 of 15', undefined, { timeout: 10_000 });
    const states = await page.$$eval('#sweep-runs tbody tr td.state', (tds) => [...new Set(tds.map((td) => td.textContent))]);
    assert.deepEqual(states, ['diverged']);
    assert.equal(await page.$eval('#sweep-next', (b) => (b as HTMLButtonElement).disabled), true);

    const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(scroll <= 0, `the page scrolls sideways by ${scroll} px`);
    assert.deepEqual(errors, []);
  });
});
