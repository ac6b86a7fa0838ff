// One rank of the collectives tests (collectives.test.ts): joins a group from DIST_* variables,
// runs DIST_SCENARIO and prints one JSON line with what it saw.
import { DistributedError } from '../../src/distributed/distributed-error.js';
import { ProcessGroup, type ProcessGroupOptions } from '../../src/distributed/process-group.js';
import * as torch from '../../src/torch/index.js';

torch.setNumThreads(1);
const rank = Number(process.env.DIST_RANK);
const worldSize = Number(process.env.DIST_WORLD_SIZE);
const store: ProcessGroupOptions['store'] =
  process.env.DIST_STORE === 'file' ? { kind: 'file', path: process.env.DIST_PATH! } : { kind: 'tcp', host: '127.0.0.1', port: Number(process.env.DIST_PORT) };
const timeoutMs = Number(process.env.DIST_TIMEOUT_MS ?? 60_000);
const scenario = process.env.DIST_SCENARIO ?? 'known';

const group = ProcessGroup.init({ rank, worldSize, store, timeoutMs });
const values = (t: torch.Tensor) => t.toArray();

function known(): Record<string, unknown> {
  // Rank r holds r + 1 (times a pattern): sums, extremes and means over ranks are known in closed form.
  const summed = torch.tensor([1, 2, 3], { dtype: 'float32' }).mul(rank + 1);
  group.allReduce(summed, 'sum');
  const largest = torch.tensor([rank, -rank], { dtype: 'float64' });
  group.allReduce(largest, 'max');
  const counts = torch.tensor([rank + 1, 10], { dtype: 'int64' });
  group.allReduce(counts, 'sum');
  const fromZero = torch.full([4], rank === 0 ? 7 : -1);
  const fromLast = torch.tensor(
    [
      [rank, rank],
      [rank, rank],
    ],
    { dtype: 'float64' },
  );
  group.broadcast([fromZero], 0);
  group.broadcast([fromLast], worldSize - 1);
  // Gradients of mixed dtypes and a bucket smaller than one tensor: several buckets.
  const grads = [torch.full([3, 2], rank + 1), torch.full([5], 10 * (rank + 1), { dtype: 'float64' }), torch.full([2], -(rank + 1))];
  const buckets = group.allReduceMean(grads, 16);
  group.barrier();
  return {
    summed: values(summed),
    largest: values(largest),
    counts: values(counts),
    fromZero: values(fromZero),
    fromLast: values(fromLast),
    grads: grads.map(values),
    buckets,
  };
}

function peerFails(): Record<string, unknown> {
  group.barrier();
  if (rank === worldSize - 1) {
    if (scenario === 'killed') process.kill(process.pid, 'SIGKILL');
    // 'stalled': alive, but never joins the next collective.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  }
  const started = Date.now();
  try {
    group.allReduce(torch.ones([8]), 'sum');
    return { failed: false };
  } catch (error) {
    return { failed: true, distributed: error instanceof DistributedError, message: (error as Error).message, seconds: (Date.now() - started) / 1000 };
  }
}

const result = scenario === 'known' ? known() : peerFails();
process.stdout.write(`${JSON.stringify({ rank, ...result })}\n`);
group.destroy();
