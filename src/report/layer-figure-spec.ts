import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, niceLogTicks, PANEL_HEIGHT, PANEL_WIDTH } from './chart-style.js';
import type { RunData } from '../run/run-reader.js';

export interface LayerPoint {
  epoch: number;
  layer: string;
  depth: number;
  nc1: number;
}

export function layerPoints(run: RunData): LayerPoint[] {
  const points: LayerPoint[] = [];
  for (const line of run.metrics) {
    for (const layer of line.layers ?? []) {
      // Log y: a zero or missing NC1 has no place on the axis.
      if (typeof layer.nc1 === 'number' && Number.isFinite(layer.nc1) && layer.nc1 > 0) {
        points.push({ epoch: line.epoch, layer: layer.name, depth: layer.depth, nc1: layer.nc1 });
      }
    }
  }
  return points;
}

/**
 * Layer-wise collapse: NC1 at the output of each block against its depth, one curve per measured
 * epoch (colour = epoch, on a log scale like the epoch axes), one panel per run.
 */
export function layerFigureSpec(runs: RunData[]): TopLevelSpec | null {
  const panels = runs
    .map((run) => ({ run, points: layerPoints(run) }))
    .filter(({ points }) => points.length > 0)
    .map(({ run, points }) => ({
      title: { text: run.label, subtitle: 'nc1 per layer' },
      width: PANEL_WIDTH,
      height: PANEL_HEIGHT,
      data: { values: points },
      mark: { type: 'line' as const, strokeWidth: 1.6 },
      encoding: {
        x: { field: 'depth', type: 'quantitative' as const, axis: { title: 'depth (block)', tickMinStep: 1, format: 'd' } },
        y: {
          field: 'nc1',
          type: 'quantitative' as const,
          scale: { type: 'log' as const },
          axis: {
            title: 'nc1 (log)',
            format: '~g',
            values: niceLogTicks(
              points.map((p) => p.nc1),
              PANEL_HEIGHT,
            ),
          },
        },
        color: {
          field: 'epoch',
          type: 'quantitative' as const,
          scale: { type: 'log' as const, scheme: 'viridis', reverse: true },
          legend: { title: 'epoch', type: 'gradient' as const, format: 'd', gradientLength: 160 },
        },
        detail: { field: 'epoch', type: 'quantitative' as const },
        order: { field: 'depth', type: 'quantitative' as const },
        tooltip: [
          { field: 'layer', type: 'nominal' as const },
          { field: 'depth', type: 'quantitative' as const },
          { field: 'epoch', type: 'quantitative' as const },
          { field: 'nc1', type: 'quantitative' as const, format: '.4~g' },
        ],
      },
    }));
  if (panels.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Layer-wise collapse: NC1 against depth' },
    hconcat: panels,
    config: CHART_CONFIG,
  };
}
