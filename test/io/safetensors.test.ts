import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { loadSafetensors as load, SafetensorsError, saveSafetensors as save } from '../../src/io/safetensors.js';
import * as torch from '../../src/torch/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/checkpoint/', import.meta.url));
const PYTHON = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'ncollapse-checkpoint-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Described {
  dtype: string;
  shape: number[];
  /** int64 values as decimal strings, so that no digit is lost. */
  values: (number | boolean | string)[];
}

const DTYPE_NAMES: Record<string, string> = { float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };

function describe(t: torch.Tensor): Described {
  const data = t.data();
  const values =
    data instanceof BigInt64Array
      ? Array.from(data, String)
      : t.dtype === 'bool'
        ? Array.from(data as Uint8Array, Boolean)
        : Array.from(data as ArrayLike<number>);
  return { dtype: DTYPE_NAMES[t.dtype]!, shape: t.shape, values };
}

/** Tensors of every dtype, with values that lose information if bytes or order are wrong. */
function sampleTensors(): Map<string, torch.Tensor> {
  return new Map([
    ['weights.f32', torch.tensor(new Float32Array([1.5, -2.25, 3.1415927, 1e-30, -0, 65504]), { shape: [2, 3] })],
    ['weights.f64', torch.tensor(new Float64Array([Math.PI, -1e-300, 2 ** 60 + 0.5, Number.MAX_VALUE]), { shape: [4] })],
    ['indices.i64', torch.tensor(new BigInt64Array([-1n, 0n, 2n ** 62n + 1n, -(2n ** 63n), 2n ** 63n - 1n]), { shape: [5] })],
    ['flags.bool', torch.tensor(new Uint8Array([1, 0, 0, 1, 1, 0]), { shape: [3, 2], dtype: 'bool' })],
    ['counts.i32', torch.tensor(new Int32Array([2 ** 31 - 1, -(2 ** 31)]), { shape: [2] })],
    ['bytes.u8', torch.tensor(new Uint8Array([0, 255, 17]), { shape: [3] })],
    ['scalar', torch.tensor(new Float64Array([42]), { shape: [] })],
    ['empty', torch.zeros([0, 3])],
    // Not contiguous: what is saved must be the logical (row-major) order.
    ['transposed', torch.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] }).T],
  ]);
}

function assertSameTensors(actual: Map<string, torch.Tensor>, expected: Map<string, torch.Tensor>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, t] of expected) {
    const got = actual.get(name)!;
    assert.equal(got.dtype, t.dtype, name);
    assert.deepEqual(describe(got), describe(t), name);
  }
}

test('a round trip keeps names, dtypes, shapes, values and metadata of F32, F64, I64, I32, U8 and BOOL tensors', () => {
  const before = torch.liveTensors();
  torch.tidy(() => {
    const tensors = sampleTensors();
    const file = join(work, 'round-trip.safetensors');
    save(tensors, file, { epoch: '3', note: 'ünïcødé ✓' });
    const loaded = load(file);
    assertSameTensors(loaded.tensors, tensors);
    assert.deepEqual(loaded.metadata, { epoch: '3', note: 'ünïcødé ✓' });
  });
  assert.equal(torch.liveTensors(), before);
});

test('the file follows the format: u64 header length, space-padded JSON, aligned tensors tiling the data', () => {
  torch.tidy(() => {
    const file = join(work, 'layout.safetensors');
    save(sampleTensors(), file);
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0, 'the data starts 8-byte aligned');
    const text = bytes.subarray(8, 8 + n).toString('utf8');
    assert.match(text, /^\{.*\} *$/);
    const header = JSON.parse(text) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    assert.equal('__metadata__' in header, false, 'no metadata, no __metadata__');
    const spans = Object.values(header)
      .map((e) => e.data_offsets)
      .sort((a, b) => a[0] - b[0]);
    let end = 0;
    for (const [b, e] of spans) {
      assert.equal(b, end);
      end = e;
    }
    assert.equal(end, bytes.length - 8 - n);
    const size: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, U8: 1, BOOL: 1 };
    for (const entry of Object.values(header)) assert.equal(entry.data_offsets[0] % size[entry.dtype]!, 0, 'each tensor aligned to its element size');
  });
});

test('a file written by Python is read correctly', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'python-written.json'), 'utf8')) as {
    metadata: Record<string, string>;
    tensors: Record<string, Described>;
  };
  torch.tidy(() => {
    const { tensors, metadata } = load(join(FIXTURES, 'python-written.safetensors'));
    assert.deepEqual(metadata, expected.metadata);
    assert.deepEqual([...tensors.keys()].sort(), Object.keys(expected.tensors).sort());
    for (const [name, described] of Object.entries(expected.tensors)) assert.deepEqual(describe(tensors.get(name)!), described, name);
    assert.equal(tensors.get('mask')!.dtype, 'bool');
    assert.equal(tensors.get('labels')!.dtype, 'int64');
  });
});

const NUMPY_READER = join(FIXTURES, 'read_safetensors_with_numpy.py');

/** The file as the NumPy reader of the published format sees it (python3 and numpy come with scripts/setup.sh --test). */
function readWithNumpy(file: string): { metadata: Record<string, string>; tensors: Record<string, Described> } {
  const result = spawnSync(PYTHON, [NUMPY_READER, file], { encoding: 'utf8' });
  assert.equal(result.error, undefined, `${PYTHON} could not run (scripts/setup.sh --test installs python3 and python3-numpy)`);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { metadata: Record<string, string>; tensors: Record<string, Described> };
}

test('the NumPy reader of the published format reads the file Python’s safetensors wrote as Python described it', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'python-written.json'), 'utf8')) as {
    metadata: Record<string, string>;
    tensors: Record<string, Described>;
  };
  assert.deepEqual(readWithNumpy(join(FIXTURES, 'python-written.safetensors')), expected);
});

test('a file we write follows the published format, as an independent NumPy reader checks it', () => {
  torch.tidy(() => {
    const tensors = sampleTensors();
    const file = join(work, 'for-python.safetensors');
    save(tensors, file, { epoch: '12', source: 'ncollapse' });
    const read = readWithNumpy(file);
    assert.deepEqual(read.metadata, { epoch: '12', source: 'ncollapse' });
    assert.deepEqual(Object.keys(read.tensors).sort(), [...tensors.keys()].sort());
    for (const [name, t] of tensors) assert.deepEqual(read.tensors[name], describe(t), name);
  });
});

test('our bytes equal those of Python’s writer for the same tensors', () => {
  torch.tidy(() => {
    const theirs = join(FIXTURES, 'python-written.safetensors');
    const { tensors, metadata } = load(theirs);
    const ours = join(work, 'rewritten.safetensors');
    save(tensors, ours, metadata);
    assert.ok(readFileSync(ours).equals(readFileSync(theirs)), 'same header (order, padding) and same data');
  });
});

// ---- corrupt files ----

/** A file from a header object and data bytes, with the header length as given or as it is. */
function rawFile(name: string, header: unknown, data: Uint8Array, headerLength?: bigint): string {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(headerLength ?? BigInt(json.length));
  const file = join(work, name);
  writeFileSync(file, Buffer.concat([length, json, data]));
  return file;
}

function assertCorrupt(file: string, problem: RegExp): void {
  const before = torch.liveTensors();
  assert.throws(
    () => load(file),
    (error: unknown) => {
      assert.ok(error instanceof SafetensorsError, String(error));
      assert.ok(error.message.startsWith(`${file}: `), `the message names the file: ${error.message}`);
      assert.match(error.message, problem);
      return true;
    },
  );
  assert.equal(torch.liveTensors(), before, 'no tensor made from a corrupt file');
}

const F32x2 = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const eightBytes = new Uint8Array(8);

test('a truncated file is an error naming the file and the problem', () => {
  const good = join(work, 'to-truncate.safetensors');
  torch.tidy(() => save(sampleTensors(), good));
  const bytes = readFileSync(good);
  const cut = join(work, 'truncated.safetensors');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
  assertCorrupt(cut, /beyond the \d+ bytes of data \(truncated\?\)|cover \d+ bytes/);
  writeFileSync(cut, bytes.subarray(0, 40));
  assertCorrupt(cut, /header length \d+ runs past the end of the file \(40 bytes; truncated\?\)/);
  writeFileSync(cut, bytes.subarray(0, 5));
  assertCorrupt(cut, /5 bytes, fewer than the 8 of the header length/);
  writeFileSync(cut, '');
  assertCorrupt(cut, /0 bytes/);
});

test('a bad header length is an error', () => {
  assertCorrupt(rawFile('huge-header.safetensors', { a: F32x2 }, eightBytes, 2n ** 63n), /header length 9223372036854775808 is over the 100000000-byte limit/);
  assertCorrupt(rawFile('long-header.safetensors', { a: F32x2 }, eightBytes, 5000n), /header length 5000 runs past the end of the file/);
  // Too short: the JSON is cut, and the rest of it is taken for data.
  assertCorrupt(rawFile('short-header.safetensors', { a: F32x2 }, eightBytes, 10n), /not valid UTF-8 JSON/);
});

test('a header that is not JSON, or not an object of entries, is an error', () => {
  assertCorrupt(rawFile('bad-json.safetensors', '{"a": {"dtype": "F32", "shape": [2], ', eightBytes), /the header is not valid UTF-8 JSON/);
  assertCorrupt(rawFile('array.safetensors', '[1, 2]', new Uint8Array()), /the header is not a JSON object/);
  assertCorrupt(rawFile('bad-utf8.safetensors', Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1'), new Uint8Array()), /not valid UTF-8 JSON/);
  assertCorrupt(rawFile('entry.safetensors', { a: 3 }, new Uint8Array()), /the entry of tensor 'a' is not an object/);
  assertCorrupt(rawFile('metadata.safetensors', { __metadata__: { epoch: 3 } }, new Uint8Array()), /__metadata__ 'epoch' is not a string/);
  assertCorrupt(rawFile('shape.safetensors', { a: { ...F32x2, shape: [-2] } }, eightBytes), /tensor 'a' has shape \[-2\], not a list of sizes/);
});

test('offsets out of range, overlapping or leaving holes are errors', () => {
  assertCorrupt(
    rawFile('beyond.safetensors', { a: { ...F32x2, data_offsets: [0, 4000] } }, eightBytes),
    /tensor 'a' has data_offsets \[0, 4000\] beyond the 8 bytes of data/,
  );
  assertCorrupt(rawFile('backwards.safetensors', { a: { ...F32x2, data_offsets: [8, 0] } }, eightBytes), /data_offsets \[8, 0\] that end before they begin/);
  assertCorrupt(rawFile('malformed.safetensors', { a: { ...F32x2, data_offsets: [0] } }, eightBytes), /data_offsets \[0\], not \[begin, end\]/);
  const two = { a: F32x2, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
  assertCorrupt(rawFile('overlap.safetensors', two, new Uint8Array(12)), /the data_offsets of 'b' \[4, 12\] overlap those of 'a' \[0, 8\]/);
  const gap = { a: F32x2, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } };
  assertCorrupt(rawFile('hole.safetensors', gap, new Uint8Array(16)), /bytes 8 to 12 of the data belong to no tensor/);
  assertCorrupt(rawFile('trailing.safetensors', { a: F32x2 }, new Uint8Array(16)), /the tensors cover 8 bytes of data, the file holds 16/);
});

test('an unknown dtype, or a shape that disagrees with the byte length, is an error', () => {
  assertCorrupt(
    rawFile('f16.safetensors', { a: { ...F32x2, dtype: 'F16' } }, eightBytes),
    /tensor 'a' has dtype "F16", not one of BOOL, U8, I32, F32, F64, I64/,
  );
  assertCorrupt(
    rawFile('size.safetensors', { a: { ...F32x2, shape: [3] } }, eightBytes),
    /tensor 'a' of dtype F32 and shape \[3\] needs 12 bytes, its data_offsets span 8/,
  );
  assertCorrupt(rawFile('dtype-size.safetensors', { a: { ...F32x2, dtype: 'F64' } }, eightBytes), /needs 16 bytes, its data_offsets span 8/);
});

test('a missing file is an error naming it, and loading goes on working after all these', () => {
  const missing = join(work, 'no-such.safetensors');
  assert.throws(
    () => load(missing),
    (error: unknown) => error instanceof SafetensorsError && error.message.startsWith(`${missing}: cannot read`),
  );
  torch.tidy(() => {
    const file = join(work, 'after-errors.safetensors');
    save(new Map([['x', torch.ones([2])]]), file);
    assert.deepEqual(load(file).tensors.get('x')!.toArray(), [1, 1]);
  });
});

// ---- atomic writes ----

test('saving into a directory that does not exist fails and leaves no file behind', () => {
  const root = mkdtempSync(join(work, 'atomic-'));
  const file = join(root, 'missing-dir', 'model.safetensors');
  torch.tidy(() => {
    assert.throws(
      () => save(new Map([['x', torch.ones([2])]]), file),
      (error: unknown) => error instanceof SafetensorsError && error.message.startsWith(`${file}: cannot write`) && /ENOENT/.test(error.message),
    );
  });
  assert.deepEqual(readdirSync(root), []);
});

test('a write that fails after the temporary file was written removes it and leaves the target alone', () => {
  const root = mkdtempSync(join(work, 'atomic-'));
  // A directory where the file should go: everything is written, then the rename fails.
  const file = join(root, 'occupied');
  mkdirSync(join(file, 'child'), { recursive: true });
  torch.tidy(() => {
    assert.throws(
      () => save(new Map([['x', torch.ones([1000])]]), file),
      (error: unknown) => error instanceof SafetensorsError && error.message.startsWith(`${file}: cannot write`),
    );
  });
  assert.deepEqual(readdirSync(root), ['occupied']);
  assert.deepEqual(readdirSync(file), ['child']);
});

test('saving over an existing file replaces it whole, with no temporary file left', () => {
  const root = mkdtempSync(join(work, 'atomic-'));
  const file = join(root, 'state.safetensors');
  torch.tidy(() => {
    save(new Map([['x', torch.ones([1000])]]), file, { version: 'old' });
    save(new Map([['y', torch.zeros([3], { dtype: 'float64' })]]), file, { version: 'new' });
    const { tensors, metadata } = load(file);
    assert.deepEqual([...tensors.keys()], ['y']);
    assert.deepEqual(metadata, { version: 'new' });
  });
  assert.deepEqual(readdirSync(root), ['state.safetensors']);
});

test('names and metadata that the format cannot hold are refused before anything is written', () => {
  const root = mkdtempSync(join(work, 'atomic-'));
  torch.tidy(() => {
    assert.throws(() => save(new Map([['__metadata__', torch.ones([1])]]), join(root, 'a')), /'__metadata__' cannot name a tensor/);
    assert.throws(() => save(new Map(), join(root, 'b'), { epoch: 3 as unknown as string }), /metadata 'epoch' must be a string/);
  });
  assert.deepEqual(readdirSync(root), []);
});
