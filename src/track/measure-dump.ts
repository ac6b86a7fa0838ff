import { type AnalysisArrays, type SourceArray } from '../analyze/analysis-arrays.js';
import { measureAnalysisTensors, withAnalysisTensors } from '../analyze/measure-arrays.js';
import { featureBatches, measureLayerFeatures, type LayerCollapse } from '../collapse/index.js';
import { lastLayerGeometry, type LastLayerGeometry } from '../collapse/last-layer-geometry.js';
import { tidy } from '../torch/index.js';
import { type DumpContents, readDump, WEIGHT_DECAY_KEY } from './dump-contents.js';

const BATCH_SIZE = 1024;

export interface DumpMeasureOptions {
  /** The training loss: with 'mse', the dump's weight_decay adds the MSE decomposition. */
  loss: 'ce' | 'mse';
  /** --wd: the weight decay of the MSE decomposition, whatever the loss and the dump say (as analyze --wd). */
  weightDecay?: number;
}

export interface DumpMeasurement {
  numClasses: number;
  dim: number;
  /** The dump's scalars, then every collapse key that its arrays allow, then the test error. */
  metrics: Record<string, number>;
  /** From the layer.<name> arrays, in the file's order. */
  layers?: LayerCollapse[];
  /** Needs W. */
  geometry?: LastLayerGeometry;
  /** The dump's weight_decay scalar (for config.json's weightDecay). */
  dumpWeightDecay?: number;
}

/** Reads a one-file dump and measures it (measureDump). */
export function measureDumpFile(file: string, options: DumpMeasureOptions): DumpMeasurement {
  return measureDump(readDump(file), options);
}

/** The weight decay of the MSE decomposition: --wd, else the dump's weight_decay for an MSE run; needs W. */
export function decompositionDecay(options: DumpMeasureOptions, dumpDecay: number | undefined, hasWeight: boolean): number | undefined {
  if (!hasWeight) return undefined;
  return options.weightDecay ?? (options.loss === 'mse' && dumpDecay !== undefined && dumpDecay > 0 ? dumpDecay : undefined);
}

/**
 * Measures one epoch's dump with analyze's own path (measureAnalysisArrays' checks and measures),
 * so that each collapse key equals `ncollapse analyze FILE` (with the same --wd). What needs an
 * array the dump lacks is left out: without W the classifier keys, the geometry and the test error.
 */
export function measureDump(dump: DumpContents, options: DumpMeasureOptions): DumpMeasurement {
  const { [WEIGHT_DECAY_KEY]: dumpDecay, ...scalars } = dump.scalars;
  const hasWeight = dump.train.weight !== undefined;
  const weightDecay = decompositionDecay(options, dumpDecay, hasWeight);
  return withAnalysisTensors(dump.train, (tensors, validated) => {
    const measured = measureAnalysisTensors(tensors, validated, { weightDecay, batchSize: BATCH_SIZE });
    const metrics: Record<string, number> = { ...scalars, ...measured.metrics };
    const result: DumpMeasurement = {
      numClasses: measured.numClasses,
      dim: measured.dim,
      metrics,
      ...(dumpDecay === undefined ? {} : { dumpWeightDecay: dumpDecay }),
    };
    if (dump.test && hasWeight) metrics.test_error = testError(dump.test);
    if (tensors.weight) result.geometry = lastLayerGeometry(featureBatches(tensors.features, tensors.labels, BATCH_SIZE), tensors.weight, measured.numClasses);
    if (dump.layers.length > 0) {
      result.layers = dump.layers.map((layer, i) => measureLayer(layer.name, i + 1, flattened(layer.features), dump.train.labels, measured.numClasses));
    }
    return result;
  });
}

/** The network's error on the test features: the fraction where argmax(W h + b) differs from the label. */
function testError(test: AnalysisArrays): number {
  return withAnalysisTensors(test, (tensors, validated) =>
    tidy(() => {
      let logits = tensors.features.to('float64').mm(tensors.weight!.T);
      if (tensors.bias) logits = logits.add(tensors.bias);
      return logits.argmax(1).ne(tensors.labels).sum().item() / validated.samples;
    }),
  );
}

function measureLayer(name: string, depth: number, features: SourceArray, labels: SourceArray, numClasses: number): LayerCollapse {
  return withAnalysisTensors({ features, labels }, (tensors) =>
    measureLayerFeatures(name, depth, featureBatches(tensors.features, tensors.labels, BATCH_SIZE), numClasses),
  );
}

/** An N x d1 x d2 ... array seen as N x (d1 d2 ...) (row-major, so the data is unchanged). */
function flattened(array: SourceArray): SourceArray {
  if (array.shape.length <= 2) return array;
  const [samples, ...rest] = array.shape;
  return { ...array, shape: [samples!, rest.reduce((a, b) => a * b, 1)] };
}
