import fc from 'fast-check';

/**
 * Damage done to a valid file: the mistakes of disks, downloads and careless or hostile hands.
 * Positions are taken modulo the file's length when applied, so any number is a valid position.
 */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'header-int'; at: number; value: bigint; width: 2 | 4 | 8; littleEndian: boolean }
  | { kind: 'header-text'; occurrence: number; text: string };

/** Values that break sizes, offsets and counts: zero, one, the edges of signed and unsigned types. */
const EXTREME_INTEGERS = [0n, 1n, 2n, 255n, 256n, 0x7fffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n];
/** Replacements for a number in a text header (.npy dict, safetensors JSON). */
const EXTREME_NUMBERS = [
  '0',
  '-1',
  '1',
  '7',
  '1e308',
  '-0',
  '1.5',
  'NaN',
  '4294967296',
  '9007199254740993',
  '18446744073709551616',
  '99999999999999999999',
  '',
  '"x"',
  'null',
  '[]',
  '{}',
];

/** The first `headerBytes` bytes of the file are where header edits go. */
export function mutationArbitrary(headerBytes: number): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), at, byte: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x22, 0x2c, 0x7b, 0x7d) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 16 }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('header-int' as const),
        at: fc.integer({ min: 0, max: Math.max(0, headerBytes - 1) }),
        value: fc.constantFrom(...EXTREME_INTEGERS),
        width: fc.constantFrom(2 as const, 4 as const, 8 as const),
        littleEndian: fc.boolean(),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('header-text' as const), occurrence: fc.nat(), text: fc.constantFrom(...EXTREME_NUMBERS) }) },
  );
}

/** One to three mutations in a row. */
export function mutationsArbitrary(headerBytes: number): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArbitrary(headerBytes), { minLength: 1, maxLength: 3 });
}

export function applyMutation(input: Uint8Array, m: Mutation, headerBytes: number): Uint8Array {
  const n = input.length;
  const pos = n === 0 ? 0 : m.kind === 'header-int' || m.kind === 'header-text' ? 0 : m.at % n;
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return input;
      const out = input.slice();
      out[pos] ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      if (n === 0) return input;
      const out = input.slice();
      out[pos] = m.byte;
      return out;
    }
    case 'truncate':
      return input.slice(0, pos);
    case 'insert': {
      const out = new Uint8Array(n + m.bytes.length);
      out.set(input.subarray(0, pos));
      out.set(m.bytes, pos);
      out.set(input.subarray(pos), pos + m.bytes.length);
      return out;
    }
    case 'delete': {
      const out = new Uint8Array(Math.max(0, n - Math.min(m.count, n - pos)));
      out.set(input.subarray(0, pos));
      out.set(input.subarray(Math.min(n, pos + m.count)), pos);
      return out;
    }
    case 'header-int': {
      if (m.at + m.width > n) return input;
      const out = input.slice();
      const view = new DataView(out.buffer);
      const value = m.value & ((1n << BigInt(8 * m.width)) - 1n);
      if (m.width === 2) view.setUint16(m.at, Number(value), m.littleEndian);
      if (m.width === 4) view.setUint32(m.at, Number(value), m.littleEndian);
      if (m.width === 8) view.setBigUint64(m.at, value, m.littleEndian);
      return out;
    }
    case 'header-text': {
      // Replaces the k-th run of digits in the header with another number (or not a number).
      const head = Buffer.from(input.subarray(0, Math.min(n, headerBytes))).toString('latin1');
      const runs = [...head.matchAll(/\d+/g)];
      if (runs.length === 0) return input;
      const run = runs[m.occurrence % runs.length]!;
      const before = Buffer.from(head.slice(0, run.index), 'latin1');
      const after = input.subarray(run.index! + run[0].length);
      return new Uint8Array(Buffer.concat([before, Buffer.from(m.text, 'latin1'), after]));
    }
  }
}

export function applyMutations(input: Uint8Array, mutations: Mutation[], headerBytes: number): Uint8Array {
  return mutations.reduce((bytes, m) => applyMutation(bytes, m, headerBytes), input);
}

/** Inputs per reader: fixed for CI; NCOLLAPSE_FUZZ_RUNS raises it for a long local run. */
export const FUZZ_RUNS = Number(process.env.NCOLLAPSE_FUZZ_RUNS ?? 2000);
/** Fixed, so that CI runs the same inputs every time; NCOLLAPSE_FUZZ_SEED explores others. */
export const FUZZ_SEED = Number(process.env.NCOLLAPSE_FUZZ_SEED ?? 20261201);
