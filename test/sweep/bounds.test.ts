import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { GridFileError } from '../../src/sweep/grid-file-error.js';
import { checkGridSize, DEFAULT_MAX_RUNS, parseGrid, readGrid } from '../../src/sweep/grid.js';
import { planSweep } from '../../src/sweep/plan.js';
import { runCli } from '../train/cli-run.js';

const work = mkdtempSync(join(tmpdir(), 'ncollapse-sweep-bounds-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('a grid file that is a device is refused before it is read', () => {
  assert.throws(
    () => readGrid('/dev/zero'),
    (e: unknown) => e instanceof GridFileError && /\/dev\/zero: is a character device; expected a grid file/.test(e.message),
  );
});

test('logspace(a, b, n) with a huge n is refused at once, naming the axis', () => {
  const started = Date.now();
  assert.throws(
    () => parseGrid('axes:\n  lr: logspace(-4, -1, 1000000000)\n', 'g.yaml'),
    /g\.yaml: axes\.lr: logspace\(a, b, n\) with n = 1000000000; at most 10000 values per axis/,
  );
  assert.ok(Date.now() - started < 5000);
});

test('a grid larger than --max-runs (default 10,000) is refused before any folder is made; the override plans it', () => {
  const text = 'fixed: { dataset: gaussian, epochs: 2 }\naxes:\n  lr: logspace(-4, -1, 200)\n  weight-decay: logspace(-6, -1, 51)\n';
  const grid = parseGrid(text, 'big.yaml');
  assert.throws(
    () => checkGridSize(grid, DEFAULT_MAX_RUNS),
    /big\.yaml: the grid has 10200 runs \(lr: 200 x weight-decay: 51\), more than the 10000 allowed; pass --max-runs 10200/,
  );
  assert.doesNotThrow(() => checkGridSize(grid, 10_200));
  const file = join(work, 'big.yaml');
  writeFileSync(file, text);
  assert.throws(() => planSweep(file, join(work, 'big')), /more than the 10000 allowed/);
  assert.equal(existsSync(join(work, 'big')), false);
});

test('sweep plan --out under /proc fails at once with the reason, and exits 1', async () => {
  const file = join(work, 'small.yaml');
  writeFileSync(file, 'fixed: { dataset: gaussian, epochs: 2 }\naxes:\n  lr: [0.1, 0.2]\n');
  const result = await runCli(['sweep', 'plan', file, '--out', '/proc/self/x']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /\/proc\/self\/x: cannot create the output folder/);
  const huge = await runCli(['sweep', 'plan', '/dev/zero', '--out', join(work, 'zero')]);
  assert.equal(huge.code, 1, huge.stderr);
  assert.match(huge.stderr, /\/dev\/zero: is a character device/);
});
