import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunWatcher, type RunChange } from '../../src/serve/run-watcher.js';
import { appendFixtureEpoch, makeTempDir, writeFixtureRun, writeTwoFixtureRuns } from '../report/fixture-run.js';

function nextEvent<T>(watcher: RunWatcher, name: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${name}' event within ${timeoutMs} ms`)), timeoutMs);
    watcher.once(name, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('run watcher', () => {
  const parent = makeTempDir();
  after(() => rmSync(parent, { recursive: true, force: true }));

  for (const fsWatch of [true, false]) {
    it(`reports an appended metrics line within 2 s (${fsWatch ? 'fs.watch' : 'polling only'})`, async () => {
      const runsDir = join(parent, fsWatch ? 'watched' : 'polled');
      mkdirSync(runsDir);
      const { runB, optionsB } = writeTwoFixtureRuns(runsDir);
      const watcher = new RunWatcher(runsDir, { fsWatch, pollMs: 750 });
      await watcher.start();
      try {
        assert.deepEqual(watcher.names(), ['fmnist-mlp-ce', 'synthetic-mse']);
        const change = nextEvent<RunChange>(watcher, 'change', 2000);
        appendFixtureEpoch(runB, optionsB, 35);
        const { name, files } = await change;
        assert.equal(name, 'synthetic-mse');
        assert.ok(files.includes('metrics.jsonl'));

        const runs = nextEvent<string[]>(watcher, 'runs', 2000);
        writeFixtureRun(runsDir, { name: 'new-run' });
        assert.deepEqual(await runs, ['fmnist-mlp-ce', 'new-run', 'synthetic-mse']);
      } finally {
        watcher.close();
      }
    });
  }
});
