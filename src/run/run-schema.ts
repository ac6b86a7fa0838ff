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

/**
 * config.json's `source` for a run measured by `ncollapse track` from another framework's feature
 * dumps (docs/track.md): where the dumps are, and the feature dimension every dump must keep.
 * A run trained by ncollapse has no `source`.
 */
export const trackedSourceSchema = z.looseObject({
  kind: z.literal('tracked'),
  dir: z.string(),
  featureDim: z.number().int().positive(),
});
export type TrackedSource = z.infer<typeof trackedSourceSchema>;

/** config.json of a tracked run, as `track` reads it back when it is started again. */
export const trackedConfigSchema = runConfigSchema.extend({ source: trackedSourceSchema });
export type TrackedConfig = z.infer<typeof trackedConfigSchema>;

/**
 * config.json as analyze --checkpoint reads it: what rebuilds the run's model and data. The
 * training schedule is not needed, and a hand-written run may leave out the optional keys.
 */
export const checkpointConfigSchema = runConfigSchema.partial({ loss: true, epochs: true }).extend({
  inputShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  dataDir: z.string().nullish(),
  perClass: z.number().int().positive().nullish(),
  pad: z.boolean().optional(),
  seed: z.number().int().nonnegative().optional(),
  width: z.number().positive().nullish(),
  depth: z.number().int().positive().nullish(),
  featureDim: z.number().int().positive().nullish(),
  trainSize: z.number().int().nonnegative().optional(),
  robustness: z.number().int().positive().nullish(),
  imbalance: z.string().nullish(),
  minorityClasses: z.array(z.number().int().nonnegative()).optional(),
});
export type CheckpointConfig = z.infer<typeof checkpointConfigSchema>;

export const runStateSchema = z.enum(['running', 'finished', 'diverged', 'interrupted']);
export type RunState = z.infer<typeof runStateSchema>;

/** status.json as the trainer writes it: every field. */
export const runStatusRecordSchema = z.object({
  state: runStateSchema,
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  tptEpoch: z.number().int().positive().nullable(),
  message: z.string().nullable(),
  updatedAt: z.string(),
});
export type RunStatusRecord = z.infer<typeof runStatusRecordSchema>;

/** status.json as readers accept it: older or foreign files may lack the optional fields. */
export const runStatusSchema = runStatusRecordSchema.partial({ epochs: true, tptEpoch: true, message: true, updatedAt: true }).loose();
export type RunStatus = z.infer<typeof runStatusSchema>;

/** Any line of metrics.jsonl or geometry.jsonl, as the trainer writes and truncates them: at least its epoch. */
export const epochRecordSchema = z.looseObject({ epoch: z.number() });
export type EpochRecord = z.infer<typeof epochRecordSchema>;

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

const cosineSummarySchema = z.looseObject({
  edges: z.array(z.number()),
  counts: z.array(z.number()),
  interference: z.array(z.looseObject({ class: z.number(), partner: z.number(), cos: z.number() })),
});

/** Up to COSINE_MATRIX_LIMIT classes the matrices and points; above it `cos_summary` instead. */
export const geometryLineSchema = z.looseObject({
  epoch: z.number().int().positive(),
  cos_means: matrixSchema.optional(),
  cos_classifier: matrixSchema.optional(),
  cos_summary: z.looseObject({ means: cosineSummarySchema, classifier: cosineSummarySchema.optional() }).optional(),
  pca_means: matrixSchema.optional(),
  pca_classifier: matrixSchema.optional(),
  explained_variance: z.array(z.number()).optional(),
});
export type GeometryLine = z.infer<typeof geometryLineSchema>;
