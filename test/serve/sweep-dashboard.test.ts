import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startDashboard, type Dashboard } from '../../src/serve/index.js';
import { planSweep } from '../../src/sweep/plan.js';
import type { SweepRow } from '../../src/sweep/sweep-directory.js';
import { leaveFinishedCheckpoints } from '../helpers/finished-run-files.js';

/** `serve DIR` on a sweep: /api/sweep has every row's state and the selected runs, which the page ticks first. */

function fakeRun(dir: string, state: string, testErrors: number[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name: 'x', dataset: 'gaussian', model: 'mlp', loss: 'ce', epochs: 4, numClasses: 10 }));
  writeFileSync(
    join(dir, 'status.json'),
    JSON.stringify({
      state,
      epoch: state === 'finished' ? 4 : testErrors.length,
      epochs: 4,
      tptEpoch: null,
      message: null,
      updatedAt: new Date().toISOString(),
    }),
  );
  writeFileSync(join(dir, 'metrics.jsonl'), testErrors.map((e, i) => `${JSON.stringify({ epoch: i + 1, train_error: 0.1, test_error: e })}\n`).join(''));
  if (state === 'finished') leaveFinishedCheckpoints(dir, 4);
}

describe('dashboard of a sweep', () => {
  const work = mkdtempSync(join(tmpdir(), 'ncollapse-sweep-serve-'));
  const sweepDir = join(work, 'sweep');
  let rows: SweepRow[];
  let dashboard: Dashboard;
  before(async () => {
    const grid = join(work, 'grid.yaml');
    writeFileSync(grid, 'fixed: { dataset: gaussian, model: mlp, epochs: 4 }\naxes:\n  lr: [0.01, 0.1, 0.5]\n');
    ({ rows } = planSweep(grid, sweepDir));
    fakeRun(join(sweepDir, rows[0]!.id), 'finished', [0.4, 0.3]);
    fakeRun(join(sweepDir, rows[1]!.id), 'finished', [0.3, 0.2]);
    fakeRun(join(sweepDir, rows[2]!.id), 'diverged', [0.9]);
    dashboard = await startDashboard({ runsDir: sweepDir, port: 0 });
  });
  after(async () => {
    await dashboard.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves every row with its state and the selected run of each cell', async () => {
    const sweep = (await (await fetch(`${dashboard.url}api/sweep`)).json()) as {
      page: { runs: { name: string; state: string; selected: boolean; testError: number }[] };
      cells: { selected: string; lr: number }[];
    };
    assert.deepEqual(
      sweep.page.runs.map((r) => [r.name, r.state, r.selected, r.testError]),
      [
        [rows[0]!.id, 'finished', false, 0.3],
        [rows[1]!.id, 'finished', true, 0.2],
        [rows[2]!.id, 'diverged', false, 0.9],
      ],
    );
    assert.deepEqual(
      sweep.cells.map((c) => [c.selected, c.lr]),
      [[rows[1]!.id, 0.1]],
    );
  });

  it('the page starts with the selected runs ticked and loads the sweep panel', async () => {
    const html = await (await fetch(dashboard.url)).text();
    assert.match(html, new RegExp(`"sweepSelected":\\["${rows[1]!.id}"\\]`));
    assert.match(html, /<section id="sweep" data-testid="sweep" hidden>/);
    const script = await fetch(`${dashboard.url}static/sweep-panel.js`);
    assert.equal(script.status, 200);
    assert.match(await script.text(), /\/api\/sweep/);
  });

  it('answers null for a directory of runs that is not a sweep', async () => {
    const plain = await startDashboard({ runsDir: join(sweepDir, rows[0]!.id), port: 0 });
    try {
      assert.equal(await (await fetch(`${plain.url}api/sweep`)).json(), null);
      assert.match(await (await fetch(plain.url)).text(), /"sweepSelected":null/);
    } finally {
      await plain.close();
    }
  });
});
