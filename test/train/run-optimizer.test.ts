import assert from 'node:assert/strict';
import { test } from 'node:test';

import { UsageError } from '../../src/errors.js';
import { Adam, AdamW, SGD } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';
import { parseTrainOptions } from '../../src/train/config.js';
import { defaultLr } from '../../src/train/default-lr.js';
import { createRunOptimizer } from '../../src/train/run-optimizer.js';

test("--optimizer: PyTorch's betas and eps, the run's --weight-decay (AdamW's decoupled decay too), SGD's momentum", () => {
  const p = torch.keep(torch.zeros([2]).requiresGrad_());
  const config = { lr: 0.01, momentum: 0.8, weightDecay: 5e-4 };
  const adamw = createRunOptimizer({ ...config, optimizer: 'adamw' }, [p]);
  assert.ok(adamw instanceof AdamW);
  assert.deepEqual(
    { ...adamw.paramGroups[0], params: [] },
    { params: [], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 5e-4, amsgrad: false, maximize: false },
  );
  const adam = createRunOptimizer({ ...config, optimizer: 'adam' }, [p]);
  assert.ok(adam instanceof Adam && !(adam instanceof AdamW));
  const sgd = createRunOptimizer({ ...config, optimizer: 'sgd' }, [p]);
  assert.ok(sgd instanceof SGD);
  assert.equal((sgd as SGD).paramGroups[0]!.momentum, 0.8);
  assert.equal(defaultLr('adamw', 'ce'), 1e-3);
  assert.equal(defaultLr('sgd', 'focal'), 0.0679);
  assert.equal(defaultLr('sgd', 'mse'), 0.0184);
  p.dispose();
});

test('the new options are checked up front with the flag named', () => {
  const base = { name: 'x', out: '/tmp/x' };
  assert.equal(parseTrainOptions(base).optimizer, 'sgd');
  assert.equal(parseTrainOptions(base).classifier, 'linear');
  assert.equal(parseTrainOptions(base).imbalance, null);
  assert.throws(
    () => parseTrainOptions({ ...base, optimizer: 'rmsprop' as never }),
    (e: unknown) => e instanceof UsageError && /--optimizer rmsprop: must be one of sgd, adam, adamw/.test((e as Error).message),
  );
  assert.throws(() => parseTrainOptions({ ...base, imbalance: 'step:0.5' }), /--imbalance step:0.5: the ratio R must be a number >= 1/);
  assert.throws(() => parseTrainOptions({ ...base, imbalance: 'tail:3' }), /--imbalance tail:3: must be step:R, step:R:K or exp:R/);
  assert.throws(
    () => parseTrainOptions({ ...base, loss: 'focal', labelSmoothing: 0.1 }),
    /--label-smoothing 0.1: label smoothing belongs to the cross-entropy/,
  );
  assert.throws(() => parseTrainOptions({ ...base, classifier: 'cosine' as never }), /--classifier cosine: must be one of linear, etf/);
});
