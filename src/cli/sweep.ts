import { type Command, Option } from 'commander';

import { nonNegativeInteger, positiveInteger } from '../options/option-parsers.js';
import type { RunOptions } from './sweep-actions.js';

/** The sweep's code (yaml, zod, the backends) is loaded when a sweep command runs, not for --help. */
const actions = () => import('./sweep-actions.js');

export function register(program: Command): void {
  const sweep = program.command('sweep').description("grids of training runs (the paper's learning-rate sweeps) on a local pool or SLURM");
  sweep
    .command('plan')
    .description('expand a grid file into DIR/sweep.jsonl (one resolved train configuration per line) and one run directory per row')
    .argument('<grid>', 'grid file (YAML): axes over train options, and fixed options')
    .requiredOption('--out <dir>', 'sweep directory (new or empty)')
    .option('--max-runs <n>', 'plan at most N runs (default 10000): a larger grid is refused unless this says so', positiveInteger)
    .action(async (grid: string, options: { out: string; maxRuns?: number }) => (await actions()).planCommand(grid, options));
  sweep
    .command('run')
    .description('run every run of a sweep that is not finished: a local pool of train processes, or one SLURM job array')
    .argument('<dir>', 'sweep directory')
    .addOption(new Option('--backend <backend>', 'where the runs go').choices(['local', 'slurm']).default('local'))
    .option('--parallel <n>', 'local: runs at a time', positiveInteger, 1)
    .option('--threads <n>', 'threads of each run (local default: the cores divided among the pool; slurm: --cpus-per-task)', positiveInteger)
    .option('--partition <name>', 'slurm: partition')
    .option('--time <limit>', 'slurm: time limit of each task (the task checkpoints and requeues itself 2 minutes before it)')
    .option('--gpus-per-task <n>', 'slurm: GPUs of each task', positiveInteger)
    .option('--cpus-per-task <n>', 'slurm: CPUs (and threads) of each task', positiveInteger, 1)
    .option('--max-running <k>', 'slurm: at most K tasks at once (--array=...%K)', positiveInteger)
    .action(async (dir: string, options: RunOptions) => (await actions()).runCommand(dir, options));
  sweep
    .command('task')
    .description('run one row of a sweep (what each SLURM array task runs): skipped when done, resumed when interrupted')
    .argument('<dir>', 'sweep directory')
    .requiredOption('--index <i>', 'row of sweep.jsonl (0-based; $SLURM_ARRAY_TASK_ID)', nonNegativeInteger)
    .option('--threads <n>', 'threads (default: $SLURM_CPUS_PER_TASK)', positiveInteger)
    .action(async (dir: string, options: { index: number; threads?: number }) => (await actions()).taskCommand(dir, options));
  sweep
    .command('status')
    .description('a table of the runs of a sweep: state, epoch, test error')
    .argument('<dir>', 'sweep directory')
    .action(async (dir: string) => (await actions()).statusCommand(dir));
  sweep
    .command('cancel')
    .description("stop a sweep's SLURM job or local pool; running trains checkpoint, finished runs stay")
    .argument('<dir>', 'sweep directory')
    .action(async (dir: string) => (await actions()).cancelCommand(dir));
}
