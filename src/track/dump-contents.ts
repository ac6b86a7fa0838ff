import { AnalysisInputError, type AnalysisArrays, readArrays, type SourceArray } from '../analyze/analysis-arrays.js';

/** Scalars a dump may hold (0-d or 1-element arrays), copied into the epoch's metrics line as they are. */
export const DUMP_SCALAR_KEYS = [
  'loss',
  'loss_wd',
  'lr',
  'seconds',
  'train_error',
  'test_error',
  'test_loss',
  'deepfool_train',
  'deepfool_test',
  'deepfool_failed',
] as const;

/** A scalar that goes into config.json (weightDecay), not into the metrics. */
export const WEIGHT_DECAY_KEY = 'weight_decay';

/** The prefix of per-layer feature arrays: `layer.blocks.0` holds the output of block `blocks.0`, N x ... */
export const LAYER_PREFIX = 'layer.';

/** The arrays of one epoch's dump, by role (docs/track.md). */
export interface DumpContents {
  /** H, y and (when present) W, b: what `analyze` measures. */
  train: AnalysisArrays;
  /** H_test and y_test with the same W, b: the test error. */
  test?: AnalysisArrays;
  /** layer.<name> arrays in the file's order, named without the prefix, each with y. */
  layers: { name: string; features: SourceArray }[];
  /** The scalars of DUMP_SCALAR_KEYS and weight_decay that the dump holds. */
  scalars: Record<string, number>;
}

/** Reads every array of a dump file and sorts them by role; a missing H or y is an AnalysisInputError naming the file. */
export function readDump(file: string): DumpContents {
  const { arrays, available } = readArrays(file, 'all');
  const take = (name: string): SourceArray | undefined => arrays.get(name);
  const required = (name: string): SourceArray => {
    const array = take(name);
    if (array === undefined) throw new AnalysisInputError(file, `no array '${name}'; the file has ${available.map((k) => `'${k}'`).join(', ') || 'no arrays'}`);
    return array;
  };
  const train: AnalysisArrays = { features: required('H'), labels: required('y'), weight: take('W'), bias: take('b') };
  const testFeatures = take('H_test');
  const testLabels = take('y_test');
  if ((testFeatures === undefined) !== (testLabels === undefined)) {
    throw new AnalysisInputError(file, `'H_test' and 'y_test' go together; the file has only '${testFeatures ? 'H_test' : 'y_test'}'`);
  }
  const test = testFeatures && testLabels ? { features: testFeatures, labels: testLabels, weight: train.weight, bias: train.bias } : undefined;
  const layers = available
    .filter((name) => name.startsWith(LAYER_PREFIX))
    .map((name) => ({ name: name.slice(LAYER_PREFIX.length), features: arrays.get(name)! }));
  const scalars: Record<string, number> = {};
  for (const key of [...DUMP_SCALAR_KEYS, WEIGHT_DECAY_KEY]) {
    const array = take(key);
    if (array !== undefined) scalars[key] = scalarValue(array);
  }
  return { train, test, layers, scalars };
}

/** The scalars of DUMP_SCALAR_KEYS and weight_decay that an archive holds (a folder dump's first shard). */
export function readDumpScalars(file: string): Record<string, number> {
  const { arrays } = readArrays(file, [...DUMP_SCALAR_KEYS, WEIGHT_DECAY_KEY]);
  return Object.fromEntries([...arrays].map(([key, array]) => [key, scalarValue(array)]));
}

function scalarValue(array: SourceArray): number {
  if (array.data.length !== 1) throw new AnalysisInputError(array, `expected a scalar (shape () or (1,)), got shape (${array.shape.join(', ')})`);
  const value = Number(array.data[0]);
  if (!Number.isFinite(value)) throw new AnalysisInputError(array, `holds ${value}; expected a finite number`);
  return value;
}
