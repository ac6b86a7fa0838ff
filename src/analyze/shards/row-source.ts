import { closeSync, openSync } from 'node:fs';
import { type ArrayLayout, ELEMENT_BYTES, readBytesAt } from '../../io/array-layout.js';
import { DatasetError } from '../../errors.js';

/**
 * Rows of one array, read a range at a time: from the file itself (.npy, .safetensors: the
 * bytes at the layout's offset) or from a member held in memory (.npz, one shard at a time).
 */
export class RowSource {
  readonly layout: ArrayLayout;
  private readonly memory: Uint8Array | undefined;
  private fd: number | undefined;

  constructor(layout: ArrayLayout, memory?: Uint8Array) {
    this.layout = layout;
    this.memory = memory;
  }

  get rows(): number {
    return this.layout.shape[0] ?? 1;
  }

  /** Bytes per row (the product of the other dimensions times the element size). */
  get rowBytes(): number {
    return this.layout.shape.slice(1).reduce((a, b) => a * b, 1) * ELEMENT_BYTES[this.layout.kind];
  }

  /** Copies rows [start, start + count) into target (count * rowBytes bytes). */
  read(start: number, count: number, target: Uint8Array): void {
    const from = this.layout.offset + start * this.rowBytes;
    const length = count * this.rowBytes;
    if (this.memory) {
      if (from + length > this.memory.length) throw new DatasetError(this.layout.file, `array '${this.layout.name}' ends early (truncated?)`);
      target.set(this.memory.subarray(from, from + length));
      return;
    }
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.layout.file, 'r');
      } catch (error) {
        throw new DatasetError(this.layout.file, `cannot open: ${(error as Error).message}`);
      }
    }
    readBytesAt(this.layout.file, this.fd, from, target.subarray(0, length));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
