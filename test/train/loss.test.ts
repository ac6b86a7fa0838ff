import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as torch from '../../src/torch/index.js';
import { type LossSpec, trainingLoss } from '../../src/train/loss.js';
import { assertClose, mixed } from '../helpers/assert-close.js';

interface LossRun {
  x: number[];
  labels: number[];
  initial: number[];
  losses: number[];
  after: number[][];
}

interface LossGolden {
  torch: string;
  steps: number;
  n: number;
  p: number;
  c: number;
  lr: number;
  losses: Record<string, { options: LossSpec; float64: LossRun; float32: LossRun }>;
}

/** Written by test/fixtures/train/make_loss_golden.py. */
const golden = JSON.parse(readFileSync(new URL('../fixtures/train/loss-golden.json', import.meta.url), 'utf8')) as LossGolden;
const TOLERANCE = { float64: 1e-10, float32: 1e-6 } as const;

for (const [name, entry] of Object.entries(golden.losses)) {
  for (const dtype of ['float64', 'float32'] as const) {
    test(`loss '${name}' in ${dtype}: values and ${golden.steps} SGD steps equal PyTorch ${golden.torch}'s`, () => {
      const run = entry[dtype];
      const before = torch.liveTensors();
      const x = torch.keep(torch.tensor(run.x, { shape: [golden.n, golden.p], dtype }));
      const labels = torch.keep(torch.tensor(run.labels, { dtype: 'int64' }));
      const w = torch.keep(torch.tensor(run.initial, { shape: [golden.c, golden.p], dtype }).requiresGrad_());
      for (let step = 0; step < golden.steps; step++) {
        w.grad = undefined;
        const loss = torch.tidy(() => {
          const value = trainingLoss(entry.options, torch.F.linear(x, w), labels);
          value.backward();
          return value.item();
        });
        torch.noGrad(() => torch.tidy(() => void w.sub_(w.grad!.mul(golden.lr))));
        assertClose([loss], [run.losses[step]!], `${name} ${dtype} loss at step ${step + 1}`, mixed(TOLERANCE[dtype]));
        assertClose(w.toArray(), run.after[step]!, `${name} ${dtype} weights after step ${step + 1}`, mixed(TOLERANCE[dtype]));
      }
      w.grad = undefined;
      torch.dispose([x, labels, w]);
      assert.equal(torch.liveTensors(), before);
    });
  }
}

test('the golden file covers label smoothing and focal loss, and focal with gamma 0 is cross-entropy', () => {
  assert.ok(Object.values(golden.losses).some((l) => l.options.labelSmoothing !== undefined));
  assert.ok(Object.values(golden.losses).some((l) => l.options.loss === 'focal'));
  torch.tidy(() => {
    torch.manualSeed(0);
    const logits = torch.randn([6, 5], { dtype: 'float64' });
    const labels = torch.randint(0, 5, [6]);
    const ce = trainingLoss('ce', logits, labels).item();
    assert.ok(Math.abs(trainingLoss({ loss: 'focal', focalGamma: 0 }, logits, labels).item() - ce) < 1e-14);
    assert.ok(trainingLoss({ loss: 'focal', focalGamma: 2 }, logits, labels).item() < ce, 'focusing lowers the loss of every sample');
  });
});
