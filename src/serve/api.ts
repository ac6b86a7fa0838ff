import { epochFigures } from '../report/figures.js';
import { geometryAt } from '../report/geometry.js';
import { classLabels } from '../report/geometry.js';
import { cosineHeatmapSpec } from '../report/geometry-specs.js';
import { metricValue } from '../run/run-reader.js';
import { table1 } from '../report/table1.js';
import type { RunCache } from './run-cache.js';

/** The JSON answers of the dashboard's /api routes; null means 404. */

const LATEST_KEYS = ['train_error', 'test_error', 'loss', 'nc1', 'ncc_mismatch', 'self_duality'] as const;
/** Figure 8's robustness (train --robustness K): shown for the runs that measured it. */
const ROBUSTNESS_KEYS = ['deepfool_train', 'deepfool_test', 'deepfool_failed'] as const;

/** Figures (Vega-Lite specs) of the runs overlaid, Table 1, and each run's latest values. */
export async function figuresResponse(cache: RunCache, names: string[]) {
  const runs = await cache.getMany(names);
  const lastLines = runs.map((run) => run.metrics[run.metrics.length - 1]);
  const robustness = ROBUSTNESS_KEYS.filter((key) => lastLines.some((last) => last && metricValue(last, key) !== undefined));
  const keys = [...LATEST_KEYS, ...robustness];
  return {
    figures: epochFigures(runs),
    table1: table1(runs),
    latestKeys: keys,
    latest: runs.map((run, i) => {
      const last = lastLines[i];
      const values: Record<string, number | null> = {};
      for (const key of keys) values[key] = last ? (metricValue(last, key) ?? null) : null;
      return { name: run.name, label: run.label, epoch: last?.epoch ?? null, tptEpoch: run.tptEpoch, values };
    }),
  };
}

/** Every geometry line of a run, for the 3-D view and its epoch slider. */
export async function geometryResponse(cache: RunCache, name: string) {
  const run = await cache.get(name);
  if (!run) return null;
  return {
    name: run.name,
    label: run.label,
    classLabels: classLabels(run),
    lines: run.geometry.map((line) => ({
      epoch: line.epoch,
      pca_means: line.pca_means,
      pca_classifier: line.pca_classifier ?? null,
      explained_variance: line.explained_variance ?? null,
    })),
  };
}

/** The cosine heatmaps of a run at an epoch (nearest measured one). */
export async function heatmapResponse(cache: RunCache, name: string, epoch: number | undefined) {
  const run = await cache.get(name);
  if (!run) return null;
  const line = geometryAt(run, epoch);
  if (!line) return null;
  return { epoch: line.epoch, spec: cosineHeatmapSpec(run, line) };
}
