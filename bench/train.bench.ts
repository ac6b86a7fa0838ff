/**
 * The demo's training protocol (Fashion-MNIST, 500 per class, MLP, cross-entropy, the paper's
 * SGD schedule) in ncollapse and in PyTorch, one after the other in the same invocation; prints
 * the training seconds of each (measurement excluded on both sides) and their ratio.
 * BENCH_EPOCHS sets the run length (default 30; the demo is 350).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { train } from '../src/train/trainer.js';
import { findPythonWithTorch } from './python-torch.js';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 30);

async function ours(): Promise<{ seconds: number; trainError: number }> {
  const out = mkdtempSync(join(tmpdir(), 'ncollapse-bench-'));
  try {
    // Measured at the last epoch only; `seconds` counts training alone.
    const result = await train(
      {
        name: 'bench',
        out: join(out, 'run'),
        dataset: 'fashion-mnist',
        perClass: 500,
        model: 'mlp',
        loss: 'ce',
        epochs: EPOCHS,
        measure: String(EPOCHS),
        layers: false,
        report: false,
      },
      { quiet: true },
    );
    const last = result.records[result.records.length - 1]!;
    return { seconds: Number(last.seconds), trainError: Number(last.train_error) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const python = findPythonWithTorch();
console.log(`training benchmark: the demo protocol for ${EPOCHS} epochs`);
const mine = await ours();
console.log(`ncollapse: ${mine.seconds.toFixed(1)} s of training, final training error ${mine.trainError}`);
if (!python) {
  console.log('python3 with torch not found: PyTorch comparison skipped (apt-get install python3-torch)');
} else {
  const script = fileURLToPath(new URL('./train_reference.py', import.meta.url));
  const reference = JSON.parse(
    execFileSync(python, [script, String(EPOCHS)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  ) as {
    seconds: number;
    train_error: number;
  };
  console.log(`PyTorch:   ${reference.seconds.toFixed(1)} s of training, final training error ${reference.train_error}`);
  console.log(`ratio (ncollapse time / PyTorch time): ${(mine.seconds / reference.seconds).toFixed(3)}`);
}
