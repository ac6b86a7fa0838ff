import { createHash } from 'node:crypto';

import type { Tensor } from '../torch/index.js';
import { SafetensorsError } from '../io/safetensors.js';

/**
 * SHA-256 of each tensor of a checkpoint, kept in the safetensors `__metadata__` under this key as
 * a JSON text {name: hex} (other readers, Python's safetensors among them, ignore it). The hash
 * covers the dtype and shape as well as the bytes, so a changed dtype is caught like a flipped bit.
 */
export const CHECKSUMS_KEY = 'ncollapse.sha256';

function digest(t: Tensor): string {
  const data = t.data();
  return createHash('sha256')
    .update(`${t.dtype}[${t.shape.join(',')}]\n`)
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');
}

export function tensorChecksums(tensors: Map<string, Tensor>): string {
  const sums: Record<string, string> = {};
  for (const [name, t] of tensors) sums[name] = digest(t);
  return JSON.stringify(sums);
}

/** Throws a SafetensorsError naming the first tensor whose bytes, dtype or shape changed since it was saved. */
export function verifyTensorChecksums(file: string, tensors: Map<string, Tensor>, metadata: Record<string, string>): void {
  const fail = (problem: string): never => {
    throw new SafetensorsError(file, `checkpoint integrity check failed: ${problem}; the file is damaged (use an older checkpoint)`);
  };
  const text = metadata[CHECKSUMS_KEY];
  if (text === undefined) fail(`no '${CHECKSUMS_KEY}' in the metadata`);
  let sums: unknown;
  try {
    sums = JSON.parse(text!);
  } catch {
    fail(`'${CHECKSUMS_KEY}' is not JSON`);
  }
  if (typeof sums !== 'object' || sums === null || Array.isArray(sums)) fail(`'${CHECKSUMS_KEY}' is not an object`);
  const expected = sums as Record<string, unknown>;
  for (const name of Object.keys(expected)) if (!tensors.has(name)) fail(`tensor '${name}' is missing`);
  for (const [name, t] of tensors) {
    if (!(name in expected)) fail(`tensor '${name}' has no checksum`);
    if (digest(t) !== expected[name]) fail(`tensor '${name}' (${t.dtype} [${t.shape.join(', ')}]) does not match its SHA-256`);
  }
}
