import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { atomicWriteFile, temporaryName, TEMPORARY_NAME_PATTERN } from '../../src/io/atomic-file.js';
import { notOwnRunReason } from '../../src/run/own-run.js';
import { RunDirectory } from '../../src/run/run-directory.js';

const parent = mkdtempSync(join(tmpdir(), 'ncollapse-run-directory-'));
after(() => rmSync(parent, { recursive: true, force: true }));

/** A run as the trainer leaves it after two measured epochs. */
function writtenRun(name: string): RunDirectory {
  const run = new RunDirectory(join(parent, name));
  run.create();
  run.writeConfig({ ncollapseVersion: '0.1.0', dataset: 'gaussian' });
  run.writeStatus({ state: 'running', epoch: 2, epochs: 3, tptEpoch: null, message: null });
  run.appendMetrics({ epoch: 1 });
  run.appendMetrics({ epoch: 2 });
  for (const file of [run.checkpointFor(2), run.checkpointFor(10), run.lastCheckpoint]) writeFileSync(file, 'x');
  return run;
}

test('the temporary name of an atomic write is the one the pattern recognises, with the writer pid', () => {
  const name = temporaryName('/runs/a/config.json');
  assert.equal(TEMPORARY_NAME_PATTERN.exec(name)?.[1], String(process.pid));
  assert.equal(TEMPORARY_NAME_PATTERN.test('/runs/a/config.json'), false);
});

test('checkpointEpochs lists the epochs with a checkpoint, numerically, without last.safetensors', () => {
  const run = writtenRun('epochs');
  assert.deepEqual(run.checkpointEpochs(), [2, 10]);
  assert.deepEqual(new RunDirectory(join(parent, 'none')).checkpointEpochs(), []);
});

test('removeStaleTemporaries removes temporaries of dead writers only, in the run and its checkpoints', () => {
  const run = writtenRun('stale');
  const dead = join(run.checkpointDir, 'last.safetensors.tmp-999999999-abc123');
  const alive = join(run.root, `status.json.tmp-${process.ppid}-def456`);
  writeFileSync(dead, 'partial');
  writeFileSync(alive, 'in flight');
  assert.deepEqual(run.removeStaleTemporaries(), [dead]);
  assert.equal(existsSync(alive), true, 'a write of a live process is left alone');
});

test('clearUnstarted removes what train writes before a checkpoint and keeps the checkpoints', () => {
  const run = writtenRun('unstarted');
  run.clearUnstarted();
  assert.deepEqual(readdirSync(run.root), ['checkpoints']);
});

test('notOwnRunReason accepts a run of ours (with a leftover temporary) and names what makes a folder foreign', () => {
  const run = writtenRun('own');
  writeFileSync(`${run.configFile}.tmp-1-abcdef`, '');
  assert.equal(notOwnRunReason(run.root), null);
  assert.equal(notOwnRunReason(join(parent, 'absent')), null);
  const foreign = join(parent, 'foreign');
  mkdirSync(foreign);
  atomicWriteFile(join(foreign, 'notes.md'), 'mine');
  assert.equal(notOwnRunReason(foreign), 'has no config.json written by ncollapse');
  writeFileSync(join(run.root, 'notes.md'), 'mine');
  assert.match(notOwnRunReason(run.root) ?? '', /holds files that ncollapse did not write \(notes\.md\)/);
});
