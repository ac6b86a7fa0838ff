import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { GridFileError } from '../../src/sweep/grid-file-error.js';
import { gridPoints, logspace, parseGrid, readGrid } from '../../src/sweep/grid.js';
import { configId, planRows } from '../../src/sweep/plan.js';
import { parseTrainArgs, rowConfig } from '../../src/sweep/grid-options.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-grid-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function gridError(text: string): string {
  try {
    parseGrid(text, 'g.yaml');
  } catch (error) {
    assert.ok(error instanceof GridFileError, String(error));
    return error.message;
  }
  assert.fail('the grid was accepted');
}

describe('grid files', () => {
  it('logspace is numpy.logspace: 10^a to 10^b, evenly spaced exponents', () => {
    assert.deepEqual(logspace(-3, -1, 3), [0.001, 0.01, 0.1]);
    assert.deepEqual(logspace(0, 2, 5), [1, 3.16228, 10, 31.6228, 100]);
    assert.deepEqual(logspace(-2, -2, 1), [0.01]);
  });

  it('expands axes in file order, the first axis slowest, and keeps fixed options', () => {
    const grid = parseGrid('fixed: { dataset: gaussian, epochs: 2 }\naxes:\n  lr: logspace(-2, -1, 2)\n  seed: [0, 1, 2]\n', 'g.yaml');
    assert.deepEqual(grid.fixed, { dataset: 'gaussian', epochs: 2 });
    assert.equal(grid.name, 'g');
    const points = gridPoints(grid);
    assert.equal(points.length, 6);
    assert.deepEqual(points.slice(0, 4), [
      { lr: 0.01, seed: 0 },
      { lr: 0.01, seed: 1 },
      { lr: 0.01, seed: 2 },
      { lr: 0.1, seed: 0 },
    ]);
  });

  it('accepts camelCase and kebab-case keys and switches as booleans', () => {
    const grid = parseGrid('fixed: { batchSize: 32, weight-decay: 0.001, layers: false, pad: true, milestones: [3, 6] }\naxes: { seed: [0] }\n', 'g.yaml');
    const [row] = planRows(grid);
    assert.equal(row!.config.batchSize, 32);
    assert.equal(row!.config.weightDecay, 0.001);
    assert.equal(row!.config.layers, false);
    assert.equal(row!.config.pad, true);
    assert.deepEqual(row!.config.lrMilestones, [3, 6]);
    assert.ok(row!.args.includes('--no-layers') && row!.args.includes('--pad'));
  });

  it('names the file, the key and what was expected for bad grids', () => {
    assert.match(gridError('axes: [1, 2'), /^g\.yaml: not valid YAML \(line \d\)/);
    assert.match(gridError('axes: { lr: [0.1] }\nfixd: { epochs: 2 }\n'), /^g\.yaml: \(top level\): unknown key\(s\) 'fixd'/);
    assert.match(gridError('fixed: { epochs: 2 }\n'), /^g\.yaml: axes: /);
    assert.match(gridError('axes: { lrate: [0.1, 0.2] }\n'), /^g\.yaml: axes\.lrate: 'lrate' is not an option of 'ncollapse train' \(options: dataset, /);
    assert.match(gridError('fixed: { out: runs/x }\naxes: { lr: [0.1] }\n'), /fixed\.out: 'out' is not an option/);
    assert.match(gridError('axes: { lr: [0.1, abc] }\n'), /^g\.yaml: axes\.lr\[1\]: --lr: must be a number > 0 and <= 1000, got 'abc'$/);
    assert.match(gridError('axes: { loss: [ce, hinge] }\n'), /axes\.loss\[1\]: --loss: must be one of ce, mse, focal, got 'hinge'/);
    assert.match(gridError('axes: { epochs: [10, 2.5] }\n'), /axes\.epochs\[1\]: --epochs: must be an integer >= 1 and <= 100000, got 2\.5/);
    assert.match(gridError('axes: { layers: [yes-please] }\n'), /axes\.layers\[0\]: 'layers' is a switch: expected true or false/);
    assert.match(gridError('axes: { dataset: [mnist, imagenet] }\n'), /axes\.dataset\[1\]: --dataset: unknown dataset 'imagenet'; expected one of mnist, /);
    assert.match(gridError('axes:\n  lr: logspace(-2, -1)\n'), /axes\.lr: expected a list of values or 'logspace\(a, b, n\)'/);
    assert.match(gridError('axes:\n  lr: logspace(-2, x, 3)\n'), /axes\.lr: logspace\(a, b, n\) needs numbers/);
    assert.match(gridError('fixed: { lr: 0.1 }\naxes: { lr: [0.2] }\n'), /axes\.lr: 'lr' is also in fixed/);
    assert.match(gridError('axes: { seed: [1, 1] }\n'), /axes\.seed: 1 is given twice/);
    // The bounds of the option table, the same as train's.
    assert.match(gridError('axes: { lr: [0, 0.1] }\n'), /^g\.yaml: axes\.lr\[0\]: --lr: must be a number > 0 and <= 1000, got 0$/);
    assert.match(
      gridError('fixed: { weightDecay: 1e300 }\naxes: { seed: [0] }\n'),
      /^g\.yaml: fixed\.weightDecay: --weight-decay: must be a number >= 0 and <= 1, got 1e\+300$/,
    );
    assert.match(gridError('axes: { model: [mlp, nope] }\n'), /axes\.model\[1\]: --model: unknown model 'nope'; expected one of mlp, /);
  });

  it('reports a missing grid file by its path', () => {
    assert.throws(
      () => readGrid(join(dir, 'missing.yaml')),
      (e: Error) => e instanceof GridFileError && e.message.startsWith(join(dir, 'missing.yaml')) && /ENOENT/.test(e.message),
    );
  });
});

describe('plan rows', () => {
  const text = 'fixed: { dataset: gaussian, model: mlp, epochs: 2 }\naxes:\n  lr: [0.01, 0.1]\n  seed: [0, 1]\n';

  it('give every row the hash of its resolved settings: stable, order-free, distinct', () => {
    const rows = planRows(parseGrid(text, 'a.yaml'));
    assert.equal(rows.length, 4);
    assert.equal(new Set(rows.map((r) => r.id)).size, 4);
    // The same runs from a grid written the other way round (axes swapped, a default spelled out).
    const swapped = planRows(
      parseGrid('fixed: { epochs: 2, model: mlp, dataset: gaussian, momentum: 0.9 }\naxes:\n  seed: [0, 1]\n  lr: [0.01, 0.1]\n', 'b.yaml'),
    );
    assert.deepEqual(new Set(swapped.map((r) => r.id)), new Set(rows.map((r) => r.id)));
    assert.equal(configId({ b: 1, a: [1, { d: 2, c: 3 }] }), configId({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });

  it('write arguments that `train` parses back into the same settings', () => {
    for (const row of planRows(parseGrid(text, 'a.yaml'))) {
      assert.deepEqual(rowConfig(parseTrainArgs(row.args)), row.config);
      assert.equal(row.config.lr, row.axes.lr);
      assert.equal(row.config.weightDecay, 5e-4, 'defaults are written out');
    }
  });

  it('the grids that ship with the project expand as documented', () => {
    const small = planRows(readGrid(fileURLToPath(new URL('../../grids/small.yaml', import.meta.url))));
    assert.equal(small.length, 8);
    assert.equal(new Set(small.map((r) => r.config.lr)).size, 4);
    const paper = readGrid(fileURLToPath(new URL('../../grids/paper.yaml', import.meta.url)));
    const lrs = paper.axes.find((a) => a.name === 'lr')!.values as number[];
    assert.equal(lrs.length, 25);
    assert.equal(lrs[0], 1e-4);
    assert.ok(Math.abs(lrs[24]! - 0.25) < 1e-5);
    assert.equal(paper.fixed.epochs, 350);
    const rows = planRows(paper);
    const cells = new Set(rows.map((r) => `${r.config.dataset}/${r.config.model}`));
    assert.equal(rows.length, cells.size * 25);
  });
});
