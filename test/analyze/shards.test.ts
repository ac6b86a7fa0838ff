import assert from 'node:assert/strict';
import { statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';

import { analyzeFiles } from '../../src/analyze/analyze-files.js';
import { openShards } from '../../src/analyze/shards/open-shards.js';
import { NcollapseError } from '../../src/errors.js';
import { encodeNpy } from '../../src/io/npy.js';
import { tempDir } from '../helpers/temp-dir.js';
import { maxRelativeDifference } from '../collapse/data.js';

/** Deterministic Gaussian classes in JavaScript (no engine needed to write the shards). */
function synthetic(n: number, p: number, C: number, seed: number): { features: Float32Array; labels: BigInt64Array; weight: Float64Array } {
  let state = seed >>> 0 || 1;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const means = Float64Array.from({ length: C * p }, () => 3 * gauss());
  const labels = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % C));
  const features = new Float32Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) features[i * p + j] = means[(i % C) * p + j]! + gauss();
  const weight = Float64Array.from(means, (m) => m + 0.5 * gauss());
  return { features, labels, weight };
}

const N = 600;
const p = 8;
const C = 6;
const data = synthetic(N, p, C, 7);
const dir = tempDir('ncollapse-shards-');

/** Writes rows [from, to) as H-k.npy / y-k.npy and as part-k.npz. */
function writeShard(k: number, from: number, to: number): void {
  const H = { data: data.features.slice(from * p, to * p), shape: [to - from, p] };
  const y = { data: data.labels.slice(from, to), shape: [to - from] };
  writeFileSync(join(dir, `H-${k}.npy`), encodeNpy(H));
  writeFileSync(join(dir, `y-${k}.npy`), encodeNpy(y));
  writeFileSync(
    join(dir, `part-${k}.npz`),
    zipSync({ 'H.npy': encodeNpy(H), 'y.npy': encodeNpy(y), 'W.npy': encodeNpy({ data: data.weight, shape: [C, p] }) }, { level: 0 }),
  );
}
const cuts = [0, 150, 333, 600];
for (let k = 0; k < 3; k++) writeShard(k, cuts[k]!, cuts[k + 1]!);
writeFileSync(
  join(dir, 'all.npz'),
  zipSync(
    {
      'H.npy': encodeNpy({ data: data.features, shape: [N, p] }),
      'y.npy': encodeNpy({ data: data.labels, shape: [N] }),
      'W.npy': encodeNpy({ data: data.weight, shape: [C, p] }),
    },
    { level: 0 },
  ),
);
writeFileSync(join(dir, 'W.npy'), encodeNpy({ data: data.weight, shape: [C, p] }));

function assertSame(a: Record<string, number>, b: Record<string, number>, what: string): void {
  assert.deepEqual(Object.keys(a), Object.keys(b), what);
  const worst = maxRelativeDifference(a, b);
  assert.ok(worst.difference < 1e-10, `${what}: ${worst.key} differs by ${worst.difference}`);
}

test('shards as a glob, repeated options, several archives and a manifest all measure what one file of the same rows does', () => {
  const whole = analyzeFiles(join(dir, 'all.npz'), {});
  const glob = analyzeFiles(undefined, { featuresFile: join(dir, 'H-*.npy'), labelsFile: join(dir, 'y-?.npy'), weightFile: join(dir, 'W.npy'), batchSize: 64 });
  assert.equal(glob.samples, N);
  assert.match(glob.source, /3 shards/);
  assertSame(glob.metrics, whole.metrics, 'glob');
  const repeated = analyzeFiles(undefined, {
    featuresFile: [0, 1, 2].map((k) => join(dir, `H-${k}.npy`)),
    labelsFile: [0, 1, 2].map((k) => join(dir, `y-${k}.npy`)),
    weightFile: join(dir, 'W.npy'),
    batchSize: 100,
  });
  assertSame(repeated.metrics, whole.metrics, 'repeated');
  const archives = analyzeFiles(
    [0, 1, 2].map((k) => join(dir, `part-${k}.npz`)),
    { batchSize: 37 },
  );
  assertSame(archives.metrics, whole.metrics, 'archives');
  const manifest = join(dir, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({ shards: [{ features: 'H-0.npy', labels: 'y-0.npy' }, 'part-1.npz', { features: 'H-2.npy', labels: 'y-2.npy' }], weight: 'W.npy' }),
  );
  assertSame(analyzeFiles(manifest, {}).metrics, whole.metrics, 'manifest');
});

test('the shard set entry point reports N, p and the classes, and each pass yields every sample once', () => {
  const set = openShards({ features: [join(dir, 'H-*.npy')], labels: [join(dir, 'y-*.npy')] }, { batchSize: 64 });
  try {
    assert.deepEqual([set.stream.samples, set.stream.dim, set.numClasses], [N, p, C]);
    for (let pass = 0; pass < 2; pass++) {
      let rows = 0;
      for (const batch of set.stream.source()()) {
        rows += batch.features.size(0);
        batch.features.dispose();
        batch.labels.dispose();
      }
      assert.equal(rows, N);
    }
  } finally {
    set.stream.close();
  }
});

/** An NcollapseError with exit code 1 whose message matches. */
function inputError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof NcollapseError, String(error));
    assert.equal(error.exitCode, 1);
    assert.match(error.message, pattern);
    return true;
  };
}

test('a shard replaced between the passes is refused by name (checksum, and size or modification time)', () => {
  const shard = join(dir, 'H-1.npy');
  const original = encodeNpy({ data: data.features.slice(cuts[1]! * p, cuts[2]! * p), shape: [cuts[2]! - cuts[1]!, p] });
  const replaced = encodeNpy({ data: data.features.slice(cuts[1]! * p, cuts[2]! * p).map((v) => v + 1), shape: [cuts[2]! - cuts[1]!, p] });
  const options = (rewrite: () => void) => ({
    featuresFile: join(dir, 'H-*.npy'),
    labelsFile: join(dir, 'y-*.npy'),
    onProgress: (pass: string, done: number) => {
      if (pass === 'second' && done === 0) rewrite();
    },
  });
  try {
    // Same size and the same modification time (a whole second, which utimes restores exactly): only the checksum can tell.
    utimesSync(shard, 1_700_000_000, 1_700_000_000);
    const { atime, mtime } = statSync(shard);
    assert.throws(
      () =>
        analyzeFiles(
          undefined,
          options(() => (writeFileSync(shard, replaced), utimesSync(shard, atime, mtime))),
        ),
      inputError(/H-1\.npy: this shard changed between the passes \(the checksum of array 'features' differs\)/),
    );
    writeFileSync(shard, original);
    assert.throws(
      () =>
        analyzeFiles(
          undefined,
          options(() => (writeFileSync(shard, replaced), utimesSync(shard, atime, new Date(mtime.getTime() + 5000)))),
        ),
      inputError(/H-1\.npy: this shard changed while it was being analysed \(its modification time changed\)/),
    );
  } finally {
    writeFileSync(shard, original);
  }
});

test('a missing shard, rows that disagree with the labels, and mixed p are clear errors (exit 1)', () => {
  assert.throws(
    () => analyzeFiles(undefined, { featuresFile: [join(dir, 'H-0.npy'), join(dir, 'H-9.npy')], labelsFile: [join(dir, 'y-0.npy'), join(dir, 'y-1.npy')] }),
    inputError(/H-9\.npy: file not found/),
  );
  assert.throws(
    () => analyzeFiles(undefined, { featuresFile: [join(dir, 'H-0.npy'), join(dir, 'H-1.npy')], labelsFile: [join(dir, 'y-0.npy'), join(dir, 'y-2.npy')] }),
    inputError(/y-2\.npy, array 'labels': has 267 labels but .*H-1\.npy, array 'features' has 183 samples/),
  );
  const wide = join(dir, 'wide.npy');
  writeFileSync(wide, encodeNpy({ data: new Float32Array(183 * (p + 1)), shape: [183, p + 1] }));
  try {
    assert.throws(
      () => analyzeFiles(undefined, { featuresFile: [join(dir, 'H-0.npy'), wide], labelsFile: [join(dir, 'y-0.npy'), join(dir, 'y-1.npy')] }),
      inputError(/wide\.npy, array 'features': has 9 features per sample but .*H-0\.npy has 8: every shard must have the same p/),
    );
  } finally {
    unlinkSync(wide);
  }
  assert.throws(
    () => analyzeFiles(undefined, { featuresFile: join(dir, 'H-*.npy'), labelsFile: join(dir, 'y-[01].npy') }),
    inputError(/3 feature files but 2 label files/),
  );
  assert.throws(
    () => analyzeFiles(undefined, { featuresFile: join(dir, 'Q-*.npy'), labelsFile: join(dir, 'y-*.npy') }),
    inputError(/Q-\*\.npy: --features-file: no file matches/),
  );
});
