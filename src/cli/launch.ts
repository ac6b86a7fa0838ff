import type { Command } from 'commander';

import { UsageError } from '../errors.js';
import { nonNegativeInteger, positiveInteger } from '../options/option-parsers.js';

/** The most ranks `launch` starts on one machine. */
export const MAX_NPROC = 128;

interface LaunchCliOptions {
  nproc: number;
  masterAddr: string;
  masterPort?: number;
  backends: boolean;
}

export function register(program: Command): void {
  program
    .command('launch')
    .description('run an ncollapse command (train) as N data-parallel processes on this machine, as torchrun does')
    .argument('[command...]', 'the ncollapse command and its options, e.g. train --dataset gaussian --out runs/a')
    .option('--nproc <n>', 'number of processes (ranks)', positiveInteger)
    .option('--master-addr <host>', "rank 0's address for the TCPStore", '127.0.0.1')
    .option('--master-port <port>', 'its port (default: a free one)', nonNegativeInteger)
    .option('--backends', 'print the c10d backends this build has (gloo, nccl) and exit', false)
    .passThroughOptions()
    .action(async (command: string[], options: LaunchCliOptions) => {
      // Loaded when the command runs: the process group loads libtorch, which --help and a usage error never need.
      if (options.backends) {
        const { builtBackends } = await import('../distributed/process-group.js');
        console.log(`c10d backends built: ${builtBackends().join(', ') || 'none'}`);
        return;
      }
      if (options.nproc === undefined) throw new UsageError('launch: --nproc <n> is required');
      // Each rank is a whole process with its own libtorch: more than this on one machine is a typo, not a plan.
      if (options.nproc > MAX_NPROC) throw new UsageError(`launch: --nproc ${options.nproc}: at most ${MAX_NPROC} processes on one machine`);
      if (command.length === 0) throw new UsageError('launch: name the command to run, e.g. ncollapse launch --nproc 2 train --out runs/a');
      const { checkMasterAddress } = await import('../distributed/master-address.js');
      await checkMasterAddress(options.masterAddr, '--master-addr');
      const { launch } = await import('../distributed/launcher.js');
      const code = await launch({
        nproc: options.nproc,
        masterAddr: options.masterAddr,
        masterPort: options.masterPort,
        argv: [process.execPath, ...process.execArgv, process.argv[1]!, ...command],
      });
      if (code !== 0) process.exitCode = code;
    });
}
