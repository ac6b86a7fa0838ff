import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { loadTrainingState, save, saveTrainingState, SafetensorsError } from '../../src/train/training-state.js';
import { Linear } from '../../src/nn/linear.js';
import { SGD } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';

const work = mkdtempSync(join(tmpdir(), 'ncollapse-integrity-'));
after(() => rmSync(work, { recursive: true, force: true }));

function parts() {
  const model = new Linear(4, 3);
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  return { model, optimizer };
}

function saved(name: string): string {
  const file = join(work, name);
  const { model, optimizer } = parts();
  saveTrainingState(file, { model, optimizer, extra: { epoch: 1 } });
  model.dispose();
  optimizer.dispose();
  return file;
}

function header(bytes: Buffer): { text: string; end: number } {
  const length = Number(bytes.readBigUInt64LE(0));
  return { text: bytes.subarray(8, 8 + length).toString('utf8'), end: 8 + length };
}

function rejectsAsDamaged(file: string, pattern: RegExp): void {
  const { model, optimizer } = parts();
  const before = model.weight.data().slice();
  assert.throws(
    () => loadTrainingState(file, { model, optimizer }),
    (error: unknown) => error instanceof SafetensorsError && pattern.test(error.message),
  );
  assert.deepEqual(model.weight.data(), before, 'nothing was loaded into the model');
  model.dispose();
  optimizer.dispose();
}

test('a flipped bit in any tensor byte of a checkpoint is caught on load', () => {
  const file = saved('flip.safetensors');
  const original = readFileSync(file);
  const { end } = header(original);
  for (let at = end; at < original.length; at += 5) {
    const bytes = Buffer.from(original);
    bytes[at] ^= 1 << (at % 8);
    writeFileSync(file, bytes);
    rejectsAsDamaged(file, /integrity check failed: tensor '.*' .* does not match its SHA-256/);
  }
});

test('a changed dtype (same byte size) is caught on load', () => {
  const file = saved('dtype.safetensors');
  const bytes = readFileSync(file);
  const { text } = header(bytes);
  assert.match(text, /"F32"/);
  writeFileSync(file, Buffer.from(bytes.toString('latin1').replace('"F32"', '"I32"'), 'latin1'));
  rejectsAsDamaged(file, /integrity check failed: tensor '.*' \(int32 .*\) does not match its SHA-256/);
});

test('the checksums sit in __metadata__ as one JSON string, which other safetensors readers ignore', () => {
  const { text } = header(readFileSync(saved('plain.safetensors')));
  const parsed = JSON.parse(text) as { __metadata__: Record<string, unknown> };
  for (const value of Object.values(parsed.__metadata__)) assert.equal(typeof value, 'string', 'safetensors metadata values must be strings');
  const sums = JSON.parse(parsed.__metadata__['ncollapse.sha256'] as string) as Record<string, string>;
  assert.deepEqual(Object.keys(sums).sort(), ['model.bias', 'model.weight']);
  for (const hex of Object.values(sums)) assert.match(hex, /^[0-9a-f]{64}$/);
});

test('a removed checksum is refused; a v1 checkpoint (written before checksums) still loads', () => {
  const file = saved('removed.safetensors');
  const bytes = readFileSync(file).toString('latin1');
  writeFileSync(file, Buffer.from(bytes.replace('"ncollapse.sha256"', '"ncollapse.sha255"'), 'latin1'));
  rejectsAsDamaged(file, /no 'ncollapse.sha256' in the metadata/);

  const v1 = join(work, 'v1.safetensors');
  const source = parts();
  const state = source.optimizer.stateDict();
  const tensors = new Map<string, torch.Tensor>([...source.model.stateDict()].map(([name, t]) => [`model.${name}`, t]));
  save(tensors, v1, { format: 'ncollapse.training-state.v1', 'optimizer.param_groups': JSON.stringify(state.paramGroups), extra: '{"epoch":1}' });
  const target = parts();
  assert.deepEqual(loadTrainingState(v1, target).extra, { epoch: 1 });
  assert.deepEqual(target.model.weight.data(), source.model.weight.data());
  for (const p of [source, target]) {
    p.model.dispose();
    p.optimizer.dispose();
  }
});
