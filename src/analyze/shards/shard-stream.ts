import { createHash, type Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { type FeatureBatch } from '../../collapse/batches.js';
import { DatasetError } from '../../errors.js';
import { type ArrayLayout, ELEMENT_BYTES, type ElementKind, npyLayout, safetensorsLayouts } from '../../io/array-layout.js';
import { readDataFile } from '../../io/files.js';
import { bfloat16ToFloat32, float16ToFloat32 } from '../../io/half-precision.js';
import { parseNpyHeader } from '../../io/npy.js';
import { npyImpliedSize } from '../../io/npy-size.js';
import { listZipMembers, readZipMember } from '../../io/zip-members.js';
import { type Tensor, tensor } from '../../torch/index.js';
import { AnalysisInputError } from '../analysis-arrays.js';
import { RowSource } from './row-source.js';
import { type ShardFiles } from './shard-list.js';

const FEATURE_KINDS = new Set<ElementKind>(['float16', 'bfloat16', 'float32', 'float64']);
const LABEL_KINDS = new Set<ElementKind>(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);
const INT32_MAX = 2 ** 31 - 1;

export interface ArrayNamesInArchives {
  features: string;
  labels: string;
}

/** Which pass a progress report belongs to: the labels' count, then the two passes of the measures. */
export type StreamPass = 'labels' | 'first' | 'second';

export type ProgressListener = (pass: StreamPass, done: number, total: number) => void;

/** What a file looked like when the analysis started, and what each pass read from it. */
interface Fingerprint {
  size: number;
  mtimeMs: number;
  /** sha1 of the bytes of each array as the first complete read saw them. */
  digests: Map<string, string>;
}

interface OpenShard {
  /** For messages: the shard's file(s). */
  name: string;
  files: ShardFiles;
  features: RowSource;
  labels: RowSource;
  rows: number;
}

/**
 * Sharded features and labels streamed batch by batch: the files' headers are read when the
 * stream opens, the labels are counted in a pass of their own (so that C, the kept classes and
 * N are known before the measures start), and each call of `source()` is one pass over every
 * shard in order. Memory holds one batch (and, for an .npz shard, that shard). A shard whose
 * size or modification time changes after the stream opened, or whose bytes differ from what
 * an earlier pass read (sha1), is refused by name.
 */
export class ShardStream {
  readonly dim: number;
  readonly samples: number;
  /** The label values' counts (index = label value). */
  readonly labelCounts: Float64Array;
  private readonly shards: OpenShard[];
  private readonly fingerprints = new Map<string, Fingerprint>();
  private readonly batchSize: number;
  private classOf: Int32Array | undefined;
  private keptSamples = 0;
  private passes = 0;
  onProgress: ProgressListener | undefined;

  constructor(files: ShardFiles[], options: { names: ArrayNamesInArchives; batchSize: number; onProgress?: ProgressListener }) {
    this.batchSize = options.batchSize;
    this.onProgress = options.onProgress;
    for (const file of files.flatMap((shard) => (shard.kind === 'pair' ? [shard.features, shard.labels] : [shard.file]))) this.fingerprint(file);
    this.shards = files.map((shard) => openShard(shard, options.names));
    const first = this.shards[0]!;
    this.dim = first.features.layout.shape[1]!;
    for (const shard of this.shards) {
      if (shard.features.layout.shape[1] !== this.dim) {
        throw new AnalysisInputError(
          { file: shard.features.layout.file, name: shard.features.layout.name },
          `has ${shard.features.layout.shape[1]} features per sample but ${first.features.layout.file} has ${this.dim}: every shard must have the same p`,
        );
      }
    }
    this.samples = this.shards.reduce((n, s) => n + s.rows, 0);
    this.labelCounts = this.countLabels();
  }

  /** The shards' files in order (for messages and the table's heading). */
  get shardNames(): string[] {
    return this.shards.map((s) => s.name);
  }

  /**
   * Keeps only the label values in `kept` (sorted), renumbered 0..kept.length-1 in that order;
   * the samples of other values are left out of every pass. By default every value is kept as is.
   */
  keepClasses(kept: number[]): void {
    const table = new Int32Array(this.labelCounts.length).fill(-1);
    kept.forEach((value, index) => (table[value] = index));
    this.classOf = table;
    this.keptSamples = kept.reduce((n, value) => n + (this.labelCounts[value] ?? 0), 0);
  }

  /** Samples each pass yields (after keepClasses). */
  get keptSampleCount(): number {
    return this.classOf ? this.keptSamples : this.samples;
  }

  /** A two-pass batch source for the measures: each call starts the next pass over every shard. */
  source(): () => Iterable<FeatureBatch> {
    return () => this.pass();
  }

  close(): void {
    for (const shard of this.shards) {
      shard.features.close();
      shard.labels.close();
    }
  }

  private *pass(): Generator<FeatureBatch> {
    this.passes++;
    const pass: StreamPass = this.passes === 1 ? 'first' : 'second';
    const total = this.keptSampleCount;
    const featureBytes = new Uint8Array(this.batchSize * this.dim * 8);
    const labelBytes = new Uint8Array(this.batchSize * 8);
    // Half precision is widened into this one buffer (tensor() copies it): a new array per batch
    // is external memory that V8 collects late, and the resident set then grew with N.
    const widened = new Float32Array(this.batchSize * this.dim);
    let done = 0;
    this.onProgress?.(pass, 0, total);
    for (const shard of this.shards) {
      this.requireUnchanged(shard);
      const featureHash = createHash('sha1');
      const labelHash = createHash('sha1');
      const kind = shard.features.layout.kind;
      for (let start = 0; start < shard.rows; start += this.batchSize) {
        const count = Math.min(this.batchSize, shard.rows - start);
        const rawFeatures = featureBytes.subarray(0, count * shard.features.rowBytes);
        const rawLabels = labelBytes.subarray(0, count * shard.labels.rowBytes);
        shard.features.read(start, count, rawFeatures);
        shard.labels.read(start, count, rawLabels);
        featureHash.update(rawFeatures);
        labelHash.update(rawLabels);
        const labels = this.classes(labelArray(shard.labels.layout.kind, rawLabels));
        const batch = this.batch(kind, rawFeatures, labels, count, widened);
        if (batch === undefined) continue;
        done += batch.features.size(0);
        yield batch;
        this.onProgress?.(pass, done, total);
      }
      this.compareDigest(shard.features, featureHash);
      this.compareDigest(shard.labels, labelHash);
    }
  }

  /** The batch's kept rows as tensors (float32 for half precision, widened exactly). */
  private batch(
    kind: ElementKind,
    raw: Uint8Array,
    classes: { values: Int32Array; keep: Uint8Array | undefined },
    count: number,
    widened: Float32Array,
  ): FeatureBatch | undefined {
    let features = featureArray(kind, raw, count * this.dim, widened);
    let values = classes.values;
    if (classes.keep) {
      const keep = classes.keep;
      let kept = 0;
      for (let i = 0; i < count; i++) {
        if (!keep[i]) continue;
        if (kept !== i) {
          features.copyWithin(kept * this.dim, i * this.dim, (i + 1) * this.dim);
          values[kept] = values[i]!;
        }
        kept++;
      }
      if (kept === 0) return undefined;
      features = features.subarray(0, kept * this.dim);
      values = values.subarray(0, kept);
    }
    const rows = values.length;
    return { features: tensor(features, { shape: [rows, this.dim] }), labels: tensor(values, { dtype: 'int32' }) as Tensor };
  }

  /** Label values mapped to class indices, and which rows are kept (undefined: all). */
  private classes(values: Int32Array): { values: Int32Array; keep: Uint8Array | undefined } {
    const table = this.classOf;
    if (table === undefined) return { values, keep: undefined };
    const keep = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const c = table[values[i]!]!;
      keep[i] = c >= 0 ? 1 : 0;
      values[i] = c;
    }
    return { values, keep };
  }

  /** The pass over the labels alone: checks every value and counts them. */
  private countLabels(): Float64Array {
    let counts = new Float64Array(16);
    const chunk = 1 << 16;
    const bytes = new Uint8Array(chunk * 8);
    let done = 0;
    for (const shard of this.shards) {
      this.requireUnchanged(shard);
      const hash = createHash('sha1');
      for (let start = 0; start < shard.rows; start += chunk) {
        const count = Math.min(chunk, shard.rows - start);
        const raw = bytes.subarray(0, count * shard.labels.rowBytes);
        shard.labels.read(start, count, raw);
        hash.update(raw);
        const values = labelArray(shard.labels.layout.kind, raw, shard.labels.layout, start);
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!;
          if (v >= counts.length) {
            const grown = new Float64Array(Math.max(v + 1, counts.length * 2));
            grown.set(counts);
            counts = grown;
          }
          counts[v]!++;
        }
        done += count;
        this.onProgress?.('labels', done, this.samples);
      }
      this.compareDigest(shard.labels, hash);
    }
    let largest = counts.length - 1;
    while (largest >= 0 && counts[largest] === 0) largest--;
    return counts.slice(0, largest + 1);
  }

  private fingerprint(file: string): void {
    if (this.fingerprints.has(file)) return;
    let stat;
    try {
      stat = statSync(file);
    } catch {
      throw new DatasetError(file, 'file not found (a shard named on the command line or in the manifest)');
    }
    this.fingerprints.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, digests: new Map() });
  }

  private requireUnchanged(shard: OpenShard): void {
    for (const file of new Set([shard.features.layout.file, shard.labels.layout.file])) {
      const known = this.fingerprints.get(file)!;
      let stat;
      try {
        stat = statSync(file);
      } catch {
        throw new DatasetError(file, 'this shard was removed while it was being analysed');
      }
      if (stat.size !== known.size)
        throw new DatasetError(file, `this shard changed while it was being analysed (its size went from ${known.size} to ${stat.size} bytes)`);
      if (stat.mtimeMs !== known.mtimeMs) throw new DatasetError(file, 'this shard changed while it was being analysed (its modification time changed)');
    }
  }

  private compareDigest(rows: RowSource, hash: Hash): void {
    const digest = hash.digest('hex');
    const known = this.fingerprints.get(rows.layout.file)!;
    const seen = known.digests.get(rows.layout.name);
    if (seen === undefined) known.digests.set(rows.layout.name, digest);
    else if (seen !== digest) {
      throw new DatasetError(
        rows.layout.file,
        `this shard changed between the passes (the checksum of array '${rows.layout.name}' differs): the measures need the same data twice`,
      );
    }
  }
}

function openShard(shard: ShardFiles, names: ArrayNamesInArchives): OpenShard {
  let features: RowSource;
  let labels: RowSource;
  if (shard.kind === 'pair') {
    features = new RowSource(npyLayout(shard.features, 'features'));
    labels = new RowSource(npyLayout(shard.labels, 'labels'));
  } else {
    [features, labels] = openArchive(shard.file, names);
  }
  const name = shard.kind === 'pair' ? `${shard.features} + ${shard.labels}` : shard.file;
  const where = (rows: RowSource) => ({ file: rows.layout.file, name: rows.layout.name });
  if (features.layout.shape.length !== 2)
    throw new AnalysisInputError(where(features), `expected a 2-D array (samples x features), got shape (${features.layout.shape.join(', ')})`);
  if (!FEATURE_KINDS.has(features.layout.kind))
    throw new AnalysisInputError(where(features), `expected float16, bfloat16, float32 or float64 features, got ${features.layout.kind}`);
  if (labels.layout.shape.length !== 1)
    throw new AnalysisInputError(where(labels), `expected a 1-D array of class indices, got shape (${labels.layout.shape.join(', ')})`);
  if (!LABEL_KINDS.has(labels.layout.kind)) throw new AnalysisInputError(where(labels), `labels must be integers, got ${labels.layout.kind}`);
  if (labels.rows !== features.rows) {
    throw new AnalysisInputError(
      where(labels),
      `has ${labels.rows} labels but ${features.layout.file}, array '${features.layout.name}' has ${features.rows} samples: the lengths must match`,
    );
  }
  if (features.layout.shape[1] === 0) throw new AnalysisInputError(where(features), 'has no features (p = 0)');
  return { name, files: shard, features, labels, rows: features.rows };
}

function openArchive(file: string, names: ArrayNamesInArchives): [RowSource, RowSource] {
  const extension = extname(file).toLowerCase();
  if (extension === '.safetensors') {
    const layouts = safetensorsLayouts(file);
    const take = (name: string) => {
      const layout = layouts.get(name);
      if (layout === undefined)
        throw new AnalysisInputError(file, `no array '${name}'; the file has ${[...layouts.keys()].map((k) => `'${k}'`).join(', ') || 'no arrays'}`);
      return new RowSource(layout);
    };
    return [take(names.features), take(names.labels)];
  }
  if (extension === '.npz') {
    // An .npz member may be deflated: the shard is held in memory while it is read.
    const bytes = readDataFile(file);
    const members = listZipMembers(bytes, file);
    const take = (name: string) => {
      const member = members.find((m) => m.name === `${name}.npy`);
      if (member === undefined)
        throw new AnalysisInputError(
          file,
          `no array '${name}'; the file has ${members.map((m) => `'${m.name.replace(/\.npy$/, '')}'`).join(', ') || 'no arrays'}`,
        );
      const data = readZipMember(bytes, member, `${file}, member ${member.name}`, npyImpliedSize);
      return new RowSource(npyMemberLayout(data, file, name), data);
    };
    return [take(names.features), take(names.labels)];
  }
  throw new AnalysisInputError(
    file,
    `expected an .npz, .safetensors or manifest .json file (or --features-file with .npy files), got '${extname(file) || file}'`,
  );
}

function npyMemberLayout(data: Uint8Array, file: string, name: string): ArrayLayout {
  const source = `${file}, member ${name}.npy`;
  const major = data[6];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (data.length < 12 || (major !== 1 && major !== 2 && major !== 3)) throw new DatasetError(source, 'not a .npy member');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const header = parseNpyHeader(Buffer.from(data.subarray(headerStart, headerStart + headerLength)).toString('latin1'), source);
  const kinds: Record<string, ElementKind> = {
    '<f2': 'float16',
    '<f4': 'float32',
    '<f8': 'float64',
    '|i1': 'int8',
    '<i2': 'int16',
    '<i4': 'int32',
    '<i8': 'int64',
    '|u1': 'uint8',
    '<u2': 'uint16',
    '<u4': 'uint32',
    '<u8': 'uint64',
  };
  const kind = kinds[header.descr];
  if (kind === undefined) throw new DatasetError(source, `dtype '${header.descr}' is not supported`);
  if (header.fortranOrder && header.shape.length > 1) throw new DatasetError(source, 'is in Fortran order; save it with np.ascontiguousarray');
  const needed = header.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[kind];
  if (headerStart + headerLength + needed > data.length) throw new DatasetError(source, 'truncated');
  return { file, name, kind, shape: header.shape, offset: headerStart + headerLength };
}

/** Raw feature bytes as float32 (half precision widened exactly into `widened`) or float64. */
function featureArray(kind: ElementKind, raw: Uint8Array, count: number, widened: Float32Array): Float32Array | Float64Array {
  const aligned = raw.byteOffset % 8 === 0 ? raw : raw.slice();
  switch (kind) {
    case 'float64':
      return new Float64Array(aligned.buffer, aligned.byteOffset, count);
    case 'float32':
      return new Float32Array(aligned.buffer, aligned.byteOffset, count);
    case 'float16':
    case 'bfloat16': {
      const out = widened.subarray(0, count);
      const bits = new Uint16Array(aligned.buffer, aligned.byteOffset, count);
      (kind === 'float16' ? float16ToFloat32 : bfloat16ToFloat32)(bits, out);
      return out;
    }
    default:
      throw new Error(`not a feature kind: ${kind}`);
  }
}

/**
 * Raw label bytes as 32-bit class indices; a negative value or one that does not fit in 32 bits
 * is an error naming the sample (checked in the labels' pass, with `layout` and the first row).
 */
function labelArray(kind: ElementKind, raw: Uint8Array, layout?: ArrayLayout, firstRow = 0): Int32Array {
  const count = raw.length / ELEMENT_BYTES[kind];
  const aligned = raw.byteOffset % 8 === 0 ? raw : raw.slice();
  const { buffer, byteOffset } = aligned;
  const values = new Int32Array(count);
  const source: ArrayLike<number | bigint> = (() => {
    switch (kind) {
      case 'int8':
        return new Int8Array(buffer, byteOffset, count);
      case 'int16':
        return new Int16Array(buffer, byteOffset, count);
      case 'int32':
        return new Int32Array(buffer, byteOffset, count);
      case 'int64':
        return new BigInt64Array(buffer, byteOffset, count);
      case 'uint8':
        return new Uint8Array(buffer, byteOffset, count);
      case 'uint16':
        return new Uint16Array(buffer, byteOffset, count);
      case 'uint32':
        return new Uint32Array(buffer, byteOffset, count);
      case 'uint64':
        return new BigUint64Array(buffer, byteOffset, count);
      default:
        throw new Error(`not a label kind: ${kind}`);
    }
  })();
  for (let i = 0; i < count; i++) {
    const v = source[i]!;
    const n = typeof v === 'bigint' ? (v >= 0n && v <= BigInt(INT32_MAX) ? Number(v) : -1) : v;
    if (layout && !(n >= 0 && n <= INT32_MAX)) {
      throw new AnalysisInputError(
        { file: layout.file, name: layout.name },
        `label ${v} of sample ${firstRow + i} is not a class index; labels must lie in 0..C-1 (and below 2^31)`,
      );
    }
    values[i] = n;
  }
  return values;
}
