import { analyzeShards } from '../analyze/analyze-shards.js';
import { openShards } from '../analyze/shards/open-shards.js';
import { resolveShards } from '../analyze/shards/shard-list.js';
import { lastLayerGeometry } from '../collapse/last-layer-geometry.js';
import { tensor } from '../torch/index.js';
import { readDumpScalars, WEIGHT_DECAY_KEY } from './dump-contents.js';
import { decompositionDecay, type DumpMeasureOptions, type DumpMeasurement } from './measure-dump.js';

/**
 * Measures an epoch given as a folder of shards with analyze's streamed path (analyzeShards: the
 * numbers of `ncollapse analyze FOLDER`), then the geometry in one more pass when there is a W.
 * The scalars are read from the first archive; test features and layer arrays are not read from a
 * folder (docs/track.md).
 */
export function measureShardDump(folder: string, options: DumpMeasureOptions): DumpMeasurement {
  const input = { files: [folder] };
  const first = resolveShards(input).shards[0];
  const { [WEIGHT_DECAY_KEY]: dumpDecay, ...scalars } = first?.kind === 'archive' ? readDumpScalars(first.file) : {};
  const set = openShards(input);
  try {
    const hasWeight = set.weight !== undefined;
    const analysis = analyzeShards(input, { weightDecay: decompositionDecay(options, dumpDecay, hasWeight) });
    const result: DumpMeasurement = {
      numClasses: analysis.numClasses,
      dim: analysis.dim,
      metrics: { ...scalars, ...analysis.metrics },
      ...(dumpDecay === undefined ? {} : { dumpWeightDecay: dumpDecay }),
    };
    if (set.weight) {
      const weight = tensor(set.weight.data, { shape: set.weight.shape, dtype: 'float64' });
      try {
        result.geometry = lastLayerGeometry(set.stream.source(), weight, set.numClasses);
      } finally {
        weight.dispose();
      }
    }
    return result;
  } finally {
    set.stream.close();
  }
}
