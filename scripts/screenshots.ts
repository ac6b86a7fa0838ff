/**
 * Screenshots for the docs: renders the report of a run and the dashboard showing it in headless
 * chromium, and saves docs/report.png and docs/dashboard.png.
 *
 *   node --import tsx scripts/screenshots.ts RUN_DIR
 *
 * The report is written to a temporary directory (the run is left as it is); the dashboard serves
 * the run's parent directory with only this run ticked.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeReport } from '../src/report/index.js';
import { startDashboard } from '../src/serve/index.js';
import { launchBrowser } from '../test/helpers/browser.js';

async function main(): Promise<void> {
  const runArg = process.argv[2];
  if (!runArg) {
    console.error('usage: node --import tsx scripts/screenshots.ts RUN_DIR');
    process.exit(2);
  }
  const runDir = resolve(runArg);
  const docs = resolve(dirname(new URL(import.meta.url).pathname), '..', 'docs');
  mkdirSync(docs, { recursive: true });
  const out = mkdtempSync(join(tmpdir(), 'ncollapse-screenshots-'));
  const reportPath = await writeReport([runDir], out, { png: false });

  const browser = await launchBrowser({ width: 1400, height: 1000 });
  const dashboard = await startDashboard({ runsDir: dirname(runDir), port: 0 });
  try {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(reportPath).href);
    await page.waitForLoadState('load');
    // The top of the report: runs, Table 1 and the first figures (the whole page is very tall).
    await page.screenshot({ path: join(docs, 'report.png'), clip: { x: 0, y: 0, width: 1400, height: 2000 }, fullPage: true });

    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.goto(`${dashboard.url}#runs=${encodeURIComponent(basename(runDir))}`);
    await page.waitForSelector('.figure svg', { timeout: 15_000 });
    await page.waitForSelector('#geometry-heatmap svg', { timeout: 15_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(docs, 'dashboard.png'), clip: { x: 0, y: 0, width: 1600, height: 1400 }, fullPage: true });
    console.log(`wrote ${join(docs, 'report.png')} and ${join(docs, 'dashboard.png')}`);
  } finally {
    await dashboard.close();
    await browser.close();
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
