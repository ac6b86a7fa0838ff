/**
 * Writes small synthetic run directories (docs/run-directory.md) for the report and dashboard
 * tests: decreasing errors and collapse metrics, a terminal phase, layer-wise NC1, and geometry
 * lines whose class means approach a simplex ETF.
 */
import { mkdirSync, mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FixtureOptions {
  name: string;
  dataset?: string;
  model?: string;
  loss?: 'ce' | 'mse';
  numClasses?: number;
  epochs?: number;
  measureEpochs?: number[];
  /** First epoch with zero training error; null: the run never reaches it. */
  tptEpoch?: number | null;
  state?: 'running' | 'finished' | 'diverged' | 'interrupted';
  /** Metric keys to leave out of every metrics line. */
  omitKeys?: string[];
  /** Append an incomplete JSON line, as a run being written leaves it. */
  partialLastLine?: boolean;
  /** Number of blocks with layer-wise metrics; 0 for none. */
  layers?: number;
  seed?: number;
}

export const CLASS_NAMES_10 = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One metrics.jsonl line of a plausible run at `epoch` (numbers fall like the paper's curves). */
export function fixtureMetricsLine(options: FixtureOptions, epoch: number): Record<string, unknown> {
  const epochs = options.epochs ?? 100;
  const tpt = options.tptEpoch === undefined ? Math.round(epochs * 0.3) : options.tptEpoch;
  const mse = options.loss === 'mse';
  const shift = (options.seed ?? 0) * 0.07;
  const decay = (a: number, p: number) => a * Math.pow(epoch, -p) * (1 + shift);
  const trainError = tpt !== null && epoch >= tpt ? 0 : 0.35 * Math.pow(1 - epoch / (tpt ?? epochs * 2), 2) + 0.002;
  const line: Record<string, unknown> = {
    epoch,
    lr: epoch < epochs / 3 ? 0.07 : epoch < (2 * epochs) / 3 ? 0.007 : 0.0007,
    seconds: epoch * 1.5,
    loss: decay(2.0, 1.1) + 1e-3,
    loss_wd: decay(2.0, 1.1) + 0.04,
    train_error: trainError,
    test_error: 0.1 + shift / 4 + 0.3 * Math.exp(-epoch / 4) - 0.01 * Math.min(1, epoch / epochs),
    test_loss: 0.35 + decay(1.5, 1),
    nc1: decay(4, 1.2),
    nc1_trace_ratio: decay(1.2, 1.0),
    cdnv: decay(0.8, 1.1),
    equinorm_means: decay(0.4, 0.6),
    equinorm_classifier: decay(0.2, 0.5),
    equiangular_means: decay(0.3, 0.7),
    equiangular_classifier: decay(0.15, 0.6),
    maxangle_means: decay(0.25, 0.7),
    maxangle_classifier: decay(0.12, 0.6),
    self_duality: decay(0.9, 0.5),
    etf_error_means: decay(0.8, 0.6),
    etf_error_classifier: decay(0.5, 0.5),
    ncc_mismatch: decay(0.2, 1.0),
    margin_min: -0.5 + 0.6 * (1 - Math.exp(-epoch / 20)),
    margin_mean: 0.1 + 0.5 * (1 - Math.exp(-epoch / 15)),
    webb_lowe_distance: decay(0.9, 0.4),
    webb_lowe_agreement: 1 - decay(0.3, 0.8),
    tpt_epoch: tpt !== null && epoch >= tpt ? tpt : null,
  };
  if (mse) {
    line.lnc1 = decay(0.3, 1.0);
    line.lnc23 = decay(0.2, 0.8);
    line.lperp = decay(0.05, 1.3);
  }
  const layers = options.layers ?? 3;
  if (layers > 0) {
    line.layers = Array.from({ length: layers }, (_, i) => ({
      name: `blocks.${i}`,
      depth: i + 1,
      nc1: (line.nc1 as number) * Math.pow(3, layers - 1 - i) * (1 + i * 0.1),
      nc1_trace_ratio: (line.nc1_trace_ratio as number) * Math.pow(2, layers - 1 - i),
      cdnv: (line.cdnv as number) * Math.pow(2, layers - 1 - i),
      ncc_accuracy: Math.min(1, 0.6 + 0.1 * i + 0.3 * (1 - Math.exp(-epoch / 10))),
    }));
  }
  for (const key of options.omitKeys ?? []) delete line[key];
  return line;
}

/** An orthonormal basis of the sum-zero subspace of R^C (Gram-Schmidt on e_c - 1/C). */
function sumZeroBasis(C: number): number[][] {
  const basis: number[][] = [];
  for (let c = 0; c < C && basis.length < C - 1; c++) {
    const v = Array.from({ length: C }, (_, i) => (i === c ? 1 : 0) - 1 / C);
    for (const b of basis) {
      const dot = v.reduce((s, x, i) => s + x * b[i]!, 0);
      for (let i = 0; i < C; i++) v[i] = v[i]! - dot * b[i]!;
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-9) basis.push(v.map((x) => x / norm));
  }
  return basis;
}

/**
 * Three orthonormal directions of the sum-zero subspace, random but fixed per run: the PCA of a
 * near-ETF has (almost) equal eigenvalues, so any such frame looks like a real one.
 */
function projectionBasis(C: number, seed: number): number[][] {
  const rand = random(seed + 77);
  const zeroSum = sumZeroBasis(C);
  const frame: number[][] = [];
  while (frame.length < Math.min(3, zeroSum.length)) {
    const v = Array.from({ length: C }, () => 0);
    for (const b of zeroSum) {
      const w = rand() - 0.5;
      for (let i = 0; i < C; i++) v[i] = v[i]! + w * b[i]!;
    }
    for (const f of frame) {
      const dot = v.reduce((s, x, i) => s + x * f[i]!, 0);
      for (let i = 0; i < C; i++) v[i] = v[i]! - dot * f[i]!;
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-6) frame.push(v.map((x) => x / norm));
  }
  return frame;
}

function cosines(rows: number[][]): number[][] {
  return rows.map((a) =>
    rows.map((b) => {
      const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
      return dot / (Math.hypot(...a) * Math.hypot(...b));
    }),
  );
}

/** A geometry.jsonl line: class means = simplex ETF + noise shrinking with epoch. */
export function fixtureGeometryLine(options: FixtureOptions, epoch: number): Record<string, unknown> {
  const C = options.numClasses ?? 10;
  const rand = random((options.seed ?? 0) * 1000 + epoch);
  const noise = 0.9 * Math.pow(epoch, -0.6);
  const make = (scale: number) => {
    const rows = Array.from({ length: C }, (_, c) => Array.from({ length: C }, (_, i) => (i === c ? 1 : 0) - 1 / C + scale * (rand() - 0.5)));
    // centre across classes, then divide by the Frobenius norm
    const mean = Array.from({ length: C }, (_, i) => rows.reduce((s, r) => s + r[i]!, 0) / C);
    const centred = rows.map((r) => r.map((x, i) => x - mean[i]!));
    const frob = Math.sqrt(centred.reduce((s, r) => s + r.reduce((t, x) => t + x * x, 0), 0));
    return centred.map((r) => r.map((x) => x / frob));
  };
  const means = make(noise);
  const classifier = make(noise * 1.3);
  const basis = projectionBasis(C, options.seed ?? 0);
  const project = (rows: number[][]) => rows.map((r) => basis.map((b) => r.reduce((s, x, i) => s + x * b[i]!, 0)));
  const ev = Math.min(1, 3 / Math.max(1, C - 1));
  return {
    epoch,
    cos_means: cosines(means),
    cos_classifier: cosines(classifier),
    pca_means: project(means),
    pca_classifier: project(classifier),
    explained_variance: [ev / 3 + 0.02, ev / 3, ev / 3 - 0.02],
  };
}

export function fixtureConfig(options: FixtureOptions): Record<string, unknown> {
  const C = options.numClasses ?? 10;
  const epochs = options.epochs ?? 100;
  return {
    name: options.name,
    dataset: options.dataset ?? 'fashion-mnist',
    dataDir: null,
    perClass: 50,
    numClasses: C,
    classNames: C === 10 ? CLASS_NAMES_10 : Array.from({ length: C }, (_, c) => `class ${c}`),
    inputShape: [1, 28, 28],
    trainSize: 50 * C,
    testSize: 100 * C,
    model: options.model ?? 'mlp',
    modelOptions: { width: 64, depth: options.layers ?? 3, batchNorm: true },
    loss: options.loss ?? 'ce',
    epochs,
    batchSize: 128,
    lr: 0.07,
    momentum: 0.9,
    weightDecay: 0.0005,
    lrMilestones: [Math.round(epochs / 3), Math.round((2 * epochs) / 3)],
    lrGamma: 0.1,
    measureEpochs: options.measureEpochs ?? defaultMeasureEpochs(epochs),
    seed: options.seed ?? 0,
    device: 'cpu',
    threads: 1,
    libtorchVersion: '1.13.1',
    ncollapseVersion: '0.1.0',
    createdAt: '2026-11-26T22:00:00.000Z',
  };
}

export function defaultMeasureEpochs(epochs: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < 12; i++) set.add(Math.max(1, Math.round(Math.pow(epochs, i / 11))));
  return [...set].sort((a, b) => a - b);
}

export function makeTempDir(prefix = 'ncollapse-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a run directory under `parent` and returns its path. */
export function writeFixtureRun(parent: string, options: FixtureOptions): string {
  const dir = join(parent, options.name);
  mkdirSync(dir, { recursive: true });
  const config = fixtureConfig(options);
  const measure = config.measureEpochs as number[];
  const epochs = config.epochs as number;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const metrics = measure.map((epoch) => JSON.stringify(fixtureMetricsLine(options, epoch)));
  let metricsText = metrics.join('\n') + '\n';
  if (options.partialLastLine) metricsText += '{"epoch": 999, "loss": 0.1, "nc1"';
  writeFileSync(join(dir, 'metrics.jsonl'), metricsText);
  writeFileSync(join(dir, 'geometry.jsonl'), measure.map((epoch) => JSON.stringify(fixtureGeometryLine(options, epoch))).join('\n') + '\n');
  const last = measure[measure.length - 1] ?? 0;
  const tpt = options.tptEpoch === undefined ? Math.round(epochs * 0.3) : options.tptEpoch;
  writeStatus(dir, {
    state: options.state ?? 'finished',
    epoch: last,
    epochs,
    tptEpoch: tpt !== null && last >= tpt ? tpt : null,
    message: null,
    updatedAt: new Date().toISOString(),
  });
  return dir;
}

export function writeStatus(dir: string, status: Record<string, unknown>): void {
  writeFileSync(join(dir, 'status.json'), JSON.stringify(status));
}

/** Appends the metrics line (and geometry line) of `epoch`, as the trainer does after measuring it. */
export function appendFixtureEpoch(dir: string, options: FixtureOptions, epoch: number): void {
  appendFileSync(join(dir, 'metrics.jsonl'), JSON.stringify(fixtureMetricsLine(options, epoch)) + '\n');
  appendFileSync(join(dir, 'geometry.jsonl'), JSON.stringify(fixtureGeometryLine(options, epoch)) + '\n');
}

/** Two runs under a fresh temp dir: a finished CE run with C = 10 and a running MSE run with C = 4. */
export function writeTwoFixtureRuns(parent = makeTempDir()): {
  parent: string;
  runA: string;
  runB: string;
  optionsA: FixtureOptions;
  optionsB: FixtureOptions;
} {
  const optionsA: FixtureOptions = { name: 'fmnist-mlp-ce', numClasses: 10, epochs: 100, seed: 0 };
  // Still training: measured up to epoch 30 of 60, so that a test can append the next epochs.
  const optionsB: FixtureOptions = {
    name: 'synthetic-mse',
    dataset: 'gaussian',
    model: 'mlp',
    loss: 'mse',
    numClasses: 4,
    epochs: 60,
    measureEpochs: defaultMeasureEpochs(60).filter((epoch) => epoch <= 30),
    seed: 1,
    state: 'running',
    tptEpoch: 20,
  };
  return { parent, runA: writeFixtureRun(parent, optionsA), runB: writeFixtureRun(parent, optionsB), optionsA, optionsB };
}
