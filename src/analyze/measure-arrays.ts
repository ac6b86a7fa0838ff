import { type Nc1Route } from '../collapse/measures/nc1-routes.js';
import { type CovarianceMode } from '../collapse/collapse-measurement.js';
import { orderedMetrics } from '../collapse/collapse-metrics.js';
import { measureCollapseOfArrays } from '../collapse/measure-collapse.js';
import { dispose } from '../torch/index.js';
import { type AnalysisArrays } from './analysis-arrays.js';
import { analysisTensors, type AnalysisTensors } from './analysis-tensors.js';
import { type ValidatedArrays, validateAnalysisArrays } from './validate-arrays.js';

export interface ArrayMeasurement {
  samples: number;
  dim: number;
  numClasses: number;
  /** docs/metrics.md's keys in docs/metrics.md's order. */
  metrics: Record<string, number>;
}

export interface ArrayMeasurementOptions {
  weightDecay?: number;
  /** Class indices of the minority classes: adds minority_cos_* and majority_cos_*. */
  minorityClasses?: number[];
  covariance?: CovarianceMode;
  batchSize?: number;
  decisionSamples?: number;
  seed?: number;
  tile?: number;
  nc1Route?: Nc1Route;
}

/**
 * Checks the arrays read from files or given in memory and measures every collapse metric of them:
 * the one path shared by `ncollapse analyze`, `ncollapse track` and the library's `analyzeArrays`,
 * so that all give the same checks and the same numbers.
 */
export function measureAnalysisArrays(arrays: AnalysisArrays, options: ArrayMeasurementOptions): ArrayMeasurement {
  return withAnalysisTensors(arrays, (tensors, validated) => measureAnalysisTensors(tensors, validated, options));
}

/** Checks the arrays, makes their tensors, runs fn on them and releases them. */
export function withAnalysisTensors<T>(arrays: AnalysisArrays, fn: (tensors: AnalysisTensors, validated: ValidatedArrays) => T): T {
  const validated = validateAnalysisArrays(arrays);
  const tensors = analysisTensors(arrays, validated);
  try {
    return fn(tensors, validated);
  } finally {
    dispose(tensors);
  }
}

/** Every collapse metric of checked arrays' tensors (see measureAnalysisArrays). */
export function measureAnalysisTensors(tensors: AnalysisTensors, validated: ValidatedArrays, options: ArrayMeasurementOptions): ArrayMeasurement {
  const metrics = measureCollapseOfArrays(tensors.features, tensors.labels, {
    numClasses: validated.numClasses,
    weight: tensors.weight,
    bias: tensors.bias,
    weightDecay: options.weightDecay,
    minorityClasses: options.minorityClasses,
    covariance: options.covariance ?? 'full',
    batchSize: options.batchSize ?? 1024,
    decisionSamples: options.decisionSamples,
    seed: options.seed,
    tile: options.tile,
    nc1Route: options.nc1Route,
  });
  return { samples: validated.samples, dim: validated.dim, numClasses: validated.numClasses, metrics: orderedMetrics(metrics) };
}
