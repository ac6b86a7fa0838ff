/**
 * The CLI as a user meets it, in wall-clock time: `ncollapse --help` start-up (against a bare
 * `node -e 0` in the same invocation, since the machine may be busy), and `ncollapse train` on
 * the demo protocol against the same protocol in PyTorch (bench/train_reference.py), each a whole
 * process from start to exit. BENCH_EPOCHS sets the run length (default 30), BENCH_STARTS the
 * number of --help starts (default 10).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findPythonWithTorch, median } from './python-torch.js';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 30);
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const BIN = fileURLToPath(new URL('../bin/ncollapse', import.meta.url));

/** Wall seconds of one process, start to exit; its stdout. */
function timed(command: string, args: string[]): { seconds: number; stdout: string } {
  const start = performance.now();
  const stdout = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return { seconds: (performance.now() - start) / 1000, stdout };
}

function startTimes(command: string, args: string[]): number {
  timed(command, args); // warm the file cache
  return median(Array.from({ length: STARTS }, () => timed(command, args).seconds));
}

const bareNode = startTimes(process.execPath, ['-e', '0']);
const help = startTimes(process.execPath, [BIN, '--help']);
console.log(
  `start-up, median of ${STARTS}: node -e 0 ${(bareNode * 1000).toFixed(0)} ms, ncollapse --help ${(help * 1000).toFixed(0)} ms (${(help / bareNode).toFixed(2)} x bare node)`,
);

const out = mkdtempSync(join(tmpdir(), 'ncollapse-bench-cli-'));
try {
  const protocol = ['--dataset', 'fashion-mnist', '--per-class', '500', '--model', 'mlp', '--loss', 'ce', '--epochs', String(EPOCHS)];
  const options = ['--measure', String(EPOCHS), '--no-layers', '--no-report', '--quiet', '--out', join(out, 'run')];
  const ours = timed(process.execPath, [BIN, 'train', ...protocol, ...options]);
  console.log(`ncollapse train, ${EPOCHS} epochs: ${ours.seconds.toFixed(1)} s wall`);
  const python = findPythonWithTorch();
  if (!python) {
    console.log('python3 with torch not found: PyTorch comparison skipped (apt-get install python3-torch)');
  } else {
    const script = fileURLToPath(new URL('./train_reference.py', import.meta.url));
    const reference = timed(python, [script, String(EPOCHS)]);
    console.log(`PyTorch,         ${EPOCHS} epochs: ${reference.seconds.toFixed(1)} s wall`);
    console.log(`ratio (ncollapse wall / PyTorch wall): ${(ours.seconds / reference.seconds).toFixed(3)}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
