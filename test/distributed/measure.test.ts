import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import { lastJson, removeDir, spawnRanks, storeDir } from './ranks.js';

const WORKER = fileURLToPath(new URL('./measure-worker.ts', import.meta.url));

type Metrics = Record<string, number>;
interface Measured {
  full: Metrics;
  projected: Metrics;
  layers: (Metrics & { name: string })[];
}

/** Every numeric value of `got` equals `want`'s to 1e-9 (relative to max(1, |want|)), and no key is missing. */
function assertClose(got: Metrics, want: Metrics, where: string): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), where);
  for (const [key, value] of Object.entries(want)) {
    if (typeof value !== 'number') continue;
    const difference = Math.abs(got[key]! - value) / Math.max(1, Math.abs(value));
    assert.ok(difference <= 1e-9, `${where} ${key}: ${got[key]} vs ${value} (${difference})`);
  }
}

describe('collapse measured on shards across ranks', () => {
  for (const worldSize of [2, 3]) {
    it(
      `a world of ${worldSize} merges its accumulators by all-reduce into the single-process metrics (1e-9), layer-wise too`,
      { timeout: 120_000 },
      async () => {
        const dir = storeDir();
        const ranks = spawnRanks(WORKER, worldSize, (rank) => ({ DIST_RANK: String(rank), DIST_WORLD_SIZE: String(worldSize), DIST_PATH: `${dir}/store` }));
        try {
          const results = await ranks.done;
          for (const r of results) assert.equal(r.code, 0, `rank ${r.rank} failed:\n${r.stderr}`);
          for (const r of results) {
            const { single, merged } = lastJson<{ single: Measured; merged: Record<string, Measured> }>(r);
            assert.ok(Object.keys(single.full).length >= 20, `only ${Object.keys(single.full).join(', ')}`);
            assert.ok('lnc1' in single.full && 'webb_lowe_distance' in single.full && 'margin_min' in single.full);
            for (const [kind, m] of Object.entries(merged)) {
              assertClose(m.full, single.full, `rank ${r.rank}, ${kind} shards, full:`);
              assertClose(m.projected, single.projected, `rank ${r.rank}, ${kind} shards, projected:`);
              assert.equal(m.layers.length, single.layers.length);
              m.layers.forEach((layer, i) => {
                const { name, ...values } = layer;
                const { name: wanted, ...expected } = single.layers[i]!;
                assert.equal(name, wanted);
                assertClose(values as Metrics, expected as Metrics, `rank ${r.rank}, ${kind} shards, layer ${name}:`);
              });
            }
          }
        } finally {
          ranks.kill();
          removeDir(dir);
        }
      },
    );
  }
});
