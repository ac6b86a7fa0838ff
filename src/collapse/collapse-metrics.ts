/**
 * The numbers of METRICS.md, under its JSON keys. Keys that need the classifier are present only
 * when a weight was given; webb_lowe_* need the full within-class covariance; lnc1, lnc23 and
 * lperp need a weight decay as well. `loss`, `test_error` and `tpt_epoch` belong to the trainer.
 */
export interface CollapseMetrics {
  train_error?: number;
  equinorm_means: number;
  equinorm_classifier?: number;
  equiangular_means: number;
  equiangular_classifier?: number;
  maxangle_means: number;
  maxangle_classifier?: number;
  self_duality?: number;
  nc1: number;
  ncc_mismatch?: number;
  nc1_trace_ratio: number;
  cdnv: number;
  etf_error_means: number;
  etf_error_classifier?: number;
  margin_min?: number;
  margin_mean?: number;
  webb_lowe_distance?: number;
  webb_lowe_agreement?: number;
  /** Accuracy of the nearest-class-centre classifier (METRICS.md's layer-wise key, also reported at the last layer). */
  ncc_accuracy: number;
  lnc1?: number;
  lnc23?: number;
  lperp?: number;
  /** With minority classes named (and two of them): Fang et al.'s minority collapse. */
  minority_cos_classifier?: number;
  minority_cos_means?: number;
  majority_cos_classifier?: number;
  majority_cos_means?: number;
}

/** Every key, in METRICS.md's order (tables and JSON print in this order). */
export const COLLAPSE_METRIC_KEYS = [
  'train_error',
  'equinorm_means',
  'equinorm_classifier',
  'equiangular_means',
  'equiangular_classifier',
  'maxangle_means',
  'maxangle_classifier',
  'self_duality',
  'nc1',
  'ncc_mismatch',
  'nc1_trace_ratio',
  'cdnv',
  'etf_error_means',
  'etf_error_classifier',
  'margin_min',
  'margin_mean',
  'webb_lowe_distance',
  'webb_lowe_agreement',
  'ncc_accuracy',
  'lnc1',
  'lnc23',
  'lperp',
] as const satisfies readonly (keyof CollapseMetrics)[];

/** METRICS.md's "Imbalanced classes" keys, present only when minority classes are named (after the others). */
export const MINORITY_METRIC_KEYS = ['minority_cos_classifier', 'minority_cos_means', 'majority_cos_classifier', 'majority_cos_means'] as const satisfies readonly (keyof CollapseMetrics)[];

/** The metrics as a plain object with the keys in METRICS.md's order (absent ones left out). */
export function orderedMetrics(metrics: CollapseMetrics): Record<string, number> {
  const ordered: Record<string, number> = {};
  for (const key of [...COLLAPSE_METRIC_KEYS, ...MINORITY_METRIC_KEYS]) {
    const value = metrics[key];
    if (value !== undefined) ordered[key] = value;
  }
  return ordered;
}
