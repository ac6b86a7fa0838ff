import { type Nc1Route } from '../collapse/measures/nc1-routes.js';
import { type CovarianceMode } from '../collapse/collapse-measurement.js';
import { orderedMetrics } from '../collapse/collapse-metrics.js';
import { measureCollapse } from '../collapse/measure-collapse.js';
import { dispose, type Tensor, tensor } from '../torch/index.js';
import { AnalysisInputError } from './analysis-arrays.js';
import { openShards, type ShardSetOptions } from './shards/open-shards.js';
import { type ShardInput } from './shards/shard-list.js';

export interface ShardAnalysisOptions extends ShardSetOptions {
  weightDecay?: number;
  covariance?: CovarianceMode;
  /** Decision keys on a seeded subset of this many samples (METRICS.md "Many classes"). */
  decisionSamples?: number;
  seed?: number;
  tile?: number;
  nc1Route?: Nc1Route;
  /** Label values of the minority classes: adds minority_cos_* and majority_cos_* (a dropped class is left out). */
  minorityClasses?: number[];
}

export interface ShardAnalysis {
  /** The shards measured, in order. */
  shards: string[];
  samples: number;
  dim: number;
  numClasses: number;
  classesKept?: number;
  classesDropped?: number;
  decisionSamples?: number;
  metrics: Record<string, number>;
}

/**
 * Every collapse key of sharded features streamed from disk in two passes (memory independent
 * of N): the path of `analyze` for globs, several files, a folder or a manifest, `--min-count`,
 * and half-precision .safetensors; also the library's `analyzeFiles` with the same inputs.
 */
export function analyzeShards(input: ShardInput, options: ShardAnalysisOptions): ShardAnalysis {
  const set = openShards(input, options);
  const tensors: Tensor[] = [];
  try {
    const weight = set.weight ? tensor(set.weight.data, { shape: set.weight.shape, dtype: 'float64' }) : undefined;
    const bias = set.bias ? tensor(set.bias.data, { shape: set.bias.shape, dtype: 'float64' }) : undefined;
    for (const t of [weight, bias]) if (t) tensors.push(t);
    if (options.weightDecay !== undefined && weight === undefined) {
      throw new AnalysisInputError(set.stream.shardNames[0]!, `--wd needs the classifier weight (array '${options.names?.weight ?? 'W'}' or --weight-file)`);
    }
    const metrics = measureCollapse(set.stream.source(), {
      numClasses: set.numClasses,
      weight,
      bias,
      weightDecay: options.weightDecay,
      minorityClasses: options.minorityClasses?.flatMap((value) => {
        const index = set.classValues.indexOf(value);
        return index < 0 ? [] : [index];
      }),
      covariance: options.covariance ?? 'full',
      decisionSamples: options.decisionSamples,
      seed: options.seed,
      tile: options.tile,
      nc1Route: options.nc1Route,
    });
    return {
      shards: set.stream.shardNames,
      samples: set.stream.keptSampleCount,
      dim: set.stream.dim,
      numClasses: set.numClasses,
      ...(set.classesKept === undefined ? {} : { classesKept: set.classesKept, classesDropped: set.classesDropped }),
      ...(options.decisionSamples === undefined ? {} : { decisionSamples: Math.min(options.decisionSamples, set.stream.keptSampleCount) }),
      metrics: orderedMetrics(metrics),
    };
  } finally {
    dispose(tensors);
    set.stream.close();
  }
}
