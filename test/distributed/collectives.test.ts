import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import { builtBackends } from '../../src/distributed/process-group.js';
import { freePort, lastJson, removeDir, spawnRanks, storeDir } from './ranks.js';

const WORKER = fileURLToPath(new URL('./collective-worker.ts', import.meta.url));

type StoreKind = 'tcp' | 'file';

/** Runs a world to its end; `awaited` ranks only, when some (a stalled one) would never end. */
async function runWorld(kind: StoreKind, worldSize: number, scenario: string, timeoutMs: number, awaited?: number[]) {
  const dir = storeDir();
  const port = await freePort();
  const ranks = spawnRanks(WORKER, worldSize, (rank) => ({
    DIST_RANK: String(rank),
    DIST_WORLD_SIZE: String(worldSize),
    DIST_STORE: kind,
    DIST_PATH: `${dir}/store`,
    DIST_PORT: String(port),
    DIST_TIMEOUT_MS: String(timeoutMs),
    DIST_SCENARIO: scenario,
  }));
  try {
    return awaited ? await Promise.all(awaited.map((r) => ranks.ends[r]!)) : await ranks.done;
  } finally {
    ranks.kill();
    removeDir(dir);
  }
}

const sumTo = (n: number) => (n * (n + 1)) / 2;

describe('c10d collectives (Gloo, one process per rank)', () => {
  it('the addon reports the backends it was built with, Gloo among them', () => {
    assert.ok(builtBackends().includes('gloo'), `built backends: ${builtBackends().join(', ')}`);
  });

  for (const kind of ['file', 'tcp'] as const) {
    for (const worldSize of [2, 3]) {
      it(`${worldSize} processes over a ${kind === 'tcp' ? 'TCPStore on 127.0.0.1' : 'FileStore'} give the known results`, { timeout: 90_000 }, async () => {
        const results = await runWorld(kind, worldSize, 'known', 60_000);
        const s = sumTo(worldSize); // sum over ranks of (rank + 1)
        const meanOf = (scale: number) => (scale * s) / worldSize;
        for (const result of results) {
          assert.equal(result.code, 0, `rank ${result.rank} failed:\n${result.stderr}`);
          const seen = lastJson<Record<string, unknown>>(result);
          assert.deepEqual(seen.summed, [s, 2 * s, 3 * s]);
          assert.deepEqual(seen.largest, [worldSize - 1, 0]);
          assert.deepEqual(seen.counts, [s, 10 * worldSize]);
          assert.deepEqual(seen.fromZero, [7, 7, 7, 7]);
          assert.deepEqual(seen.fromLast, [worldSize - 1, worldSize - 1, worldSize - 1, worldSize - 1]);
          const grads = seen.grads as number[][];
          for (const v of grads[0]!) assert.ok(Math.abs(v - meanOf(1)) < 1e-6, `float32 mean ${v}`);
          for (const v of grads[1]!) assert.ok(Math.abs(v - meanOf(10)) < 1e-12, `float64 mean ${v}`);
          for (const v of grads[2]!) assert.ok(Math.abs(v + meanOf(1)) < 1e-6, `float32 mean ${v}`);
          // 24 bytes, then a dtype change, then 8 bytes: each in its own 16-byte bucket.
          assert.equal(seen.buckets, 3);
        }
      });
    }
  }

  for (const [kind, worldSize] of [
    ['tcp', 3],
    ['file', 2],
  ] as const) {
    it(`a killed peer makes the others fail with a clear error (${kind}, world of ${worldSize})`, { timeout: 60_000 }, async () => {
      const results = await runWorld(kind, worldSize, 'killed', 20_000);
      const victim = results[worldSize - 1]!;
      assert.equal(victim.signal, 'SIGKILL');
      for (const result of results.slice(0, -1)) {
        assert.equal(result.code, 0, `rank ${result.rank}:\n${result.stderr}`);
        const seen = lastJson<{ failed: boolean; distributed: boolean; message: string; seconds: number }>(result);
        assert.equal(seen.failed, true, 'the all-reduce with a dead peer returned');
        assert.equal(seen.distributed, true);
        assert.match(seen.message, new RegExp(`c10d all-reduce failed on rank ${result.rank} of a world of ${worldSize} \\(gloo\\): \\S`));
      }
    });
  }

  it('a stalled peer makes the others fail once the configured time-out has passed', { timeout: 60_000 }, async () => {
    const results = await runWorld('tcp', 2, 'stalled', 2_000, [0]);
    const seen = lastJson<{ failed: boolean; distributed: boolean; message: string; seconds: number }>(results[0]!);
    assert.equal(seen.failed, true);
    assert.equal(seen.distributed, true);
    assert.match(seen.message, /c10d all-reduce failed on rank 0 of a world of 2 \(gloo\): .*[Tt]imed out/);
    assert.ok(seen.seconds >= 1.9 && seen.seconds < 30, `failed after ${seen.seconds} s`);
  });
});
