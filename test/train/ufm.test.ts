import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import * as torch from '../../src/torch/index.js';
import { train } from '../../src/train/trainer.js';

test('the unconstrained-features model (C = 10, p = 16, 20 per class, CE, weight decay) collapses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncollapse-ufm-'));
  const live = torch.liveTensors();
  try {
    const result = await train(
      {
        name: 'ufm',
        out: join(dir, 'run'),
        dataset: 'ufm',
        perClass: 20,
        featureDim: 16,
        batchSize: 200,
        epochs: 1000,
        lr: 0.5,
        weightDecay: 5e-3,
        measure: '1',
        layers: false,
        report: false,
      },
      { quiet: true },
    );
    assert.equal(result.state, 'finished');
    assert.deepEqual(
      result.records.map((r) => r.epoch),
      [1, 1000],
    );
    const first = result.records[0]!;
    const last = result.records[1]!;
    assert.ok((first.nc1 as number) > 0.1, `nc1 starts far from collapse (${first.nc1})`);
    assert.equal(last.train_error, 0);
    assert.ok((last.nc1 as number) < 1e-3, `nc1 = ${last.nc1}`);
    assert.ok((last.etf_error_means as number) < 1e-2, `etf_error_means = ${last.etf_error_means}`);
    assert.ok((last.self_duality as number) < 1e-2, `self_duality = ${last.self_duality}`);
    assert.equal(last.ncc_mismatch, 0);
    assert.equal(typeof last.tpt_epoch, 'number');
    assert.equal(torch.liveTensors(), live, 'the trainer released every tensor');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
