import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyzeFiles } from '../../src/analyze/analyze-files.js';
import { readRun, type RunData } from '../../src/run/run-reader.js';
import { startDashboard } from '../../src/serve/index.js';
import { DONE_MARKER_NAME } from '../../src/track/dump-files.js';
import { trackDumps } from '../../src/track/track-run.js';
import { assertClose } from '../helpers/assert-close.js';
import { tempDir } from '../helpers/temp-dir.js';
import { dumpName, npzBytes, syntheticDump, writeDump } from './synthetic-dumps.js';

const ANALYSIS_KEYS_NEEDING_W = ['train_error', 'equinorm_classifier', 'self_duality', 'ncc_mismatch', 'margin_min', 'webb_lowe_distance'];

test('bad dumps are named and skipped, a dump without W is measured without the keys that need it, and a restart measures only what changed', async () => {
  const dir = tempDir('ncollapse-track-bad-');
  const dumps = join(dir, 'dumps');
  mkdirSync(dumps);
  writeDump(join(dumps, dumpName(1)), syntheticDump(1, { layers: true }));
  const valid2 = npzBytes(syntheticDump(2));
  writeFileSync(join(dumps, dumpName(2)), valid2.subarray(0, Math.floor(valid2.length / 2))); // cut off: no zip directory
  writeDump(join(dumps, dumpName(3)), syntheticDump(3, { numClasses: 5 }));
  writeDump(join(dumps, dumpName(4)), syntheticDump(4, { dim: 7 }));
  writeDump(join(dumps, dumpName(5)), syntheticDump(5, { withoutWeight: true }));
  writeDump(join(dumps, dumpName(6)), syntheticDump(6));
  writeDump(join(dumps, dumpName(0)), syntheticDump(1));
  const noFeatures = syntheticDump(7);
  delete noFeatures.H;
  writeDump(join(dumps, dumpName(7)), noFeatures);
  writeDump(join(dumps, dumpName(8)), syntheticDump(8));
  writeFileSync(join(dumps, 'epoch-0008.safetensors'), 'x');
  writeFileSync(join(dumps, 'notes.txt'), 'not a dump');

  const runDir = join(dir, 'run');
  const lines: string[] = [];
  const first = await trackDumps({ dumpDir: dumps, runDir, loss: 'ce', log: (line) => lines.push(line) });
  assert.equal(first.state, 'finished');
  assert.deepEqual(first.measured, [1, 5, 6]);
  const reasons = new Map(first.skipped.map((s) => [s.file, s.reason]));
  assert.deepEqual(
    [...reasons.keys()].sort(),
    ['epoch-0000.npz', 'epoch-0002.npz', 'epoch-0003.npz', 'epoch-0004.npz', 'epoch-0007.npz', 'epoch-0008.npz'].map((n) => join(dumps, n)),
  );
  assert.match(reasons.get(join(dumps, 'epoch-0000.npz'))!, /epochs count from 1/);
  assert.match(reasons.get(join(dumps, 'epoch-0002.npz'))!, /epoch-0002\.npz/);
  assert.match(reasons.get(join(dumps, 'epoch-0003.npz'))!, /C = 5, p = 6, but the run has C = 4, p = 6/);
  assert.match(reasons.get(join(dumps, 'epoch-0004.npz'))!, /C = 4, p = 7, but the run has C = 4, p = 6/);
  assert.match(reasons.get(join(dumps, 'epoch-0007.npz'))!, /no array 'H'/);
  assert.match(reasons.get(join(dumps, 'epoch-0008.npz'))!, /two dumps for epoch 8 \(epoch-0008\.npz, epoch-0008\.safetensors\)/);
  for (const file of reasons.keys())
    assert.ok(
      lines.some((line) => line.startsWith(`skipped ${file}: `)),
      `the log names ${file}`,
    );

  const run = await readRun(runDir);
  assert.match(run.status?.message ?? '', /skipped 6 dumps/);
  const byEpoch = new Map(run.metrics.map((line) => [line.epoch, line as Record<string, unknown>]));
  // Without W: analyze's keys for that file (no classifier keys), the loop's scalars, no test error, no geometry.
  const noWeight = analyzeFiles(join(dumps, dumpName(5)), {}).metrics;
  for (const key of ANALYSIS_KEYS_NEEDING_W) assert.equal(key in noWeight, false, key);
  assert.deepEqual(Object.keys(byEpoch.get(5)!).sort(), ['epoch', 'loss', 'lr', 'tpt_epoch', ...Object.keys(noWeight)].sort());
  for (const epoch of [1, 6]) {
    const line = byEpoch.get(epoch)!;
    assert.deepEqual(
      Object.fromEntries(Object.keys(analyzeFiles(join(dumps, dumpName(epoch)), {}).metrics).map((k) => [k, line[k]])),
      analyzeFiles(join(dumps, dumpName(epoch)), {}).metrics,
    );
    assert.equal(typeof line.test_error, 'number');
  }
  assert.deepEqual(
    run.geometry.map((g) => g.epoch),
    [1, 6],
  );

  // Layer-wise: block2 holds H itself, block1 an affine image of it (2 H + a shift per column), and
  // nc1, its trace ratio, CDNV and the nearest-centre accuracy do not change under either.
  const line1 = byEpoch.get(1)!;
  const layers = run.metrics[0]!.layers!;
  assert.deepEqual(
    layers.map((l) => [l.name, l.depth]),
    [
      ['block1', 1],
      ['block2', 2],
    ],
  );
  for (const layer of layers) {
    for (const key of ['nc1', 'nc1_trace_ratio', 'cdnv', 'ncc_accuracy'] as const) {
      // block1 is rounded to float32 after the affine map: agreement to float32's precision.
      assertClose(layer[key]!, line1[key] as number, `${layer.name} ${key}`, { relative: 1e-5, absolute: 1e-9 });
    }
  }

  // Started again: nothing new is measured and nothing is written twice; a fixed dump is measured.
  const metricsText = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
  const again = await trackDumps({ dumpDir: dumps, runDir, loss: 'ce' });
  assert.deepEqual(again.measured, []);
  assert.equal(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8'), metricsText);
  writeFileSync(join(dumps, dumpName(2)), valid2);
  const fixed = await trackDumps({ dumpDir: dumps, runDir, loss: 'ce' });
  assert.deepEqual(fixed.measured, [2]);
  // Measured after epochs 5 and 6, epoch 2 still takes its place: the files are what a one-shot track of the folder writes.
  const fresh = await trackDumps({ dumpDir: dumps, runDir: join(dir, 'fresh'), loss: 'ce' });
  assert.deepEqual(fresh.measured, [1, 2, 5, 6]);
  for (const file of ['metrics.jsonl', 'geometry.jsonl'])
    assert.equal(readFileSync(join(runDir, file), 'utf8'), readFileSync(join(dir, 'fresh', file), 'utf8'), file);

  // Another folder's run is not mixed with this one.
  const other = join(dir, 'other');
  mkdirSync(other);
  await assert.rejects(trackDumps({ dumpDir: other, runDir, loss: 'ce' }), /this run tracks .*dumps, not .*other; choose another --out/);
});

/** Collects the dashboard's server-sent events until aborted. */
function collectEvents(url: string, signal: AbortSignal): { event: string; data: unknown }[] {
  const events: { event: string; data: unknown }[] = [];
  void (async () => {
    const res = await fetch(`${url}events`, { signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
      }
    }
  })().catch(() => {});
  return events;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** What must be equal between two tracked runs of the same dumps (times and paths aside). */
function comparable(run: RunData) {
  const { createdAt: _createdAt, ...config } = run.config as Record<string, unknown>;
  return {
    config,
    metrics: run.metrics,
    geometry: run.geometry,
    tptEpoch: run.tptEpoch,
    state: run.status?.state,
    epoch: run.status?.epoch,
    message: run.status?.message,
    warnings: run.warnings,
  };
}

test('--watch follows a writer epoch by epoch (a half-written file, a file renamed into place), the dashboard streams each epoch, and the run equals a one-shot track', async () => {
  const dir = tempDir('ncollapse-track-watch-');
  const dumps = join(dir, 'dumps');
  const runsDir = join(dir, 'runs');
  mkdirSync(dumps);
  mkdirSync(runsDir);
  const dashboard = await startDashboard({ runsDir, port: 0, pollMs: 100 });
  const stream = new AbortController();
  const events = collectEvents(dashboard.url, stream.signal);
  try {
    await until('the event stream', () => events.some((e) => e.event === 'runs'));
    const log: string[] = [];
    const watching = trackDumps({
      dumpDir: dumps,
      runDir: join(runsDir, 'watched'),
      loss: 'ce',
      watch: true,
      pollMs: 40,
      settleMs: 250,
      log: (line) => log.push(line),
    });
    const streamed = async (epoch: number) => {
      const seen = events.length;
      await until(`epoch ${epoch} measured`, () => log.includes(`epoch ${epoch}: measured ${dumpName(epoch)}`));
      await until(`epoch ${epoch} on the dashboard`, async () => {
        const runs = (await (await fetch(`${dashboard.url}api/runs`)).json()) as { name: string; lastMeasuredEpoch: number | null }[];
        const delivered = events.slice(seen).some((e) => JSON.stringify(e.data).includes('watched'));
        return delivered && runs.find((r) => r.name === 'watched')?.lastMeasuredEpoch === epoch;
      });
    };

    writeDump(join(dumps, dumpName(1)), syntheticDump(1));
    await streamed(1);

    // A plain write caught half-way (and left so long that its size settles): named, skipped, and
    // measured once the rest is written.
    const second = npzBytes(syntheticDump(2));
    writeFileSync(join(dumps, dumpName(2)), second.subarray(0, Math.floor(second.length / 2)));
    await until('the half-written dump named', () => log.some((line) => line.startsWith(`skipped ${join(dumps, dumpName(2))}: `)));
    writeFileSync(join(dumps, dumpName(2)), second);
    await streamed(2);

    // Write-then-rename: the temporary name is never read.
    writeDump(join(dumps, '.epoch-0003.npz'), syntheticDump(3));
    await sleep(600);
    assert.equal(log.filter((line) => line.includes('0003')).length, 0);
    renameSync(join(dumps, '.epoch-0003.npz'), join(dumps, dumpName(3)));
    await streamed(3);

    writeDump(join(dumps, dumpName(4)), syntheticDump(4));
    writeFileSync(join(dumps, DONE_MARKER_NAME), '');
    const result = await watching;
    assert.deepEqual(result, { state: 'finished', measured: [1, 2, 3, 4], skipped: [] });
  } finally {
    stream.abort();
    await dashboard.close();
  }

  const oneShot = await trackDumps({ dumpDir: dumps, runDir: join(dir, 'one-shot'), loss: 'ce' });
  assert.deepEqual(oneShot.measured, [1, 2, 3, 4]);
  assert.deepEqual(comparable(await readRun(join(runsDir, 'watched'))), comparable(await readRun(join(dir, 'one-shot'))));
  for (const file of ['metrics.jsonl', 'geometry.jsonl']) {
    assert.equal(readFileSync(join(runsDir, 'watched', file), 'utf8'), readFileSync(join(dir, 'one-shot', file), 'utf8'), file);
  }
});

test('--watch stops on an abort (Ctrl-C) as interrupted, and a restart goes on from there', async () => {
  const dir = tempDir('ncollapse-track-abort-');
  const dumps = join(dir, 'dumps');
  mkdirSync(dumps);
  writeDump(join(dumps, dumpName(1)), syntheticDump(1));
  const controller = new AbortController();
  const log: string[] = [];
  const watching = trackDumps({
    dumpDir: dumps,
    runDir: join(dir, 'run'),
    loss: 'ce',
    watch: true,
    pollMs: 40,
    settleMs: 100,
    signal: controller.signal,
    log: (line) => log.push(line),
  });
  await until('epoch 1', () => log.length > 0);
  controller.abort();
  assert.deepEqual(await watching, { state: 'interrupted', measured: [1], skipped: [] });
  assert.equal((await readRun(join(dir, 'run'))).status?.state, 'interrupted');
  writeDump(join(dumps, dumpName(2)), syntheticDump(2));
  const resumed = await trackDumps({ dumpDir: dumps, runDir: join(dir, 'run'), loss: 'ce' });
  assert.deepEqual(resumed.measured, [2]);
});

test('an epoch given as a folder of shards is measured as analyze measures the folder, and as the same arrays in one file', async () => {
  const dir = tempDir('ncollapse-track-shards-');
  const dumps = join(dir, 'dumps');
  const single = join(dir, 'single');
  mkdirSync(join(dumps, 'epoch-0001'), { recursive: true });
  mkdirSync(single);
  const arrays = syntheticDump(1);
  writeDump(join(single, dumpName(1)), arrays);
  const { H, y, W, b, loss, lr } = arrays;
  const rows = y!.shape[0]!;
  const half = Math.floor(rows / 2);
  const p = H!.shape[1]!;
  const part = (from: number, to: number) => ({
    H: { data: (H!.data as Float32Array).slice(from * p, to * p), shape: [to - from, p] },
    y: { data: (y!.data as BigInt64Array).slice(from, to), shape: [to - from] },
  });
  writeDump(join(dumps, 'epoch-0001', 'part-0.npz'), { ...part(0, half), W: W!, b: b!, loss: loss!, lr: lr! });
  writeDump(join(dumps, 'epoch-0001', 'part-1.npz'), part(half, rows));

  const result = await trackDumps({ dumpDir: dumps, runDir: join(dir, 'run'), loss: 'ce' });
  assert.deepEqual(result, { state: 'finished', measured: [1], skipped: [] });
  const sharded = await readRun(join(dir, 'run'));
  const line = sharded.metrics[0] as Record<string, unknown>;
  const analyzed = analyzeFiles(join(dumps, 'epoch-0001'), {}).metrics;
  assert.deepEqual(Object.fromEntries(Object.keys(analyzed).map((k) => [k, line[k]])), analyzed);
  assert.equal(line.loss, 1);
  assert.equal(line.lr, 0.1);

  await trackDumps({ dumpDir: single, runDir: join(dir, 'single-run'), loss: 'ce' });
  const whole = await readRun(join(dir, 'single-run'));
  const wholeLine = whole.metrics[0] as Record<string, unknown>;
  for (const key of Object.keys(analyzed)) assertClose(line[key] as number, wholeLine[key] as number, key, { relative: 1e-9, absolute: 1e-12 });
  assertClose(sharded.geometry[0]!.cos_means!.flat(), whole.geometry[0]!.cos_means!.flat(), 'cos_means', { absolute: 1e-9 });
  assertClose(sharded.geometry[0]!.explained_variance!, whole.geometry[0]!.explained_variance!, 'explained_variance', { absolute: 1e-9 });
});
