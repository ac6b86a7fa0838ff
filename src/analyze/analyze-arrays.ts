import { type CovarianceMode } from '../collapse/collapse-measurement.js';
import { type CollapseMetrics } from '../collapse/collapse-metrics.js';
import { type AnalysisArrays, AnalysisInputError, type SourceArray } from './analysis-arrays.js';
import { measureAnalysisArrays } from './measure-arrays.js';

/** A matrix held in memory: a list of equally long rows, or row-major data with its shape. */
export type Matrix =
  readonly (readonly number[])[] | { readonly data: Float32Array | Float64Array | readonly number[]; readonly shape: readonly [rows: number, columns: number] };

/** Class indices 0..C-1, one per sample. */
export type Labels = readonly number[] | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** What `analyzeArrays` measures: the penultimate features and labels, and optionally the last layer. */
export interface CollapseArrays {
  /** N x p: the inputs of the last linear layer, one row per sample. */
  features: Matrix;
  labels: Labels;
  /** The last layer's weight W, C x p; without it the classifier metrics are left out. */
  weight?: Matrix;
  /** Its bias b, C (needs the weight). */
  bias?: readonly number[] | Float32Array | Float64Array;
}

export interface AnalyzeArraysOptions {
  /** The training weight decay: adds the MSE decomposition lnc1, lnc23, lperp (needs the weight). */
  weightDecay?: number;
  /** 'full' (default) or 'projected' (no p x p matrix: leaves out webb_lowe_*, lnc1, lnc23, lperp). */
  covariance?: CovarianceMode;
  /** Rows measured at a time (default 1024); the result does not depend on it. */
  batchSize?: number;
}

export interface ArrayAnalysis {
  samples: number;
  dim: number;
  /** W's row count when a weight is given, else the largest label + 1. */
  numClasses: number;
  /** docs/metrics.md's keys in docs/metrics.md's order; those that need what was not given are absent. */
  metrics: CollapseMetrics;
}

/** Where a bad array is reported: `analyzeArrays, array 'labels': ...`. */
const ORIGIN = 'analyzeArrays';

/**
 * Every collapse measure of docs/metrics.md for arrays in memory, with the same checks and the same
 * numbers as `ncollapse analyze` on a file holding them. Bad input throws an AnalysisInputError
 * naming the array and what was expected.
 */
export function analyzeArrays(input: CollapseArrays, options: AnalyzeArraysOptions = {}): ArrayAnalysis {
  const arrays: AnalysisArrays = {
    features: matrixArray(input.features, 'features'),
    labels: labelArray(input.labels),
    weight: input.weight === undefined ? undefined : matrixArray(input.weight, 'weight'),
    bias: input.bias === undefined ? undefined : vectorArray(input.bias, 'bias'),
  };
  if (options.weightDecay !== undefined && arrays.weight === undefined) {
    throw new AnalysisInputError(ORIGIN, 'weightDecay needs the classifier weight');
  }
  const { samples, dim, numClasses, metrics } = measureAnalysisArrays(arrays, options);
  return { samples, dim, numClasses, metrics: metrics as unknown as CollapseMetrics };
}

function matrixArray(matrix: Matrix, name: string): SourceArray {
  if ('shape' in matrix) {
    const [rows, columns] = matrix.shape;
    if (matrix.data.length !== rows * columns) {
      throw new AnalysisInputError({ file: ORIGIN, name }, `shape (${rows}, ${columns}) needs ${rows * columns} values, got ${matrix.data.length}`);
    }
    if (Array.isArray(matrix.data)) checkNumbers(matrix.data, name, (i) => `value ${i}`);
    return { file: ORIGIN, name, dtype: floatDtype(matrix.data), shape: [rows, columns], data: matrix.data };
  }
  const columns = matrix[0]?.length ?? 0;
  const data = new Float64Array(matrix.length * columns);
  matrix.forEach((row, i) => {
    if (row.length !== columns) throw new AnalysisInputError({ file: ORIGIN, name }, `row ${i} has ${row.length} values but row 0 has ${columns}`);
    checkNumbers(row, name, (j) => `row ${i}, column ${j}`);
    data.set(row, i * columns);
  });
  return { file: ORIGIN, name, dtype: 'float64', shape: [matrix.length, columns], data };
}

/**
 * A plain list may hold anything at run time (JSON gives null for NaN): a Float64Array would turn
 * null into 0 and a string into NaN without a word, so each entry must be a number.
 */
function checkNumbers(values: readonly unknown[], name: string, where: (i: number) => string): void {
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number')
      throw new AnalysisInputError({ file: ORIGIN, name }, `${where(i)} is ${JSON.stringify(values[i]) ?? String(values[i])}, expected a number`);
  }
}

function vectorArray(vector: readonly number[] | Float32Array | Float64Array, name: string): SourceArray {
  if (Array.isArray(vector)) checkNumbers(vector, name, (i) => `value ${i}`);
  return { file: ORIGIN, name, dtype: floatDtype(vector), shape: [vector.length], data: vector };
}

function floatDtype(data: ArrayLike<number>): string {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

const INTEGER_ARRAY_DTYPES: [new (...args: never[]) => ArrayLike<number | bigint>, string][] = [
  [Int8Array, 'int8'],
  [Uint8Array, 'uint8'],
  [Int16Array, 'int16'],
  [Uint16Array, 'uint16'],
  [Int32Array, 'int32'],
  [Uint32Array, 'uint32'],
  [BigInt64Array, 'int64'],
  [BigUint64Array, 'uint64'],
];

function labelArray(labels: Labels): SourceArray {
  if (Array.isArray(labels)) checkNumbers(labels, 'labels', (i) => `label ${i}`);
  const typed = INTEGER_ARRAY_DTYPES.find(([type]) => labels instanceof type);
  // A plain list is integer labels when every entry is an integer; else validation says what is wrong.
  const dtype = typed?.[1] ?? ((labels as readonly number[]).every((v) => Number.isInteger(v)) ? 'int64' : 'float64');
  return { file: ORIGIN, name: 'labels', dtype, shape: [labels.length], data: labels };
}
