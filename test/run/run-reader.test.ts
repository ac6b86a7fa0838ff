import assert from 'node:assert/strict';
import { appendFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readRun, readRuns, RunReadError } from '../../src/run/run-reader.js';
import { makeTempDir, writeFixtureRun } from '../report/fixture-run.js';

describe('run reader', () => {
  const parent = makeTempDir();
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('reads config, status, metrics and geometry of a run', async () => {
    const dir = writeFixtureRun(parent, { name: 'plain', numClasses: 10, epochs: 100, tptEpoch: 30 });
    const run = await readRun(dir);
    assert.equal(run.name, 'plain');
    assert.equal(run.label, 'fashion-mnist / mlp / ce');
    assert.equal(run.status?.state, 'finished');
    assert.equal(run.metrics.length, 11);
    assert.equal(run.geometry.length, 11);
    assert.equal(run.tptEpoch, 30);
    assert.equal(run.classNames.length, 10);
    assert.deepEqual(run.warnings, []);
    assert.deepEqual(
      run.metrics.map((m) => m.epoch),
      [...run.metrics.map((m) => m.epoch)].sort((a, b) => a - b),
    );
  });

  it('skips a partial last line (a run being written) with a warning', async () => {
    const dir = writeFixtureRun(parent, { name: 'partial', partialLastLine: true });
    const run = await readRun(dir);
    assert.equal(run.metrics.length, 11);
    assert.ok(!run.metrics.some((m) => m.epoch === 999));
    assert.equal(run.warnings.length, 1);
    assert.match(run.warnings[0]!, /metrics\.jsonl:12/);
  });

  it('skips a line that is JSON but not a metrics line', async () => {
    const dir = writeFixtureRun(parent, { name: 'foreign-line' });
    appendFileSync(join(dir, 'metrics.jsonl'), '{"loss": 0.1}\n[1,2]\n\n');
    const run = await readRun(dir);
    assert.equal(run.metrics.length, 11);
    assert.equal(run.warnings.length, 2);
  });

  it('names the missing config.json in its error', async () => {
    const dir = writeFixtureRun(parent, { name: 'no-config' });
    unlinkSync(join(dir, 'config.json'));
    await assert.rejects(readRun(dir), (error: Error) => error instanceof RunReadError && error.message.includes(join(dir, 'config.json')));
  });

  it('reads a run without status.json and finds tpt_epoch from the training error', async () => {
    const dir = writeFixtureRun(parent, { name: 'no-status', tptEpoch: 12 });
    unlinkSync(join(dir, 'status.json'));
    const lines = (await readRun(dir)).metrics;
    // strip tpt_epoch from the lines: the reader must fall back on the first zero training error
    writeFileSync(join(dir, 'metrics.jsonl'), lines.map(({ tpt_epoch: _, ...rest }) => JSON.stringify(rest)).join('\n') + '\n');
    const run = await readRun(dir);
    assert.equal(run.status, null);
    assert.equal(run.tptEpoch, 12);
  });

  it('gives two runs with the same dataset / model / loss distinct labels', async () => {
    const a = writeFixtureRun(parent, { name: 'twin-a' });
    const b = writeFixtureRun(parent, { name: 'twin-b' });
    const runs = await readRuns([a, b]);
    assert.deepEqual(
      runs.map((r) => r.label),
      ['fashion-mnist / mlp / ce (twin-a)', 'fashion-mnist / mlp / ce (twin-b)'],
    );
  });

  it('warns on an epoch that appears twice (two writers) and keeps the later line', async () => {
    const dir = writeFixtureRun(parent, { name: 'repeated-epoch' });
    const first = (await readRun(dir)).metrics[3]!;
    appendFileSync(join(dir, 'metrics.jsonl'), JSON.stringify({ ...first, train_error: 0.5 }) + '\n');
    const run = await readRun(dir);
    assert.equal(run.metrics.length, 11);
    assert.equal(run.metrics[3]!.train_error, 0.5);
    assert.equal(run.warnings.length, 1);
    assert.match(run.warnings[0]!, new RegExp(`metrics\\.jsonl: epoch ${first.epoch} appears more than once`));
  });
});
