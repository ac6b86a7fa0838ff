import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { type ArrayLayout, ELEMENT_BYTES, npyLayout, safetensorsLayouts } from '../../io/array-layout.js';
import { bfloat16ToFloat32, float16ToFloat32 } from '../../io/half-precision.js';
import { readNpz } from '../../io/npz.js';
import { AnalysisInputError } from '../analysis-arrays.js';
import { RowSource } from './row-source.js';
import { resolveShards, type ShardInput } from './shard-list.js';
import { type ProgressListener, ShardStream } from './shard-stream.js';

/** A classifier array read whole, as float64. */
export interface ClassifierArray {
  file: string;
  name: string;
  shape: number[];
  data: Float64Array;
}

export interface ShardSetOptions {
  /** Array names inside .npz/.safetensors shards (defaults H, y, W, b). */
  names?: { features?: string; labels?: string; weight?: string; bias?: string };
  /** The weight was named explicitly: its absence is an error. */
  weightRequired?: boolean;
  /** Rows read at a time (default 1024). */
  batchSize?: number;
  /** A label value with fewer samples is not a class (METRICS.md "Many classes"). */
  minCount?: number;
  onProgress?: ProgressListener;
}

export interface ShardSet {
  /** The two-pass batch source (call `stream.source()`), with N, p and the shards' names. */
  stream: ShardStream;
  /** C: the kept classes, numbered 0..C-1 in the order of their label values. */
  numClasses: number;
  /** The label value of each kept class. */
  classValues: number[];
  /** With minCount: classes kept and label values 0..max dropped (absent or too rare). */
  classesKept?: number;
  classesDropped?: number;
  /** The classifier restricted to the kept classes, float64. */
  weight?: ClassifierArray;
  bias?: ClassifierArray;
}

/**
 * The one entry point for sharded input (`analyze`, the library, `track`): resolves the files
 * (globs, repeated options, archives, a folder or a manifest), opens every shard's header,
 * counts the labels, chooses the classes, and reads the classifier. The caller measures with
 * `measureCollapse(set.stream.source(), {numClasses, weight, bias})` and closes the stream.
 */
export function openShards(input: ShardInput, options: ShardSetOptions = {}): ShardSet {
  const resolved = resolveShards(input);
  const names = {
    features: options.names?.features ?? 'H',
    labels: options.names?.labels ?? 'y',
    weight: options.names?.weight ?? 'W',
    bias: options.names?.bias ?? 'b',
  };
  const stream = new ShardStream(resolved.shards, { names, batchSize: options.batchSize ?? 1024, onProgress: options.onProgress });
  try {
    const firstArchive = resolved.shards.find((s) => s.kind === 'archive');
    const weight =
      resolved.weightFile !== undefined
        ? readClassifierNpy(resolved.weightFile, 'weight')
        : firstArchive && firstArchive.kind === 'archive'
          ? readClassifierFromArchive(firstArchive.file, names.weight, options.weightRequired ?? false)
          : undefined;
    const bias =
      resolved.biasFile !== undefined
        ? readClassifierNpy(resolved.biasFile, 'bias')
        : weight && firstArchive && firstArchive.kind === 'archive'
          ? readClassifierFromArchive(firstArchive.file, names.bias, false)
          : undefined;
    return { stream, ...chooseClasses(stream, weight, bias, options.minCount) };
  } catch (error) {
    stream.close();
    throw error;
  }
}

function chooseClasses(
  stream: ShardStream,
  weight: ClassifierArray | undefined,
  bias: ClassifierArray | undefined,
  minCount: number | undefined,
): Omit<ShardSet, 'stream'> {
  const counts = stream.labelCounts;
  const labelsName = stream.shardNames.length === 1 ? stream.shardNames[0]! : `the labels of ${stream.shardNames.length} shards`;
  if (weight !== undefined) {
    if (weight.shape.length !== 2) throw new AnalysisInputError(weight, `expected a 2-D array (classes x features), got shape (${weight.shape.join(', ')})`);
    if (weight.shape[1] !== stream.dim)
      throw new AnalysisInputError(weight, `has ${weight.shape[1]} columns but the features have ${stream.dim}: W must be C x p`);
    if (counts.length > weight.shape[0]!) {
      throw new AnalysisInputError(
        labelsName,
        `label ${counts.length - 1} is out of range: ${weight.file}, array '${weight.name}' has ${weight.shape[0]} rows, so labels must lie in 0..${weight.shape[0]! - 1}`,
      );
    }
  }
  if (bias !== undefined) {
    if (weight === undefined) throw new AnalysisInputError(bias, 'a bias was given without a weight');
    if (bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0])
      throw new AnalysisInputError(bias, `expected shape (${weight.shape[0]},) (one per class), got (${bias.shape.join(', ')})`);
  }
  const valueCount = weight?.shape[0] ?? counts.length;
  let kept: number[];
  if (minCount === undefined) {
    kept = Array.from({ length: valueCount }, (_, v) => v);
    const empty = kept.filter((v) => !(counts[v]! > 0));
    if (empty.length > 0) {
      throw new AnalysisInputError(
        labelsName,
        `class${empty.length > 1 ? 'es' : ''} ${empty.slice(0, 20).join(', ')}${empty.length > 20 ? ', ...' : ''} of 0..${valueCount - 1} ha${empty.length > 1 ? 've' : 's'} no sample (use --min-count 1 to leave absent classes out)`,
      );
    }
  } else {
    if (!Number.isInteger(minCount) || minCount < 1) throw new AnalysisInputError('--min-count', `expected an integer >= 1, got ${minCount}`);
    kept = [];
    for (let v = 0; v < valueCount; v++) if ((counts[v] ?? 0) >= minCount) kept.push(v);
    stream.keepClasses(kept);
  }
  if (kept.length < 2)
    throw new AnalysisInputError(
      labelsName,
      `collapse needs at least two classes, but only ${kept.length} ${minCount === undefined ? 'occur' : `have ${minCount} or more samples`}`,
    );
  const restrict = (array: ClassifierArray | undefined, width: number): ClassifierArray | undefined => {
    if (array === undefined || minCount === undefined) return array;
    const data = new Float64Array(kept.length * width);
    kept.forEach((v, i) => data.set(array.data.subarray(v * width, (v + 1) * width), i * width));
    return { ...array, shape: width === 1 && array.shape.length === 1 ? [kept.length] : [kept.length, width], data };
  };
  return {
    numClasses: kept.length,
    classValues: kept,
    ...(minCount === undefined ? {} : { classesKept: kept.length, classesDropped: valueCount - kept.length }),
    weight: restrict(weight, stream.dim),
    bias: restrict(bias, 1),
  };
}

function readClassifierNpy(file: string, role: string): ClassifierArray {
  return readWhole(new RowSource(npyLayout(file, role)));
}

function readClassifierFromArchive(file: string, name: string, required: boolean): ClassifierArray | undefined {
  if (!existsSync(file)) return undefined; // the stream reports the missing shard
  if (extname(file).toLowerCase() === '.npz') {
    let arrays;
    try {
      arrays = readNpz(file, { only: [name] });
    } catch (error) {
      if (required) throw error;
      return undefined;
    }
    const array = arrays.get(name)!;
    const data = Float64Array.from(array.data as ArrayLike<number>, Number);
    return checkFinite({ file, name, shape: array.shape, data });
  }
  const layout = safetensorsLayouts(file).get(name);
  if (layout === undefined) {
    if (required) throw new AnalysisInputError(file, `no array '${name}'`);
    return undefined;
  }
  return readWhole(new RowSource(layout));
}

function readWhole(source: RowSource): ClassifierArray {
  const layout: ArrayLayout = source.layout;
  try {
    const count = layout.shape.reduce((a, b) => a * b, 1);
    const raw = new Uint8Array(count * ELEMENT_BYTES[layout.kind]);
    source.read(0, layout.shape.length === 0 ? 1 : layout.shape[0]!, raw);
    let data: Float64Array;
    switch (layout.kind) {
      case 'float64':
        data = new Float64Array(raw.buffer, 0, count);
        break;
      case 'float32':
        data = Float64Array.from(new Float32Array(raw.buffer, 0, count));
        break;
      case 'float16':
      case 'bfloat16': {
        const wide = new Float32Array(count);
        (layout.kind === 'float16' ? float16ToFloat32 : bfloat16ToFloat32)(new Uint16Array(raw.buffer, 0, count), wide);
        data = Float64Array.from(wide);
        break;
      }
      default:
        throw new AnalysisInputError(layout, `expected float16, bfloat16, float32 or float64, got ${layout.kind}`);
    }
    return checkFinite({ file: layout.file, name: layout.name, shape: layout.shape, data });
  } finally {
    source.close();
  }
}

function checkFinite(array: ClassifierArray): ClassifierArray {
  const width = array.shape.length > 1 ? array.shape[1]! : 1;
  for (let i = 0; i < array.data.length; i++) {
    if (!Number.isFinite(array.data[i]!))
      throw new AnalysisInputError(
        array,
        `${width > 1 ? 'row' : 'entry'} ${Math.floor(i / width)} holds ${array.data[i]}: NaN and infinite values cannot be measured`,
      );
  }
  return array;
}
