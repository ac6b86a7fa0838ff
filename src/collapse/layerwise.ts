import { type Module } from '../nn/module.js';
import { noGrad, type Tensor, tidy } from '../torch/index.js';
import { type BatchSource, type FeatureSource } from './batches.js';
import { ClassMeanAccumulator } from './class-mean-accumulator.js';
import { type ClassGeometry, classGeometry, disposeGeometry } from './class-geometry.js';
import { CollapseError } from './collapse-error.js';
import { forEachBatch } from './for-each-batch.js';
import { chooseNc1Route, nc1ByClasses, nc1ByFeatures } from './measures/nc1-routes.js';
import { pairwiseKeys } from './measures/pairwise-tiles.js';
import { nc1TraceRatio } from './measures/trace-ratio.js';
import { SecondPassAccumulator } from './second-pass-accumulator.js';
import type { ShardReducer } from './shard-reducer.js';

/** One block's collapse (the keys of docs/metrics.md's layer-wise section and run-schema's layer record). */
export interface LayerCollapse {
  /** The block's dotted module name. */
  name: string;
  /** 1 for the first block, counting in blockNames() order. */
  depth: number;
  nc1: number;
  nc1_trace_ratio: number;
  cdnv: number;
  ncc_accuracy: number;
}

/** Network inputs and their labels. */
export interface InputBatch {
  inputs: Tensor;
  labels: Tensor;
}

export interface LayerwiseOptions {
  numClasses: number;
  /** Dotted names of the blocks; default model.blockNames(). */
  layers?: string[];
  /**
   * Global-average-pool 4-D (N x C x H x W) block outputs to N x C before measuring, rather than
   * flattening them to N x CHW (which costs C x CHW state per block).
   */
  pool?: boolean;
  /** The source is one shard of the data: every shard's passes are merged with this. */
  shards?: ShardReducer;
}

interface Layer {
  name: string;
  depth: number;
  module: Module;
}

/**
 * NC1, its trace ratio, CDNV and the nearest-class-centre accuracy at the output of every block.
 * Forward hooks on each block feed one accumulator per block; the data is passed through the
 * model twice (the nearest-class-centre decisions and the projections for nc1 need each block's
 * final class means). The model runs in eval mode without gradients, and its mode is restored.
 */
export function measureLayerwiseCollapse(model: Module, source: BatchSource<InputBatch>, options: LayerwiseOptions): LayerCollapse[] {
  const layers = resolveLayers(model, options.layers);
  const toFeatures = (output: Tensor): Tensor => {
    if (options.pool && output.ndim === 4) return output.mean([2, 3]);
    if (output.ndim < 2) throw new CollapseError(`a block output of shape [${output.shape.join(', ')}] has no batch of features`);
    return output.ndim === 2 ? output : output.flatten(1);
  };
  const wasTraining = model.training;
  model.eval();
  const first = layers.map(() => new ClassMeanAccumulator(options.numClasses));
  const geometries: ClassGeometry[] = [];
  const second: SecondPassAccumulator[] = [];
  try {
    runPass(model, layers, source, (layer, output, labels) => first[layer]!.add(toFeatures(output), labels));
    if (options.shards) first.forEach((accumulator, i) => withLayerName(layers[i]!.name, () => accumulator.reduceShards(options.shards!)));
    layers.forEach((layer, i) => {
      geometries.push(withLayerName(layer.name, () => classGeometry(first[i]!)));
      first[i]!.dispose();
      second.push(new SecondPassAccumulator(geometries[i]!, {}, { route: chooseNc1Route(options.numClasses, geometries[i]!.means.size(1)) }));
    });
    runPass(model, layers, source, (layer, output, labels) => second[layer]!.add(toFeatures(output), labels));
    if (options.shards) for (const accumulator of second) accumulator.reduceShards(options.shards);
    return layers.map((layer, i) =>
      withLayerName(layer.name, () => ({ name: layer.name, depth: layer.depth, ...layerMeasures(geometries[i]!, second[i]!, options.numClasses) })),
    );
  } finally {
    for (const accumulator of first) accumulator.dispose();
    for (const accumulator of second) accumulator.dispose();
    for (const geometry of geometries) disposeGeometry(geometry);
    model.train(wasTraining);
  }
}

type LayerMeasures = Omit<LayerCollapse, 'name' | 'depth'>;

/** The layer-wise keys from a layer's class geometry (first pass) and its second-pass totals. */
function layerMeasures(geometry: ClassGeometry, pass: SecondPassAccumulator, numClasses: number): LayerMeasures {
  const totals = pass.result();
  if (totals.count !== geometry.total) {
    throw new CollapseError(`the second pass saw ${totals.count} samples but the first saw ${geometry.total}: the source must yield the same batches twice`);
  }
  const classVariance = Float64Array.from(totals.classScatter, (s, c) => s / geometry.counts[c]!);
  const pairwise = pairwiseKeys(geometry.centredMeans, { what: (c) => `the centred mean of class ${c}`, classVariance });
  return {
    nc1:
      pass.route === 'classes'
        ? nc1ByClasses(geometry.centredMeans, pass.projectedScatter, geometry.total)
        : tidy(() => nc1ByFeatures(geometry.centredMeans, pass.withinCovariance())),
    nc1_trace_ratio: nc1TraceRatio(totals.classScatter, geometry.total, geometry.squaredNorms, numClasses),
    cdnv: pairwise.cdnv!,
    ncc_accuracy: totals.nccCorrect / geometry.total,
  };
}

/**
 * The layer-wise keys of one layer whose features were saved rather than computed by a model here
 * (a feature dump written by another framework): the same accumulators and measures as
 * measureLayerwiseCollapse, over a feature source read twice. Features of more than two
 * dimensions are flattened per sample.
 */
export function measureLayerFeatures(name: string, depth: number, source: FeatureSource, numClasses: number): LayerCollapse {
  const flat = (features: Tensor): Tensor => (features.ndim === 2 ? features : features.flatten(1));
  return withLayerName(name, () => {
    const first = new ClassMeanAccumulator(numClasses);
    let geometry: ClassGeometry | undefined;
    let second: SecondPassAccumulator | undefined;
    try {
      forEachBatch(source, ({ features, labels }) => first.add(flat(features), labels));
      geometry = classGeometry(first);
      second = new SecondPassAccumulator(geometry, {}, { route: chooseNc1Route(numClasses, geometry.means.size(1)) });
      forEachBatch(source, ({ features, labels }) => second!.add(flat(features), labels));
      return { name, depth, ...layerMeasures(geometry, second, numClasses) };
    } finally {
      first.dispose();
      second?.dispose();
      if (geometry) disposeGeometry(geometry);
    }
  });
}

function resolveLayers(model: Module, names: string[] | undefined): Layer[] {
  const blockNames = names ?? (model as Partial<{ blockNames(): string[] }>).blockNames?.();
  if (blockNames === undefined) throw new CollapseError('layer-wise collapse needs block names: the model has no blockNames(), and no layers were given');
  if (blockNames.length === 0) throw new CollapseError('layer-wise collapse needs at least one block');
  const modules = new Map(model.namedModules());
  return blockNames.map((name, i) => {
    const module = modules.get(name);
    if (module === undefined) throw new CollapseError(`the model has no module named '${name}'`);
    return { name, depth: i + 1, module };
  });
}

/** One pass over the source with a hook on every block that hands its output to `consume`. */
function runPass(model: Module, layers: Layer[], source: BatchSource<InputBatch>, consume: (layer: number, output: Tensor, labels: Tensor) => void): void {
  let labels: Tensor | undefined;
  const handles = layers.map((layer, i) =>
    layer.module.registerForwardHook((_module, _input, output) => withLayerName(layer.name, () => consume(i, output, labels!))),
  );
  try {
    forEachBatch(source, (batch) => {
      labels = batch.labels;
      noGrad(() => model.call(batch.inputs));
    });
  } finally {
    for (const handle of handles) handle.remove();
  }
}

/** Runs fn; a CollapseError it throws names the layer. */
function withLayerName<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CollapseError && !error.message.startsWith('layer ')) throw new CollapseError(`layer '${name}': ${error.message}`);
    throw error;
  }
}
