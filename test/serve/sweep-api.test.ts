import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { writeFakeSweepRun as fakeRun } from '../helpers/finished-run-files.js';
import { startDashboard, type Dashboard } from '../../src/serve/index.js';
import { parseSweepQuery, SWEEP_PAGE_MAX_ROWS, SWEEP_PAGE_ROWS } from '../../src/serve/sweep-api.js';
import { planSweep } from '../../src/sweep/plan.js';
import type { SweepRow } from '../../src/sweep/sweep-directory.js';

/** /api/sweep on a sweep of 250 rows: counts by state, the selected run, pages, a state filter, an ETag. */

interface SweepRowJson {
  index: number;
  name: string;
  state: string;
  selected: boolean;
  testError: number | null;
}
interface SweepJson {
  total: number;
  counts: Record<string, number>;
  cells: { selected: string | null }[];
  selected: SweepRowJson[];
  page: { offset: number; limit: number; state: string | null; total: number; runs: SweepRowJson[] };
}

describe('the sweep API in summary and pages', () => {
  const work = mkdtempSync(join(tmpdir(), 'ncollapse-sweep-api-'));
  const sweepDir = join(work, 'sweep');
  let rows: SweepRow[];
  let dashboard: Dashboard;
  // rows 0, 10, ..., 290 (30 runs) have run: every third diverged, the others finished
  const started = new Map<number, { state: string; testError: number }>();
  before(async () => {
    const grid = join(work, 'grid.yaml');
    writeFileSync(
      grid,
      `fixed: { dataset: gaussian, model: mlp, epochs: 4 }\naxes:\n  lr: logspace(-3, -1, 5)\n  seed: [${Array.from({ length: 60 }, (_, i) => i).join(', ')}]\n`,
    );
    ({ rows } = planSweep(grid, sweepDir));
    for (let index = 0; index < rows.length; index += 10) {
      const run = { state: (index / 10) % 3 === 2 ? 'diverged' : 'finished', testError: 0.5 - ((index * 7) % 97) / 1000 };
      started.set(index, run);
      fakeRun(join(sweepDir, rows[index]!.id), run.state, run.testError);
    }
    dashboard = await startDashboard({ runsDir: sweepDir, port: 0, pollMs: 100 });
  });
  after(async () => {
    await dashboard.close();
    rmSync(work, { recursive: true, force: true });
  });

  const get = async (query = '', headers: Record<string, string> = {}) => fetch(`${dashboard.url}api/sweep${query}`, { headers });

  it('counts the rows by state and answers the first page of rows', async () => {
    const sweep = (await (await get()).json()) as SweepJson;
    assert.equal(sweep.total, 300);
    const finished = [...started.values()].filter((r) => r.state === 'finished').length;
    assert.deepEqual(sweep.counts, { planned: 300 - started.size, queued: 0, running: 0, finished, diverged: started.size - finished, interrupted: 0 });
    assert.equal(sweep.page.runs.length, SWEEP_PAGE_ROWS);
    assert.deepEqual(
      sweep.page.runs.map((r) => r.index),
      Array.from({ length: SWEEP_PAGE_ROWS }, (_, i) => i),
    );
    assert.deepEqual(sweep.page.runs.map((r) => r.state).slice(0, 11), ['finished', ...Array(9).fill('planned'), 'finished']);
  });

  it('names the selected run (lowest test error of the finished runs) and sends its row on every page', async () => {
    const best = [...started.entries()].filter(([, r]) => r.state === 'finished').sort(([, a], [, b]) => a.testError - b.testError)[0]![0];
    const sweep = (await (await get('?offset=200&limit=10')).json()) as SweepJson;
    assert.deepEqual(
      sweep.cells.map((c) => c.selected),
      [rows[best]!.id],
    );
    assert.deepEqual(
      sweep.selected.map((r) => [r.index, r.selected]),
      [[best, true]],
    );
    assert.deepEqual(
      sweep.page.runs.map((r) => r.index),
      Array.from({ length: 10 }, (_, i) => 200 + i),
    );
  });

  it('pages through one state only', async () => {
    const diverged = [...started.entries()].filter(([, r]) => r.state === 'diverged').map(([i]) => i);
    const first = (await (await get('?state=diverged&limit=4')).json()) as SweepJson;
    assert.equal(first.page.total, diverged.length);
    assert.deepEqual(
      first.page.runs.map((r) => r.index),
      diverged.slice(0, 4),
    );
    const last = (await (await get(`?state=diverged&limit=4&offset=${diverged.length - 2}`)).json()) as SweepJson;
    assert.deepEqual(
      last.page.runs.map((r) => r.index),
      diverged.slice(-2),
    );
    assert.ok(last.page.runs.every((r) => r.state === 'diverged'));
  });

  it('answers an unchanged poll with 304 and no body, and a changed sweep with a new ETag', async () => {
    const first = await get();
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^"[\w-]+"$/);
    const again = await get('', { 'If-None-Match': etag });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');

    fakeRun(join(sweepDir, rows[5]!.id), 'finished', 0.01);
    let changed: Response | null = null;
    for (let i = 0; i < 50 && !changed; i++) {
      const res = await get('', { 'If-None-Match': etag });
      if (res.status === 200) changed = res;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(changed, 'the change of a run was not seen within 5 s');
    assert.notEqual(changed.headers.get('etag'), etag);
    const sweep = (await changed.json()) as SweepJson;
    assert.deepEqual(
      sweep.selected.map((r) => r.index),
      [5],
    );
    assert.equal(sweep.counts.planned, 300 - started.size - 1);

    // the state brought up to date run by run is the state computed afresh
    fakeRun(join(sweepDir, rows[10]!.id), 'finished', 0.3);
    fakeRun(join(sweepDir, rows[6]!.id), 'running', 0.4);
    const fresh = await startDashboard({ runsDir: sweepDir, port: 0 });
    try {
      const query = 'api/sweep?limit=50&offset=0';
      const expected = await (await fetch(`${fresh.url}${query}`)).json();
      let updated: unknown = null;
      for (let i = 0; i < 50; i++) {
        updated = await (await fetch(`${dashboard.url}${query}`)).json();
        if (JSON.stringify(updated) === JSON.stringify(expected)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(updated, expected);
      assert.equal((expected as SweepJson).counts.interrupted, 1, 'status running, no backend: interrupted');
    } finally {
      await fresh.close();
    }
  });

  it('refuses a bad page with 400 naming the parameter', async () => {
    for (const [query, word] of [
      [`?limit=${SWEEP_PAGE_MAX_ROWS + 1}`, 'limit'],
      ['?offset=-1', 'offset'],
      ['?offset=1e3', 'offset'],
      ['?state=done', 'state'],
    ] as const) {
      const res = await get(query);
      assert.equal(res.status, 400, query);
      assert.match(await res.text(), new RegExp(`^${word}: expected`), query);
    }
  });

  it('parses the defaults of a query', () => {
    assert.deepEqual(parseSweepQuery(new URLSearchParams('')), { ok: true, query: { offset: 0, limit: SWEEP_PAGE_ROWS, state: null } });
    assert.deepEqual(parseSweepQuery(new URLSearchParams('offset=7&limit=0&state=running')), { ok: true, query: { offset: 7, limit: 0, state: 'running' } });
  });
});
