import { METRIC_CATALOG } from './metric-catalog.js';

type CatalogEntry = (typeof METRIC_CATALOG)[number];
type CollapseEntry = Extract<CatalogEntry, { by: 'collapse' }>;

/**
 * The numbers the collapse measurement gives, under their keys (src/collapse/metric-catalog.ts,
 * docs/metrics.md). Keys that need the classifier are present only when a weight was given;
 * webb_lowe_* need the full within-class covariance; lnc1, lnc23 and lperp need a weight decay as
 * well; the imbalance and many-classes keys need minority classes or min_count / decision_samples.
 * `loss`, `test_error` and `tpt_epoch` belong to the trainer.
 */
export type CollapseMetrics = { [E in Extract<CollapseEntry, { always: true }> as E['key']]: number } & {
  [E in Exclude<CollapseEntry, { always: true }> as E['key']]?: number;
};

type CollapseKey = CollapseEntry['key'];

/** Every collapse key, in the catalogue's order (tables and JSON print in this order). */
const ORDERED_KEYS = METRIC_CATALOG.filter((entry): entry is CollapseEntry => entry.by === 'collapse').map((entry) => entry.key);

/**
 * The keys of a full measurement of balanced classes (features, labels, classifier, weight decay,
 * full covariance), in order: every collapse key except those of imbalanced classes and large
 * label sets, which need inputs of their own.
 */
export const COLLAPSE_METRIC_KEYS: readonly CollapseKey[] = METRIC_CATALOG.filter(
  (entry): entry is CollapseEntry => entry.by === 'collapse' && entry.group !== 'imbalance' && entry.group !== 'many-classes',
).map((entry) => entry.key);

/** The keys of imbalanced classes (minority collapse), present only when minority classes are named. */
export const MINORITY_METRIC_KEYS: readonly CollapseKey[] = METRIC_CATALOG.filter(
  (entry): entry is CollapseEntry => entry.by === 'collapse' && entry.group === 'imbalance',
).map((entry) => entry.key);

/** The metrics as a plain object with the keys in the catalogue's order (absent ones left out). */
export function orderedMetrics(metrics: CollapseMetrics): Record<string, number> {
  const ordered: Record<string, number> = {};
  for (const key of ORDERED_KEYS) {
    const value = metrics[key];
    if (value !== undefined) ordered[key] = value;
  }
  return ordered;
}
