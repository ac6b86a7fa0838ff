import { z } from 'zod';

/**
 * zod schemas for the files of a run directory (docs/run-directory.md).
 * Objects are "loose": the trainer may add keys, and a reader must not reject a run for that.
 */

export const runConfigSchema = z.looseObject({
  name: z.string().optional(),
  dataset: z.string(),
  model: z.string(),
  loss: z.string(),
  epochs: z.number().int().positive(),
  numClasses: z.number().int().positive(),
  classNames: z.array(z.string()).nullish(),
  weightDecay: z.number().optional(),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

export const runStateSchema = z.enum(['running', 'finished', 'diverged', 'interrupted']);
export type RunState = z.infer<typeof runStateSchema>;

export const runStatusSchema = z.looseObject({
  state: runStateSchema,
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive().optional(),
  tptEpoch: z.number().int().positive().nullish(),
  message: z.string().nullish(),
  updatedAt: z.string().optional(),
});
export type RunStatus = z.infer<typeof runStatusSchema>;

export const layerMetricsSchema = z.looseObject({
  name: z.string(),
  depth: z.number(),
  nc1: z.number().nullish(),
  nc1_trace_ratio: z.number().nullish(),
  cdnv: z.number().nullish(),
  ncc_accuracy: z.number().nullish(),
});
export type LayerMetrics = z.infer<typeof layerMetricsSchema>;

/**
 * One line of metrics.jsonl. Only `epoch` is required; every other metric is optional because a
 * key is absent when it was not measured. Unknown numeric keys are kept (loose) so that a new
 * metric can be plotted without changing this schema.
 */
export const metricsLineSchema = z.looseObject({
  epoch: z.number().int().positive(),
  tpt_epoch: z.number().int().positive().nullish(),
  layers: z.array(layerMetricsSchema).optional(),
});
export type MetricsLine = z.infer<typeof metricsLineSchema>;

const matrixSchema = z.array(z.array(z.number()));

export const geometryLineSchema = z.looseObject({
  epoch: z.number().int().positive(),
  cos_means: matrixSchema,
  cos_classifier: matrixSchema.optional(),
  pca_means: matrixSchema,
  pca_classifier: matrixSchema.optional(),
  explained_variance: z.array(z.number()).optional(),
});
export type GeometryLine = z.infer<typeof geometryLineSchema>;
