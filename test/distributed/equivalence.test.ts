import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import { lastJson, removeDir, spawnRanks, storeDir } from './ranks.js';

const WORKER = fileURLToPath(new URL('./equivalence-worker.ts', import.meta.url));

type Parameters = Record<string, number[]>;

async function finalParameters(worldSize: number): Promise<{ initial: Parameters; parameters: Parameters }[]> {
  const dir = storeDir();
  const ranks = spawnRanks(WORKER, worldSize, (rank) => ({ DIST_RANK: String(rank), DIST_WORLD_SIZE: String(worldSize), DIST_PATH: `${dir}/store` }));
  try {
    const results = await ranks.done;
    for (const r of results) assert.equal(r.code, 0, `rank ${r.rank} of ${worldSize} failed:\n${r.stderr}`);
    return results.map((r) => lastJson<{ initial: Parameters; parameters: Parameters }>(r));
  } finally {
    ranks.kill();
    removeDir(dir);
  }
}

function maxDifference(a: Record<string, number[]>, b: Record<string, number[]>): number {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  let max = 0;
  for (const name of Object.keys(a)) {
    assert.equal(a[name]!.length, b[name]!.length, name);
    a[name]!.forEach((v, i) => (max = Math.max(max, Math.abs(v - b[name]![i]!))));
  }
  return max;
}

describe('data-parallel training', () => {
  it('worlds of 2 and 4 with global batch 16 equal a world of 1 with batch 16 (SGD, no BatchNorm, 5 steps)', { timeout: 120_000 }, async () => {
    const [single] = await finalParameters(1);
    // The steps moved the parameters: the comparison is not between two untouched models.
    assert.ok(maxDifference(single!.initial, single!.parameters) > 1e-2);
    for (const worldSize of [2, 4]) {
      const ranks = await finalParameters(worldSize);
      for (const { parameters } of ranks) {
        const difference = maxDifference(single!.parameters, parameters);
        assert.ok(difference < 1e-5, `world of ${worldSize}: parameters differ by ${difference}`);
      }
    }
  });
});
