// One rank of the data-parallel equivalence test: 5 steps of plain SGD on an MLP without
// BatchNorm, global batch 16, through DataParallel (DIST_WORLD_SIZE > 1) or the single-process
// trainer's own batches (DIST_WORLD_SIZE = 1). Prints the final parameters as one JSON line.
import { DataParallel } from '../../src/train/data-parallel.js';
import { ProcessGroup } from '../../src/distributed/process-group.js';
import { MLP } from '../../src/nn/models/mlp.js';
import { SGD } from '../../src/optim/index.js';
import * as torch from '../../src/torch/index.js';
import { gatherBatch, shuffledBatchIndices } from '../../src/train/data-tensors.js';
import { trainingLoss } from '../../src/train/loss.js';

torch.setNumThreads(1);
const rank = Number(process.env.DIST_RANK);
const worldSize = Number(process.env.DIST_WORLD_SIZE);
const GLOBAL_BATCH = 16;
const STEPS = 5;

const dp =
  worldSize > 1
    ? new DataParallel(ProcessGroup.init({ rank, worldSize, store: { kind: 'file', path: process.env.DIST_PATH! }, timeoutMs: 60_000 }), {
        rank,
        worldSize,
        localRank: rank,
        masterAddr: '',
        masterPort: 0,
        source: 'torchrun',
        timeoutMs: 60_000,
        backend: 'gloo',
      })
    : undefined;

// The same data everywhere; 100 samples is not a multiple of 16, nor of 3.
torch.manualSeed(1234);
const inputs = torch.keep(torch.randn([100, 1, 2, 3]));
const labels = torch.keep(torch.randint(0, 4, [100]));
const split = { inputs, labels, count: 100 };

// Rank-dependent initialisation: only the broadcast from rank 0 makes the ranks agree.
torch.manualSeed(rank === 0 ? 99 : 1000 + rank);
const model = new MLP({ inputDim: 6, numClasses: 4, width: 8, depth: 2, batchNorm: false });
dp?.syncModule(model);
const initial = Object.fromEntries(model.namedParameters().map(([name, p]) => [name, p.toArray()]));
const optimizer = new SGD(model.parameters(), { lr: 0.5, momentum: 0, weightDecay: 0 });

torch.manualSeed(7);
const batches = dp ? dp.batchIndices(split.count, GLOBAL_BATCH, 'cpu') : shuffledBatchIndices(split.count, GLOBAL_BATCH, 'cpu');
for (let step = 0; step < STEPS; step++) {
  torch.tidy(() => {
    const batch = gatherBatch(split, batches[step]!);
    const loss = trainingLoss('ce', model.call(batch.inputs), batch.labels);
    optimizer.zeroGrad();
    loss.backward();
    dp?.averageGradients(model.parameters(), 64); // small buckets: several of them
    optimizer.step();
  });
}
const parameters = Object.fromEntries(model.namedParameters().map(([name, p]) => [name, p.toArray()]));
process.stdout.write(`${JSON.stringify({ rank, initial, parameters })}\n`);
dp?.destroy();
