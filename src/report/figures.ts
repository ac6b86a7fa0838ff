import type { TopLevelSpec } from 'vega-lite';
import { epochFigureSpec, type RunStyle } from './epoch-figure-spec.js';
import { EPOCH_FIGURES, type FigureSection } from './figure-catalog.js';
import { geometryAt } from './geometry.js';
import { cosineHeatmapSpec, pca2dSpec, pca3dSpec } from './geometry-specs.js';
import { layerFigureSpec } from './layer-figure-spec.js';
import { minorityRatioSpec } from './minority-ratio-spec.js';
import type { RunData } from '../run/run-reader.js';

/** One figure of the report or the dashboard: a Vega-Lite spec and where it belongs. */
export interface FigureSpec {
  /** File name without extension; unique within a report. */
  id: string;
  title: string;
  caption: string;
  section: FigureSection;
  spec: TopLevelSpec;
}

export interface FigureOptions {
  /** Epoch of the geometry figures; default: each run's last measured epoch. */
  epoch?: number;
  /** How the epoch figures tell runs apart (default: a colour per run). */
  runStyle?: RunStyle;
  /**
   * The runs of the figure against the imbalance ratio (default: the runs of the report). A sweep
   * passes every finished run here, where its other figures show one selected run per cell.
   */
  ratioRuns?: RunData[];
}

/** A name safe for a file: letters, digits, '-', '_' and '.'. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
}

/** Figures of metrics against epoch and of layer-wise collapse, for runs overlaid. */
export function epochFigures(runs: RunData[], style: RunStyle = 'run', ratioRuns: RunData[] = runs): FigureSpec[] {
  const figures: FigureSpec[] = [];
  for (const figure of EPOCH_FIGURES) {
    const spec = epochFigureSpec(figure, runs, style);
    if (spec) figures.push({ id: figure.id, title: figure.title, caption: figure.caption, section: figure.section, spec });
  }
  const ratio = minorityRatioSpec(ratioRuns);
  if (ratio) {
    figures.push({
      id: 'minority-collapse-ratio',
      title: 'Minority collapse against the imbalance ratio (Fang et al. 2021)',
      caption:
        "Each run's last measured mean pairwise cosine among minority and among majority classes, against its imbalance ratio R; the line joins the means over runs (seeds) at each R. Minority collapse: the minority classifiers' cosine rises toward 1 as R grows.",
      section: 'extras',
      spec: ratio,
    });
  }
  const layers = layerFigureSpec(runs);
  if (layers) {
    figures.push({
      id: 'layers-nc1',
      title: 'Layer-wise collapse',
      caption: 'NC1 at the output of each block against its depth; one curve per measured epoch (darker = later).',
      section: 'layers',
      spec: layers,
    });
  }
  return figures;
}

/** The geometry figures of one run at an epoch (none when geometry.jsonl is empty). */
export function geometryFigures(run: RunData, options: FigureOptions = {}, idSuffix = ''): FigureSpec[] {
  const line = geometryAt(run, options.epoch);
  if (!line) return [];
  const at = options.epoch !== undefined && options.epoch !== line.epoch ? ` (nearest measured epoch to ${options.epoch})` : '';
  return [
    {
      id: `geometry-cosines${idSuffix}`,
      title: `Cosines of centred class means, epoch ${line.epoch}${at}`,
      caption: 'C x C cosines between centred class means (left) beside those of a simplex ETF (centre) and between classifier rows (right).',
      section: 'geometry',
      spec: cosineHeatmapSpec(run, line),
    },
    {
      id: `geometry-pca2d${idSuffix}`,
      title: `PCA of class means and classifiers (2-D), epoch ${line.epoch}${at}`,
      caption:
        'Centred class means and classifier rows, each scaled by its Frobenius norm, on the top two principal directions of the means. Self-duality puts each triangle on its circle.',
      section: 'geometry',
      spec: pca2dSpec(run, line),
    },
    {
      id: `geometry-pca3d${idSuffix}`,
      title: `PCA of class means and classifiers (3-D), epoch ${line.epoch}${at}`,
      caption: 'The same points on the top three principal directions, seen from a fixed angle.',
      section: 'geometry',
      spec: pca3dSpec(run, line),
    },
  ];
}

/** Every figure of a report: epoch figures for all runs overlaid, then the geometry of each run. */
export function allFigures(runs: RunData[], options: FigureOptions = {}): FigureSpec[] {
  const figures = epochFigures(runs, options.runStyle, options.ratioRuns);
  const usedSuffixes = new Set<string>();
  for (const run of runs) {
    let suffix = runs.length > 1 ? `-${fileSafe(run.name)}` : '';
    for (let i = 2; usedSuffixes.has(suffix); i++) suffix = `-${fileSafe(run.name)}-${i}`;
    usedSuffixes.add(suffix);
    figures.push(...geometryFigures(run, options, suffix));
  }
  return figures;
}
