/** Neural-collapse measures (docs/metrics.md): accumulate batch by batch, then measure. */
export { CollapseError } from './collapse-error.js';
export { type FeatureBatch, type FeatureSource, type BatchSource, featureBatches } from './batches.js';
export { forEachBatch } from './for-each-batch.js';
export { ClassMeanAccumulator, type ClassMeanSource } from './class-mean-accumulator.js';
export { WithinClassScatterAccumulator } from './within-class-scatter-accumulator.js';
export { SecondPassAccumulator, type SecondPassTotals, type SecondPassClassifiers } from './second-pass-accumulator.js';
export { type ClassGeometry, classGeometry, disposeGeometry } from './class-geometry.js';
export { type CollapseMetrics, COLLAPSE_METRIC_KEYS, MINORITY_METRIC_KEYS, orderedMetrics } from './collapse-metrics.js';
export { METRIC_CATALOG, metricEntry, type MetricEntry, type MetricGroup, type MetricKey } from './metric-catalog.js';
export { CollapseMeasurement, type CollapseOptions, type CovarianceMode } from './collapse-measurement.js';
export { measureCollapse, measureCollapseOfArrays } from './measure-collapse.js';
export { EIGENVALUE_CUT } from './measures/eigen-cut.js';
export { type LinearClassifier } from './measures/least-squares-classifier.js';
export { measureLayerwiseCollapse, measureLayerFeatures, type LayerCollapse, type LayerwiseOptions, type InputBatch } from './layerwise.js';
export { releaseScratch } from './scratch.js';
export { type ShardReducer } from './shard-reducer.js';
