import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { startDashboard, type Dashboard } from '../../src/serve/index.js';
import { MAX_FIGURE_RUNS } from '../../src/serve/run-list.js';
import { makeTempDir, writeTwoFixtureRuns } from '../report/fixture-run.js';
import { runCli } from '../train/cli-run.js';

const parent = makeTempDir();
let dashboard: Dashboard;
let names: string[];

before(async () => {
  const runsDir = join(parent, 'runs');
  mkdirSync(runsDir);
  const { runA, runB } = writeTwoFixtureRuns(runsDir);
  names = [runA, runB].map((run) => run.split('/').pop()!);
  dashboard = await startDashboard({ runsDir, port: 0 });
});
after(async () => {
  await dashboard.close();
  rmSync(parent, { recursive: true, force: true });
});

test('/api/figures reads each run once however often a long query repeats it', async () => {
  const repeats = Math.ceil(15_000 / (names.join(',').length + 1));
  const query = Array.from({ length: 2 * repeats }, (_, i) => names[i % 2]).join(',');
  assert.ok(query.length > 15_000);
  const res = await fetch(`${dashboard.url}api/figures?runs=${query}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { latest: { name: string }[] };
  assert.deepEqual(
    body.latest.map((l) => l.name),
    names,
  );
});

test(`/api/figures refuses more than ${MAX_FIGURE_RUNS} different runs`, async () => {
  const many = Array.from({ length: MAX_FIGURE_RUNS + 1 }, (_, i) => `run-${i}`).join(',');
  const res = await fetch(`${dashboard.url}api/figures?runs=${many}`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), new RegExp(`${MAX_FIGURE_RUNS + 1} runs given, at most ${MAX_FIGURE_RUNS}`));
});

test('ncollapse serve refuses a regular file as its runs folder', async () => {
  const file = join(parent, 'runs.txt');
  writeFileSync(file, 'not a folder');
  const result = await runCli(['serve', file, '--port', '0']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /runs\.txt is a file, not a folder of run directories/);
});
