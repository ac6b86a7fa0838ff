import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { encodeNpy } from '../../src/io/npy.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * C = 20,000 classes, p = 64, on four shards, measured in a child process whose peak resident set
 * is read back. One C x C float64 matrix alone is 3.2 GB, so a peak under 1.5 GB shows that no
 * pairwise key, nc1 route or decision held one (memory O(C p + tile^2)). (ulimit -v cannot cap
 * this child: tsx's WebAssembly lexer reserves more address space than any useful cap.)
 */
const C = 20_000;
const p = 64;
const CAP_KB = 1_500_000;

test('C = 20,000 on four shards stays far below the size of one C x C matrix', () => {
  const dir = tempDir('ncollapse-scale-memory-');
  let state = 99;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const means = Float32Array.from({ length: C * p }, () => 3 * gauss());
  const shards = [];
  for (let k = 0; k < 4; k++) {
    // The first shard holds every class once, so that no class is absent.
    const labels = k === 0 ? Array.from({ length: C }, (_, c) => c) : Array.from({ length: 8000 }, () => Math.floor(uniform() * C));
    const features = new Float32Array(labels.length * p);
    labels.forEach((c, i) => {
      for (let j = 0; j < p; j++) features[i * p + j] = means[c * p + j]! + gauss();
    });
    writeFileSync(join(dir, `H-${k}.npy`), encodeNpy({ data: features, shape: [labels.length, p] }));
    writeFileSync(join(dir, `y-${k}.npy`), encodeNpy({ data: Int32Array.from(labels), shape: [labels.length] }));
    shards.push({ features: `H-${k}.npy`, labels: `y-${k}.npy` });
  }
  const manifest = join(dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({ shards }));
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'scale-memory-child.ts'), manifest, '2000'], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { numClasses: number; samples: number; metrics: Record<string, number>; maxRssKb: number };
  assert.equal(result.numClasses, C);
  assert.equal(result.samples, C + 3 * 8000);
  for (const [key, value] of Object.entries(result.metrics)) assert.ok(Number.isFinite(value), `${key} = ${value}`);
  assert.ok(result.maxRssKb < CAP_KB, `peak RSS ${Math.round(result.maxRssKb / 1024)} MB, over ${CAP_KB / 1024} MB`);
});
