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
  featuresFile?: string;
  labelsFile?: string;
  weightFile?: string;
  biasFile?: string;
  wd?: number;
  covariance?: CovarianceMode;
  batchSize?: number;
  checkpoint?: string;
  dataset?: string;
  dataDir?: string;
  split?: 'train' | 'test';
  layers?: boolean;
  pool?: boolean;
}

export interface AnalysisOutput {
  /** The file(s) measured, for the table's heading. */
  source: string;
  samples: number;
  dim: number;
  numClasses: number;
  /** docs/metrics.md keys in docs/metrics.md's order. */
  metrics: Record<string, number>;
  /** Layer-wise collapse (--checkpoint with --layers). */
  layers?: LayerCollapse[];
}

/** `ncollapse analyze`: read, check, measure. */
export function analyzeFiles(file: string | undefined, options: AnalyzeFilesOptions): AnalysisOutput {
  if (options.checkpoint !== undefined) {
    if (file !== undefined || options.featuresFile !== undefined) throw new UsageError('analyze: give either --checkpoint or feature files, not both');
    return analyzeCheckpoint({ ...options, checkpoint: options.checkpoint });
  }
  if (options.dataset !== undefined) throw new UsageError(`--dataset ${options.dataset}: --dataset goes with --checkpoint (the dataset to run a saved model on)`);
  const arrays = readInput(file, options);
  if (options.wd !== undefined && arrays.weight === undefined) {
    throw new AnalysisInputError(arrays.features.file, `--wd needs the classifier weight (array '${options.weight ?? 'W'}' or --weight-file)`);
  }
  const measured = measureAnalysisArrays(arrays, { weightDecay: options.wd, covariance: options.covariance, batchSize: options.batchSize });
  return { source: file ?? [arrays.features.file, arrays.labels.file].join(', '), ...measured };
}

function readInput(file: string | undefined, options: AnalyzeFilesOptions): AnalysisArrays {
  const separate = options.featuresFile !== undefined || options.labelsFile !== undefined;
  if (separate) {
    if (file !== undefined) throw new UsageError(`analyze ${file}: give either one .npz/.safetensors file or --features-file and --labels-file, not both`);
    if (options.featuresFile === undefined || options.labelsFile === undefined) {
      throw new UsageError(`${options.featuresFile === undefined ? '--labels-file' : '--features-file'}: --features-file and --labels-file go together`);
    }
    return readNpyFiles({ features: options.featuresFile, labels: options.labelsFile, weight: options.weightFile, bias: options.biasFile });
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
