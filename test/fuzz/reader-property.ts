import assert from 'node:assert/strict';
import fc from 'fast-check';

import { NcollapseError } from '../../src/errors.js';
import { applyMutations, FUZZ_RUNS, FUZZ_SEED, mutationsArbitrary } from './mutations.js';

export interface ReaderUnderFuzz<T> {
  /** Valid files to start from (different layouts of the same format). */
  valid: Uint8Array[];
  /** Where the header lies: header edits go into these first bytes. */
  headerBytes: number;
  read: (bytes: Uint8Array) => T;
  /** What a successful read must satisfy whatever the input: sizes agree with shapes, labels in range. */
  wellFormed: (result: T) => void;
  /** Output bytes allowed per input byte (a deflated format inflates, a raw one converts bytes to floats). */
  expansion: number;
  /** Releases what read() made (tensors); plain arrays need nothing. */
  release?: (result: T) => void;
}

export interface FuzzTally {
  inputs: number;
  loaded: number;
  rejected: number;
  /** Messages of the rejections, by their first words, to see what the inputs ran into. */
  reasons: Map<string, number>;
}

/** Everything a result holds in typed arrays, in bytes. */
function typedBytes(value: unknown, seen = new Set<unknown>()): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== 'object' || value === null || seen.has(value)) return 0;
  seen.add(value);
  const children = value instanceof Map ? [...value.values()] : Object.values(value);
  return children.reduce((sum: number, child) => sum + typedBytes(child, seen), 0);
}

/** Above this a single read is taken as hung (generous: a read of these small files takes milliseconds). */
const HANG_MS = 10_000;
const SLACK_BYTES = 32 << 20;

/**
 * Feeds FUZZ_RUNS mutated copies of the valid files to `read`: each must load (well-formed, and
 * the same data when the bytes are unchanged) or throw an NcollapseError; anything else (a
 * TypeError, a RangeError from a huge allocation, a read that does not end, memory far beyond the
 * input's size) fails the property, and fast-check reports the smallest failing input it finds.
 */
export function fuzzReader<T>(reader: ReaderUnderFuzz<T>): FuzzTally {
  const expected = reader.valid.map((bytes) => reader.read(bytes));
  const tally: FuzzTally = { inputs: 0, loaded: 0, rejected: 0, reasons: new Map() };
  fc.assert(
    fc.property(fc.nat({ max: reader.valid.length - 1 }), mutationsArbitrary(reader.headerBytes), (which, mutations) => {
      const original = reader.valid[which]!;
      const input = applyMutations(original, mutations, reader.headerBytes);
      tally.inputs++;
      const before = process.memoryUsage().arrayBuffers;
      const started = performance.now();
      let result: T;
      try {
        result = reader.read(input);
      } catch (error) {
        if (!(error instanceof NcollapseError)) throw new Error(`not our error type: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
        tally.rejected++;
        const reason = error.message
          .replace(/^[^:]*: /, '')
          .split(/[0-9(,'"]/)[0]!
          .trim();
        tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1);
        return;
      }
      try {
        const elapsed = performance.now() - started;
        assert.ok(elapsed < HANG_MS, `the read took ${elapsed.toFixed(0)} ms`);
        const grown = process.memoryUsage().arrayBuffers - before;
        const bound = SLACK_BYTES + reader.expansion * input.length;
        assert.ok(
          grown <= bound && typedBytes(result) <= bound,
          `the read holds ${grown} bytes (${typedBytes(result)} in its result) for ${input.length} bytes of input`,
        );
        reader.wellFormed(result);
        if (Buffer.compare(input, original) === 0) assert.deepEqual(result, expected[which]);
        tally.loaded++;
      } finally {
        reader.release?.(result);
      }
    }),
    { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true },
  );
  return tally;
}

export function describeTally(name: string, tally: FuzzTally): string {
  const reasons = [...tally.reasons]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([reason, n]) => `${n}× ${reason}`);
  return `${name}: ${tally.inputs} mutated inputs, ${tally.loaded} loaded well-formed, ${tally.rejected} rejected with our error (${reasons.join('; ')})`;
}
