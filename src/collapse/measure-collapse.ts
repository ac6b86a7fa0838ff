import { type Tensor } from '../torch/index.js';
import { featureBatches, type FeatureSource } from './batches.js';
import { type CollapseOptions, CollapseMeasurement } from './collapse-measurement.js';
import { type CollapseMetrics } from './collapse-metrics.js';
import { forEachBatch } from './for-each-batch.js';

/**
 * Every collapse metric of docs/metrics.md for features streamed in batches: two passes over the
 * source (class means and within-class covariance, then decisions), memory independent of N.
 */
export function measureCollapse(source: FeatureSource, options: CollapseOptions): CollapseMetrics {
  const measurement = new CollapseMeasurement(options);
  try {
    forEachBatch(source, ({ features, labels }) => measurement.addFirstPass(features, labels));
    if (options.shards) measurement.reduceShards(options.shards);
    measurement.finishFirstPass();
    forEachBatch(source, ({ features, labels }) => measurement.addSecondPass(features, labels));
    if (options.shards) measurement.reduceShards(options.shards);
    return measurement.result();
  } finally {
    measurement.dispose();
  }
}

/** measureCollapse for features (N x p) and labels (N) held in memory. */
export function measureCollapseOfArrays(features: Tensor, labels: Tensor, options: CollapseOptions & { batchSize?: number }): CollapseMetrics {
  return measureCollapse(featureBatches(features, labels, options.batchSize ?? 1024), options);
}
