/**
 * Training-step throughput of the engine against PyTorch, run in the same invocation:
 * an MLP (784-512-512-512 with BatchNorm1d and ReLU, then 512->10) and a small CNN (three 3x3
 * conv-BN-ReLU blocks of 32, 64, 128 channels, max-pool after the first two, global average pool,
 * linear), batch 128 of random 28x28 inputs, SGD momentum 0.9. Rounds alternate between the two
 * engines and the median is reported, since the machine is shared and noisy.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import * as nn from '../src/nn/index.js';
import { SGD } from '../src/optim/sgd.js';
import * as torch from '../src/torch/index.js';
import { findPythonWithTorch, median } from './python-torch.js';

const STEPS = Number(process.env.BENCH_STEPS ?? 150);
const WARMUP = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function mlp(): nn.Module {
  const layers: nn.Module[] = [new nn.Flatten()];
  let dim = 784;
  for (let i = 0; i < 3; i++) {
    layers.push(new nn.Linear(dim, 512), new nn.BatchNorm1d(512), new nn.ReLU());
    dim = 512;
  }
  layers.push(new nn.Linear(512, 10));
  return new nn.Sequential(...layers);
}

function cnn(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { padding: 1 }),
    new nn.BatchNorm2d(32),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }),
    new nn.BatchNorm2d(64),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(64, 128, 3, { padding: 1 }),
    new nn.BatchNorm2d(128),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
    new nn.Linear(128, 10),
  );
}

function ours(name: 'mlp' | 'cnn'): number {
  torch.manualSeed(0);
  const model = name === 'mlp' ? mlp() : cnn();
  model.train();
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  const batches = Array.from({ length: 8 }, () => ({
    x: torch.keep(torch.randn([128, 1, 28, 28])),
    y: torch.keep(torch.randint(0, 10, [128])),
  }));
  const step = (i: number) =>
    torch.tidy(() => {
      const { x, y } = batches[i % batches.length]!;
      optimizer.zeroGrad();
      const loss = torch.F.crossEntropy(model.call(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    });
  for (let i = 0; i < WARMUP; i++) step(i).dispose();
  const start = performance.now();
  let loss: torch.Tensor | undefined;
  for (let i = 0; i < STEPS; i++) {
    loss?.dispose();
    loss = step(i);
  }
  loss!.item();
  const seconds = (performance.now() - start) / 1000;
  loss!.dispose();
  model.dispose();
  torch.dispose(batches);
  return (STEPS * 128) / seconds;
}

function reference(python: string, name: string): number {
  const script = fileURLToPath(new URL('./engine_reference.py', import.meta.url));
  const out = execFileSync(python, [script, name, String(STEPS), String(WARMUP)], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop()!) as { samples_per_second: number }).samples_per_second;
}

const python = findPythonWithTorch();
console.log(`ncollapse engine benchmark: libtorch ${torch.libtorchVersion()}, ${torch.getNumThreads()} thread(s), ${STEPS} steps x ${ROUNDS} rounds`);
if (!python) console.log('python3 with torch not found: PyTorch comparison skipped (apt-get install python3-torch)');
for (const name of (process.env.BENCH_MODELS ?? 'mlp,cnn').split(',') as ('mlp' | 'cnn')[]) {
  const mine: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    mine.push(ours(name));
    if (python) theirs.push(reference(python, name));
  }
  const line = `${name}: ncollapse ${median(mine).toFixed(0)} samples/s`;
  if (python) {
    const ratio = median(mine) / median(theirs);
    console.log(`${line} | PyTorch ${median(theirs).toFixed(0)} samples/s | ratio ${ratio.toFixed(3)}`);
  } else console.log(line);
}
