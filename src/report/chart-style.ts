import type { Config } from 'vega-lite/types_unstable/config.js';
import type { RunData } from '../run/run-reader.js';

/** Fonts that Debian ships (DejaVu, Liberation), so that resvg and chromium draw the same text. */
export const CHART_FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: 'white',
  view: { stroke: '#ccc' },
  title: { fontSize: 15, anchor: 'start', subtitleColor: '#555', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320, titleLimit: 320 },
  concat: { spacing: 28 },
};

/** Tableau 10: distinct colours, good on white; runs keep their colour in every figure. */
export const RUN_PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export const RUN_LEGEND_TITLE = 'dataset / model / loss';

/**
 * The colour channel of a per-run chart. A run keeps its colour (its index among all runs) in
 * every figure; the legend lists only the runs in `shown`, the ones this figure draws.
 */
export function runColorEncoding(runs: RunData[], shown: ReadonlySet<string>, showLegend: boolean) {
  const indices = runs.map((run, i) => ({ label: run.label, i })).filter(({ label }) => shown.has(label));
  return {
    field: 'run',
    type: 'nominal' as const,
    scale: { domain: indices.map(({ label }) => label), range: indices.map(({ i }) => RUN_PALETTE[i % RUN_PALETTE.length]!) },
    legend: showLegend ? { title: RUN_LEGEND_TITLE, orient: 'bottom' as const, direction: 'vertical' as const } : null,
  };
}

/** The colour channel when runs are coloured by dataset (a sweep's selected runs, as in the paper). */
export function datasetColorEncoding(runs: RunData[]) {
  const datasets = [...new Set(runs.map((run) => run.config.dataset))];
  return {
    field: 'dataset',
    type: 'nominal' as const,
    scale: { domain: datasets, range: datasets.map((_, i) => RUN_PALETTE[i % RUN_PALETTE.length]!) },
    legend: { title: 'dataset', orient: 'bottom' as const },
  };
}

export const PANEL_WIDTH = 320;
export const PANEL_HEIGHT = 220;
