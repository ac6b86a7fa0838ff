import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readRun } from '../../src/run/run-reader.js';
import { table1, table1Markdown } from '../../src/report/table1.js';
import { makeTempDir, writeFixtureRun } from './fixture-run.js';

function writeMetrics(dir: string, lines: object[]): void {
  writeFileSync(join(dir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

describe('Table 1', () => {
  const parent = makeTempDir();
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('gives test accuracy at tpt_epoch and at the last epoch, and the change', async () => {
    const dir = writeFixtureRun(parent, { name: 'exact', tptEpoch: null });
    writeMetrics(dir, [
      { epoch: 1, train_error: 0.5, test_error: 0.4, tpt_epoch: null },
      { epoch: 10, train_error: 0, test_error: 0.125, tpt_epoch: 10 },
      { epoch: 50, train_error: 0, test_error: 0.1, tpt_epoch: 10 },
    ]);
    const [row] = table1([await readRun(dir)]);
    assert.equal(row!.tptEpoch, 10);
    assert.equal(row!.tptMeasuredEpoch, 10);
    assert.ok(Math.abs(row!.accuracyAtTpt! - 87.5) < 1e-9);
    assert.equal(row!.lastEpoch, 50);
    assert.ok(Math.abs(row!.accuracyAtLast! - 90) < 1e-9);
    assert.ok(Math.abs(row!.change! - 2.5) < 1e-9);
    const markdown = table1Markdown([row!]);
    assert.match(markdown, /\| fashion-mnist \/ mlp \/ ce \| exact \| 10 \| 87\.50 \| 50 \| 90\.00 \| \+2\.50 \|/);
  });

  it('uses the first measured epoch after an unmeasured tpt_epoch, and says so', async () => {
    const dir = writeFixtureRun(parent, { name: 'later', tptEpoch: null });
    writeMetrics(dir, [
      { epoch: 5, train_error: 0.01, test_error: 0.3, tpt_epoch: null },
      { epoch: 9, train_error: 0, test_error: 0.2, tpt_epoch: 7 },
      { epoch: 20, train_error: 0, test_error: 0.25, tpt_epoch: 7 },
    ]);
    const [row] = table1([await readRun(dir)]);
    assert.equal(row!.tptEpoch, 7);
    assert.equal(row!.tptMeasuredEpoch, 9);
    assert.ok(Math.abs(row!.change! - -5) < 1e-9);
    assert.match(table1Markdown([row!]), /80\.00 \(measured at epoch 9\)/);
  });

  it('leaves the terminal-phase cells empty when it was not reached', async () => {
    const dir = writeFixtureRun(parent, { name: 'never', tptEpoch: null });
    const [row] = table1([await readRun(dir)]);
    assert.equal(row!.tptEpoch, null);
    assert.equal(row!.accuracyAtTpt, null);
    assert.equal(row!.change, null);
    assert.ok(row!.accuracyAtLast! > 0);
    assert.match(table1Markdown([row!]), /\| not reached \| — \|/);
  });
});
