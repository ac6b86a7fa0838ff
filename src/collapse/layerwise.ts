import { type Module } from '../nn/module.js';
import { noGrad, type Tensor } from '../torch/index.js';
import { type BatchSource } from './batches.js';
import { ClassMeanAccumulator } from './class-mean-accumulator.js';
import { type ClassGeometry, classGeometry, disposeGeometry, squaredMeanDistances } from './class-geometry.js';
import { CollapseError } from './errors.js';
import { forEachBatch } from './for-each-batch.js';
import { nc1 } from './measures/nc1.js';
import { cdnv } from './measures/cdnv.js';
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
      second.push(new SecondPassAccumulator(geometries[i]!));
    });
    runPass(model, layers, source, (layer, output, labels) => second[layer]!.add(toFeatures(output), labels));
    if (options.shards) for (const accumulator of second) accumulator.reduceShards(options.shards);
    return layers.map((layer, i) =>
      withLayerName(layer.name, () => {
        const geometry = geometries[i]!;
        const totals = second[i]!.result();
        const C = options.numClasses;
        if (totals.count !== geometry.total) {
          throw new CollapseError(`the second pass saw ${totals.count} samples but the first saw ${geometry.total}: the source must yield the same batches twice`);
        }
        return {
          name: layer.name,
          depth: layer.depth,
          nc1: nc1(geometry.gram, second[i]!.projectedScatter, geometry.total),
          nc1_trace_ratio: nc1TraceRatio(totals.classScatter, geometry.total, geometry.gramValues, C),
          cdnv: cdnv(totals.classScatter, geometry.counts, squaredMeanDistances(geometry.gramValues, C), C),
          ncc_accuracy: totals.nccCorrect / geometry.total,
        };
      }),
    );
  } finally {
    for (const accumulator of first) accumulator.dispose();
    for (const accumulator of second) accumulator.dispose();
    for (const geometry of geometries) disposeGeometry(geometry);
    model.train(wasTraining);
  }
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
