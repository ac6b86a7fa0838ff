/**
 * Collapse at scale (issue 16): synthetic features in shards (100,000 rows each, written by
 * bench/scale_reference.py), measured by `ncollapse analyze` (bench/scale-child.ts, a process
 * per run so that its peak resident set is its own) and by a PyTorch float64 two-pass reference
 * of the same keys (scale_reference.py measure, rhubarbwu/neural-collapse's scheme; skipped when
 * its whole C x C matrices would not fit, C > 20,000). Printed per configuration: wall time,
 * peak RSS, samples/s of each pass, the reference's time and the ratio, and the largest relative
 * difference of the shared keys.
 *
 * The configurations are the issue's (C = 1,000 / 10,000 / 50,257, p = 256 / 1,024, N up to
 * 2,000,000, float16 and float32), unless BENCH_SCALE lists others as
 *   "C,p,N,dtype,decisions;..."   (decisions: 'all' or a subset size K)
 * BENCH_THREADS: libtorch threads on both sides (default 2). BENCH_DIR: where the shards go
 * (default a folder under /tmp, removed afterwards).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPythonWithTorch } from './python-torch.js';

interface Config {
  C: number;
  p: number;
  N: number;
  dtype: 'float16' | 'float32';
  decisions: string;
}

const ISSUE_CONFIGS =
  '1000,256,200000,float32,all;10000,256,200000,float32,all;10000,256,200000,float16,all;10000,1024,200000,float16,20000;10000,256,2000000,float16,20000;50257,1024,1000000,float16,20000';
const configs: Config[] = (process.env.BENCH_SCALE ?? ISSUE_CONFIGS).split(';').map((entry) => {
  const [C, p, N, dtype, decisions] = entry.split(',');
  return { C: Number(C), p: Number(p), N: Number(N), dtype: dtype as Config['dtype'], decisions: decisions ?? 'all' };
});
const threads = Number(process.env.BENCH_THREADS ?? 2);
const here = fileURLToPath(new URL('.', import.meta.url));
const python = findPythonWithTorch();
const root = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'ncollapse-bench-scale-'));

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

console.log(`bench:scale, ${threads} libtorch thread(s) on each side; reference: ${python ?? 'none (no python3 with torch)'}`);
try {
  for (const config of configs) {
    const folder = join(root, `C${config.C}-p${config.p}-N${config.N}-${config.dtype}`);
    run(python ?? 'python3', [
      join(here, 'scale_reference.py'),
      'generate',
      folder,
      String(config.C),
      String(config.p),
      String(config.N),
      config.dtype,
      '100000',
      '0',
    ]);
    const ours = JSON.parse(
      run(process.execPath, ['--import', 'tsx', join(here, 'scale-child.ts'), join(folder, 'manifest.json'), config.decisions, String(threads)]),
    ) as {
      seconds: number;
      passSeconds: Record<string, number>;
      maxRssKb: number;
      metrics: Record<string, number>;
    };
    const rate = (pass: string) => Math.round(config.N / (ours.passSeconds[pass] ?? Number.NaN));
    let line = `C=${config.C} p=${config.p} N=${config.N} ${config.dtype} decisions=${config.decisions}: ${ours.seconds.toFixed(1)} s, peak RSS ${Math.round(ours.maxRssKb / 1024)} MB, samples/s labels ${rate('labels')} first ${rate('first')} second ${rate('second')}`;
    if (python && config.C <= 20_000) {
      const reference = JSON.parse(run(python, [join(here, 'scale_reference.py'), 'measure', folder, String(threads)])) as {
        seconds: number;
        max_rss_kb: number;
        metrics: Record<string, number>;
      };
      const worst = Object.entries(reference.metrics)
        .filter(([key]) => config.decisions === 'all' || key !== 'ncc_accuracy')
        .map(([key, value]) => [key, Math.abs((ours.metrics[key] ?? Number.NaN) - value) / Math.abs(value)] as const)
        .sort((a, b) => b[1] - a[1])[0]!;
      line += ` | PyTorch reference ${reference.seconds.toFixed(1)} s, peak RSS ${Math.round(reference.max_rss_kb / 1024)} MB, ratio ${(reference.seconds / ours.seconds).toFixed(2)}x | largest key difference ${worst[0]} ${worst[1].toExponential(1)}`;
    } else {
      line += ' | no reference (C x C matrices too large for it)';
    }
    console.log(line);
    if (!process.env.BENCH_DIR) rmSync(folder, { recursive: true, force: true });
  }
} finally {
  if (!process.env.BENCH_DIR) rmSync(root, { recursive: true, force: true });
}
