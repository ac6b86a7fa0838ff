import type { TopLevelSpec } from 'vega-lite';
import {
  CHART_CONFIG,
  datasetColorEncoding,
  logTickValues,
  MIN_PANEL_WIDTH,
  niceLogTicks,
  PANEL_HEIGHT,
  PANEL_WIDTH,
  runColorEncoding,
} from './chart-style.js';
import type { EpochFigure, EpochPanel } from './figure-catalog.js';
import { metricValue, type RunData } from '../run/run-reader.js';

export interface EpochPoint {
  run: string;
  dataset: string;
  model: string;
  epoch: number;
  value: number;
}

/**
 * How runs are told apart: each run its own colour, or (a sweep's selected runs, as the paper
 * draws them) colour by dataset and line style by network.
 */
export type RunStyle = 'run' | 'dataset-model';

/** The points of one metric for every run that has it (a run without the key adds nothing). */
export function panelPoints(runs: RunData[], key: string): EpochPoint[] {
  const points: EpochPoint[] = [];
  for (const run of runs) {
    for (const line of run.metrics) {
      const value = metricValue(line, key);
      if (value !== undefined) points.push({ run: run.label, dataset: run.config.dataset, model: run.config.model, epoch: line.epoch, value });
    }
  }
  return points;
}

/** The panels of a figure that at least one run can fill. */
export function presentPanels(figure: EpochFigure, runs: RunData[]): EpochPanel[] {
  return figure.panels.filter((panel) => runs.some((run) => run.metrics.some((line) => metricValue(line, panel.key) !== undefined)));
}

const EPOCH_AXIS = { title: 'epoch (log scale)', grid: true };

/** The epoch axis over these epochs, its ticks chosen for the narrowest panel (MIN_PANEL_WIDTH). */
function epochAxis(epochs: number[]) {
  const positive = epochs.filter((e) => e > 0);
  if (positive.length === 0) return EPOCH_AXIS;
  return {
    ...EPOCH_AXIS,
    values: logTickValues(
      positive.reduce((a, b) => Math.min(a, b)),
      positive.reduce((a, b) => Math.max(a, b)),
      MIN_PANEL_WIDTH,
      'x',
    ),
    format: '~g',
  };
}

function panelSpec(panel: EpochPanel, runs: RunData[], points: EpochPoint[], shown: ReadonlySet<string>, style: RunStyle) {
  const runsInPanel = new Set(points.map((p) => p.run));
  const tptRules = runs
    .filter((run) => run.tptEpoch !== null && runsInPanel.has(run.label))
    .map((run) => ({ run: run.label, dataset: run.config.dataset, model: run.config.model, tpt_epoch: run.tptEpoch }));
  const drawn = panel.logY ? points.filter((p) => p.value > 0) : points;
  const color = style === 'run' ? runColorEncoding(runs, shown, true) : datasetColorEncoding(runs);
  const xAxis = epochAxis([...drawn.map((p) => p.epoch), ...tptRules.map((r) => r.tpt_epoch!)]);
  const yTicks = panel.logY
    ? niceLogTicks(
        drawn.map((p) => p.value),
        PANEL_HEIGHT,
      )
    : undefined;
  const byModel =
    style === 'run'
      ? {}
      : {
          strokeDash: {
            field: 'model',
            type: 'nominal' as const,
            title: 'network',
            legend: { orient: 'bottom' as const, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 },
          },
          detail: { field: 'run', type: 'nominal' as const },
        };
  return {
    title: { text: panel.title, subtitle: panel.key, fontSize: 13 },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      {
        data: { values: drawn },
        mark: { type: 'line' as const, point: { size: 22 }, strokeWidth: 1.8, clip: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative' as const, scale: { type: 'log' as const, nice: false }, axis: xAxis },
          y: {
            field: 'value',
            type: 'quantitative' as const,
            scale: panel.logY ? { type: 'log' as const } : { type: 'linear' as const, zero: true },
            axis: {
              title: panel.key + (panel.logY ? ' (log)' : ''),
              format: panel.logY ? '~g' : '~r',
              ...(yTicks && yTicks.length > 0 ? { values: yTicks } : {}),
            },
          },
          color,
          ...byModel,
          tooltip: [
            { field: 'run', type: 'nominal' as const, title: 'run' },
            { field: 'epoch', type: 'quantitative' as const, title: 'epoch' },
            { field: 'value', type: 'quantitative' as const, title: panel.key, format: '.4~g' },
          ],
        },
      },
      {
        data: { values: tptRules },
        mark: { type: 'rule' as const, strokeDash: [5, 4], strokeWidth: 1.3 },
        encoding: {
          x: { field: 'tpt_epoch', type: 'quantitative' as const, scale: { type: 'log' as const, nice: false }, axis: xAxis },
          color,
          detail: { field: 'run', type: 'nominal' as const },
          tooltip: [
            { field: 'run', type: 'nominal' as const, title: 'run' },
            { field: 'tpt_epoch', type: 'quantitative' as const, title: 'tpt_epoch (start of terminal phase)' },
          ],
        },
      },
    ],
  };
}

/** A figure of metric panels side by side, runs overlaid; null when no run has any of its keys. */
export function epochFigureSpec(figure: EpochFigure, runs: RunData[], style: RunStyle = 'run'): TopLevelSpec | null {
  const panels = presentPanels(figure, runs);
  if (panels.length === 0) return null;
  const pointsByPanel = panels.map((panel) => panelPoints(runs, panel.key));
  const shown = new Set(pointsByPanel.flat().map((p) => p.run));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: figure.title },
    hconcat: panels.map((panel, i) => panelSpec(panel, runs, pointsByPanel[i]!, shown, style)),
    config: CHART_CONFIG,
  };
}
