import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { writeReport } from '../../src/report/index.js';
import { makeTempDir, writeTwoFixtureRuns } from './fixture-run.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const run = promisify(execFile);

describe('writeReport', () => {
  const parent = makeTempDir();
  let runA = '';
  let runB = '';
  let out = '';
  let reportPath = '';
  before(async () => {
    ({ runA, runB } = writeTwoFixtureRuns(parent));
    out = join(parent, 'report');
    reportPath = await writeReport([runA, runB], out);
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('writes report.html and an SVG and a PNG of every figure', () => {
    assert.equal(reportPath, join(out, 'report.html'));
    const files = readdirSync(join(out, 'figures'));
    const svgs = files.filter((f) => f.endsWith('.svg'));
    assert.ok(svgs.length >= 15, `only ${svgs.length} figures`);
    for (const svg of svgs) assert.ok(files.includes(svg.replace(/\.svg$/, '.png')), svg);
  });

  it('draws the run legend in the SVG of every epoch figure', () => {
    for (const id of ['error', 'fig2-equinorm', 'fig6-nc1', 'fig7-ncc-mismatch']) {
      const svg = readFileSync(join(out, 'figures', `${id}.svg`), 'utf8');
      assert.ok(svg.startsWith('<svg'), id);
      assert.ok(svg.includes('dataset / model / loss'), `${id}: legend title`);
      assert.ok(svg.includes('fashion-mnist / mlp / ce'), `${id}: run A`);
      assert.ok(svg.includes('gaussian / mlp / mse'), `${id}: run B`);
    }
  });

  it('writes PNG files', () => {
    for (const id of ['error', 'geometry-pca3d-fmnist-mlp-ce', 'layers-nc1']) {
      const png = readFileSync(join(out, 'figures', `${id}.png`));
      assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), id);
      assert.ok(png.length > 5000, `${id}: ${png.length} bytes`);
    }
  });

  it('inlines every figure into one page that needs no network', () => {
    const html = readFileSync(reportPath, 'utf8');
    const svgs = readdirSync(join(out, 'figures')).filter((f) => f.endsWith('.svg'));
    assert.equal(html.match(/<img [^>]*src="data:image\/svg\+xml;base64,/g)?.length, svgs.length);
    assert.ok(!/(src|href)="https?:/.test(html), 'no remote resource');
    assert.match(html, /Table 1/);
  });

  it('ncollapse report prints Table 1 as Markdown and writes into the run for one run', async () => {
    const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'ncollapse');
    const { stdout } = await run(process.execPath, [bin, 'report', runB, '--no-png'], { cwd: parent });
    assert.match(stdout, /^\| Run \| Name \| TPT epoch/m);
    assert.match(stdout, /\| gaussian \/ mlp \/ mse \| synthetic-mse \| 20 \|/);
    assert.ok(existsSync(join(runB, 'report.html')));
    assert.ok(existsSync(join(runB, 'figures', 'fig6-nc1.svg')));
    assert.ok(!existsSync(join(runB, 'figures', 'fig6-nc1.png')));
  });
});
