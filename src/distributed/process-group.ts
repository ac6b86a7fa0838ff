import { type DistGroupOptions, type GroupHandle, native } from '../torch/native.js';
import type { Tensor } from '../torch/index.js';
import { DistributedError } from './distributed-error.js';

/** c10d's own default (torch.distributed): a collective that waits longer fails. */
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
/** PyTorch DDP's default bucket size. */
export const DEFAULT_BUCKET_BYTES = 25 * 2 ** 20;

export type ReduceOp = 'sum' | 'max' | 'min' | 'product';

export interface ProcessGroupOptions {
  rank: number;
  worldSize: number;
  /** `tcp`: a TCPStore served by rank 0 at host:port; `file`: a FileStore at path (a shared folder). */
  store: { kind: 'tcp'; host: string; port: number } | { kind: 'file'; path: string };
  backend?: 'gloo' | 'nccl';
  timeoutMs?: number;
  /** The network interface Gloo binds to (GLOO_SOCKET_IFNAME); else the host's own address. */
  glooInterface?: string;
  /** NCCL: this rank's GPU (cuda:LOCAL_RANK); CPU tensors given to a collective go through it. */
  device?: string;
}

/** The c10d backends this addon was built with (gloo, and nccl with a CUDA libtorch). */
export function builtBackends(): string[] {
  return native.distBackends();
}

function wrapErrors<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DistributedError) throw error;
    const message = (error as Error).message;
    // The addon's collective errors already name the collective, the rank and the world.
    throw new DistributedError(message.startsWith('c10d ') ? message : `${what}: ${message}`, { cause: error });
  }
}

/**
 * A torch.distributed process group. Every collective runs on the JS thread and returns once
 * c10d's wait() has returned: an error or a time-out there throws a DistributedError.
 */
export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly backend: 'gloo' | 'nccl';
  readonly timeoutMs: number;
  readonly device: string;
  private handle: GroupHandle | undefined;

  private constructor(handle: GroupHandle, rank: number, worldSize: number, backend: 'gloo' | 'nccl', timeoutMs: number, device: string) {
    this.handle = handle;
    this.device = device;
    this.rank = rank;
    this.worldSize = worldSize;
    this.backend = backend;
    this.timeoutMs = timeoutMs;
  }

  /** Joins the group; returns once every rank has joined (or throws after the time-out). */
  static init(options: ProcessGroupOptions): ProcessGroup {
    const backend = options.backend ?? 'gloo';
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { rank, worldSize, store } = options;
    const where = store.kind === 'tcp' ? `a TCPStore at ${store.host}:${store.port}` : `a FileStore at ${store.path}`;
    const native_options: DistGroupOptions = {
      backend,
      store: store.kind,
      rank,
      worldSize,
      timeoutMs,
      ...(store.kind === 'tcp' ? { host: store.host, port: store.port } : { path: store.path }),
      // Gloo binds to one address: the loopback one when the store is local, else the host's.
      ...(options.glooInterface
        ? { glooInterface: options.glooInterface }
        : store.kind === 'file' || isLoopback(store.host)
          ? { glooHostname: '127.0.0.1' }
          : {}),
    };
    const handle = wrapErrors(`rank ${rank} of ${worldSize} could not join the ${backend} process group over ${where}`, () =>
      native.distInitProcessGroup(native_options),
    );
    return new ProcessGroup(handle, rank, worldSize, backend, timeoutMs, options.device ?? (backend === 'nccl' ? `cuda:${rank}` : 'cpu'));
  }

  private get group(): GroupHandle {
    if (this.handle === undefined) throw new DistributedError('process group used after destroy()');
    return this.handle;
  }

  /** In place: every tensor takes rank `root`'s values. */
  broadcast(tensors: Tensor[], root = 0): void {
    wrapErrors('broadcast', () =>
      native.distBroadcast(
        this.group,
        tensors.map((t) => t.handle),
        root,
      ),
    );
  }

  /** In place: the tensor becomes the reduction over all ranks. */
  allReduce(tensor: Tensor, op: ReduceOp = 'sum'): void {
    if (this.backend === 'nccl' && tensor.device === 'cpu') {
      // NCCL reduces GPU memory only: small CPU tensors (counters, flags) make a round trip.
      const moved = tensor.to(this.device);
      try {
        this.allReduce(moved, op);
        tensor.copy_(moved);
      } finally {
        moved.dispose();
      }
      return;
    }
    wrapErrors('all-reduce', () => native.distAllReduce(this.group, tensor.handle, op));
  }

  /**
   * In place, for gradients: flattened into buckets of `bucketBytes`, summed across ranks and,
   * after each bucket's wait(), divided by the world size. Returns the number of buckets.
   */
  allReduceMean(tensors: Tensor[], bucketBytes = DEFAULT_BUCKET_BYTES): number {
    if (tensors.length === 0) return 0;
    return wrapErrors('gradient all-reduce', () =>
      native.distAllReduceBuckets(
        this.group,
        tensors.map((t) => t.handle),
        bucketBytes,
        this.worldSize,
      ),
    );
  }

  barrier(): void {
    wrapErrors('barrier', () => native.distBarrier(this.group));
  }

  /** Leaves the group and closes its store; idempotent. */
  destroy(): void {
    if (this.handle === undefined) return;
    native.distDestroyProcessGroup(this.handle);
    this.handle = undefined;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}
