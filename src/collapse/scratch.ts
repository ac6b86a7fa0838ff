import { keep, type Tensor, zeros } from '../torch/index.js';

/**
 * Batch-sized float64 scratch buffers shared by every accumulator, one per role and device, kept
 * for the life of the process and grown when a larger one is asked for.
 *
 * A buffer per accumulator would be freed after each measurement and allocated again for the
 * next; libtorch's 64-byte-aligned blocks then rarely reuse the freed space (glibc), and a
 * trainer that measures every few epochs grew by ~10 MB per measurement. Shared buffers are
 * safe because each one is used only within one synchronous add(), whose contents the next call
 * overwrites; roles used at the same time have different names.
 */
const buffers = new Map<string, Tensor>();

/** A contiguous [rows, cols] float64 view of the buffer for `role` on `device` (contents undefined). */
export function scratch(role: string, shape: [number, number], device: string): Tensor {
  const key = `${role}@${device}`;
  const size = shape[0] * shape[1];
  let buffer = buffers.get(key);
  if (buffer === undefined || buffer.numel < size) {
    buffer?.dispose();
    buffer = keep(zeros([Math.max(size, 1)], { dtype: 'float64', device }));
    buffers.set(key, buffer);
  }
  return buffer.narrow(0, 0, size).view(shape);
}

/** Frees every scratch buffer (they come back, empty, at the next use). */
export function releaseScratch(): void {
  for (const buffer of buffers.values()) buffer.dispose();
  buffers.clear();
}

/** Live scratch buffers, for leak tests: they belong to the process, not to a measurement. */
export function scratchBufferCount(): number {
  return buffers.size;
}
