import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDashboard, type Dashboard } from '../../src/serve/index.js';
import { appendFixtureEpoch, makeTempDir, writeTwoFixtureRuns, type FixtureOptions } from '../report/fixture-run.js';
import { rawGet } from './raw-http.js';

const SECRET = 'top-secret-do-not-serve';

/** Reads server-sent events from /events until `predicate` accepts one (or the timeout). */
async function waitForEvent(url: string, predicate: (event: string, data: unknown) => boolean, timeoutMs: number, start: () => void) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(`${url}events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let started = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended');
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        if (!started && event === 'runs') {
          started = true;
          start();
          continue;
        }
        if (predicate(event, JSON.parse(data))) return;
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

describe('dashboard server', () => {
  const parent = makeTempDir();
  const runsDir = join(parent, 'runs');
  let dashboard: Dashboard;
  let runB = '';
  let optionsB: FixtureOptions;
  before(async () => {
    mkdirSync(runsDir);
    ({ runB, optionsB } = writeTwoFixtureRuns(runsDir));
    writeFileSync(join(parent, 'secret.txt'), SECRET);
    symlinkSync(join(parent, 'secret.txt'), join(runB, 'escape.txt'));
    dashboard = await startDashboard({ runsDir, port: 0 });
  });
  after(async () => {
    await dashboard.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    const address = dashboard.server.address();
    assert.ok(address && typeof address === 'object' && address.address === '127.0.0.1');
  });

  it('lists the runs with their state', async () => {
    const runs = (await (await fetch(`${dashboard.url}api/runs`)).json()) as { name: string; state: string; epoch: number; tptEpoch: number | null }[];
    assert.deepEqual(
      runs.map((r) => [r.name, r.state, r.tptEpoch]),
      [
        ['fmnist-mlp-ce', 'finished', 30],
        ['synthetic-mse', 'running', 20],
      ],
    );
  });

  it('serves the vega builds itself', async () => {
    for (const name of ['vega', 'vega-lite', 'vega-embed']) {
      const res = await fetch(`${dashboard.url}static/${name}.min.js`);
      assert.equal(res.status, 200, name);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
    }
    const page = await (await fetch(dashboard.url)).text();
    assert.ok(!/(src|href)="https?:/.test(page), 'no CDN');
  });

  it('serves figures specs and a file of a run', async () => {
    const figures = (await (await fetch(`${dashboard.url}api/figures?runs=fmnist-mlp-ce,synthetic-mse`)).json()) as { figures: { id: string }[] };
    assert.ok(figures.figures.some((f) => f.id === 'fig6-nc1'));
    const config = await fetch(`${dashboard.url}runs/synthetic-mse/config.json`);
    assert.equal(config.status, 200);
    assert.equal(((await config.json()) as { loss: string }).loss, 'mse');
  });

  it('refuses every path that leads outside RUNS_DIR', async () => {
    const paths = [
      '/../secret.txt',
      '/runs/../secret.txt',
      '/runs/../../secret.txt',
      '/runs/synthetic-mse/../../secret.txt',
      '/runs/%2e%2e/secret.txt',
      '/runs/%2E%2E/%2e%2e/secret.txt',
      '/runs/..%2fsecret.txt',
      '/runs/%2e%2e%2fsecret.txt',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/runs/..%5csecret.txt',
      `/runs/${encodeURIComponent(join(parent, 'secret.txt'))}`,
      `/runs/${join(parent, 'secret.txt')}`,
      '//etc/passwd',
      '/runs//etc/passwd',
      '/runs/synthetic-mse/escape.txt',
      '/static/../../package.json',
    ];
    for (const path of paths) {
      const { status, body } = await rawGet(dashboard.port, path);
      assert.ok(status === 403 || status === 404, `${path}: ${status}`);
      assert.ok(!body.includes(SECRET) && !body.includes('root:'), path);
    }
    assert.equal((await rawGet(dashboard.port, '/runs/../secret.txt')).status, 403);
    assert.equal((await rawGet(dashboard.port, '/runs/%2e%2e/secret.txt')).status, 403);
  });

  it('refuses a Host other than the loopback names (DNS rebinding)', async () => {
    assert.equal((await rawGet(dashboard.port, '/api/runs', 'evil.example:8080')).status, 403);
    assert.equal((await rawGet(dashboard.port, '/api/runs', `localhost:${dashboard.port}`)).status, 200);
  });

  it('pushes an event when a line is appended to metrics.jsonl', async () => {
    const t0 = Date.now();
    await waitForEvent(
      dashboard.url,
      (event, data) =>
        event === 'run-changed' &&
        (data as { name: string; files: string[] }).name === 'synthetic-mse' &&
        (data as { files: string[] }).files.includes('metrics.jsonl'),
      2000,
      () => appendFixtureEpoch(runB, optionsB, 35),
    );
    assert.ok(Date.now() - t0 < 2000);
    const runs = (await (await fetch(`${dashboard.url}api/runs`)).json()) as { name: string; lastMeasuredEpoch: number }[];
    assert.equal(runs.find((r) => r.name === 'synthetic-mse')?.lastMeasuredEpoch, 35);
  });
});
