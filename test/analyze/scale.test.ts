import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { analyzeFiles } from '../../src/analyze/analyze-files.js';
import { decisionSubset } from '../../src/collapse/decision-subset.js';
import { COLLAPSE_METRIC_KEYS } from '../../src/collapse/index.js';
import { encodeNpy } from '../../src/io/npy.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Many classes against a float64 NumPy reference written from the definitions with whole C x C
 * and p x p matrices (scale_reference.py): C > p, tiles of 64 much smaller than C, label values
 * that never occur or occur twice (dropped by min_count 3), and half-precision shards (float16
 * .npy and bfloat16 .safetensors; the reference widens the same stored bits itself).
 */
const VALUES = 320;
const p = 48;
const ABSENT = new Set([7, 100, 250]);
const RARE = new Set([3, 50, 199, 301]);
const dir = tempDir('ncollapse-scale-');

let state = 12345;
const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());

const labels: number[] = [];
for (let v = 0; v < VALUES; v++) {
  const count = ABSENT.has(v) ? 0 : RARE.has(v) ? 2 : 12 + (v % 7);
  for (let k = 0; k < count; k++) labels.push(v);
}
for (let i = labels.length - 1; i > 0; i--) {
  const j = Math.floor(uniform() * (i + 1));
  [labels[i], labels[j]] = [labels[j]!, labels[i]!];
}
const N = labels.length;
const means = Float64Array.from({ length: VALUES * p }, () => 2 * gauss());
const features = new Float64Array(N * p);
labels.forEach((v, i) => {
  for (let j = 0; j < p; j++) features[i * p + j] = means[v * p + j]! + 0.8 * gauss();
});
const weight = Float64Array.from(means, (m) => m + 0.3 * gauss());
const bias = Float64Array.from({ length: VALUES }, () => 0.1 * gauss());

/** float32 -> float16 bits (any rounding would do: the reference widens the same stored bits). */
function float16Bits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exponent = ((u >>> 23) & 0xff) - 127 + 15;
  let mantissa = u & 0x7fffff;
  if (exponent >= 31) throw new Error(`value ${x} out of the float16 range`);
  if (exponent <= 0) return sign | Math.round(Math.abs(f[0]!) / 2 ** -24); // subnormal
  let bits = sign | (exponent << 10) | (mantissa >>> 13);
  mantissa &= 0x1fff;
  if (mantissa > 0x1000 || (mantissa === 0x1000 && (bits & 1) === 1)) bits++;
  return bits;
}

function bfloat16Bits(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

/** A .safetensors file with BF16 features 'H' and I64 labels 'y' (written by hand: the engine has no bfloat16). */
function writeBf16Safetensors(file: string, bits: Uint16Array, rows: number, y: BigInt64Array): void {
  const yBytes = y.byteLength;
  const header = {
    H: { dtype: 'BF16', shape: [rows, p], data_offsets: [yBytes, yBytes + bits.byteLength] },
    y: { dtype: 'I64', shape: [rows], data_offsets: [0, yBytes] },
  };
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, ' ')]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([length, json, Buffer.from(y.buffer), Buffer.from(bits.buffer)]));
}

const cuts = [0, Math.floor(N / 3), Math.floor((2 * N) / 3), N];
const spec = {
  features: [] as string[],
  labels: [] as string[],
  kinds: [] as string[],
  weight: join(dir, 'W.npy'),
  bias: join(dir, 'b.npy'),
  wd: 5e-4,
  min_count: 3 as number | null,
  decision_rows: null as string | null,
};
const shardFiles: string[] = [];
for (let k = 0; k < 3; k++) {
  const [from, to] = [cuts[k]!, cuts[k + 1]!];
  const rows = to - from;
  const y = BigInt64Array.from(labels.slice(from, to), BigInt);
  const yFile = join(dir, `y-${k}.npy`);
  writeFileSync(yFile, encodeNpy({ data: y, shape: [rows] }));
  spec.labels.push(yFile);
  if (k < 2) {
    const bits = Uint16Array.from(features.subarray(from * p, to * p), float16Bits);
    const file = join(dir, `H-${k}.npy`);
    const npy = encodeNpy({ data: bits, shape: [rows, p], dtype: 'uint16' });
    // The same bits under the float16 descr '<f2' (encodeNpy writes '<u2' for them).
    writeFileSync(file, Buffer.from(Buffer.from(npy).toString('latin1').replace("'<u2'", "'<f2'"), 'latin1'));
    spec.features.push(file);
    spec.kinds.push('npy');
    shardFiles.push(file);
  } else {
    const bits = Uint16Array.from(features.subarray(from * p, to * p), bfloat16Bits);
    const file = join(dir, 'part-2.safetensors');
    writeBf16Safetensors(file, bits, rows, y);
    const raw = join(dir, 'H-2-bits.npy');
    writeFileSync(raw, encodeNpy({ data: bits, shape: [rows, p] }));
    spec.features.push(raw);
    spec.kinds.push('bf16');
    shardFiles.push(file);
  }
}
writeFileSync(spec.weight, encodeNpy({ data: weight, shape: [VALUES, p] }));
writeFileSync(spec.bias, encodeNpy({ data: bias, shape: [VALUES] }));
const manifest = join(dir, 'manifest.json');
writeFileSync(
  manifest,
  JSON.stringify({
    shards: [{ features: 'H-0.npy', labels: 'y-0.npy' }, { features: 'H-1.npy', labels: 'y-1.npy' }, 'part-2.safetensors'],
    weight: 'W.npy',
    bias: 'b.npy',
  }),
);

function reference(decisionRows?: Float64Array): Record<string, number> {
  const specFile = join(dir, `spec-${decisionRows ? 'subset' : 'all'}.json`);
  if (decisionRows) {
    spec.decision_rows = join(dir, 'rows.npy');
    writeFileSync(spec.decision_rows, encodeNpy({ data: BigInt64Array.from(decisionRows, (v) => BigInt(v)), shape: [decisionRows.length] }));
  } else spec.decision_rows = null;
  writeFileSync(specFile, JSON.stringify(spec));
  const run = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'scale_reference.py'), specFile], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, number>;
}

function assertKeys(actual: Record<string, number>, expected: Record<string, number>, what: string): void {
  assert.deepEqual(Object.keys(actual), [...COLLAPSE_METRIC_KEYS], what);
  for (const key of COLLAPSE_METRIC_KEYS) {
    const [a, e] = [actual[key]!, expected[key]!];
    assert.ok(Math.abs(a - e) <= 1e-9 * Math.abs(e) + 1e-15, `${what}: ${key} = ${a}, reference ${e} (relative ${Math.abs(a - e) / Math.abs(e)})`);
  }
}

test('every key of many classes (C > p, tiles of 64, absent and rare labels, half-precision shards) equals a float64 reference', () => {
  const expected = reference();
  assert.equal(expected.C, VALUES - ABSENT.size - RARE.size);
  assert.ok(expected.C! > p);
  for (const nc1Route of ['features', 'classes'] as const) {
    const output = analyzeFiles(manifest, { minCount: 3, wd: 5e-4, tile: 64, batchSize: 100, nc1Route });
    assert.equal(output.numClasses, expected.C);
    assert.equal(output.samples, expected.N);
    assert.deepEqual([output.classes_kept, output.classes_dropped], [expected.C, ABSENT.size + RARE.size]);
    assertKeys(output.metrics, expected, `nc1 route ${nc1Route}`);
  }
});

test('decision keys on a seeded subset equal the reference on the same samples, and the subset is reported', () => {
  const output = analyzeFiles(manifest, { minCount: 3, wd: 5e-4, tile: 64, decisionSamples: 700, seed: 3 });
  assert.equal(output.decision_samples, 700);
  const rows = decisionSubset(output.samples, 700, 3)!;
  assert.equal(rows.length, 700);
  assertKeys(output.metrics, reference(rows), 'decision subset');
  // Another seed picks other samples (a different train error or margin would show it).
  const other = analyzeFiles(manifest, { minCount: 3, wd: 5e-4, tile: 64, decisionSamples: 700, seed: 4 });
  assert.notEqual(other.metrics.margin_mean, output.metrics.margin_mean);
  assert.equal(other.metrics.nc1, output.metrics.nc1);
});

test('without min_count a label value that never occurs is an error that says how to leave it out', () => {
  assert.throws(() => analyzeFiles(manifest, {}), /class(es)? 7, 100, 250 of 0\.\.319 have no sample \(use --min-count 1/);
});
