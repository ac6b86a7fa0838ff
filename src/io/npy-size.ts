/**
 * The total size in bytes (preamble, header and data) that a .npy file's header implies, read
 * from the first bytes of the file; undefined when they hold no complete, readable header (the
 * .npy parser then reports what is wrong). Used to bound what an .npz member may inflate to.
 */
export function npyImpliedSize(prefix: Uint8Array): number | undefined {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (prefix.length < 12 || magic.some((byte, i) => prefix[i] !== byte)) return undefined;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const major = prefix[6]!;
  const headerStart = major === 1 ? 10 : 12;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > prefix.length) return undefined;
  const header = Buffer.from(prefix.subarray(headerStart, dataStart)).toString('latin1');
  const itemSize = Number(/['"]descr['"]\s*:\s*['"][<>|=]?[a-zA-Z](\d+)['"]/.exec(header)?.[1]);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!Number.isInteger(itemSize) || itemSize <= 0 || shape === undefined) return undefined;
  let count = 1;
  for (const part of shape
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const value = Number(part.replace(/L$/, ''));
    if (!/^\d+L?$/.test(part) || !Number.isSafeInteger(value)) return undefined;
    count *= value;
  }
  const size = dataStart + count * itemSize;
  return Number.isSafeInteger(size) ? size : undefined;
}
