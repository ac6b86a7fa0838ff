import { writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { encodeNpy, type NpyData } from '../../src/io/npy.js';

/** Arrays of a dump: name -> data and shape (as np.savez takes them). */
export type DumpArrays = Record<string, { data: NpyData; shape: number[] }>;

/** A small deterministic generator (mulberry32), so that each epoch's dump is the same every run. */
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

export interface SyntheticDumpOptions {
  numClasses?: number;
  dim?: number;
  perClass?: number;
  /** Leave out W and b. */
  withoutWeight?: boolean;
  /** Add layer.<name> arrays. */
  layers?: boolean;
}

/**
 * The arrays a training would dump at `epoch`: C Gaussian clusters whose spread shrinks with the
 * epoch (so that collapse progresses), W near the class means, a test split, and the loop's scalars.
 */
export function syntheticDump(epoch: number, options: SyntheticDumpOptions = {}): DumpArrays {
  const C = options.numClasses ?? 4;
  const p = options.dim ?? 6;
  const perClass = options.perClass ?? 30;
  const next = random(1000 + epoch);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const means = Array.from({ length: C }, () => Array.from({ length: p }, () => 3 * gaussian()));
  const spread = 2 / epoch;
  const split = (n: number) => {
    const H = new Float32Array(n * C * p);
    const y = new BigInt64Array(n * C);
    for (let i = 0; i < n * C; i++) {
      const c = i % C;
      y[i] = BigInt(c);
      for (let j = 0; j < p; j++) H[i * p + j] = means[c]![j]! + spread * gaussian();
    }
    return { H: { data: H, shape: [n * C, p] }, y: { data: y, shape: [n * C] } };
  };
  const train = split(perClass);
  const test = split(Math.ceil(perClass / 3));
  const arrays: DumpArrays = { H: train.H, y: train.y, H_test: test.H, y_test: test.y };
  if (!options.withoutWeight) {
    arrays.W = { data: Float32Array.from(means.flat(), (v) => v + 0.3 * gaussian()), shape: [C, p] };
    arrays.b = { data: Float32Array.from({ length: C }, () => 0.1 * gaussian()), shape: [C] };
  }
  if (options.layers) {
    arrays['layer.block1'] = { data: Float32Array.from(train.H.data, (v, i) => v * 2 + (i % 3)), shape: [perClass * C, p] };
    arrays['layer.block2'] = train.H;
  }
  arrays.loss = { data: Float64Array.of(1 / epoch), shape: [] };
  arrays.lr = { data: Float64Array.of(0.1), shape: [] };
  return arrays;
}

/** np.savez's bytes: a zip of stored .npy members. */
export function npzBytes(arrays: DumpArrays): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([name, array]) => [`${name}.npy`, encodeNpy(array)])), { level: 0 });
}

export function writeDump(file: string, arrays: DumpArrays): void {
  writeFileSync(file, npzBytes(arrays));
}

export function dumpName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}.npz`;
}
