import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { readRun } from '../../src/run/run-reader.js';
import { listingSource, RunCache, type RunReader, type RunSource } from '../../src/serve/run-cache.js';
import { RunWatcher } from '../../src/serve/run-watcher.js';
import { makeTempDir } from '../report/fixture-run.js';

/**
 * The run list at scale is linear: one listing of the runs folder per request (not one per run,
 * which made 500 runs take a minute), and each run read again only when one of its files changed.
 * Counted by structure (calls of the listing and of the reader), not timed.
 */

const RUNS = 60;

function writeRun(dir: string, i: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name: `run-${i}`, dataset: 'gaussian', model: 'mlp', loss: 'ce', epochs: 10, numClasses: 3 }));
  writeFileSync(
    join(dir, 'status.json'),
    JSON.stringify({ state: 'running', epoch: 2, epochs: 10, tptEpoch: null, message: null, updatedAt: new Date().toISOString() }),
  );
  writeFileSync(join(dir, 'metrics.jsonl'), [1, 2].map((epoch) => `${JSON.stringify({ epoch, train_error: 0.1, test_error: 0.2 })}\n`).join(''));
  writeFileSync(join(dir, 'geometry.jsonl'), '');
}

describe('the run cache at scale', () => {
  const runsDir = makeTempDir();
  const names = Array.from({ length: RUNS }, (_, i) => `run-${String(i).padStart(3, '0')}`);
  before(() => {
    names.forEach((name, i) => writeRun(join(runsDir, name), i));
    mkdirSync(join(runsDir, 'not-a-run')); // no config.json: listed by nobody
  });
  after(() => rmSync(runsDir, { recursive: true, force: true }));

  function counting(source: RunSource) {
    const calls = { listings: 0, reads: [] as { dir: string; geometry: boolean }[] };
    const countedSource: RunSource = async () => {
      calls.listings++;
      return source();
    };
    const reader: RunReader = async (dir, options) => {
      calls.reads.push({ dir, geometry: options.geometry });
      return readRun(dir, options);
    };
    return { calls, cache: new RunCache(runsDir, { source: countedSource, reader }) };
  }

  it('lists the folder once per request and reads each run once, then only the run that changed', async () => {
    const { calls, cache } = counting(listingSource(runsDir));
    const first = await cache.summaries();
    assert.deepEqual(
      first.map((s) => s.name),
      names,
    );
    assert.equal(calls.listings, 1);
    assert.equal(calls.reads.length, RUNS);
    assert.equal(new Set(calls.reads.map((r) => r.dir)).size, RUNS, 'each run read once');
    assert.ok(
      calls.reads.every((r) => !r.geometry),
      'the run list does not read geometry.jsonl',
    );

    await cache.summaries();
    assert.equal(calls.listings, 2);
    assert.equal(calls.reads.length, RUNS, 'nothing changed: nothing read again');

    appendFileSync(join(runsDir, names[17]!, 'metrics.jsonl'), `${JSON.stringify({ epoch: 3, train_error: 0, test_error: 0.1 })}\n`);
    const third = await cache.summaries();
    assert.equal(calls.listings, 3);
    assert.deepEqual(
      calls.reads.slice(RUNS).map((r) => r.dir.endsWith(names[17]!)),
      [true],
    );
    assert.equal(third.find((s) => s.name === names[17])!.lastMeasuredEpoch, 3);
  });

  it('reads the figures of several runs with one listing', async () => {
    const { calls, cache } = counting(listingSource(runsDir));
    const runs = await cache.getMany(names.slice(0, 20));
    assert.equal(runs.length, 20);
    assert.equal(calls.listings, 1);
    assert.equal(calls.reads.length, 20);
    await cache.getMany(names.slice(0, 20));
    assert.equal(calls.reads.length, 20, 'unchanged runs come from the cache');
  });

  it("on the watcher's index, an unchanged run list costs no listing and no read", async () => {
    const watcher = new RunWatcher(runsDir, { fsWatch: false, pollMs: 60_000 });
    await watcher.start();
    try {
      const { calls, cache } = counting(async () => watcher.runs());
      await cache.summaries();
      assert.equal(calls.reads.length, RUNS);
      for (let i = 0; i < 3; i++) await cache.summaries();
      assert.equal(calls.reads.length, RUNS);
      assert.deepEqual([...watcher.runs().keys()], names);
    } finally {
      watcher.close();
    }
  });
});
