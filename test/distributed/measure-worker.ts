// One rank of the distributed measurement test: measures collapse (every metric, and layer-wise)
// on its shard with the ranks' accumulators merged by all-reduce, and also on all the data alone.
// Prints both as one JSON line.
import { featureBatches, measureCollapse, measureLayerwiseCollapse } from '../../src/collapse/index.js';
import { ProcessGroup } from '../../src/distributed/process-group.js';
import { groupReducer } from '../../src/distributed/group-reducer.js';
import { MLP } from '../../src/nn/models/index.js';
import * as torch from '../../src/torch/index.js';
import { gaussianClasses } from '../collapse/data.js';

torch.setNumThreads(1);
const rank = Number(process.env.DIST_RANK);
const worldSize = Number(process.env.DIST_WORLD_SIZE);
const group = ProcessGroup.init({ rank, worldSize, store: { kind: 'file', path: process.env.DIST_PATH! }, timeoutMs: 60_000 });
const shards = groupReducer(group);
const C = 5;

// Tight classes far apart (late in the terminal phase), so cancellation would show.
const data = gaussianClasses({ n: 900, p: 12, C, spread: 0.02, dtype: 'float64', seed: 3 });
torch.manualSeed(8);
const model = new MLP({ inputDim: 12, numClasses: C, width: 16, depth: 2 }).eval();

/** This rank's rows: interleaved (every class on every rank), or sorted by label (classes split across ranks). */
function shard(kind: 'interleaved' | 'sorted'): { features: torch.Tensor; labels: torch.Tensor } {
  return torch.tidy(() => {
    const labels = data.labels.toArray();
    let order = labels.map((_, i) => i);
    if (kind === 'sorted') order = order.sort((a, b) => labels[a]! - labels[b]! || a - b);
    // Unequal shards: rank r holds positions [start_r, start_{r+1}) with the cuts at 30% and 75%.
    const cuts = worldSize === 2 ? [0, 0.3, 1] : [0, 0.3, 0.75, 1];
    const mine = order.slice(Math.round(cuts[rank]! * order.length), Math.round(cuts[rank + 1]! * order.length));
    const rows = torch.tensor(BigInt64Array.from(mine.map(BigInt)));
    return { features: torch.keep(data.features.indexSelect(0, rows)), labels: torch.keep(data.labels.indexSelect(0, rows)) };
  });
}

function measure(features: torch.Tensor, labels: torch.Tensor, merge: boolean) {
  const options = { numClasses: C, weight: data.weight, bias: data.bias, weightDecay: 5e-4, ...(merge ? { shards } : {}) };
  const projected = { numClasses: C, weight: data.weight, bias: data.bias, covariance: 'projected' as const, ...(merge ? { shards } : {}) };
  const inputs = featureBatches(features.to('float32'), labels, 64);
  return {
    full: measureCollapse(featureBatches(features, labels, 64), options),
    projected: measureCollapse(featureBatches(features, labels, 50), projected),
    layers: measureLayerwiseCollapse(model, () => Array.from(inputs(), (b) => ({ inputs: b.features, labels: b.labels })), {
      numClasses: C,
      ...(merge ? { shards } : {}),
    }),
  };
}

const single = measure(data.features, data.labels, false);
const merged: Record<string, unknown> = {};
for (const kind of ['interleaved', 'sorted'] as const) {
  const part = shard(kind);
  merged[kind] = measure(part.features, part.labels, true);
}
process.stdout.write(`${JSON.stringify({ rank, single, merged })}\n`);
group.destroy();
