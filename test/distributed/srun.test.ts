import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { startCluster, type TestCluster } from '../sweep/slurm-cluster.js';
import { BIN, metricsWithoutTime, runCli } from '../train/cli-run.js';

const execFileAsync = promisify(execFile);

/**
 * `srun -n 2 ncollapse train ...` on a real one-node SLURM (the sweep tests' cluster): each task
 * takes its rank from SLURM_PROCID/SLURM_NTASKS and the master from SLURM_JOB_NODELIST, and the two
 * ranks train one run together. It must equal the same run started by `ncollapse launch --nproc 2`,
 * which reads torchrun's variables instead: same world, same batches, same metrics.
 */

const TRAIN = ['train', '--dataset', 'gaussian', '--model', 'mlp', '--width', '0.25', '--epochs', '3', '--measure', 'all', '--no-report', '--batch-size', '32'];

describe('srun -n 2 under SLURM', { timeout: 300_000 }, () => {
  let cluster: TestCluster | undefined;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'ncollapse-srun-'));
    cluster = await startCluster();
  });

  after(async () => {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('trains one data-parallel run over two SLURM tasks, equal to launch --nproc 2', async () => {
    const viaSrun = join(work, 'srun');
    const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: cluster!.slurmConf, OMP_NUM_THREADS: '1' };
    // No MASTER_* variables: the ranks must find each other from SLURM's own environment.
    delete env.MASTER_ADDR;
    delete env.MASTER_PORT;
    const { stderr } = await execFileAsync(
      'srun',
      ['-n', '2', '--cpus-per-task', '1', '--kill-on-bad-exit=1', '--time', '4', process.execPath, BIN, ...TRAIN, '--out', viaSrun],
      {
        env,
        encoding: 'utf8',
        timeout: 240_000,
      },
    ).catch((error: Error & { stderr?: string; stdout?: string }) => {
      throw new Error(`srun failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    const status = JSON.parse(readFileSync(join(viaSrun, 'status.json'), 'utf8')) as { state: string; epoch: number };
    assert.deepEqual([status.state, status.epoch], ['finished', 3], stderr);

    const viaLaunch = join(work, 'launch');
    const launched = await runCli(['launch', '--nproc', '2', ...TRAIN, '--out', viaLaunch]);
    assert.equal(launched.code, 0, launched.stderr);

    const srunMetrics = metricsWithoutTime(join(viaSrun, 'metrics.jsonl'));
    assert.deepEqual(
      srunMetrics.map((line) => line.epoch),
      [1, 2, 3],
    );
    assert.ok(
      srunMetrics.every((line) => typeof line.nc1 === 'number' && typeof line.test_error === 'number'),
      'every epoch measured',
    );
    assert.deepEqual(srunMetrics, metricsWithoutTime(join(viaLaunch, 'metrics.jsonl')));
  });
});
