import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startDashboard, type Dashboard } from '../../src/serve/index.js';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser.js';
import { makeTempDir, writeFixtureRun, writeTwoFixtureRuns } from '../report/fixture-run.js';

/**
 * The dashboard's layout at the widths of a laptop (1000 px) and a desktop (1400 px): nothing
 * drawn past the viewport's right edge (a table may scroll inside its own box, a chart may not be
 * cut), no two tick labels of an axis overlapping, and the robustness keys in the latest
 * measurements of a run that has them.
 */

const WIDTHS = [1000, 1400];
const ROBUST_RUN = 'fmnist-robust';

/** A third run that measured DeepFool robustness (train --robustness K) at each measured epoch. */
function writeRobustRun(runsDir: string): void {
  const dir = writeFixtureRun(runsDir, { name: ROBUST_RUN, dataset: 'mnist', model: 'resnet18', numClasses: 10, epochs: 350, seed: 2 });
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const withRobustness = lines.map((line) => ({ ...line, deepfool_train: 0.2 + 0.001 * (line.epoch as number), deepfool_test: 0.18, deepfool_failed: 0.05 }));
  writeFileSync(join(dir, 'metrics.jsonl'), withRobustness.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

/** Elements whose visible part (after the clipping of scrolling ancestors) reaches past the right edge. */
async function pastRightEdge(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const node of document.body.querySelectorAll('*')) {
      const rect = node.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      let right = rect.right;
      let left = rect.left;
      for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.overflowX !== 'visible') {
          const box = up.getBoundingClientRect();
          right = Math.min(right, box.right);
          left = Math.max(left, box.left);
        }
      }
      if (right > left && right > width + 0.5) {
        const name = `${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}${node.getAttribute('class') ? `.${String(node.getAttribute('class')).split(' ').join('.')}` : ''}`;
        found.push(`${name} right=${right.toFixed(0)}`);
      }
    }
    return found;
  });
}

/** Charts that are wider than their box (cut, or only seen by scrolling it). */
async function cutCharts(page: Page): Promise<string[]> {
  return page.$$eval('.figure, #geometry-heatmap', (boxes) =>
    boxes.flatMap((box) => {
      const svg = box.querySelector('svg.marks');
      if (!svg) return [];
      const inner = box.getBoundingClientRect();
      const drawn = svg.getBoundingClientRect();
      const viewport = document.documentElement.clientWidth;
      return drawn.right > Math.min(inner.right, viewport) + 0.5
        ? [`${box.getAttribute('data-figure') ?? box.id}: chart right ${drawn.right.toFixed(0)} > box ${inner.right.toFixed(0)}`]
        : [];
    }),
  );
}

/** Pairs of visible tick labels of one axis whose boxes overlap. */
async function overlappingTickLabels(page: Page): Promise<string[]> {
  return page.$$eval('svg.marks', (svgs) =>
    svgs.flatMap((svg) => {
      const figure = svg.closest('[data-figure]')?.getAttribute('data-figure') ?? svg.closest('[id]')?.id ?? '?';
      return [...svg.querySelectorAll('g.role-axis')].flatMap((axis) => {
        const labels = [...axis.querySelectorAll('g.role-axis-label text')]
          .filter((text) => Number(getComputedStyle(text).opacity) > 0 && (text.textContent ?? '') !== '')
          .map((text) => ({ text: text.textContent!, box: text.getBoundingClientRect() }));
        const pairs: string[] = [];
        for (let i = 0; i < labels.length; i++) {
          for (let j = i + 1; j < labels.length; j++) {
            const a = labels[i]!.box;
            const b = labels[j]!.box;
            const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (overlapX > 0.5 && overlapY > 0.5) pairs.push(`${figure}: "${labels[i]!.text}" and "${labels[j]!.text}"`);
          }
        }
        return pairs;
      });
    }),
  );
}

describe('dashboard layout at 1000 and 1400 px', () => {
  const parent = makeTempDir();
  const runsDir = join(parent, 'runs');
  let dashboard: Dashboard;
  let browser: LaunchedBrowser;
  before(async () => {
    mkdirSync(runsDir);
    writeTwoFixtureRuns(runsDir);
    writeRobustRun(runsDir);
    dashboard = await startDashboard({ runsDir, port: 0 });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await dashboard?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('the checks themselves find a wide element, a cut chart and overlapping labels', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1000, height: 600 });
    await page.setContent(`<body style="margin:0">
      <div id="wide" style="width:1200px;height:10px"></div>
      <div style="width:500px;overflow-x:auto"><table id="scrolled" style="width:900px"><tr><td>in its box</td></tr></table></div>
      <div class="figure" data-figure="cut" style="width:300px;overflow-x:auto"><svg class="marks" width="600" height="50"></svg></div>
      <svg class="marks" width="400" height="60"><g class="role-axis"><g class="role-axis-label">
        <text x="10" y="20" font-size="11">30</text><text x="22" y="20" font-size="11">40</text><text x="200" y="20" font-size="11">100</text>
        <text x="30" y="20" font-size="11" opacity="0">hidden</text>
      </g></g></svg></body>`);
    assert.deepEqual(await pastRightEdge(page), ['div#wide right=1200']);
    assert.equal((await cutCharts(page)).length, 1);
    assert.deepEqual(await overlappingTickLabels(page), ['?: "30" and "40"']);
    await page.close();
  });

  for (const width of WIDTHS) {
    it(`at ${width} px: nothing past the right edge, no chart cut, no tick labels overlapping, the robustness keys shown`, async (t) => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(dashboard.url);
      await page.waitForFunction(() => (document.body.dataset.figuresEpoch ?? '').split(',').length === 3, undefined, { timeout: 60_000 });
      await page.waitForSelector('.figure[data-figure="fig8-robustness"] svg .mark-line', { timeout: 60_000 });
      await page.waitForSelector('#geometry-heatmap svg', { timeout: 60_000 });
      await page.waitForTimeout(300); // a resize re-fits the charts after a short pause

      const headers = await page.$$eval('#latest th', (ths) => ths.map((th) => th.textContent));
      for (const key of ['deepfool_train', 'deepfool_test', 'deepfool_failed']) assert.ok(headers.includes(key), `${key} in ${headers.join(', ')}`);
      const robustRow = await page.$$eval(`#latest tr[data-run="${ROBUST_RUN}"] td`, (tds) => tds.map((td) => td.textContent));
      const column = headers.indexOf('deepfool_failed');
      assert.equal(robustRow[column], '0.05');

      const scroll = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      const charts = await page.$$eval('svg.marks', (svgs) => svgs.length);
      assert.ok(charts >= 14, `${charts} charts`);
      // every kind of problem in one list, so that a failure shows them all
      const problems = [
        ...(scroll.scrollWidth > scroll.clientWidth ? [`the page scrolls sideways: ${scroll.scrollWidth} > ${scroll.clientWidth}`] : []),
        ...(await pastRightEdge(page)).map((p) => `past the right edge: ${p}`),
        ...(await cutCharts(page)).map((p) => `cut: ${p}`),
        ...(await overlappingTickLabels(page)).map((p) => `tick labels overlap: ${p}`),
      ];
      assert.deepEqual(problems, []);
      t.diagnostic(`${charts} charts checked`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
