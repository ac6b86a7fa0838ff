/**
 * The dashboard at a researcher's scale: a folder of BENCH_RUNS runs (default 500) and a sweep of
 * BENCH_SWEEP_ROWS rows (default 100,000, planned by `sweep plan`'s own writer into as many
 * folders), BENCH_SWEEP_STARTED of which (default 2,000) have run. The runs are small synthetic
 * run directories written with the trainer's RunDirectory. Times the server's start and each
 * request (cold: the first; warm: the median of BENCH_REPEATS), with the size of each answer.
 * The goal (issue 19): every request under 1 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { RunDirectory } from '../src/run/run-directory.js';
import { startDashboard, type Dashboard } from '../src/serve/index.js';
import { planSweep } from '../src/sweep/plan.js';
import { median } from './python-torch.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const SWEEP_ROWS = Number(process.env.BENCH_SWEEP_ROWS ?? 100_000);
const SWEEP_STARTED = Number(process.env.BENCH_SWEEP_STARTED ?? 2000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const GOAL_MS = 1000;
const EPOCHS = 100;
const MEASURED = [1, 2, 3, 4, 6, 8, 12, 17, 24, 35, 50, 71, 100];
const STATES = ['finished', 'finished', 'finished', 'running', 'diverged', 'interrupted'] as const;

/** A run directory as the trainer leaves it: config, status, 13 metrics lines, 4 geometry lines (C = 10). */
function writeRun(dir: string, i: number, extra: Record<string, unknown> = {}): void {
  const run = new RunDirectory(dir);
  run.create();
  const state = STATES[i % STATES.length]!;
  const last = state === 'finished' ? EPOCHS : MEASURED[3 + (i % 8)]!;
  run.writeConfig({
    name: `run-${i}`,
    dataset: ['fashion-mnist', 'mnist', 'cifar10'][i % 3],
    model: ['mlp', 'resnet18'][i % 2],
    loss: i % 4 === 0 ? 'mse' : 'ce',
    epochs: EPOCHS,
    numClasses: 10,
    lr: 0.01 * (1 + (i % 7)),
    seed: i,
    ...extra,
  });
  const decay = (a: number, p: number, e: number) => a * Math.pow(e, -p) * (1 + (i % 13) / 50);
  for (const epoch of MEASURED.filter((e) => e <= last)) {
    run.appendMetrics({
      epoch,
      lr: 0.05,
      loss: decay(2, 1.1, epoch),
      train_error: epoch >= 30 ? 0 : 0.3 * (1 - epoch / 30),
      test_error: 0.1 + 0.3 * Math.exp(-epoch / 4),
      test_loss: 0.35 + decay(1.5, 1, epoch),
      nc1: decay(4, 1.2, epoch),
      ncc_mismatch: decay(0.2, 1, epoch),
      self_duality: decay(0.9, 0.5, epoch),
      deepfool_train: 0.1 + decay(0.05, 0.3, epoch),
      deepfool_test: 0.09 + decay(0.05, 0.3, epoch),
      deepfool_failed: 0,
      tpt_epoch: epoch >= 30 ? 30 : null,
    });
  }
  for (const epoch of [1, 10, 50, 100].filter((e) => e <= last)) {
    const C = 10;
    const eye = Array.from({ length: C }, (_, a) => Array.from({ length: C }, (_, b) => (a === b ? 1 : -1 / (C - 1))));
    run.appendGeometry({
      epoch,
      cos_means: eye,
      cos_classifier: eye,
      pca_means: eye.map((r) => r.slice(0, 3)),
      pca_classifier: eye.map((r) => r.slice(0, 3)),
      explained_variance: [0.34, 0.33, 0.33],
    });
  }
  run.writeStatus({ state, epoch: last, epochs: EPOCHS, tptEpoch: last >= 30 ? 30 : null, message: state === 'diverged' ? 'loss is NaN' : null });
}

function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

interface Timing {
  what: string;
  ms: number;
  /** CPU time of this process (server and client) during the request: the machine may be shared. */
  cpuMs?: number;
  bytes: number;
  status: number;
}

async function timedGet(url: string, what: string, headers: Record<string, string> = {}): Promise<Timing> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const res = await fetch(url, { headers });
  const body = await res.arrayBuffer();
  return { what, ms: performance.now() - start, cpuMs: cpuMsSince(cpu), bytes: body.byteLength, status: res.status };
}

/** Time to the first event of /events (the run list every page starts from). */
async function timedEvents(url: string): Promise<Timing> {
  const controller = new AbortController();
  const start = performance.now();
  const res = await fetch(`${url}events`, { signal: controller.signal });
  const reader = res.body!.getReader();
  let text = '';
  while (!/event: runs\ndata: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const ms = performance.now() - start;
  controller.abort();
  return { what: 'GET /events (first "runs" event)', ms, bytes: text.length, status: res.status };
}

async function warm(url: string, what: string, headers: Record<string, string> = {}): Promise<Timing> {
  const times: Timing[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await timedGet(url, what, headers));
  return { ...times[0]!, what: `${what} (median of ${REPEATS})`, ms: median(times.map((t) => t.ms)), cpuMs: median(times.map((t) => t.cpuMs ?? 0)) };
}

const rows: string[] = [];
let worstMs = 0;
function report(scene: string, timing: Timing): void {
  const isRequest = timing.status !== 0;
  if (isRequest) worstMs = Math.max(worstMs, timing.ms);
  const flag = isRequest && timing.ms > GOAL_MS ? '  OVER 1 s' : '';
  const cpu = timing.cpuMs === undefined ? '' : `${timing.cpuMs.toFixed(1).padStart(8)} ms cpu`;
  rows.push(
    `${scene.padEnd(7)} ${timing.what.padEnd(62)} ${timing.ms.toFixed(1).padStart(9)} ms ${cpu.padStart(15)} ${(timing.bytes / 1024).toFixed(1).padStart(9)} KiB  ${timing.status}${flag}`,
  );
  console.log(rows[rows.length - 1]);
}

async function benchRequests(scene: string, dashboard: Dashboard, names: string[], sweep: boolean): Promise<void> {
  const url = dashboard.url;
  report(scene, await timedGet(url, 'GET / (page, first)'));
  report(scene, await timedGet(`${url}api/runs`, 'GET /api/runs (first)'));
  report(scene, await warm(`${url}api/runs`, 'GET /api/runs'));
  report(scene, await timedEvents(url));
  const four = names.slice(0, 4).join(',');
  report(scene, await timedGet(`${url}api/figures?runs=${four}`, 'GET /api/figures, 4 runs (first)'));
  report(scene, await warm(`${url}api/figures?runs=${four}`, 'GET /api/figures, 4 runs'));
  report(scene, await warm(`${url}api/geometry?run=${names[0]}`, 'GET /api/geometry'));
  if (!sweep) return;
  const first = await timedGet(`${url}api/sweep`, 'GET /api/sweep (first page)');
  report(scene, first);
  report(scene, await warm(`${url}api/sweep`, 'GET /api/sweep'));
  const etag = (await fetch(`${url}api/sweep`)).headers.get('etag') ?? '';
  report(scene, await warm(`${url}api/sweep`, 'GET /api/sweep, If-None-Match (unchanged poll)', { 'If-None-Match': etag }));
  report(scene, await warm(`${url}api/sweep?offset=${Math.floor(SWEEP_ROWS / 2)}&limit=100`, 'GET /api/sweep?offset=50%&limit=100'));
  report(scene, await warm(`${url}api/sweep?state=finished&offset=100`, 'GET /api/sweep?state=finished&offset=100'));
}

/** Appends a metrics line to one run and times the requests that follow the change. */
async function benchChange(scene: string, dashboard: Dashboard, dir: string, sweep: boolean): Promise<void> {
  new RunDirectory(dir).appendMetrics({ epoch: 101, loss: 0.01, train_error: 0, test_error: 0.1 });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the watcher sees it
  report(scene, await timedGet(`${dashboard.url}api/runs`, 'GET /api/runs after one run changed'));
  if (sweep) report(scene, await timedGet(`${dashboard.url}api/sweep`, 'GET /api/sweep after one run changed'));
}

const work = mkdtempSync(join(tmpdir(), 'ncollapse-bench-serve-'));
console.log(
  `load average at the start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores (wall times grow with it; cpu: this process's own time)`,
);
try {
  // ---- a folder of runs ----
  const runsDir = join(work, 'runs');
  let start = performance.now();
  const names = Array.from({ length: RUNS }, (_, i) => `run-${String(i).padStart(4, '0')}`);
  names.forEach((name, i) => writeRun(join(runsDir, name), i));
  console.log(`wrote ${RUNS} runs in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  start = performance.now();
  let cpu = process.cpuUsage();
  let dashboard = await startDashboard({ runsDir, port: 0 });
  report('runs', { what: `start (lists and reads ${RUNS} runs)`, ms: performance.now() - start, cpuMs: cpuMsSince(cpu), bytes: 0, status: 0 });
  await benchRequests('runs', dashboard, names, false);
  await benchChange('runs', dashboard, join(runsDir, names[7]!), false);
  await dashboard.close();

  // ---- a sweep ----
  const grid = join(work, 'grid.yaml');
  const seeds = Math.max(1, Math.round(SWEEP_ROWS / 1000));
  const lrs = Math.round(SWEEP_ROWS / seeds);
  writeFileSync(
    grid,
    `name: bench\nfixed: { dataset: gaussian, model: mlp, epochs: ${EPOCHS} }\naxes:\n  lr: logspace(-4, -1, ${lrs})\n  seed: [${Array.from({ length: seeds }, (_, i) => i).join(', ')}]\n`,
  );
  start = performance.now();
  const sweepDir = join(work, 'sweep');
  const plan = planSweep(grid, sweepDir, SWEEP_ROWS);
  console.log(`planned ${plan.rows.length} rows in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  start = performance.now();
  // Started runs spread over the sweep, with the row's own settings (so that the selection works).
  const step = Math.max(1, Math.floor(plan.rows.length / SWEEP_STARTED));
  const started = plan.rows.filter((_, i) => i % step === 0).slice(0, SWEEP_STARTED);
  started.forEach((row, i) => writeRun(plan.sweep.runDir(row), i, { ...row.config, name: row.id }));
  console.log(`wrote ${started.length} started runs in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  start = performance.now();
  cpu = process.cpuUsage();
  dashboard = await startDashboard({ runsDir: sweepDir, port: 0 });
  report('sweep', {
    what: `start (${plan.rows.length} folders, ${started.length} runs)`,
    ms: performance.now() - start,
    cpuMs: cpuMsSince(cpu),
    bytes: 0,
    status: 0,
  });
  await benchRequests(
    'sweep',
    dashboard,
    started.map((row) => row.id),
    true,
  );
  await benchChange('sweep', dashboard, plan.sweep.runDir(started[3]!), true);
  await dashboard.close();

  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`\nworst request: ${worstMs.toFixed(0)} ms (goal: every request under ${GOAL_MS} ms; the start is not a request)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
