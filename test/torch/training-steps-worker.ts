/**
 * Runs warm-up and then measured training steps of a small MLP, printing JSON with the live
 * tensor count and resident memory every 250 steps. Run as a child process by memory.test.ts
 * (with --expose-gc and a fixed mmap threshold, so that the settings apply from the start).
 */
import * as torch from '../../src/torch/index.js';

const { F } = torch;
const [warmup, measured] = process.argv.slice(2).map(Number) as [number, number];
const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (!collectGarbage) throw new Error('run with --expose-gc');

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
for (let i = 0; i < warmup; i++) step();
collectGarbage();
const live = [torch.liveTensors()];
const rss = [process.memoryUsage().rss];
let lastLoss = 0;
for (let i = 1; i <= measured; i++) {
  lastLoss = step();
  if (i % 250 === 0) {
    // Counted before the collection: a tensor that only a finalizer would free still counts here.
    live.push(torch.liveTensors());
    collectGarbage();
    rss.push(process.memoryUsage().rss);
  }
}
torch.dispose([w1, w2, x, y]);
console.log(JSON.stringify({ live, rss, lastLoss, liveBefore: before, liveEnd: torch.liveTensors() }));
