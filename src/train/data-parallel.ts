import type { ClassifierModel } from '../nn/models/classifier.js';
import type { Module } from '../nn/module.js';
import type { ResolvedConfig } from './config.js';
import type { TensorSplit } from './data-tensors.js';
import { type EpochMeasurement, measureEpoch } from './measure-epoch.js';
import * as torch from '../torch/index.js';
import { type DistributedEnvironment, distributedEnvironment } from '../distributed/environment.js';
import { UsageError } from '../errors.js';
import { DEFAULT_BUCKET_BYTES, ProcessGroup } from '../distributed/process-group.js';
import { rankBatchIndices } from '../distributed/sampler.js';
import { groupReducer } from '../distributed/group-reducer.js';

/**
 * Data-parallel training over a process group, the way PyTorch's DistributedDataParallel does it
 * by default: the same initial parameters and buffers on every rank (broadcast from rank 0), each
 * rank's share of the global batch, gradients averaged over ranks after backward. BatchNorm keeps
 * per-rank batch statistics (DDP's default; no SyncBatchNorm); its running statistics are rank
 * 0's wherever they are used (measurement, checkpoints), as DDP's broadcast_buffers makes them.
 */
export class DataParallel {
  readonly group: ProcessGroup;
  readonly environment: DistributedEnvironment;

  constructor(group: ProcessGroup, environment: DistributedEnvironment) {
    this.group = group;
    this.environment = environment;
  }

  /** Joins the run described by the environment (`ncollapse launch`, srun), or undefined when alone. */
  static fromEnvironment(env: Record<string, string | undefined> = process.env): DataParallel | undefined {
    const environment = distributedEnvironment(env);
    if (environment === undefined) return undefined;
    const group = ProcessGroup.init({
      rank: environment.rank,
      worldSize: environment.worldSize,
      store: environment.storeFile
        ? { kind: 'file', path: environment.storeFile }
        : { kind: 'tcp', host: environment.masterAddr, port: environment.masterPort },
      backend: environment.backend,
      timeoutMs: environment.timeoutMs,
      glooInterface: environment.glooInterface,
      device: environment.backend === 'nccl' ? `cuda:${environment.localRank}` : 'cpu',
    });
    return new DataParallel(group, environment);
  }

  get rank(): number {
    return this.group.rank;
  }
  get worldSize(): number {
    return this.group.worldSize;
  }
  /** Only rank 0 writes the run directory, checkpoints and progress. */
  get isWriter(): boolean {
    return this.group.rank === 0;
  }

  /**
   * Any CUDA device means this rank's own GPU, cuda:LOCAL_RANK, as under torchrun (so a resumed
   * run whose config.json says rank 0's cuda:0 still spreads over the GPUs).
   */
  deviceFor(requested: string): string {
    return requested.startsWith('cuda') ? `cuda:${this.environment.localRank}` : requested;
  }

  checkBatchSize(batchSize: number): void {
    if (batchSize % this.worldSize !== 0) {
      throw new UsageError(`--batch-size ${batchSize} is the global batch and must be a multiple of the world size ${this.worldSize}`);
    }
  }

  /** Every rank takes rank 0's parameters and buffers. */
  syncModule(model: Module): void {
    this.broadcastFromZero([...model.parameters(), ...model.namedBuffers().map(([, b]) => b)]);
  }

  /**
   * Every rank takes rank 0's buffers (BatchNorm running statistics), as DDP's broadcast_buffers:
   * before a measurement, so that every rank's features are rank 0's network's.
   */
  syncBuffers(model: Module): void {
    this.broadcastFromZero(model.namedBuffers().map(([, b]) => b));
  }

  private broadcastFromZero(tensors: torch.Tensor[]): void {
    // Detached views share the storage and keep autograd out of the in-place write.
    const views = tensors.map((t) => t.detach());
    try {
      this.group.broadcast(views, 0);
    } finally {
      torch.dispose(views);
    }
  }

  /** This rank's batches of the epoch (see rankBatchIndices). */
  batchIndices(count: number, globalBatch: number, device: string): torch.Tensor[] {
    return rankBatchIndices(count, globalBatch, this.worldSize, this.rank, device);
  }

  /** After backward: every gradient becomes the mean over ranks (bucketed all-reduce). */
  averageGradients(parameters: torch.Tensor[], bucketBytes = DEFAULT_BUCKET_BYTES): void {
    torch.tidy(() => {
      const grads = parameters.map((p) => {
        // A parameter unused on this rank still takes part, with a zero gradient.
        if (p.grad === undefined) p.grad = torch.zeros(p.shape, { dtype: p.dtype, device: p.device });
        return p.grad!;
      });
      this.group.allReduceMean(grads, bucketBytes);
    });
  }

  /** This rank's contiguous share of a split (views, to dispose): the ranks' shards cover it once. */
  shard(split: TensorSplit): TensorSplit {
    const start = Math.floor((this.rank * split.count) / this.worldSize);
    const end = Math.floor(((this.rank + 1) * split.count) / this.worldSize);
    return { inputs: split.inputs.narrow(0, start, end - start), labels: split.labels.narrow(0, start, end - start), count: end - start };
  }

  /**
   * measureEpoch on every rank's shard with the sums and accumulators merged by all-reduce: each
   * rank gets the metrics of all the data, as one process would measure them (docs/metrics.md).
   */
  measure(model: ClassifierModel, train: TensorSplit, test: TensorSplit | undefined, config: ResolvedConfig): EpochMeasurement {
    this.syncBuffers(model);
    const trainShard = this.shard(train);
    const testShard = test && this.shard(test);
    try {
      return measureEpoch(model, trainShard, testShard, config, groupReducer(this.group));
    } finally {
      torch.dispose([trainShard.inputs, trainShard.labels, testShard?.inputs, testShard?.labels]);
    }
  }

  /** True on every rank when it is true on any (a stop request seen by one rank stops all at the same step). */
  any(flag: boolean): boolean {
    return torch.tidy(() => {
      const t = torch.tensor([flag ? 1 : 0], { dtype: 'float32' });
      this.group.allReduce(t, 'max');
      return t.item() > 0;
    });
  }

  barrier(): void {
    this.group.barrier();
  }

  destroy(): void {
    this.group.destroy();
  }
}
