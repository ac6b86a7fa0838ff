import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { load } from '../../src/train/training-state.js';
import { dispose } from '../../src/torch/index.js';
import type { TrainOptions } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';

// The run directory lives on a tmpfs of 1 MiB that this test mounts (CI runs as root); a run of 16
// measured epochs needs about 3 MiB, so the disk fills part-way. A test that cannot mount fails.
const dir = mkdtempSync(join(tmpdir(), 'ncollapse-disk-full-'));
const mountPoint = join(dir, 'small-disk');
let mounted = false;

before(() => {
  mkdirSync(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
  mounted = true;
});
after(() => {
  try {
    if (mounted) execFileSync('umount', [mountPoint]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const options = (out: string): TrainOptions => ({
  name: 'disk-full',
  out,
  dataset: 'gaussian',
  perClass: 30,
  model: 'mlp',
  width: 0.125,
  epochs: 16,
  batchSize: 50,
  measure: 'all',
  report: false,
  seed: 5,
  // Every checkpoint is kept, so that the small disk fills part-way through the run.
  keepCheckpoints: 1000,
});

function withoutTime(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.endsWith('}'))
    .map((line) => {
      const { seconds: _seconds, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

test('a full disk stops the run with a clear error, keeps everything written, and --resume finishes once there is space', async () => {
  await train(options(join(dir, 'reference')), { quiet: true });
  const reference = withoutTime(join(dir, 'reference', 'metrics.jsonl'));

  const run = join(mountPoint, 'run');
  await assert.rejects(
    train(options(run), { quiet: true }),
    (error: unknown) => /no space left on device/i.test((error as Error).message) && (error as Error).message.includes(run),
  );

  // Everything written before the disk filled is intact: config, the measured lines, every checkpoint.
  assert.equal((JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { epochs: number }).epochs, 16);
  const kept = withoutTime(join(run, 'metrics.jsonl'));
  assert.ok(kept.length >= 2 && kept.length < 16, `the disk filled part-way (${kept.length} measured epochs)`);
  assert.deepEqual(kept, reference.slice(0, kept.length));
  const checkpoints = readdirSync(join(run, 'checkpoints'));
  assert.ok(checkpoints.includes('last.safetensors'));
  assert.deepEqual(
    checkpoints.filter((name) => name.includes('.tmp-')),
    [],
    'the failed write removed its temporary file',
  );
  for (const name of checkpoints) {
    const { tensors } = load(join(run, 'checkpoints', name));
    dispose([...tensors.values()]);
  }

  execFileSync('mount', ['-o', 'remount,size=8m', mountPoint]);
  const resumed = await train(options(run), { quiet: true, resume: true, notice: () => undefined });
  assert.equal(resumed.state, 'finished');
  assert.deepEqual(withoutTime(join(run, 'metrics.jsonl')), reference);
  assert.ok(existsSync(join(run, 'checkpoints', 'epoch-0016.safetensors')));
});
