import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { distributedEnvironment, firstSlurmHost } from '../../src/distributed/environment.js';
import { rankBatchIndices } from '../../src/distributed/sampler.js';
import { UsageError } from '../../src/errors.js';
import * as torch from '../../src/torch/index.js';
import { shuffledBatchIndices } from '../../src/train/data-tensors.js';

describe('distributed environment', () => {
  it('reads torchrun variables, and a world of 1 or no variables is a single process', () => {
    const env = distributedEnvironment({ RANK: '1', WORLD_SIZE: '3', LOCAL_RANK: '1', MASTER_ADDR: '10.0.0.2', MASTER_PORT: '29511' });
    assert.deepEqual(
      { ...env, timeoutMs: env?.timeoutMs },
      { rank: 1, worldSize: 3, localRank: 1, masterAddr: '10.0.0.2', masterPort: 29511, source: 'torchrun', timeoutMs: 600_000, backend: 'gloo' },
    );
    assert.equal(distributedEnvironment({ RANK: '0', WORLD_SIZE: '1' }), undefined);
    assert.equal(distributedEnvironment({}), undefined);
    assert.equal(distributedEnvironment({ RANK: '0', WORLD_SIZE: '2', MASTER_PORT: '1', NCOLLAPSE_DIST_TIMEOUT: '5' })?.timeoutMs, 5000);
  });

  it('reads srun variables: rank, world, local rank, the first node as master and a port from the job id', () => {
    const env = distributedEnvironment({
      SLURM_PROCID: '2',
      SLURM_NTASKS: '4',
      SLURM_LOCALID: '0',
      SLURM_JOB_NODELIST: 'gpu[07-09,12],cpu1',
      SLURM_JOB_ID: '123456',
    });
    assert.equal(env?.source, 'slurm');
    assert.equal(env?.rank, 2);
    assert.equal(env?.worldSize, 4);
    assert.equal(env?.localRank, 0);
    assert.equal(env?.masterAddr, 'gpu07');
    assert.equal(env?.masterPort, 20000 + (123456 % 20000));
    assert.equal(distributedEnvironment({ SLURM_PROCID: '0', SLURM_NTASKS: '1' }), undefined);
    assert.equal(distributedEnvironment({ SLURM_PROCID: '0', SLURM_NTASKS: '4', NCOLLAPSE_DISTRIBUTED: '0' }), undefined);
  });

  it('names the variable and what was expected when a value is bad', () => {
    assert.throws(
      () => distributedEnvironment({ RANK: '2', WORLD_SIZE: '2', MASTER_PORT: '5' }),
      (e: Error) => e instanceof UsageError && /RANK=2/.test(e.message),
    );
    assert.throws(() => distributedEnvironment({ RANK: 'x', WORLD_SIZE: '2', MASTER_PORT: '5' }), /RANK="x": expected an integer >= 0/);
    assert.throws(() => distributedEnvironment({ RANK: '0', WORLD_SIZE: '2' }), /MASTER_PORT=undefined/);
    assert.throws(() => distributedEnvironment({ RANK: '0', WORLD_SIZE: '2', MASTER_PORT: '5', NCOLLAPSE_DIST_BACKEND: 'mpi' }), /expected gloo or nccl/);
  });

  it('takes the first host of SLURM node lists', () => {
    assert.equal(firstSlurmHost('node01'), 'node01');
    assert.equal(firstSlurmHost('a,b'), 'a');
    assert.equal(firstSlurmHost('n[3-5]'), 'n3');
    assert.equal(firstSlurmHost('rack1-n[010,012-014]'), 'rack1-n010');
  });
});

describe('rank batches', () => {
  it('the ranks of a world together take exactly the single-process batches, padded and strided by rank', () => {
    const count = 103;
    const single = torch.tidy(() => {
      torch.manualSeed(5);
      return shuffledBatchIndices(count, 12, 'cpu').map((b) => b.toArray());
    });
    for (const worldSize of [1, 2, 3, 4]) {
      const perRank = [...Array(worldSize).keys()].map((rank) =>
        torch.tidy(() => {
          torch.manualSeed(5);
          return rankBatchIndices(count, 12, worldSize, rank, 'cpu').map((b) => b.toArray());
        }),
      );
      const batches = Math.min(...perRank.map((r) => r.length));
      assert.ok(batches >= single.length, `world ${worldSize}: ${batches} batches`);
      for (let b = 0; b < single.length; b++) {
        const union = perRank.flatMap((r) => r[b]!).sort((x, y) => x - y);
        assert.deepEqual(
          union,
          [...single[b]!].sort((x, y) => x - y),
          `world ${worldSize}, batch ${b}`,
        );
        for (const r of perRank) assert.equal(r[b]!.length, 12 / worldSize);
      }
    }
  });
});
