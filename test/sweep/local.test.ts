import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { SweepDirectory } from '../../src/sweep/sweep-directory.js';
import { runCli } from '../train/cli-run.js';

/**
 * The local backend end to end: plan, a pool of two `train` processes, status, the selection of
 * the report and summary.json, a second `sweep run` that runs nothing again, and a sweep whose
 * only cell diverged everywhere.
 */

const work = mkdtempSync(join(tmpdir(), 'ncollapse-sweep-local-'));
after(() => rmSync(work, { recursive: true, force: true }));

const BASE = 'dataset: gaussian, model: mlp, per-class: 40, width: 0.125, epochs: 3, measure: all, report: false, threads: 1';

async function plan(name: string, text: string): Promise<string> {
  const grid = join(work, `${name}.yaml`);
  writeFileSync(grid, text);
  const out = join(work, name);
  const planned = await runCli(['sweep', 'plan', grid, '--out', out]);
  assert.equal(planned.code, 0, planned.stderr);
  return out;
}

function finalTestError(runDir: string): number {
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  return (JSON.parse(lines.at(-1)!) as { test_error: number }).test_error;
}

describe('sweep on the local backend', { timeout: 300_000 }, () => {
  it('runs every run, selects the lowest final test error, reports Table 1 and runs nothing twice', async () => {
    const dir = await plan('good', `fixed: { ${BASE} }\naxes:\n  lr: [0.01, 0.1]\n`);
    const ran = await runCli(['sweep', 'run', dir, '--backend', 'local', '--parallel', '2']);
    assert.equal(ran.code, 0, ran.stderr + ran.stdout);
    assert.match(ran.stdout, /running 2 runs, 2 at a time, 1 thread\(s\) each/);
    assert.equal(ran.stdout.match(/: finished in [\d.]+ s, test error 0\.\d{4} \(\d\/2\)/g)?.length, 2, ran.stdout);
    assert.match(ran.stdout, /2 runs: 2 finished; no backend running/);

    const rows = new SweepDirectory(dir).readRows();
    const errors = rows.map((row) => finalTestError(join(dir, row.id)));
    const best = errors[0]! <= errors[1]! ? rows[0]! : rows[1]!;

    const report = await runCli(['report', dir, '--no-png']);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /^\| Run \| Name \| TPT epoch \| Test acc\. at TPT \(%\) \| Last epoch \| Test acc\. at last \(%\) \| Change \(points\) \|$/m);
    assert.match(
      report.stdout,
      new RegExp(`^\\| gaussian / mlp / ce \\| ${best.id} \\| .* \\| 3 \\| ${(100 * (1 - finalTestError(join(dir, best.id)))).toFixed(2)} \\|`, 'm'),
    );
    assert.match(report.stdout, new RegExp(`gaussian / mlp / ce: selected lr ${best.config.lr} \\(seed 0, run ${best.id}\\)`));
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
      complete: boolean;
      cells: { selected: { id: string; lr: number; lastEpoch: number; testAccuracyAtEnd: number } }[];
    };
    assert.equal(summary.complete, true);
    assert.equal(summary.cells.length, 1);
    assert.equal(summary.cells[0]!.selected.id, best.id);
    assert.equal(summary.cells[0]!.selected.lr, best.config.lr);
    assert.equal(summary.cells[0]!.selected.lastEpoch, 3);
    assert.ok(Math.abs(summary.cells[0]!.selected.testAccuracyAtEnd - 100 * (1 - finalTestError(join(dir, best.id)))) < 1e-9);
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /Table 1/);
    // The figures colour by dataset and style by network, as the paper's.
    assert.match(readFileSync(join(dir, 'figures', 'error.svg'), 'utf8'), />dataset</);

    // Nothing is run again, nothing written is touched.
    const mtimes = rows.map((row) => statSync(join(dir, row.id, 'metrics.jsonl')).mtimeMs);
    const again = await runCli(['sweep', 'run', dir, '--backend', 'local', '--parallel', '2']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /2 of 2 runs already done \(finished or diverged\): not run again/);
    assert.deepEqual(
      rows.map((row) => statSync(join(dir, row.id, 'metrics.jsonl')).mtimeMs),
      mtimes,
    );
  });

  it('says so when every run of a cell diverged, and does not run them again', async () => {
    // The lr is multiplied by a million after epoch 2: every run blows up in epoch 3.
    const dir = await plan('diverging', `fixed: { ${BASE}, milestones: [2], gamma: 1000000 }\naxes:\n  lr: [0.01, 0.02]\n`);
    const ran = await runCli(['sweep', 'run', dir, '--parallel', '2']);
    assert.equal(ran.code, 0, ran.stderr + ran.stdout);
    assert.equal(ran.stdout.match(/: diverged after [\d.]+ s \(.*NaN.*Try a smaller --lr\.\)/g)?.length, 2, ran.stdout);
    assert.match(ran.stdout, /2 runs: 2 diverged/);
    const report = await runCli(['report', dir]);
    assert.equal(report.code, 1);
    assert.match(
      report.stderr,
      /no cell has a finished run to report yet \(gaussian \/ mlp \/ ce: every run diverged \(lr 0\.01, 0\.02\): no run selected; try smaller learning rates\)/,
    );
    const again = await runCli(['sweep', 'run', dir]);
    assert.match(again.stdout, /2 of 2 runs already done/);
  });

  it('names the log of a run that failed, and exits with an error', async () => {
    const empty = join(work, 'no-data');
    mkdirSync(empty);
    const dir = await plan('failing', `fixed: { dataset: cifar10, data-dir: ${empty}, epochs: 1, report: false }\naxes:\n  lr: [0.01]\n`);
    const ran = await runCli(['sweep', 'run', dir]);
    assert.equal(ran.code, 1, ran.stdout);
    const row = new SweepDirectory(dir).readRows()[0]!;
    const log = join(dir, 'logs', `run-0-${row.id}.log`);
    assert.ok(ran.stdout.includes(`failed with exit code 1 after`) && ran.stdout.includes(`(${log})`), ran.stdout);
    assert.match(readFileSync(log, 'utf8'), /cifar/i);
  });
});
