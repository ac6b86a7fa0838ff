/**
 * The `ncollapse` package: measure neural collapse of arrays in memory or in files, and read the
 * run directories that `ncollapse train` writes. The tensor engine, layers, optimisers and the
 * streaming accumulators are the subpaths `ncollapse/torch`, `ncollapse/nn`, `ncollapse/optim`,
 * `ncollapse/collapse`, `ncollapse/data` and `ncollapse/report`.
 */
export { analyzeArrays, type AnalyzeArraysOptions, type ArrayAnalysis, type CollapseArrays, type Labels, type Matrix } from './analyze/analyze-arrays.js';
export { analyzeFiles, type AnalyzeFilesOptions, type AnalysisOutput } from './analyze/analyze-files.js';
export { AnalysisInputError } from './analyze/analysis-arrays.js';
export { analyzeShards, type ShardAnalysis, type ShardAnalysisOptions } from './analyze/analyze-shards.js';
export { openShards, type ShardSet, type ShardSetOptions } from './analyze/shards/open-shards.js';
export { type ShardInput } from './analyze/shards/shard-list.js';
export { type CollapseMetrics, COLLAPSE_METRIC_KEYS, MINORITY_METRIC_KEYS } from './collapse/collapse-metrics.js';
export { type CovarianceMode } from './collapse/collapse-measurement.js';
export { CollapseError } from './collapse/collapse-error.js';
export { readRun, readRuns, metricValue, isStale, RunReadError, type RunData } from './run/run-reader.js';
export type { RunConfig, RunStatus, RunState, MetricsLine, GeometryLine, LayerMetrics } from './run/run-schema.js';
export { NcollapseError, InputFileError, UsageError, EXIT_CODES } from './errors.js';
