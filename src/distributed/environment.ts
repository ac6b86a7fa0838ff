import { UsageError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from './process-group.js';

/** Where this process sits in a distributed run, as torchrun or srun describe it. */
export interface DistributedEnvironment {
  rank: number;
  worldSize: number;
  localRank: number;
  masterAddr: string;
  masterPort: number;
  /** Which variables it came from, for messages. */
  source: 'torchrun' | 'slurm';
  timeoutMs: number;
  /** NCOLLAPSE_DIST_BACKEND, else gloo. */
  backend: 'gloo' | 'nccl';
  /** GLOO_SOCKET_IFNAME, as PyTorch reads it. */
  glooInterface?: string;
  /**
   * NCOLLAPSE_STORE_FILE: a FileStore in a private folder instead of rank 0's TCPStore. `launch`
   * sets it for ranks that all run on this machine: libtorch 1.13's TCPStore cannot be told which
   * address to listen on and listens on every interface; a file in a 0700 folder is reachable by
   * this user alone.
   */
  storeFile?: string;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, min: number): number {
  const text = env[name];
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new UsageError(`environment variable ${name}=${JSON.stringify(text)}: expected an integer >= ${min}`);
  }
  return value;
}

/**
 * The first host of a SLURM node list (`scontrol show hostnames` would print it first):
 * `node[03-05,9],gpu1` -> `node03`, `a,b` -> `a`.
 */
export function firstSlurmHost(nodelist: string): string {
  const match = /^([^,[]+)(?:\[([^\]]+)\])?/.exec(nodelist.trim());
  if (!match) throw new UsageError(`environment variable SLURM_JOB_NODELIST=${JSON.stringify(nodelist)} names no host`);
  const [, prefix, range] = match;
  if (range === undefined) return prefix!;
  return prefix + range.split(',')[0]!.split('-')[0]!;
}

/**
 * The distributed run this process belongs to, or undefined when it runs alone. torchrun's
 * variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; `ncollapse launch` sets them)
 * come first; else srun's (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, the first host of
 * SLURM_JOB_NODELIST, and a port derived from SLURM_JOB_ID unless MASTER_PORT is set).
 * NCOLLAPSE_DISTRIBUTED=0 ignores them all (a batch script of a multi-task job that runs one
 * process without srun still sees SLURM_NTASKS).
 */
export function distributedEnvironment(env: Env = process.env): DistributedEnvironment | undefined {
  if (env.NCOLLAPSE_DISTRIBUTED === '0') return undefined;
  const timeoutMs = env.NCOLLAPSE_DIST_TIMEOUT === undefined ? DEFAULT_TIMEOUT_MS : integer(env, 'NCOLLAPSE_DIST_TIMEOUT', 1) * 1000;
  const backendName = env.NCOLLAPSE_DIST_BACKEND ?? 'gloo';
  if (backendName !== 'gloo' && backendName !== 'nccl') {
    throw new UsageError(`environment variable NCOLLAPSE_DIST_BACKEND=${JSON.stringify(backendName)}: expected gloo or nccl`);
  }
  const common = {
    timeoutMs,
    backend: backendName as 'gloo' | 'nccl',
    ...(env.GLOO_SOCKET_IFNAME ? { glooInterface: env.GLOO_SOCKET_IFNAME } : {}),
    ...(env.NCOLLAPSE_STORE_FILE ? { storeFile: env.NCOLLAPSE_STORE_FILE } : {}),
  };
  if (env.WORLD_SIZE !== undefined) {
    const worldSize = integer(env, 'WORLD_SIZE', 1);
    if (worldSize === 1) return undefined;
    const rank = integer(env, 'RANK', 0);
    if (rank >= worldSize) throw new UsageError(`environment variable RANK=${rank}: expected a rank below WORLD_SIZE=${worldSize}`);
    return {
      rank,
      worldSize,
      localRank: env.LOCAL_RANK === undefined ? rank : integer(env, 'LOCAL_RANK', 0),
      masterAddr: env.MASTER_ADDR ?? '127.0.0.1',
      masterPort: integer(env, 'MASTER_PORT', 1),
      source: 'torchrun',
      ...common,
    };
  }
  if (env.SLURM_NTASKS !== undefined && env.SLURM_PROCID !== undefined) {
    const worldSize = integer(env, 'SLURM_NTASKS', 1);
    if (worldSize === 1) return undefined;
    const rank = integer(env, 'SLURM_PROCID', 0);
    if (rank >= worldSize) throw new UsageError(`environment variable SLURM_PROCID=${rank}: expected a rank below SLURM_NTASKS=${worldSize}`);
    const jobId = env.SLURM_JOB_ID === undefined ? 0 : integer(env, 'SLURM_JOB_ID', 0);
    return {
      rank,
      worldSize,
      localRank: env.SLURM_LOCALID === undefined ? 0 : integer(env, 'SLURM_LOCALID', 0),
      masterAddr: env.MASTER_ADDR ?? firstSlurmHost(env.SLURM_JOB_NODELIST ?? '127.0.0.1'),
      // Every task of a job derives the same port; jobs sharing a node get different ones.
      masterPort: env.MASTER_PORT === undefined ? 20000 + (jobId % 20000) : integer(env, 'MASTER_PORT', 1),
      source: 'slurm',
      ...common,
    };
  }
  return undefined;
}
