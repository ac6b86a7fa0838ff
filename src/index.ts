/**
 * The `ncollapse` package: measure neural collapse of arrays in memory or in files, and read the
 * run directories that `ncollapse train` writes. The tensor engine, layers, optimisers and the
 * streaming accumulators are the subpaths `ncollapse/torch`, `ncollapse/nn`, `ncollapse/optim`,
 * `ncollapse/collapse`, `ncollapse/data` and `ncollapse/report`.
 */
export { analyzeArrays, type AnalyzeArraysOptions, type ArrayAnalysis, type CollapseArrays, type Labels, type Matrix } from './collapse/io/analyze-arrays.js';
export { analyzeFiles, type AnalyzeFilesOptions, type AnalysisOutput } from './collapse/io/analyze-files.js';
export { AnalysisInputError } from './collapse/io/analysis-arrays.js';
export { type CollapseMetrics, COLLAPSE_METRIC_KEYS } from './collapse/collapse-metrics.js';
export { type CovarianceMode } from './collapse/collapse-measurement.js';
export { CollapseError } from './collapse/errors.js';
export { readRun, readRuns, metricValue, isStale, RunReadError, type RunData } from './report/run-reader.js';
export type { RunConfig, RunStatus, RunState, MetricsLine, GeometryLine, LayerMetrics } from './report/run-schema.js';
export { NcollapseError, InputFileError, UsageError, EXIT_CODES } from './errors.js';
