/**
 * Data-parallel training speed: samples per second of the demo's MLP protocol (Fashion-MNIST, 500
 * per class, global batch 128) as 1 process and as 2 (`ncollapse launch --nproc 2`), one libtorch
 * thread per process, then the same in Python PyTorch DDP over Gloo when python3 has torch.
 * Training time only (the trainer's `seconds`, measurement excluded). BENCH_EPOCHS (default 5).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findPythonWithTorch } from './python-torch.js';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 5);
const BIN = fileURLToPath(new URL('../bin/ncollapse', import.meta.url));
const SAMPLES_PER_EPOCH = Math.floor(5000 / 128) * 128;

function ours(world: number): number {
  const out = mkdtempSync(join(tmpdir(), 'ncollapse-bench-ddp-'));
  try {
    const job = [
      'train',
      '--dataset',
      'fashion-mnist',
      '--per-class',
      '500',
      '--model',
      'mlp',
      '--epochs',
      String(EPOCHS),
      '--measure',
      String(EPOCHS),
      '--no-layers',
      '--no-report',
      '--quiet',
      '--threads',
      '1',
      '--out',
      join(out, 'run'),
    ];
    const args = world === 1 ? job : ['launch', '--nproc', String(world), ...job];
    const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    if (run.status !== 0) throw new Error(`ncollapse ${args.join(' ')} failed:\n${run.stderr}`);
    const lines = readFileSync(join(out, 'run', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const seconds = Number(JSON.parse(lines[lines.length - 1]!).seconds);
    return (EPOCHS * SAMPLES_PER_EPOCH) / seconds;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

console.log(`data-parallel benchmark: the demo's MLP for ${EPOCHS} epochs, 1 thread per process`);
const one = ours(1);
const two = ours(2);
console.log(`ncollapse: 1 process ${one.toFixed(0)} samples/s, 2 processes ${two.toFixed(0)} samples/s, speed-up ${(two / one).toFixed(2)}`);
const python = findPythonWithTorch();
if (!python) {
  console.log('python3 with torch not found: PyTorch DDP comparison skipped (apt-get install python3-torch)');
} else {
  const script = fileURLToPath(new URL('./ddp_reference.py', import.meta.url));
  const reference = (world: number) =>
    (
      JSON.parse(
        execFileSync(python, [script, String(world), String(EPOCHS)], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .pop()!,
      ) as { samples_per_second: number }
    ).samples_per_second;
  const [p1, p2] = [reference(1), reference(2)];
  console.log(`PyTorch DDP (Gloo): 1 process ${p1.toFixed(0)} samples/s, 2 processes ${p2.toFixed(0)} samples/s, speed-up ${(p2 / p1).toFixed(2)}`);
  console.log(`ratio ncollapse / PyTorch samples/s: 1 process ${(one / p1).toFixed(3)}, 2 processes ${(two / p2).toFixed(3)}`);
}
