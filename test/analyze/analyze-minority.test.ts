import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { zipSync } from 'fflate';

import { register } from '../../src/cli/analyze.js';
import { COLLAPSE_METRIC_KEYS, MINORITY_METRIC_KEYS, measureCollapseOfArrays } from '../../src/collapse/index.js';
import { encodeNpy } from '../../src/io/npy.js';
import { dispose } from '../../src/torch/index.js';
import { train } from '../../src/train/trainer.js';
import { caseTensors, goldenCases } from '../collapse/golden.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-analyze-minority-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function analyze(...args: string[]): Promise<{ stdout: string; error?: Error }> {
  const program = new Command('ncollapse').exitOverride();
  register(program);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    await program.parseAsync(['node', 'ncollapse', 'analyze', ...args]);
    return { stdout: lines.join('\n') };
  } catch (error) {
    return { stdout: lines.join('\n'), error: error as Error };
  } finally {
    console.log = log;
  }
}

const golden = goldenCases().find((c) => c.name === 'partly_collapsed')!;

test('analyze --minority LIST --json adds the four minority keys after the others, equal to the measurement with those classes', async () => {
  const [N, p] = golden.shape;
  const C = golden.numClasses;
  const file = join(dir, 'feat.npz');
  const arrays = {
    H: { data: Float32Array.from(golden.features), shape: [N, p] },
    y: { data: BigInt64Array.from(golden.labels, BigInt), shape: [N] },
    W: { data: Float64Array.from(golden.weight), shape: [C, p] },
  };
  writeFileSync(file, zipSync(Object.fromEntries(Object.entries(arrays).map(([k, a]) => [`${k}.npy`, encodeNpy(a)])), { level: 0 }));
  const minority = [C - 2, C - 1];
  const { stdout, error } = await analyze(file, '--minority', minority.join(','), '--json');
  assert.equal(error, undefined, error?.message);
  const metrics = JSON.parse(stdout) as Record<string, number>;
  assert.deepEqual(Object.keys(metrics), [...COLLAPSE_METRIC_KEYS.filter((k) => !['lnc1', 'lnc23', 'lperp'].includes(k)), ...MINORITY_METRIC_KEYS]);
  const t = caseTensors(golden);
  try {
    const expected = measureCollapseOfArrays(t.features, t.labels, { numClasses: C, weight: t.weight, minorityClasses: minority });
    for (const key of MINORITY_METRIC_KEYS) assert.ok(Math.abs(metrics[key]! - expected[key]!) < 1e-12, key);
  } finally {
    dispose(t);
  }
  const without = JSON.parse((await analyze(file, '--json')).stdout) as Record<string, number>;
  for (const key of MINORITY_METRIC_KEYS) assert.equal(key in without, false);
  assert.match((await analyze(file, '--minority', String(C), '--json')).error?.message ?? '', new RegExp(`minority class ${C} is not a class index`));
  assert.match((await analyze(file, '--minority', '1,x')).error?.message ?? '', /non-negative integer/);
});

test("analyze --checkpoint of an imbalanced run uses the run's minority classes and data, and gives its last metrics", async () => {
  const out = join(dir, 'run');
  await train(
    {
      name: 'run',
      out,
      dataset: 'gaussian',
      perClass: 30,
      imbalance: 'step:3:4',
      model: 'mlp',
      width: 0.125,
      epochs: 2,
      measure: 'all',
      report: false,
      seed: 1,
    },
    { quiet: true },
  );
  const last = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').pop()!) as Record<string, number>;
  const { stdout, error } = await analyze('--checkpoint', join(out, 'checkpoints', 'last.safetensors'), '--json');
  assert.equal(error, undefined, error?.message);
  const metrics = JSON.parse(stdout) as Record<string, number>;
  for (const key of MINORITY_METRIC_KEYS) assert.ok(Math.abs(metrics[key]! - last[key]!) < 1e-6, `${key}: ${metrics[key]} vs ${last[key]}`);
  assert.equal(metrics.train_error, last.train_error);
});
