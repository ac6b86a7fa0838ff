import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as torch from '../../src/torch/index.js';

const { F } = torch;

test('2,000 training steps leave live tensors and resident memory flat', () => {
  torch.manualSeed(0);
  const before = torch.liveTensors();
  const w1 = torch.keep(torch.randn([64, 256]).mul_(0.05).requiresGrad_());
  const w2 = torch.keep(torch.randn([10, 64]).mul_(0.05).requiresGrad_());
  const x = torch.keep(torch.randn([128, 256]));
  const y = torch.keep(torch.randint(0, 10, [128]));
  const step = () =>
    torch.tidy(() => {
      const loss = F.crossEntropy(F.linear(F.linear(x, w1).relu(), w2), y);
      loss.backward();
      torch.noGrad(() => {
        for (const w of [w1, w2]) {
          w.add_(w.grad!, -0.05);
          w.grad = undefined;
        }
      });
      return loss.item();
    });
  for (let i = 0; i < 200; i++) step(); // warm-up: allocator caches, JIT
  const rssWarm = process.memoryUsage().rss;
  const liveWarm = torch.liveTensors();
  let last = 0;
  for (let i = 0; i < 2000; i++) last = step();
  const rssAfter = process.memoryUsage().rss;
  assert.equal(torch.liveTensors(), liveWarm, 'live tensor count changed during training');
  const growthMiB = (rssAfter - rssWarm) / 2 ** 20;
  assert.ok(growthMiB < 20, `resident memory grew by ${growthMiB.toFixed(1)} MiB over 2,000 steps`);
  assert.ok(last < 0.5, `the tiny problem should be learned (loss ${last})`);
  torch.dispose([w1, w2, x, y]);
  assert.equal(torch.liveTensors(), before);
});
