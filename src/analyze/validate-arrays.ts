import { type AnalysisArrays, AnalysisInputError, type SourceArray } from './analysis-arrays.js';
import { labelValues } from './label-values.js';

const FLOAT_DTYPES = new Set(['float32', 'float64']);
const INTEGER_DTYPES = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);

export interface ValidatedArrays {
  numClasses: number;
  samples: number;
  dim: number;
  /** Labels as JavaScript integers. */
  labels: Int32Array;
}

/**
 * Checks the arrays before anything is measured, so that each problem is reported against the
 * file and array it is in: shapes, dtypes, label range, lengths, empty classes, NaN or infinity.
 * The number of classes is W's row count when a weight is given, else the largest label + 1.
 */
export function validateAnalysisArrays(arrays: AnalysisArrays): ValidatedArrays {
  const { features, labels, weight, bias } = arrays;
  if (features.shape.length !== 2) fail(features, `expected a 2-D array (samples x features), got shape ${shapeText(features)}`);
  if (!FLOAT_DTYPES.has(features.dtype)) fail(features, `expected float32 or float64 features, got ${features.dtype}`);
  const [samples, dim] = features.shape as [number, number];
  if (samples === 0) fail(features, 'has no samples');
  requireFinite(features, 'sample', dim);
  requireMeasurableMagnitude(features, 'sample', dim);

  if (labels.shape.length !== 1) fail(labels, `expected a 1-D array of class indices, got shape ${shapeText(labels)}`);
  if (!INTEGER_DTYPES.has(labels.dtype)) fail(labels, `labels must be integers, got ${labels.dtype}`);
  if (labels.shape[0] !== samples) {
    fail(labels, `has ${labels.shape[0]} labels but ${features.file}, array '${features.name}' has ${samples} samples: the lengths must match`);
  }
  const values = labelValues(labels);
  let largest = -1;
  values.forEach((v, i) => {
    if (v < 0) fail(labels, `label ${v} at index ${i} is negative; labels must lie in 0..C-1`);
    largest = Math.max(largest, v);
  });

  let numClasses = largest + 1;
  if (weight !== undefined) {
    if (weight.shape.length !== 2) fail(weight, `expected a 2-D array (classes x features), got shape ${shapeText(weight)}`);
    if (!FLOAT_DTYPES.has(weight.dtype)) fail(weight, `expected float32 or float64, got ${weight.dtype}`);
    if (weight.shape[1] !== dim) {
      fail(weight, `has ${weight.shape[1]} columns but the features (${features.file}, array '${features.name}') have ${dim}: W must be C x p`);
    }
    numClasses = weight.shape[0]!;
    if (largest >= numClasses)
      fail(
        labels,
        `label ${largest} is out of range: ${weight.file}, array '${weight.name}' has ${numClasses} rows, so labels must lie in 0..${numClasses - 1}`,
      );
    requireFinite(weight, 'row', dim);
    requireMeasurableMagnitude(weight, 'row', dim);
  }
  if (bias !== undefined) {
    if (weight === undefined) fail(bias, 'a bias was given without a weight');
    if (bias.shape.length !== 1 || bias.shape[0] !== numClasses) fail(bias, `expected shape (${numClasses},) (one per class), got ${shapeText(bias)}`);
    if (!FLOAT_DTYPES.has(bias.dtype)) fail(bias, `expected float32 or float64, got ${bias.dtype}`);
    requireFinite(bias, 'entry', 1);
  }
  if (numClasses < 2) fail(labels, `collapse needs at least two classes, but the labels only hold class ${largest}`);
  const counts = new Float64Array(numClasses);
  for (const v of values) counts[v]!++;
  const empty = [...counts.keys()].filter((c) => counts[c] === 0);
  if (empty.length > 0) {
    fail(labels, `class${empty.length > 1 ? 'es' : ''} ${empty.slice(0, 20).join(', ')} of 0..${numClasses - 1} ha${empty.length > 1 ? 've' : 's'} no sample`);
  }
  return { numClasses, samples, dim, labels: values };
}

function fail(array: SourceArray, problem: string): never {
  throw new AnalysisInputError(array, problem);
}

function shapeText(array: SourceArray): string {
  return `(${array.shape.join(', ')}${array.shape.length === 1 ? ',' : ''})`;
}

function requireFinite(array: SourceArray, unit: string, width: number): void {
  const data = array.data as ArrayLike<number>;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) fail(array, `${unit} ${Math.floor(i / width)} holds ${data[i]}: NaN and infinite values cannot be measured`);
  }
}

/**
 * The largest |value| float64 arithmetic can carry through the measures: norms of Gram matrices
 * raise values to the fourth power and sums over N p samples add up to 1e12 of them, so values
 * beyond 1e60 overflow to infinity and nonzero arrays whose largest value is below 1e-60 underflow
 * to zero (which would read as NaN or as "class means coincide").
 */
const MEASURABLE_MAGNITUDE = 1e60;
const SMALLEST_MEASURABLE_MAGNITUDE = 1e-60;

function requireMeasurableMagnitude(array: SourceArray, unit: string, width: number): void {
  const data = array.data as ArrayLike<number>;
  let largest = 0;
  let where = 0;
  for (let i = 0; i < data.length; i++) {
    const magnitude = Math.abs(data[i]!);
    if (magnitude > largest) {
      largest = magnitude;
      where = i;
    }
  }
  const rescale = 'rescale the array (every key but the margins is unchanged by a common scale)';
  if (largest > MEASURABLE_MAGNITUDE) {
    fail(
      array,
      `${unit} ${Math.floor(where / width)} holds ${data[where]}, beyond ${MEASURABLE_MAGNITUDE.toExponential()} in magnitude: float64 sums of its powers overflow; ${rescale}`,
    );
  }
  if (largest > 0 && largest < SMALLEST_MEASURABLE_MAGNITUDE) {
    fail(
      array,
      `its largest value in magnitude is ${largest.toExponential()}, below ${SMALLEST_MEASURABLE_MAGNITUDE.toExponential()}: float64 products of its powers underflow to zero; ${rescale}`,
    );
  }
}
