import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { load } from '../../src/train/training-state.js';
import * as torch from '../../src/torch/index.js';
import { runCli } from './cli-run.js';

test('a run whose loss becomes NaN stops with a clear message and keeps its last good checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncollapse-diverge-'));
  const run = join(dir, 'run');
  try {
    // The learning rate is multiplied by a million after epoch 2: epoch 3 blows up.
    const result = await runCli([
      'train',
      '--dataset',
      'gaussian',
      '--per-class',
      '40',
      '--width',
      '0.125',
      '--epochs',
      '6',
      '--measure',
      'all',
      '--milestones',
      '2',
      '--gamma',
      '1e6',
      '--no-report',
      '--quiet',
      '--out',
      run,
    ]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /epoch 3.*NaN.*last good checkpoint is .*epoch-0002\.safetensors.*smaller --lr/);
    const status = JSON.parse(readFileSync(join(run, 'status.json'), 'utf8')) as { state: string; epoch: number; message: string };
    assert.equal(status.state, 'diverged');
    assert.equal(status.epoch, 2);
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { epoch: number; loss: number });
    assert.deepEqual(
      lines.map((l) => l.epoch),
      [1, 2],
    );
    assert.ok(lines.every((l) => Number.isFinite(l.loss)));
    // Both the epoch-2 file and last.safetensors hold finite parameters: nothing bad was written.
    for (const file of ['epoch-0002.safetensors', 'last.safetensors']) {
      const { tensors, metadata } = load(join(run, 'checkpoints', file));
      assert.match(metadata.extra ?? '', /"epoch":2/);
      for (const [name, t] of tensors) {
        if (t.dtype === 'float32')
          assert.equal(
            torch.tidy(() => t.isfinite().all().item()),
            1,
            `${file}: ${name} is not finite`,
          );
        t.dispose();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
