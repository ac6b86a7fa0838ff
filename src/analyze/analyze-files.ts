import { existsSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { safetensorsLayouts } from '../io/array-layout.js';
import { analyzeShards } from './analyze-shards.js';
import { type ProgressListener } from './shards/shard-stream.js';
import { type Nc1Route } from '../collapse/measures/nc1-routes.js';
import { type CovarianceMode } from '../collapse/collapse-measurement.js';
import { type AnalysisArrays, AnalysisInputError, readArchive, readNpyFiles } from './analysis-arrays.js';
import { measureAnalysisArrays } from './measure-arrays.js';
import { analyzeCheckpoint } from './analyze-checkpoint.js';
import { type LayerCollapse } from '../collapse/layerwise.js';
import { UsageError } from '../errors.js';

export interface AnalyzeFilesOptions {
  features?: string;
  labels?: string;
  weight?: string;
  bias?: string;
  /** One .npy file, a quoted glob, or several (repeated option): paired in order with labelsFile. */
  featuresFile?: string | string[];
  labelsFile?: string | string[];
  weightFile?: string;
  biasFile?: string;
  wd?: number;
  /** Minority class indices: adds minority_cos_* and majority_cos_* (with --checkpoint, default: the run's). */
  minority?: number[];
  covariance?: CovarianceMode;
  batchSize?: number;
  checkpoint?: string;
  dataset?: string;
  dataDir?: string;
  split?: 'train' | 'test';
  layers?: boolean;
  pool?: boolean;
  /** A label value with fewer samples is not a class (classes_kept, classes_dropped). */
  minCount?: number;
  /** Decision keys on a seeded subset of this many samples (decision_samples). */
  decisionSamples?: number;
  /** Seed of that subset (default 0). */
  seed?: number;
  /** Tile edge of the pairwise keys over the C x C Gram matrix (default 1024). */
  tile?: number;
  /** nc1's route (default: chosen by C and p). */
  nc1Route?: Nc1Route;
  /** Called as each pass over sharded input advances. */
  onProgress?: ProgressListener;
}

export interface AnalysisOutput {
  /** The file(s) measured, for the table's heading. */
  source: string;
  samples: number;
  dim: number;
  numClasses: number;
  /** docs/metrics.md keys in docs/metrics.md's order. */
  metrics: Record<string, number>;
  /** With --min-count: the classes kept and the label values dropped. */
  classes_kept?: number;
  classes_dropped?: number;
  /** With --decision-samples: how many samples the decision keys were measured on. */
  decision_samples?: number;
  /** Layer-wise collapse (--checkpoint with --layers). */
  layers?: LayerCollapse[];
}

/**
 * `ncollapse analyze`: read, check, measure. FILE may be several files (shards), a folder or a
 * manifest; --features-file and --labels-file may be globs or repeated. One plain file is read
 * whole and checked array by array; anything sharded, --min-count and half-precision
 * .safetensors features are streamed from disk in two passes (see shards/open-shards.ts).
 */
export function analyzeFiles(file: string | string[] | undefined, options: AnalyzeFilesOptions): AnalysisOutput {
  const files = file === undefined ? [] : Array.isArray(file) ? file : [file];
  const featuresFiles = listOf(options.featuresFile);
  const labelsFiles = listOf(options.labelsFile);
  if (options.checkpoint !== undefined) {
    if (files.length > 0 || featuresFiles.length > 0) throw new UsageError('analyze: give either --checkpoint or feature files, not both');
    return analyzeCheckpoint({ ...options, checkpoint: options.checkpoint });
  }
  if (options.dataset !== undefined)
    throw new UsageError(`--dataset ${options.dataset}: --dataset goes with --checkpoint (the dataset to run a saved model on)`);
  const separate = featuresFiles.length > 0 || labelsFiles.length > 0;
  if (separate && files.length > 0)
    throw new UsageError(`analyze ${files[0]}: give either .npz/.safetensors files or --features-file and --labels-file, not both`);
  if (separate && (featuresFiles.length === 0 || labelsFiles.length === 0)) {
    throw new UsageError(`${featuresFiles.length === 0 ? '--labels-file' : '--features-file'}: --features-file and --labels-file go together`);
  }
  if (isSharded(files, featuresFiles, labelsFiles, options)) return analyzeStreamed(files, featuresFiles, labelsFiles, options);
  const arrays = readInput(files[0], { ...options, featuresFile: featuresFiles[0], labelsFile: labelsFiles[0] });
  if (options.wd !== undefined && arrays.weight === undefined) {
    throw new AnalysisInputError(arrays.features.file, `--wd needs the classifier weight (array '${options.weight ?? 'W'}' or --weight-file)`);
  }
  const measured = measureAnalysisArrays(arrays, {
    weightDecay: options.wd,
    minorityClasses: options.minority,
    covariance: options.covariance,
    batchSize: options.batchSize,
    decisionSamples: options.decisionSamples,
    seed: options.seed,
    tile: options.tile,
    nc1Route: options.nc1Route,
  });
  return {
    source: files[0] ?? [arrays.features.file, arrays.labels.file].join(', '),
    ...measured,
    ...(options.decisionSamples === undefined ? {} : { decision_samples: Math.min(options.decisionSamples, measured.samples) }),
  };
}

function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const WILDCARD = /[*?[]/;

/** Whether the input needs the streamed path (more than one file, a pattern, a folder or manifest, --min-count, half precision). */
function isSharded(files: string[], featuresFiles: string[], labelsFiles: string[], options: AnalyzeFilesOptions): boolean {
  const all = [...files, ...featuresFiles, ...labelsFiles];
  if (options.minCount !== undefined || files.length > 1 || featuresFiles.length > 1 || labelsFiles.length > 1) return true;
  if (all.some((f) => WILDCARD.test(basename(f)))) return true;
  const single = files[0];
  if (single === undefined) return false;
  if (single.toLowerCase().endsWith('.json') || (existsSync(single) && statSync(single).isDirectory())) return true;
  if (extname(single).toLowerCase() === '.safetensors' && existsSync(single)) {
    const kind = safetensorsLayouts(single).get(options.features ?? 'H')?.kind;
    return kind === 'float16' || kind === 'bfloat16';
  }
  return false;
}

function analyzeStreamed(files: string[], featuresFiles: string[], labelsFiles: string[], options: AnalyzeFilesOptions): AnalysisOutput {
  const analysis = analyzeShards(
    { files, features: featuresFiles, labels: labelsFiles, weightFile: options.weightFile, biasFile: options.biasFile },
    {
      names: { features: options.features, labels: options.labels, weight: options.weight, bias: options.bias },
      weightRequired: options.weight !== undefined,
      batchSize: options.batchSize,
      minCount: options.minCount,
      onProgress: options.onProgress,
      weightDecay: options.wd,
      minorityClasses: options.minority,
      covariance: options.covariance,
      decisionSamples: options.decisionSamples,
      seed: options.seed,
      tile: options.tile,
      nc1Route: options.nc1Route,
    },
  );
  const shown = analysis.shards.length === 1 ? analysis.shards[0]! : `${analysis.shards.length} shards (${analysis.shards[0]}, ...)`;
  return {
    source: shown,
    samples: analysis.samples,
    dim: analysis.dim,
    numClasses: analysis.numClasses,
    metrics: analysis.metrics,
    ...(analysis.classesKept === undefined ? {} : { classes_kept: analysis.classesKept, classes_dropped: analysis.classesDropped }),
    ...(analysis.decisionSamples === undefined ? {} : { decision_samples: analysis.decisionSamples }),
  };
}

function readInput(file: string | undefined, options: AnalyzeFilesOptions & { featuresFile?: string; labelsFile?: string }): AnalysisArrays {
  const separate = options.featuresFile !== undefined || options.labelsFile !== undefined;
  if (separate) {
    return readNpyFiles({ features: options.featuresFile!, labels: options.labelsFile!, weight: options.weightFile, bias: options.biasFile });
  }
  if (file === undefined) throw new UsageError('analyze: no input: give FILE.npz, FILE.safetensors, or --features-file and --labels-file');
  return readArchive(file, {
    features: options.features ?? 'H',
    labels: options.labels ?? 'y',
    weight: options.weight ?? 'W',
    bias: options.bias ?? 'b',
    weightRequired: options.weight !== undefined,
  });
}
