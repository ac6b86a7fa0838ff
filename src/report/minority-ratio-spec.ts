import type { TopLevelSpec } from 'vega-lite';
import { metricValue, type RunData } from '../run/run-reader.js';
import { CHART_CONFIG, PANEL_HEIGHT, PANEL_WIDTH, RUN_PALETTE } from './chart-style.js';

/** The keys of Fang et al.'s figure: the classifier and the means, minority against majority. */
const PANELS = [
  { title: 'Classifiers', minority: 'minority_cos_classifier', majority: 'majority_cos_classifier' },
  { title: 'Centred class means', minority: 'minority_cos_means', majority: 'majority_cos_means' },
] as const;

export interface RatioPoint {
  run: string;
  ratio: number;
  group: 'minority' | 'majority';
  value: number;
}

/** R of a run's --imbalance (step:R, step:R:K or exp:R), or undefined for a balanced run. */
export function imbalanceRatio(config: RunData['config']): number | undefined {
  const spec = config.imbalance;
  if (typeof spec !== 'string') return undefined;
  const ratio = Number(spec.split(':')[1]);
  return Number.isFinite(ratio) ? ratio : undefined;
}

/** Each run's last measured values of one panel's keys, against its imbalance ratio. */
export function ratioPoints(runs: RunData[], minorityKey: string, majorityKey: string): RatioPoint[] {
  const points: RatioPoint[] = [];
  for (const run of runs) {
    const ratio = imbalanceRatio(run.config);
    const last = run.metrics[run.metrics.length - 1];
    if (ratio === undefined || last === undefined) continue;
    for (const [group, key] of [
      ['minority', minorityKey],
      ['majority', majorityKey],
    ] as const) {
      const value = metricValue(last, key);
      if (value !== undefined) points.push({ run: run.label, ratio, group, value });
    }
  }
  return points;
}

/**
 * Fang, He, Long & Su's figure: the last epoch's mean cosine between minority classifiers (and
 * means), and between majority ones, against the imbalance ratio R (log scale), one point per run
 * and a line through the mean over the runs (seeds) at each R. None unless the runs span two
 * ratios or more.
 */
export function minorityRatioSpec(runs: RunData[]): TopLevelSpec | undefined {
  const ratios = new Set(runs.map((run) => imbalanceRatio(run.config)).filter((r) => r !== undefined));
  if (ratios.size < 2) return undefined;
  const color = {
    field: 'group',
    type: 'nominal' as const,
    scale: { domain: ['minority', 'majority'], range: [RUN_PALETTE[2]!, RUN_PALETTE[0]!] },
    legend: { title: 'classes', orient: 'bottom' as const },
  };
  const x = { field: 'ratio', type: 'quantitative' as const, scale: { type: 'log' as const }, axis: { title: 'imbalance ratio R (log scale)', grid: true } };
  const panels = PANELS.map((panel) => ({ panel, points: ratioPoints(runs, panel.minority, panel.majority) })).filter(({ points }) => points.length > 0);
  if (panels.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: CHART_CONFIG,
    hconcat: panels.map(({ panel, points }) => ({
      title: { text: panel.title, subtitle: `${panel.minority}, ${panel.majority}`, fontSize: 13 },
      width: PANEL_WIDTH,
      height: PANEL_HEIGHT,
      data: { values: points },
      layer: [
        {
          mark: { type: 'line' as const, strokeWidth: 1.8 },
          encoding: {
            x,
            y: { aggregate: 'mean' as const, field: 'value', type: 'quantitative' as const, title: 'mean pairwise cosine', scale: { domain: [-0.5, 1] } },
            color,
          },
        },
        {
          mark: { type: 'point' as const, filled: true, size: 40 },
          encoding: {
            x,
            y: { field: 'value', type: 'quantitative' as const },
            color,
            tooltip: [
              { field: 'run', type: 'nominal' as const },
              { field: 'ratio', type: 'quantitative' as const, title: 'R' },
              { field: 'group', type: 'nominal' as const },
              { field: 'value', type: 'quantitative' as const, format: '.4~g' },
            ],
          },
        },
        { mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#888' }, encoding: { y: { datum: 1 } } },
      ],
    })),
  } as TopLevelSpec;
}
