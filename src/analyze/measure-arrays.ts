import { type CovarianceMode } from '../collapse/collapse-measurement.js';
import { orderedMetrics } from '../collapse/collapse-metrics.js';
import { measureCollapseOfArrays } from '../collapse/measure-collapse.js';
import { dispose } from '../torch/index.js';
import { type AnalysisArrays } from './analysis-arrays.js';
import { analysisTensors } from './analysis-tensors.js';
import { validateAnalysisArrays } from './validate-arrays.js';

export interface ArrayMeasurement {
  samples: number;
  dim: number;
  numClasses: number;
  /** docs/metrics.md's keys in docs/metrics.md's order. */
  metrics: Record<string, number>;
}

/**
 * Checks the arrays read from files or given in memory and measures every collapse metric of them:
 * the one path shared by `ncollapse analyze` and the library's `analyzeArrays`, so that both give
 * the same checks and the same numbers.
 */
export function measureAnalysisArrays(arrays: AnalysisArrays, options: { weightDecay?: number; covariance?: CovarianceMode; batchSize?: number }): ArrayMeasurement {
  const validated = validateAnalysisArrays(arrays);
  const tensors = analysisTensors(arrays, validated);
  try {
    const metrics = measureCollapseOfArrays(tensors.features, tensors.labels, {
      numClasses: validated.numClasses,
      weight: tensors.weight,
      bias: tensors.bias,
      weightDecay: options.weightDecay,
      covariance: options.covariance ?? 'full',
      batchSize: options.batchSize ?? 1024,
    });
    return { samples: validated.samples, dim: validated.dim, numClasses: validated.numClasses, metrics: orderedMetrics(metrics) };
  } finally {
    dispose(tensors);
  }
}
