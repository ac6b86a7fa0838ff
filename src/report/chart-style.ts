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

/**
 * The narrowest a panel is drawn: the dashboard narrows panels to this before it wraps them into
 * more rows (src/serve/public/dashboard.js), so the epoch axes' ticks are chosen for it.
 */
export const MIN_PANEL_WIDTH = 220;

/** Pixels a tick label takes along its axis at labelFontSize 11 (DejaVu Sans digits: 0.64 em), with a gap. */
function labelExtent(text: string, along: 'x' | 'y'): number {
  return along === 'x' ? text.length * 7 + 6 : 13 + 3;
}

/** How a log axis labels a value ('~g' drops trailing zeros: 0.001, 20, 1e-7). */
function tickText(value: number): string {
  return Number(value.toPrecision(6)).toString();
}

/**
 * Tick values of a log axis over [min, max] whose labels do not collide on an axis `length`
 * pixels long: 1, 2 and 5 of each decade where there is room, else 1 and 3, else one per decade,
 * else one every 2, 3, ... decades. Vega's own log ticks put 1 to 9 in each decade ("30 4050");
 * its labelOverlap would hide some of them in a browser but not in every renderer.
 */
export function logTickValues(min: number, max: number, length: number, along: 'x' | 'y'): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  const span = hi - lo;
  const position = (v: number) => (span === 0 ? 0 : ((Math.log10(v) - lo) / span) * length);
  const within = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const candidates: number[][] = [];
  const firstDecade = Math.floor(lo);
  const lastDecade = Math.ceil(hi);
  for (const mantissas of [[1, 2, 5], [1, 3], [1]]) {
    const values: number[] = [];
    for (let d = firstDecade; d <= lastDecade; d++) for (const m of mantissas) values.push(Number((m * 10 ** d).toPrecision(6)));
    candidates.push(values.filter(within));
  }
  for (let every = 2; every <= Math.max(2, lastDecade - firstDecade); every++) {
    const values: number[] = [];
    for (let d = firstDecade; d <= lastDecade; d++) if (d % every === 0) values.push(Number((10 ** d).toPrecision(6)));
    candidates.push(values.filter(within));
  }
  const fits = (values: number[]) =>
    values.every(
      (v, i) => i === 0 || position(v) - position(values[i - 1]!) >= (labelExtent(tickText(v), along) + labelExtent(tickText(values[i - 1]!), along)) / 2,
    );
  for (const values of candidates) if (values.length >= 2 && fits(values)) return values;
  // Less than one tick of the candidates fits (a short axis): the ends, when they have room.
  const ends = span === 0 ? [min] : [min, max];
  return fits(ends) ? ends : [min];
}

/** Ticks of a vertical log axis whose scale nices its domain to whole decades (Vega's default for y). */
export function niceLogTicks(values: number[], length: number): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [];
  const min = 10 ** Math.floor(Math.log10(positive.reduce((a, b) => Math.min(a, b))));
  const max = 10 ** Math.ceil(Math.log10(positive.reduce((a, b) => Math.max(a, b))));
  return logTickValues(min, max, length, 'y');
}
