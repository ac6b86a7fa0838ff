import { DataParallel } from './data-parallel.js';
import { distributedEnvironment } from '../distributed/environment.js';
import { checkMasterAddress } from '../distributed/master-address.js';
import { EXIT_CODES, NcollapseError } from '../errors.js';
import { RunDirectory, type EpochRecord } from '../run/run-directory.js';
import { type CheckpointProgress, saveCheckpoint } from './checkpoint-state.js';
import type { ResolvedConfig, TrainOptions } from './config.js';
import { checkpointEpoch, type MeasureContext, measureAndCheckpoint, measuredSummary } from './measure-and-checkpoint.js';
import { type OpenedRun, openRun, startRunDirectory } from './open-run.js';
import { createProgress } from './progress.js';
import { SignalWatch } from './signal-watch.js';
import { type EpochContext, trainEpoch } from './train-epoch.js';
import { TrainingSession } from './training-session.js';

export { NCOLLAPSE_VERSION } from '../version.js';

export interface TrainControl {
  /** Continue the run in `out` from its last checkpoint. */
  resume?: boolean;
  /** No progress output (tests). */
  quiet?: boolean;
  /** Called after each measured epoch with its metrics line. */
  onMeasured?: (record: EpochRecord) => void;
  /** Install SIGINT/SIGTERM handlers that checkpoint before stopping (the CLI does). */
  handleSignals?: boolean;
  /** Writes the report at the end (injected so that training does not depend on the report code). */
  writeReport?: (runDir: string) => Promise<string>;
  /** With resume: the options the user gave explicitly (resume-options.ts says what becomes of them). */
  explicit?: Partial<TrainOptions>;
  /** Where notices go (a checkpoint passed over, an option ignored); stderr by default. */
  notice?: (line: string) => void;
}

export interface TrainResult {
  runDir: string;
  config: ResolvedConfig;
  records: EpochRecord[];
  tptEpoch: number | null;
  state: 'finished' | 'interrupted';
  /** The signal that interrupted the run. */
  signal?: NodeJS.Signals;
  reportPath?: string;
}

/** A NaN or infinite loss: the run stops and its last good checkpoint stays. */
export class TrainingDivergedError extends NcollapseError {
  override readonly exitCode: number = EXIT_CODES.diverged;
}

/**
 * Trains into the terminal phase with the paper's protocol, measuring collapse at the scheduled
 * epochs, checkpointing at each measured epoch, and leaving a run directory (docs/run-directory.md).
 */
export async function train(options: TrainOptions, control: TrainControl = {}): Promise<TrainResult> {
  // Under `ncollapse launch` or srun: one rank of a data-parallel run; only rank 0 writes.
  // A rank 0 address that does not resolve fails now, not after the store's whole time-out.
  const environment = distributedEnvironment();
  if (environment !== undefined)
    await checkMasterAddress(
      environment.masterAddr,
      environment.source === 'slurm' && process.env.MASTER_ADDR === undefined ? 'SLURM_JOB_NODELIST host' : 'MASTER_ADDR',
    );
  const dp = DataParallel.fromEnvironment();
  const writer = dp === undefined || dp.isWriter;
  try {
    // One live writer per run directory: a second train, resume or demo --fresh is refused, naming the first.
    const lock =
      writer && typeof options.out === 'string' && options.out !== ''
        ? new RunDirectory(String(options.out)).lockWriter(control.resume ? 'train --resume' : 'train')
        : undefined;
    try {
      return await trainRank(options, writer ? control : { ...control, quiet: true, writeReport: undefined }, dp);
    } finally {
      lock?.release();
    }
  } finally {
    dp?.destroy();
  }
}

/** Each step releases what it allocated when a later one fails: the session, then the signal handlers. */
async function trainRank(options: TrainOptions, control: TrainControl, dp: DataParallel | undefined): Promise<TrainResult> {
  const notice = control.notice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const opened = openRun(options, control.resume ?? false, control.explicit ?? {}, dp, notice);
  const session = TrainingSession.open(opened.settings, dp?.worldSize ?? 1);
  try {
    const start = startRunDirectory(opened, session, notice);
    dp?.syncModule(session.model);
    const signals = new SignalWatch(control.handleSignals ?? false);
    try {
      return await trainEpochs(opened, session, start, signals, control, dp);
    } finally {
      signals.dispose();
    }
  } finally {
    session.dispose();
  }
}

/** Trains from `start` to the last epoch (or a stop request), keeping status.json truthful throughout. */
async function trainEpochs(
  opened: OpenedRun,
  session: TrainingSession,
  start: CheckpointProgress,
  signals: SignalWatch,
  control: TrainControl,
  dp: DataParallel | undefined,
): Promise<TrainResult> {
  const { run, writer } = opened;
  const { config } = session;
  const measured = new Set(config.measureEpochs);
  const progress = createProgress(config.epochs, process.stderr, control.quiet);
  let { tptEpoch, seconds } = start;
  const records: EpochRecord[] = run.readMetrics();
  const status = (state: 'running' | 'finished' | 'diverged' | 'interrupted', epoch: number, message: string | null = null) =>
    run.writeStatus({ state, epoch, epochs: config.epochs, tptEpoch, message });

  const diverged = (what: string, epoch: number): never => {
    const last = run.checkpoints().pop();
    const message =
      `${what}; the run stopped. ` + (last ? `The last good checkpoint is ${last}.` : 'No checkpoint was written before that.') + ' Try a smaller --lr.';
    status('diverged', epoch - 1, message);
    throw new TrainingDivergedError(message);
  };
  const epochContext: EpochContext = { session, dp, progress, stopRequested: () => signals.interrupted, diverged };
  const measureContext: MeasureContext = { session, run, dp, writer, diverged };

  try {
    status('running', start.epoch);
    for (let epoch = start.epoch + 1; epoch <= config.epochs; epoch++) {
      const skip = epoch === start.epoch + 1 ? start.batchesDone : 0;
      const outcome = await trainEpoch(epochContext, epoch, skip);
      seconds += outcome.seconds;
      if (outcome.stoppedAfter !== null) {
        if (writer) saveCheckpoint(run.lastCheckpoint, session.parts, { epoch: epoch - 1, batchesDone: outcome.stoppedAfter, seconds, tptEpoch });
        progress.stop();
        status('interrupted', epoch - 1, `interrupted during epoch ${epoch}; continue with --resume`);
        return { runDir: run.root, config, records, tptEpoch, state: 'interrupted', signal: signals.signal };
      }
      let summary = '';
      if (measured.has(epoch)) {
        const record = measureAndCheckpoint(measureContext, epoch, outcome.lr, seconds, tptEpoch);
        tptEpoch = record.tpt_epoch as number | null;
        records.push(record);
        control.onMeasured?.(record);
        summary = measuredSummary(record);
      }
      progress.endEpoch(summary);
      status('running', epoch);
    }
    if (writer && start.epoch < config.epochs && !measured.has(config.epochs)) {
      // An unmeasured last epoch (--measure none, or a list that ends early): the trained model is kept all the same.
      checkpointEpoch(session, run, { epoch: config.epochs, batchesDone: 0, seconds, tptEpoch });
    }
    progress.stop();
    status('finished', config.epochs);
    const reportPath = control.writeReport ? await control.writeReport(run.root) : undefined;
    return { runDir: run.root, config, records, tptEpoch, state: 'finished', reportPath };
  } catch (error) {
    // Leave a truthful status behind: the run is not running any more, and can be resumed.
    if (!(error instanceof TrainingDivergedError)) {
      const epoch = records.length > 0 ? records[records.length - 1]!.epoch : start.epoch;
      try {
        status('interrupted', epoch, `stopped by an error: ${(error as Error).message}`);
      } catch {
        // The status cannot be written either (a full disk): the first error is the one to report.
      }
    }
    throw error;
  } finally {
    progress.stop();
  }
}
