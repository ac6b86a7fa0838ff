import { Inflate } from 'fflate';

import { DatasetError } from '../errors.js';

/**
 * A bounded reader of the zip archives NumPy writes (.npz): the central directory is read first,
 * only the members asked for are inflated, and no member may inflate past the size it declares,
 * nor declare more than its .npy header implies. fflate's unzipSync trusts the declared sizes
 * (it allocates them up front), so a small hostile archive could claim gigabytes.
 */
export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const FULL32 = 0xffffffff;

/** Each member of the archive, as its central directory lists them. */
export function listZipMembers(bytes: Uint8Array, file: string): ZipMember[] {
  const fail = (problem: string): never => {
    throw new DatasetError(file, `not a readable zip archive (${problem}), expected an .npz file`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('no end of central directory record; truncated?');
  let count = view.getUint16(eocd + 10, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || directoryOffset === FULL32) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_EOCD_LOCATOR) {
    const record = safeNumber(view.getBigUint64(eocd - 12, true));
    if (record === undefined || record + 56 > bytes.length || view.getUint32(record, true) !== ZIP64_EOCD) fail('a broken zip64 end record');
    count = safeNumber(view.getBigUint64(record! + 32, true)) ?? fail('a zip64 entry count out of range');
    directoryOffset = safeNumber(view.getBigUint64(record! + 48, true)) ?? fail('a zip64 directory offset out of range');
  }
  const members: ZipMember[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_ENTRY) fail(`central directory entry ${i} is missing or damaged`);
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > bytes.length) fail(`central directory entry ${i} runs past the end of the file`);
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    // The zip64 extra field holds, in this order, each of the three values that is 0xffffffff above.
    for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength;) {
      const id = view.getUint16(x, true);
      const length = view.getUint16(x + 2, true);
      if (id === 0x0001) {
        let y = x + 4;
        const next = (): number => {
          if (y + 8 > x + 4 + length) fail(`member ${name}: a short zip64 extra field`);
          const value = safeNumber(view.getBigUint64(y, true)) ?? fail(`member ${name}: a zip64 size out of range`);
          y += 8;
          return value;
        };
        if (size === FULL32) size = next();
        if (compressedSize === FULL32) compressedSize = next();
        if (localHeaderOffset === FULL32) localHeaderOffset = next();
      }
      x += 4 + length;
    }
    members.push({ name, method, compressedSize, size, localHeaderOffset });
    at = end;
  }
  return members;
}

function safeNumber(value: bigint): number | undefined {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/** The bytes of one member, inflated within its declared size; `implied` checks that size against the content. */
export function readZipMember(bytes: Uint8Array, member: ZipMember, where: string, implied: (prefix: Uint8Array) => number | undefined): Uint8Array {
  const fail = (problem: string): never => {
    throw new DatasetError(where, problem);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = member.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_HEADER) fail('its local zip header is missing or damaged');
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + member.compressedSize > bytes.length) fail(`its ${member.compressedSize} compressed bytes run past the end of the archive (truncated?)`);
  const compressed = bytes.subarray(start, start + member.compressedSize);
  if (member.method === 0) {
    if (member.compressedSize !== member.size) fail(`stored member of ${member.size} bytes holds ${member.compressedSize}`);
    checkImplied(compressed, member.size, implied, fail);
    return compressed.slice();
  }
  if (member.method !== 8) {
    fail(`zip compression method ${member.method}, expected stored (0) or deflated (8) as np.savez and np.savez_compressed write`);
  }
  // Inflated a slice at a time into a list of chunks, so that what is held never exceeds what the
  // data really inflates to, the declared size, and (once the .npy header is read) what it implies.
  const chunks: Uint8Array[] = [];
  let filled = 0;
  let checked = false;
  let finished = false;
  const inflate = new Inflate((chunk, final) => {
    if (filled + chunk.length > member.size) fail(`inflates past its declared size of ${member.size} bytes`);
    chunks.push(chunk);
    filled += chunk.length;
    finished ||= final;
  });
  const SLICE = 4096;
  try {
    for (let at = 0; at < compressed.length && !finished; at += SLICE) {
      inflate.push(compressed.subarray(at, Math.min(at + SLICE, compressed.length)), at + SLICE >= compressed.length);
      if (!checked && (filled >= Math.min(member.size, HEADER_PROBE) || finished)) {
        const prefix = concat(chunks, filled);
        // No readable header: what there is goes to the .npy parser, which says what is wrong.
        if (!checkImplied(prefix, member.size, implied, fail)) return prefix;
        checked = true;
      }
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    fail(`corrupt deflate data (${(error as Error).message})`);
  }
  if (!finished) fail('the deflate stream ends early (truncated?)');
  if (filled !== member.size) fail(`inflates to ${filled} bytes, its zip entry declares ${member.size}`);
  return concat(chunks, filled);
}

/** Enough for any .npy header NumPy writes (they are padded to 64 bytes and rarely pass 200). */
const HEADER_PROBE = 1 << 16;

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** False when the prefix holds no readable header. */
function checkImplied(prefix: Uint8Array, declared: number, implied: (prefix: Uint8Array) => number | undefined, fail: (problem: string) => never): boolean {
  const size = implied(prefix);
  if (size !== undefined && declared > size) fail(`its zip entry declares ${declared} bytes, but its .npy header implies ${size}`);
  return size !== undefined;
}
