import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { zipSync } from 'fflate';
import { register } from '../../src/cli/analyze.js';
import { COLLAPSE_METRIC_KEYS } from '../../src/collapse/index.js';
import { encodeNpy, type NpyData } from '../../src/io/npy.js';
import { saveSafetensors } from '../../src/io/safetensors.js';
import { dispose, getNumThreads, setNumThreads, type Tensor, tensor } from '../../src/torch/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { goldenCases, goldenTolerance } from '../collapse/golden.js';

const dir = mkdtempSync(join(tmpdir(), 'ncollapse-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `ncollapse analyze ARGS` in process and returns what it printed (or the error it threw). */
async function analyze(...args: string[]): Promise<{ stdout: string; error?: Error }> {
  const program = new Command('ncollapse').exitOverride();
  register(program);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    await program.parseAsync(['node', 'ncollapse', 'analyze', ...args]);
    return { stdout: lines.join('\n') };
  } catch (error) {
    return { stdout: lines.join('\n'), error: error as Error };
  } finally {
    console.log = log;
  }
}

type Arrays = Record<string, { data: NpyData; shape: number[] }>;

/** np.savez: a zip of .npy members (stored, as np.savez writes them). */
function writeNpz(name: string, arrays: Arrays): string {
  const file = join(dir, name);
  writeFileSync(file, zipSync(Object.fromEntries(Object.entries(arrays).map(([k, a]) => [`${k}.npy`, encodeNpy(a)])), { level: 0 }));
  return file;
}

const golden = goldenCases().find((c) => c.name === 'partly_collapsed')!;
const [N, p] = golden.shape;
const C = golden.numClasses;
function goldenArrays(): Arrays {
  return {
    H: { data: Float32Array.from(golden.features), shape: [N, p] },
    y: { data: BigInt64Array.from(golden.labels, BigInt), shape: [N] },
    W: { data: Float64Array.from(golden.weight), shape: [C, p] },
    b: { data: Float64Array.from(golden.bias), shape: [C] },
  };
}

test('analyze FILE.npz --json prints exactly the METRICS.md keys, with the golden values', async () => {
  const file = writeNpz('feat.npz', goldenArrays());
  const { stdout, error } = await analyze(file, '--wd', String(golden.weightDecay), '--json');
  assert.equal(error, undefined);
  const metrics = JSON.parse(stdout) as Record<string, number>;
  assert.deepEqual(Object.keys(metrics), [...COLLAPSE_METRIC_KEYS]);
  for (const [key, expected] of Object.entries(golden.expected)) assertClose(metrics[key], expected, key, goldenTolerance());
});

test('analyze --threads sets the libtorch threads; by default every available core unless OMP_NUM_THREADS is set', async () => {
  const file = writeNpz('threads.npz', goldenArrays());
  const before = getNumThreads();
  const omp = process.env.OMP_NUM_THREADS;
  try {
    delete process.env.OMP_NUM_THREADS;
    setNumThreads(availableParallelism() + 1);
    assert.equal((await analyze(file, '--threads', '1', '--json')).error, undefined);
    assert.equal(getNumThreads(), 1);
    assert.equal((await analyze(file, '--json')).error, undefined);
    assert.equal(getNumThreads(), availableParallelism());
    process.env.OMP_NUM_THREADS = '1';
    setNumThreads(3);
    assert.equal((await analyze(file, '--json')).error, undefined);
    assert.equal(getNumThreads(), 3, 'OMP_NUM_THREADS set: analyze leaves the threads alone');
    assert.match((await analyze(file, '--threads', '0')).error?.message ?? '', /threads/);
  } finally {
    if (omp === undefined) delete process.env.OMP_NUM_THREADS;
    else process.env.OMP_NUM_THREADS = omp;
    setNumThreads(before);
  }
});

test('analyze without --json prints a table; without W only the keys that need no classifier', async () => {
  const { W: _w, b: _b, ...noClassifier } = goldenArrays();
  const file = writeNpz('no-classifier.npz', noClassifier);
  const { stdout, error } = await analyze(file);
  assert.equal(error, undefined);
  assert.match(stdout, new RegExp(`N = ${N}, p = ${p}, C = ${C}`));
  const keys = stdout
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0]);
  assert.deepEqual(keys, ['equinorm_means', 'equiangular_means', 'maxangle_means', 'nc1', 'nc1_trace_ratio', 'cdnv', 'etf_error_means', 'ncc_accuracy']);
  const nc1 = Number(
    stdout
      .split('\n')
      .find((line) => line.startsWith('nc1 '))!
      .split(/\s+/)[1],
  );
  assert.ok(Math.abs(nc1 - golden.expected.nc1!) < 1e-5 * golden.expected.nc1!);
});

test('analyze with four separate .npy files and custom array names in a .safetensors file', async () => {
  const arrays = goldenArrays();
  for (const [name, array] of Object.entries(arrays)) writeFileSync(join(dir, `${name}.npy`), encodeNpy(array));
  const fromNpy = await analyze(
    '--features-file',
    join(dir, 'H.npy'),
    '--labels-file',
    join(dir, 'y.npy'),
    '--weight-file',
    join(dir, 'W.npy'),
    '--bias-file',
    join(dir, 'b.npy'),
    '--json',
  );
  assert.equal(fromNpy.error, undefined);
  const metrics = JSON.parse(fromNpy.stdout) as Record<string, number>;
  assertClose(metrics.self_duality, golden.expected.self_duality!, 'self_duality', goldenTolerance());
  assertClose(metrics.webb_lowe_distance, golden.expected.webb_lowe_distance!, 'webb_lowe_distance', goldenTolerance());

  const file = join(dir, 'feat.safetensors');
  const tensors = new Map([
    ['penultimate', tensor(arrays.H!.data as Float32Array, { shape: [N, p] })],
    ['targets', tensor(arrays.y!.data as BigInt64Array)],
    ['fc.weight', tensor(arrays.W!.data as Float64Array, { shape: [C, p] })],
    ['fc.bias', tensor(arrays.b!.data as Float64Array)],
  ]);
  saveSafetensors(tensors, file);
  dispose([...tensors.values()]);
  const fromSafetensors = await analyze(file, '--features', 'penultimate', '--labels', 'targets', '--weight', 'fc.weight', '--bias', 'fc.bias', '--json');
  assert.equal(fromSafetensors.error, undefined);
  assert.deepEqual(JSON.parse(fromSafetensors.stdout), metrics);
});

test('each input error names the file and the array', async () => {
  const base = goldenArrays();
  const labels = Array.from(golden.labels);
  const cases: [string, Arrays, RegExp][] = [
    [
      'range.npz',
      { ...base, y: { data: BigInt64Array.from([...labels.slice(1), C].map(BigInt)), shape: [N] } },
      /range\.npz, array 'y': label 5 is out of range.*array 'W' has 5 rows/,
    ],
    [
      'negative.npz',
      { ...base, y: { data: BigInt64Array.from([-1, ...labels.slice(1)].map(BigInt)), shape: [N] } },
      /negative\.npz, array 'y': label -1 at index 0 is negative/,
    ],
    ['float-labels.npz', { ...base, y: { data: Float64Array.from(labels), shape: [N] } }, /float-labels\.npz, array 'y': labels must be integers, got float64/],
    [
      'lengths.npz',
      { ...base, y: { data: BigInt64Array.from(labels.slice(1).map(BigInt)), shape: [N - 1] } },
      /lengths\.npz, array 'y': has 299 labels but .*array 'H' has 300 samples/,
    ],
    [
      'width.npz',
      { ...base, W: { data: new Float64Array(C * (p + 1)), shape: [C, p + 1] } },
      /width\.npz, array 'W': has 11 columns but the features .* have 10/,
    ],
    [
      'empty.npz',
      { ...base, y: { data: BigInt64Array.from(labels.map((v) => (v === 3 ? 2 : v)).map(BigInt)), shape: [N] } },
      /empty\.npz, array 'y': class 3 of 0\.\.4 has no sample/,
    ],
    [
      'nan.npz',
      { ...base, H: { data: Float32Array.from(golden.features, (v, i) => (i === 5 * p + 2 ? Number.NaN : v)), shape: [N, p] } },
      /nan\.npz, array 'H': sample 5 holds NaN/,
    ],
    [
      'inf-w.npz',
      { ...base, W: { data: Float64Array.from(golden.weight, (v, i) => (i === p ? Number.POSITIVE_INFINITY : v)), shape: [C, p] } },
      /inf-w\.npz, array 'W': row 1 holds Infinity/,
    ],
    ['one-class.npz', { H: base.H!, y: { data: new BigInt64Array(N), shape: [N] } }, /one-class\.npz, array 'y': collapse needs at least two classes/],
  ];
  for (const [name, arrays, pattern] of cases) {
    const { error } = await analyze(writeNpz(name, arrays), '--json');
    assert.ok(error !== undefined && pattern.test(error.message), `${name}: ${error?.message ?? 'no error'}`);
  }
  const missing = await analyze(writeNpz('missing.npz', base), '--features', 'X');
  assert.match(missing.error?.message ?? '', /missing\.npz: no array 'X'; the file has 'H', 'y', 'W', 'b'/);
  writeFileSync(join(dir, 'bad-labels.npy'), encodeNpy({ data: Float32Array.from(labels), shape: [N] }));
  writeFileSync(join(dir, 'H.npy'), encodeNpy(base.H!));
  const npy = await analyze('--features-file', join(dir, 'H.npy'), '--labels-file', join(dir, 'bad-labels.npy'));
  assert.match(npy.error?.message ?? '', /bad-labels\.npy, array 'labels': labels must be integers/);
});

test("analyze --checkpoint rebuilds the run's model, measures it on the dataset, and matches measuring its features directly", async () => {
  const { mkdirSync } = await import('node:fs');
  const { createModel } = await import('../../src/nn/models/registry.js');
  const { save } = await import('../../src/train/training-state.js');
  const { loadDataset } = await import('../../src/data/index.js');
  const { measureCollapseOfArrays, orderedMetrics } = await import('../../src/collapse/index.js');
  const { manualSeed, noGrad, tidy, tensor: makeTensor } = await import('../../src/torch/index.js');
  const run = join(dir, 'runs', 'tiny');
  mkdirSync(join(run, 'checkpoints'), { recursive: true });
  const config = {
    model: 'mlp',
    dataset: 'gaussian',
    dataDir: null,
    perClass: 30,
    pad: false,
    seed: 3,
    loss: 'mse',
    weightDecay: 5e-4,
    width: 0.05,
    depth: 2,
    featureDim: null,
    numClasses: 10,
    inputShape: [32, 1, 1],
    trainSize: 300,
  };
  writeFileSync(join(run, 'config.json'), JSON.stringify(config));
  manualSeed(5);
  const model = createModel('mlp', { inputShape: [32, 1, 1], numClasses: 10, width: 0.05, depth: 2 });
  const checkpoint = join(run, 'checkpoints', 'last.safetensors');
  save(new Map([...model.stateDict()].map(([name, t]) => [`model.${name}`, t])), checkpoint);

  const { stdout, error } = await analyze('--checkpoint', checkpoint, '--json', '--layers');
  assert.equal(error, undefined, error?.message);
  const printed = JSON.parse(stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(printed), [...COLLAPSE_METRIC_KEYS, 'layers']);
  assert.equal((printed.layers as unknown[]).length, model.blockNames().length);

  // The same features by hand: the dataset as the run loaded it, through the model in eval mode.
  const data = loadDataset('gaussian', { perClass: 30, seed: 3 });
  model.eval();
  const expected = tidy(() => {
    const inputs = makeTensor(data.train.images, { shape: [data.train.count, 32, 1, 1] });
    const labels = makeTensor(data.train.labels, { dtype: 'int64' });
    let features: Tensor | undefined;
    const hook = model.classifier.registerForwardHook((_m, input) => (features = input));
    noGrad(() => model.call(inputs));
    hook.remove();
    return orderedMetrics(
      measureCollapseOfArrays(features!, labels, { numClasses: 10, weight: model.classifier.weight, bias: model.classifier.bias, weightDecay: 5e-4 }),
    );
  });
  for (const [key, value] of Object.entries(expected)) assertClose(printed[key] as number, value, key, goldenTolerance(1e-12));
  model.dispose();

  const wrongDataset = await analyze('--checkpoint', checkpoint, '--dataset', 'no-such-dataset');
  assert.match(wrongDataset.error?.message ?? '', /no-such-dataset/);
  const missingConfig = await analyze('--checkpoint', join(dir, 'feat.npz'));
  assert.match(missingConfig.error?.message ?? '', /config\.json was expected/);
});
