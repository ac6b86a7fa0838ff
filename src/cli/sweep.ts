import { type Command, Option } from 'commander';

import { EXIT_CODES } from '../errors.js';
import { SweepUsageError } from '../sweep/errors.js';
import { axesText, formatOutcome, runLocalPool, runningLocalPool } from '../sweep/local-backend.js';
import { planSweep } from '../sweep/plan.js';
import { cancelSlurm, queuedTasks, readSlurmJob, requeueSelf, submitSlurm } from '../sweep/slurm-backend.js';
import { statusTable, sweepStatus } from '../sweep/status.js';
import { SweepDirectory } from '../sweep/sweep-directory.js';
import { startSweepTask } from '../sweep/task.js';
import { nonNegativeInteger, positiveInteger } from '../options/option-parsers.js';

function log(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
}

interface RunOptions {
  backend: 'local' | 'slurm';
  parallel: number;
  threads?: number;
  partition?: string;
  time?: string;
  gpusPerTask?: number;
  cpusPerTask: number;
  maxRunning?: number;
}

async function runCommand(dir: string, options: RunOptions): Promise<void> {
  const sweep = new SweepDirectory(dir);
  sweep.readInfo();
  if (options.backend === 'slurm') {
    const job = await submitSlurm(sweep, {
      partition: options.partition,
      time: options.time,
      gpusPerTask: options.gpusPerTask,
      cpusPerTask: options.threads ?? options.cpusPerTask,
      maxRunning: options.maxRunning,
    });
    if (!job) {
      console.log(`every run of ${sweep.root} is finished or diverged: nothing to submit`);
      return;
    }
    console.log(`submitted job ${job.jobId}: ${job.indices.length} array tasks (sbatch ${job.sbatch.join(' ')})`);
    console.log(`follow it with 'ncollapse sweep status ${dir}', stop it with 'ncollapse sweep cancel ${dir}'`);
    return;
  }
  const result = await runLocalPool(sweep, { parallel: options.parallel, threads: options.threads, log });
  const status = await sweepStatus(sweep);
  console.log('');
  console.log(statusTable(status));
  if (result.stopped) {
    console.log(`stopped; continue with 'ncollapse sweep run ${dir} --backend local'`);
    process.exitCode = EXIT_CODES.sigint;
  } else if (result.outcomes.some(({ outcome }) => outcome.state === 'failed')) {
    process.exitCode = EXIT_CODES.error;
  } else if (status.runs.some((run) => run.state === 'finished')) {
    console.log(`report: ncollapse report ${dir}`);
  }
}

/** One array task (or one row by hand): idempotent, and on SLURM's USR1 it checkpoints and requeues itself. */
async function taskCommand(dir: string, options: { index: number; threads?: number }): Promise<void> {
  const sweep = new SweepDirectory(dir);
  const row = sweep.row(options.index);
  const slurmThreads = Number(process.env.SLURM_CPUS_PER_TASK);
  const threads = options.threads ?? (Number.isInteger(slurmThreads) && slurmThreads > 0 ? slurmThreads : undefined);
  const restarts = process.env.SLURM_RESTART_COUNT ? ` (SLURM restart ${process.env.SLURM_RESTART_COUNT})` : '';
  const handle = startSweepTask(sweep, row, { threads, output: 'inherit' });
  const what = `task ${row.index} (${row.id}, ${axesText(row)})`;
  if (handle.start === 'skip') {
    const outcome = await handle.done;
    log(`${what}: already ${outcome.state}; not run again${restarts}`);
    return;
  }
  log(`${what}: ${handle.start === 'resume' ? 'resuming from its checkpoint' : handle.start === 'restart' ? 'starting again (it stopped before its first checkpoint)' : 'starting'}${restarts}`);
  let requeue = false;
  const onUsr1 = () => {
    log(`${what}: the time limit is near (USR1): checkpointing, then requeueing`);
    requeue = true;
    handle.stop('SIGTERM');
  };
  const onStop = (signal: NodeJS.Signals) => {
    log(`${what}: ${signal}: checkpointing`);
    handle.stop('SIGTERM');
  };
  process.on('SIGUSR1', onUsr1);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  try {
    const outcome = await handle.done;
    log(`${what}: ${formatOutcome(outcome)}`);
    // Whatever state the run stopped in (a signal during train's start-up kills it before it can
    // checkpoint), the next life of the task continues or restarts it.
    if (requeue && outcome.state !== 'finished' && outcome.state !== 'diverged') {
      const id = await requeueSelf();
      log(id ? `${what}: requeued as ${id}; it resumes from its checkpoint` : `${what}: not under SLURM, not requeued`);
    }
    process.exitCode =
      outcome.state === 'finished' ? EXIT_CODES.ok : outcome.state === 'diverged' ? EXIT_CODES.diverged : outcome.state === 'interrupted' ? EXIT_CODES.sigterm : EXIT_CODES.error;
  } finally {
    process.off('SIGUSR1', onUsr1);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
  }
}

async function cancelCommand(dir: string): Promise<void> {
  const sweep = new SweepDirectory(dir);
  sweep.readInfo();
  let cancelled = false;
  const job = readSlurmJob(sweep);
  if (job && (await queuedTasks(job.jobId)).size > 0) {
    await cancelSlurm(job);
    console.log(`cancelled slurm job ${job.jobId}; running tasks write a checkpoint as they stop`);
    cancelled = true;
  }
  const pool = runningLocalPool(sweep);
  if (pool !== null) {
    process.kill(pool, 'SIGTERM');
    console.log(`asked the local pool (pid ${pool}) to stop; running trains write a checkpoint as they stop`);
    cancelled = true;
  }
  if (!cancelled) throw new SweepUsageError(`${sweep.root}: nothing to cancel (no slurm job queued or running, no local pool)`);
  console.log(`finished runs are kept; continue later with 'ncollapse sweep run ${dir}'`);
}

export function register(program: Command): void {
  const sweep = program.command('sweep').description("grids of training runs (the paper's learning-rate sweeps) on a local pool or SLURM");
  sweep
    .command('plan')
    .description('expand a grid file into DIR/sweep.jsonl (one resolved train configuration per line) and one run directory per row')
    .argument('<grid>', 'grid file (YAML): axes over train options, and fixed options')
    .requiredOption('--out <dir>', 'sweep directory (new or empty)')
    .action((grid: string, options: { out: string }) => {
      const { sweep: dir, rows, created } = planSweep(grid, options.out);
      console.log(`${created ? 'planned' : 'already planned:'} ${rows.length} runs in ${dir.root} (sweep.jsonl)`);
    });
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
    .action(runCommand);
  sweep
    .command('task')
    .description('run one row of a sweep (what each SLURM array task runs): skipped when done, resumed when interrupted')
    .argument('<dir>', 'sweep directory')
    .requiredOption('--index <i>', 'row of sweep.jsonl (0-based; $SLURM_ARRAY_TASK_ID)', nonNegativeInteger)
    .option('--threads <n>', 'threads (default: $SLURM_CPUS_PER_TASK)', positiveInteger)
    .action(taskCommand);
  sweep
    .command('status')
    .description('a table of the runs of a sweep: state, epoch, test error')
    .argument('<dir>', 'sweep directory')
    .action(async (dir: string) => {
      console.log(statusTable(await sweepStatus(new SweepDirectory(dir))));
    });
  sweep
    .command('cancel')
    .description("stop a sweep's SLURM job or local pool; running trains checkpoint, finished runs stay")
    .argument('<dir>', 'sweep directory')
    .action(cancelCommand);
}
