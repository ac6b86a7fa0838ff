import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from './chart-style.js';
import { classLabels, DEFAULT_VIEW, offDiagonalStats, project3d, simplexEtfCosines, type ViewAngles } from './geometry.js';
import type { RunData } from '../run/run-reader.js';
import type { GeometryLine } from '../run/run-schema.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

interface Cell {
  row: string;
  col: string;
  cos: number;
}

function matrixCells(matrix: number[][], labels: string[]): Cell[] {
  const cells: Cell[] = [];
  matrix.forEach((row, i) => row.forEach((cos, j) => cells.push({ row: labels[i] ?? String(i), col: labels[j] ?? String(j), cos })));
  return cells;
}

/** Heatmaps of the cosines between centred class means (and classifier rows) beside the simplex ETF's; a histogram above COSINE_MATRIX_LIMIT classes. */
export function cosineHeatmapSpec(run: RunData, line: GeometryLine): TopLevelSpec {
  if (line.cos_means === undefined) return cosineHistogramSpec(run, line);
  const labels = classLabels(run);
  const C = labels.length;
  const size = Math.min(300, Math.max(140, C * 24));
  const ideal = -1 / Math.max(1, C - 1);
  const describe = (m: number[][]) => {
    const { mean, std } = offDiagonalStats(m);
    return `off-diagonal mean ${mean.toFixed(3)}, std ${std.toFixed(3)}`;
  };
  const matrices: { title: string; subtitle: string; matrix: number[][] }[] = [
    { title: 'Centred class means', subtitle: describe(line.cos_means), matrix: line.cos_means },
    { title: 'Simplex ETF (ideal)', subtitle: `off-diagonal -1/(C-1) = ${ideal.toFixed(3)}`, matrix: simplexEtfCosines(C) },
  ];
  if (line.cos_classifier) matrices.push({ title: 'Classifier rows', subtitle: describe(line.cos_classifier), matrix: line.cos_classifier });
  const showLabels = C <= 30;
  const axis = (title: string) => (showLabels ? { title: title || null, labelLimit: 120 } : { title: title || null, labels: false, ticks: false });
  return {
    $schema: SCHEMA,
    title: { text: `Cosines between class means at epoch ${line.epoch}`, subtitle: run.label },
    hconcat: matrices.map(({ title, subtitle, matrix }) => ({
      title: { text: title, subtitle, fontSize: 12 },
      width: size,
      height: size,
      data: { values: matrixCells(matrix, labels) },
      mark: { type: 'rect' as const },
      encoding: {
        x: { field: 'col', type: 'ordinal' as const, sort: labels, axis: axis('') },
        y: { field: 'row', type: 'ordinal' as const, sort: labels, axis: axis('class') },
        color: {
          field: 'cos',
          type: 'quantitative' as const,
          scale: { domain: [-1, 1], scheme: 'redblue', reverse: true },
          legend: { title: 'cosine' },
        },
        tooltip: [
          { field: 'row', type: 'nominal' as const },
          { field: 'col', type: 'nominal' as const },
          { field: 'cos', type: 'quantitative' as const, format: '.3f' },
        ],
      },
    })),
    resolve: { scale: { color: 'shared' } },
    config: CHART_CONFIG,
  };
}

export interface GeometryPoint {
  class: string;
  kind: 'class mean' | 'classifier row';
  x: number;
  y: number;
  /** Nearness to the viewer in the 3-D projection (0 in 2-D). */
  depth: number;
}

function geometryPoints(run: RunData, line: GeometryLine, map: (p: number[]) => { x: number; y: number; depth: number }): GeometryPoint[] {
  const labels = classLabels(run);
  const points: GeometryPoint[] = [];
  const add = (rows: number[][] | undefined, kind: GeometryPoint['kind']) =>
    rows?.forEach((p, c) => points.push({ class: labels[c] ?? String(c), kind, ...map(p) }));
  add(line.pca_means, 'class mean');
  add(line.pca_classifier, 'classifier row');
  return points;
}

function percent(fraction: number | undefined): string {
  return fraction === undefined ? '' : ` (${(100 * fraction).toFixed(1)}%)`;
}

const KIND_LEGEND = { title: 'point', symbolFillColor: '#666', symbolStrokeColor: '#666' };

/** Shared layers of the 2-D and 3-D scatter: a ray from the origin to each point, the points, labels. */
function scatterLayers(run: RunData, points: GeometryPoint[], extent: number, xTitle: string | null, yTitle: string | null, sizeByDepth: boolean) {
  const labels = classLabels(run);
  const manyClasses = labels.length > 20;
  const domain = [-extent, extent];
  const axisFor = (title: string | null) => (title === null ? null : { title, grid: false, tickCount: 5 });
  const x = { field: 'x', type: 'quantitative' as const, scale: { domain, nice: false }, axis: axisFor(xTitle) };
  const y = { field: 'y', type: 'quantitative' as const, scale: { domain, nice: false }, axis: axisFor(yTitle) };
  const color = {
    field: 'class',
    type: 'nominal' as const,
    scale: { domain: labels, scheme: labels.length <= 10 ? 'tableau10' : 'tableau20' },
    legend: manyClasses ? null : { title: 'class', columns: labels.length > 10 ? 2 : 1, symbolOpacity: 1 },
  };
  const rays = points.map((p) => ({ ...p, x0: 0, y0: 0 }));
  return [
    {
      data: { values: rays },
      mark: { type: 'rule' as const, strokeWidth: 1, opacity: 0.55 },
      encoding: {
        x: { ...x, field: 'x0' },
        y: { ...y, field: 'y0' },
        x2: { field: 'x' },
        y2: { field: 'y' },
        color,
        strokeDash: {
          field: 'kind',
          type: 'nominal' as const,
          scale: {
            domain: ['class mean', 'classifier row'],
            range: [
              [1, 0],
              [4, 3],
            ],
          },
          // Same field as the shape legend: vega-lite merges the two into one legend.
          legend: KIND_LEGEND,
        },
      },
    },
    {
      data: { values: points },
      mark: { type: 'point' as const, filled: true, opacity: 0.95 },
      encoding: {
        x,
        y,
        color,
        shape: {
          field: 'kind',
          type: 'nominal' as const,
          scale: { domain: ['class mean', 'classifier row'], range: ['circle', 'triangle-up'] },
          legend: KIND_LEGEND,
        },
        size: sizeByDepth ? { field: 'depth', type: 'quantitative' as const, scale: { range: [40, 140] }, legend: null } : { value: 70 },
        tooltip: [
          { field: 'class', type: 'nominal' as const },
          { field: 'kind', type: 'nominal' as const },
          { field: 'x', type: 'quantitative' as const, format: '.3f' },
          { field: 'y', type: 'quantitative' as const, format: '.3f' },
        ],
      },
    },
    ...(manyClasses
      ? []
      : [
          {
            data: { values: points.filter((p) => p.kind === 'class mean') },
            mark: { type: 'text' as const, dx: 7, dy: -7, fontSize: 10, align: 'left' as const },
            encoding: { x, y, text: { field: 'class', type: 'nominal' as const }, color },
          },
        ]),
  ];
}

function extentOf(points: { x: number; y: number }[]): number {
  const m = Math.max(1e-9, ...points.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y))));
  return m * 1.18;
}

const SCATTER_SIZE = 320;

/**
 * Above COSINE_MATRIX_LIMIT classes (src/collapse/last-layer-geometry.ts): the pairwise cosines
 * of the centred means and classifier rows as histograms, with the simplex ETF's -1/(C-1) marked.
 */
export function cosineHistogramSpec(run: RunData, line: GeometryLine): TopLevelSpec {
  const C = classLabels(run).length;
  const summary = line.cos_summary;
  const bars = (name: string, counts: number[] | undefined, edges: number[] | undefined) =>
    (counts ?? []).map((count, k) => ({ kind: name, from: edges![k]!, to: edges![k + 1]!, count }));
  const values = [
    ...bars('centred class means', summary?.means.counts, summary?.means.edges),
    ...bars('classifier rows', summary?.classifier?.counts, summary?.classifier?.edges),
  ];
  return {
    $schema: SCHEMA,
    title: {
      text: `Pairwise cosines at epoch ${line.epoch} (${C} classes: histogram instead of a heat map)`,
      subtitle: `${run.label}; the simplex ETF has every cosine at -1/(C-1) = ${(-1 / Math.max(1, C - 1)).toExponential(2)}`,
    },
    data: { values },
    facet: { column: { field: 'kind', type: 'nominal' as const, title: null } },
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          mark: { type: 'bar' as const },
          encoding: {
            x: { field: 'from', type: 'quantitative' as const, bin: { binned: true }, title: 'cosine', scale: { domain: [-1, 1] } },
            x2: { field: 'to' },
            y: { field: 'count', type: 'quantitative' as const, title: 'pairs' },
            tooltip: [
              { field: 'from', type: 'quantitative' as const, format: '.2f' },
              { field: 'count', type: 'quantitative' as const },
            ],
          },
        },
        { mark: { type: 'rule' as const, color: '#c00' }, encoding: { x: { datum: -1 / Math.max(1, C - 1) } } },
      ],
    },
    config: CHART_CONFIG,
  } as TopLevelSpec;
}

/** Above COSINE_MATRIX_LIMIT classes: the classes with the largest interference (highest cosine to another class). */
export function interferenceSpec(run: RunData, line: GeometryLine): TopLevelSpec {
  const labels = classLabels(run);
  const rows = (line.cos_summary?.means.interference ?? []).map((item) => ({
    class: labels[item.class] ?? String(item.class),
    partner: labels[item.partner] ?? String(item.partner),
    cos: item.cos,
  }));
  return {
    $schema: SCHEMA,
    title: {
      text: `Classes with the largest interference, epoch ${line.epoch}`,
      subtitle: `${run.label}; ${labels.length} classes: the highest cosine between centred means, instead of the PCA view`,
    },
    data: { values: rows },
    width: SCATTER_SIZE,
    height: { step: 18 },
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'class', type: 'nominal' as const, sort: '-x', title: 'class' },
      x: { field: 'cos', type: 'quantitative' as const, title: 'cosine to its nearest class', scale: { domain: [-1, 1] } },
      tooltip: [
        { field: 'class', type: 'nominal' as const },
        { field: 'partner', type: 'nominal' as const },
        { field: 'cos', type: 'quantitative' as const, format: '.4f' },
      ],
    },
    config: CHART_CONFIG,
  } as TopLevelSpec;
}

/** Class means and classifier rows on the first two principal directions of the means. */
export function pca2dSpec(run: RunData, line: GeometryLine): TopLevelSpec {
  if (line.pca_means === undefined) return interferenceSpec(run, line);
  const points = geometryPoints(run, line, (p) => ({ x: p[0] ?? 0, y: p[1] ?? 0, depth: 0 }));
  const ev = line.explained_variance;
  return {
    $schema: SCHEMA,
    title: {
      text: `Class means and classifiers, PCA 2-D, epoch ${line.epoch}`,
      subtitle: run.label,
    },
    width: SCATTER_SIZE,
    height: SCATTER_SIZE,
    layer: scatterLayers(run, points, extentOf(points), `PC1${percent(ev?.[0])}`, `PC2${percent(ev?.[1])}`, false),
    config: CHART_CONFIG,
  };
}

/** The same points in 3-D, seen from a fixed angle (the dashboard's view can be rotated). */
export function pca3dSpec(run: RunData, line: GeometryLine, view: ViewAngles = DEFAULT_VIEW): TopLevelSpec {
  if (line.pca_means === undefined) return interferenceSpec(run, line);
  const projected = (p: number[]) => {
    const { sx, sy, depth } = project3d([p[0] ?? 0, p[1] ?? 0, p[2] ?? 0], view);
    return { x: sx, y: sy, depth };
  };
  const points = geometryPoints(run, line, projected);
  const radius = Math.max(1e-9, ...[...line.pca_means, ...(line.pca_classifier ?? [])].map((p) => Math.hypot(p[0] ?? 0, p[1] ?? 0, p[2] ?? 0)));
  const ev = line.explained_variance;
  const axes = [0, 1, 2].map((axis) => {
    const tip = [0, 0, 0];
    tip[axis] = radius * 1.05;
    const end = projected(tip);
    return { axis: `PC${axis + 1}${percent(ev?.[axis])}`, x0: 0, y0: 0, x: end.x, y: end.y };
  });
  const extent = extentOf([...points, ...axes]);
  const domain = [-extent, extent];
  const axisLayers = [
    {
      data: { values: axes },
      mark: { type: 'rule' as const, color: '#999', strokeWidth: 1 },
      encoding: {
        x: { field: 'x0', type: 'quantitative' as const, scale: { domain, nice: false }, axis: null },
        y: { field: 'y0', type: 'quantitative' as const, scale: { domain, nice: false }, axis: null },
        x2: { field: 'x' },
        y2: { field: 'y' },
      },
    },
    {
      data: { values: axes },
      mark: { type: 'text' as const, color: '#777', fontSize: 10, dx: 4, align: 'left' as const },
      encoding: {
        x: { field: 'x', type: 'quantitative' as const, scale: { domain, nice: false }, axis: null },
        y: { field: 'y', type: 'quantitative' as const, scale: { domain, nice: false }, axis: null },
        text: { field: 'axis', type: 'nominal' as const },
      },
    },
  ];
  // Draw far points first so that near ones cover them.
  points.sort((a, b) => a.depth - b.depth);
  return {
    $schema: SCHEMA,
    title: {
      text: `Class means and classifiers, PCA 3-D, epoch ${line.epoch}`,
      subtitle: `${run.label}; fixed view, nearer points larger`,
    },
    width: SCATTER_SIZE,
    height: SCATTER_SIZE,
    layer: [...axisLayers, ...scatterLayers(run, points, extent, null, null, true)],
    view: { stroke: null },
    config: CHART_CONFIG,
  };
}
