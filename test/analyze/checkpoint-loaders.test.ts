import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { analyzeCheckpoint } from '../../src/analyze/analyze-checkpoint.js';
import { analyzeFiles } from '../../src/analyze/analyze-files.js';
import { checkpointRobustness } from '../../src/analyze/checkpoint-robustness.js';
import { RunDirectory } from '../../src/run/run-directory.js';
import { train } from '../../src/train/trainer.js';
import { SafetensorsError } from '../../src/train/training-state.js';

// Every path that loads a checkpoint checks its checksums: one damaged byte is refused by each.
const work = mkdtempSync(join(tmpdir(), 'ncollapse-checkpoint-loaders-'));
after(() => rmSync(work, { recursive: true, force: true }));
const runDir = join(work, 'run');
const run = new RunDirectory(runDir);
let intact: Buffer;

before(async () => {
  await train(
    {
      name: 'loaders',
      out: runDir,
      dataset: 'gaussian',
      perClass: 20,
      model: 'mlp',
      width: 0.125,
      epochs: 2,
      batchSize: 50,
      measure: 'all',
      report: false,
      seed: 3,
    },
    { quiet: true },
  );
  intact = readFileSync(run.lastCheckpoint);
});

/** last.safetensors (and epoch 2's, its copy) with one bit of the classifier's weight flipped. */
function damage(): void {
  const headerLength = Number(intact.readBigUInt64LE(0));
  const header = JSON.parse(intact.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets?: [number, number] }>;
  const name = Object.keys(header).find((key) => key.startsWith('model.') && key.endsWith('weight'))!;
  const [start] = header[name]!.data_offsets!;
  const bytes = Buffer.from(intact);
  bytes[8 + headerLength + start + 3] ^= 0x40;
  writeFileSync(run.lastCheckpoint, bytes);
  copyFileSync(run.lastCheckpoint, run.checkpointFor(2));
}

const damaged = (error: unknown): boolean =>
  error instanceof SafetensorsError && /integrity check failed: tensor 'model\..*' .* does not match its SHA-256/.test(error.message);

test('the intact checkpoint loads on every path', () => {
  assert.ok(analyzeCheckpoint({ checkpoint: run.lastCheckpoint }).samples > 0);
  assert.equal(checkpointRobustness({ run: runDir, samples: 2 }).samples, 2);
});

test('analyze --checkpoint, robustness, analyze FILE.safetensors and train --resume all reject a flipped byte', async () => {
  damage();
  assert.throws(() => analyzeCheckpoint({ checkpoint: run.lastCheckpoint }), damaged);
  assert.throws(() => analyzeFiles(undefined, { checkpoint: run.checkpointFor(2) }), damaged);
  assert.throws(() => checkpointRobustness({ run: runDir, samples: 2 }), damaged);
  assert.throws(() => checkpointRobustness({ run: runDir, epoch: 2, samples: 2 }), damaged);
  assert.throws(() => analyzeFiles(run.lastCheckpoint, {}), damaged);
  // --resume passes over a damaged checkpoint to an older intact one (resume-point.ts), and here there is only epoch 1's.
  const notices: string[] = [];
  await train(
    {
      name: 'loaders',
      out: runDir,
      dataset: 'gaussian',
      perClass: 20,
      model: 'mlp',
      width: 0.125,
      epochs: 3,
      batchSize: 50,
      measure: 'all',
      report: false,
      seed: 3,
    },
    { resume: true, quiet: true, explicit: { epochs: 3 }, notice: (line) => notices.push(line) },
  );
  assert.ok(
    notices.some((line) => /last\.safetensors.*integrity check failed/.test(line)),
    notices.join('\n'),
  );
});
