import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { UsageError } from '../../src/errors.js';
import { createModel } from '../../src/nn/models/registry.js';
import { Adam } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';
import { fixClassifierToEtf, simplexEtf, trainableParameters } from '../../src/train/etf-classifier.js';
import { loadTrainingState, saveTrainingState } from '../../src/train/training-state.js';

/** max |(W W^T)_ab - G_ab| with G = C/(C-1) (I - 1 1^T / C), the simplex Gram matrix, in float64. */
function simplexGramError(w: Float64Array, C: number, p: number): number {
  let worst = 0;
  for (let a = 0; a < C; a++) {
    for (let b = 0; b < C; b++) {
      let dot = 0;
      for (let i = 0; i < p; i++) dot += w[a * p + i]! * w[b * p + i]!;
      const expected = (C / (C - 1)) * ((a === b ? 1 : 0) - 1 / C);
      worst = Math.max(worst, Math.abs(dot - expected));
    }
  }
  return worst;
}

test('simplexEtf: W W^T equals the simplex Gram matrix to 1e-12, for p = C - 1 and for p much larger', () => {
  for (const [C, p] of [
    [2, 1],
    [10, 9],
    [10, 512],
    [100, 128],
    [5, 5],
  ] as const) {
    const w = simplexEtf(C, p, 11);
    assert.equal(w.length, C * p);
    assert.ok(simplexGramError(w, C, p) < 1e-12, `C=${C} p=${p}: ${simplexGramError(w, C, p)}`);
  }
});

test('simplexEtf: a seeded random rotation (same seed same frame, another seed another); p < C - 1 is a usage error', () => {
  assert.deepEqual(simplexEtf(10, 32, 3), simplexEtf(10, 32, 3));
  const [a, b] = [simplexEtf(10, 32, 3), simplexEtf(10, 32, 4)];
  assert.ok(a.some((x, i) => Math.abs(x - b[i]!) > 1e-3));
  assert.throws(
    () => simplexEtf(10, 8, 0),
    (e: unknown) => e instanceof UsageError && /p >= C - 1 = 9, but the model's p is 8/.test(e.message),
  );
});

function smallMlp() {
  torch.manualSeed(0);
  return createModel('mlp', { inputShape: [1, 4, 4], numClasses: 5, width: 0.05, depth: 2 });
}

test('the fixed classifier gets no update from training, weight decay included, and a saved state restores it', () => {
  const before = torch.liveTensors();
  const model = smallMlp();
  fixClassifierToEtf(model, 5);
  const etf = model.classifier.weight.toArray();
  const p = model.featureDim;
  assert.ok(simplexGramError(Float64Array.from(etf), 5, p) < 1e-6, 'the float32 weight is the ETF rounded to float32');
  assert.deepEqual(model.classifier.bias!.toArray(), [0, 0, 0, 0, 0]);
  const trainable = trainableParameters(model, 'etf');
  assert.equal(trainable.length, model.parameters().length - 2);
  const optimizer = new Adam(trainable, { lr: 0.05, weightDecay: 0.1 });
  torch.manualSeed(1);
  const x = torch.keep(torch.randn([16, 1, 4, 4]));
  const y = torch.keep(torch.randint(0, 5, [16]));
  const firstLayer = model.parameters()[0]!.toArray();
  for (let i = 0; i < 5; i++) {
    optimizer.zeroGrad();
    torch.tidy(() => torch.F.crossEntropy(model.call(x), y).backward());
    optimizer.step();
  }
  assert.deepEqual(model.classifier.weight.toArray(), etf, 'W is bit for bit the ETF after training');
  assert.deepEqual(model.classifier.bias!.toArray(), [0, 0, 0, 0, 0]);
  assert.notDeepEqual(model.parameters()[0]!.toArray(), firstLayer, 'the features did train');

  const dir = mkdtempSync(join(tmpdir(), 'etf-'));
  try {
    const file = join(dir, 'state.safetensors');
    saveTrainingState(file, { model, optimizer });
    const fresh = smallMlp();
    const freshOptimizer = new Adam(trainableParameters(fresh, 'etf'), { lr: 0.05 });
    assert.notDeepEqual(fresh.classifier.weight.toArray(), etf);
    loadTrainingState(file, { model: fresh, optimizer: freshOptimizer });
    assert.deepEqual(fresh.classifier.weight.toArray(), etf, 'the resumed model holds the same fixed frame');
    freshOptimizer.dispose();
    fresh.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  optimizer.dispose();
  model.dispose();
  torch.dispose([x, y]);
  assert.equal(torch.liveTensors(), before);
});
