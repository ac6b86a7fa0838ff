/**
 * Collapse analysis throughput and memory: N = 60,000 float32 features of width p = 512 in
 * memory, C = 10 classes, batches of 1,024; one full measurement (two passes over the data and
 * every measure) in each covariance mode:
 *   projected  every metric that needs no p x p matrix (target < 0.25 s)
 *   full       every metric, with the p x p within-class covariance (target < 1.0 s)
 * then the large case C = 1,000, p = 2,048 (time printed; no target).
 *
 * Memory is the peak resident set (VmHWM, reset through /proc/self/clear_refs before each run)
 * minus the resident set just before the run, i.e. what the measurement adds beyond the features
 * (target < 200 MB). Each timing is the best of BENCH_ROUNDS (default 3): the machine is shared.
 *
 * BENCH_THREADS sets libtorch's intra-op threads (default 1: on this shared 2-core machine a
 * second OpenMP thread made no measurement faster; the matrix products go to the system BLAS,
 * which is single-threaded when it is Debian's reference libblas3).
 * BENCH_LARGE_N sets N for the large case (default 10,000: with a reference BLAS one batch of
 * the large case costs seconds).
 *
 * Every batch-sized tensor lives in shared scratch buffers (src/collapse/scratch.ts), so glibc's
 * dynamic mmap threshold does not make the resident set grow; MALLOC_MMAP_THRESHOLD_ is not
 * needed (it is printed when set).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureCollapseOfArrays, releaseScratch, type CovarianceMode } from '../src/collapse/index.js';
import { getNumThreads, keep, libtorchVersion, manualSeed, randn, randperm, setNumThreads, type Tensor, tidy } from '../src/torch/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const LARGE_N = Number(process.env.BENCH_LARGE_N ?? 10_000);
const BATCH = 1024;

interface Data {
  features: Tensor;
  labels: Tensor;
  weight: Tensor;
  bias: Tensor;
}

/** Gaussian classes around random means, float32, with a classifier near the centred means. */
function makeData(n: number, p: number, C: number): Data {
  manualSeed(0);
  return tidy(() => {
    // Every class present (n >= C), in random order.
    const labels = randperm(n).remainder(C);
    const means = randn([C, p]).mul(2);
    const features = randn([n, p]).add(means.indexSelect(0, labels));
    const weight = means.sub(means.mean(0)).add(randn([C, p]).mul(0.1));
    return { features: keep(features), labels: keep(labels), weight: keep(weight), bias: keep(randn([C]).mul(0.01)) };
  });
}

function residentKb(field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(line?.match(/(\d+)/)?.[1] ?? Number.NaN);
}

function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak then includes earlier history.
  }
}

interface Figures {
  seconds: number;
  peakMb: number;
  keys: number;
}

function measure(data: Data, covariance: CovarianceMode): Figures {
  // Best time and highest peak over the rounds; each round counts its own scratch buffers.
  const rounds = Array.from({ length: ROUNDS }, () => measureOnce(data, covariance));
  return {
    seconds: Math.min(...rounds.map((r) => r.seconds)),
    peakMb: Math.max(...rounds.map((r) => r.peakMb)),
    keys: rounds[rounds.length - 1]!.keys,
  };
}

function report(label: string, figures: Figures, target?: { seconds: number; mb: number }): void {
  const verdict = target
    ? `  (target < ${target.seconds} s, < ${target.mb} MB: ${figures.seconds < target.seconds && figures.peakMb < target.mb ? 'met' : 'MISSED'})`
    : '';
  console.log(
    `${label.padEnd(44)} ${figures.seconds.toFixed(3).padStart(8)} s  ${figures.peakMb.toFixed(0).padStart(5)} MB  ${String(figures.keys).padStart(2)} keys${verdict}`,
  );
}

interface Case {
  label: string;
  n: number;
  p: number;
  C: number;
  covariance: CovarianceMode;
  rounds: number;
  target?: { seconds: number; mb: number };
}

const CASES: Case[] = [
  { label: 'projected (no p x p matrix)', n: 60_000, p: 512, C: 10, covariance: 'projected', rounds: ROUNDS, target: { seconds: 0.25, mb: 200 } },
  { label: 'full (every metric, p x p covariance)', n: 60_000, p: 512, C: 10, covariance: 'full', rounds: ROUNDS, target: { seconds: 1.0, mb: 200 } },
  { label: 'projected (no p x p matrix)', n: LARGE_N, p: 2048, C: 1000, covariance: 'projected', rounds: 1 },
  { label: 'full (every metric, p x p covariance)', n: LARGE_N, p: 2048, C: 1000, covariance: 'full', rounds: 1 },
];

/** One case in this process (a child of main): make the data, measure, print the line. */
function runCase(index: number): void {
  setNumThreads(THREADS);
  const c = CASES[index]!;
  const data = makeData(c.n, c.p, c.C);
  const figures = c.rounds === 1 ? measureOnce(data, c.covariance) : measure(data, c.covariance);
  report(`  ${c.label}`, figures, c.target);
}

/** Each case in a fresh process, so that no memory freed by an earlier one hides what a later one uses. */
function main(): void {
  setNumThreads(THREADS);
  console.log(
    `libtorch ${libtorchVersion()}, ${getNumThreads()} intra-op thread(s), best of ${ROUNDS} (large case: one round); memory = peak RSS beyond the features`,
  );
  if (process.env.MALLOC_MMAP_THRESHOLD_) console.log(`MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_}`);
  CASES.forEach((c, i) => {
    if (i === 0 || c.n !== CASES[i - 1]!.n || c.p !== CASES[i - 1]!.p) {
      console.log(`N = ${c.n}, p = ${c.p}, C = ${c.C} (features ${((c.n * c.p * 4) / 2 ** 20).toFixed(0)} MB float32), batches of ${BATCH}`);
    }
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(i)], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`case ${i} failed (exit ${child.status})`);
  });
}

function measureOnce(data: Data, covariance: CovarianceMode): Figures {
  releaseScratch();
  (globalThis as { gc?: () => void }).gc?.();
  const before = residentKb('VmRSS');
  resetPeak();
  const start = performance.now();
  const metrics = measureCollapseOfArrays(data.features, data.labels, {
    numClasses: data.weight.size(0),
    weight: data.weight,
    bias: data.bias,
    weightDecay: covariance === 'full' ? 5e-4 : undefined,
    covariance,
    batchSize: BATCH,
  });
  return { seconds: (performance.now() - start) / 1000, peakMb: (residentKb('VmHWM') - before) / 1024, keys: Object.keys(metrics).length };
}

const caseIndex = process.argv[2];
if (caseIndex === undefined) main();
else runCase(Number(caseIndex));
