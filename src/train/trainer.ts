import { releaseScratch } from '../collapse/index.js';
import { DataParallel } from './data-parallel.js';
import { FollowerRunDirectory } from './follower-run-directory.js';
import { UsageError } from '../errors.js';
import type { ClassifierModel } from '../nn/models/classifier.js';
import { MultiStepLR, SGD } from '../optim/index.js';
import * as torch from '../torch/index.js';
import { type CheckpointProgress, saveCheckpoint } from './checkpoint-state.js';
import { defaultMilestones, DEFAULT_LR, parseTrainOptions, type ResolvedConfig, type TrainConfig, type TrainOptions } from './config.js';
import { disposeSplit, gatherBatch, shuffledBatchIndices, type TensorSplit } from './data-tensors.js';
import { trainingLoss } from './loss.js';
import { type EpochMeasurement, measureEpoch, NonFiniteOutputError } from './measure-epoch.js';
import { createProgress } from './progress.js';
import { buildRunModelAndData } from './run-model-and-data.js';
import { RunDirectory, type EpochRecord } from '../run/run-directory.js';
import { resumeSettings } from './resume-options.js';
import { loadResumePoint } from './resume-point.js';
import { measureEpochs } from './schedule.js';
import { removeStaleTemporaries } from './stale-temporaries.js';
import { EXIT_CODES, NcollapseError } from '../errors.js';
import { TrainingSetupError } from './training-setup-error.js';

export const NCOLLAPSE_VERSION = '0.1.0';

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

interface Loaded {
  config: ResolvedConfig;
  train: TensorSplit;
  test: TensorSplit | undefined;
  model: ClassifierModel;
}

/** The run's data and model, and its settings with every default made explicit (config.json). */
function prepare(settings: TrainConfig): Loaded {
  if (settings.threads) torch.setNumThreads(settings.threads);
  const device = torch.resolveDevice(settings.device);
  const isUfmRun = settings.dataset === 'ufm' || settings.model === 'ufm';
  if (isUfmRun && settings.robustness !== null) throw new UsageError('--robustness: an unconstrained-features run has no input images for DeepFool to perturb');
  const { model, train, test, numClasses, classNames, inputShape, isUfm } = buildRunModelAndData(settings, device);
  const config: ResolvedConfig = {
    ...settings,
    model: isUfm ? 'ufm' : settings.model,
    dataset: isUfm ? 'ufm' : settings.dataset,
    device,
    lr: settings.lr ?? DEFAULT_LR[settings.loss],
    lrMilestones: settings.lrMilestones ?? defaultMilestones(settings.epochs),
    measureEpochs: measureEpochs(settings.measure, settings.epochs),
    numClasses,
    classNames,
    inputShape,
    trainSize: train.count,
    testSize: test?.count ?? 0,
    modelOptions: { width: settings.width, depth: settings.depth, featureDim: model.featureDim },
    threads: torch.getNumThreads(),
    libtorchVersion: torch.libtorchVersion(),
    ncollapseVersion: NCOLLAPSE_VERSION,
    createdAt: new Date().toISOString(),
  };
  return { config, train, test, model };
}

/** The per-epoch seed: a resumed run redraws exactly the permutation the uninterrupted run drew. */
function epochSeed(seed: number, epoch: number): number {
  return (seed * 1_000_003 + epoch) % Number.MAX_SAFE_INTEGER;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains into the terminal phase with the paper's protocol, measuring collapse at the scheduled
 * epochs, checkpointing at each measured epoch, and leaving a run directory (docs/run-directory.md).
 */
export async function train(options: TrainOptions, control: TrainControl = {}): Promise<TrainResult> {
  // Under `ncollapse launch` or srun: one rank of a data-parallel run; only rank 0 writes.
  const dp = DataParallel.fromEnvironment();
  const writer = dp === undefined || dp.isWriter;
  try {
    // One live writer per run directory: a second train, resume or demo --fresh is refused, naming the first.
    const lock = writer && typeof options.out === 'string' && options.out !== '' ? new RunDirectory(String(options.out)).lockWriter(control.resume ? 'train --resume' : 'train') : undefined;
    try {
      return await trainRank(options, writer ? control : { ...control, quiet: true, writeReport: undefined }, dp);
    } finally {
      lock?.release();
    }
  } finally {
    dp?.destroy();
  }
}

async function trainRank(options: TrainOptions, control: TrainControl, dp: DataParallel | undefined): Promise<TrainResult> {
  const writer = dp === undefined || dp.isWriter;
  const run = writer ? new RunDirectory(String(options.out)) : new FollowerRunDirectory(String(options.out));
  let settings: TrainConfig;
  const notice = control.notice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let extended = false;
  if (control.resume) {
    if (!run.hasRun()) throw new TrainingSetupError(`--resume: ${run.configFile} does not exist; there is no run to resume in ${run.root}`);
    const resumed = resumeSettings(parseTrainOptions(run.readConfig() as TrainOptions, run.configFile), control.explicit ?? {}, run.configFile);
    resumed.notices.forEach(notice);
    ({ settings, extended } = resumed);
  } else {
    if (writer && run.hasRun()) {
      throw new TrainingSetupError(`${run.root} already holds a run (${run.configFile}); use --resume to continue it or choose another --out`);
    }
    settings = parseTrainOptions(options);
  }

  if (dp) {
    dp.checkBatchSize(settings.batchSize);
    // DeepFool's subset is drawn from the data a process holds, and a rank holds only its shard.
    if (settings.robustness !== null) throw new UsageError('--robustness is measured by one process: run it without launch/srun, or afterwards with `ncollapse robustness RUN`');
    settings = { ...settings, device: dp.deviceFor(settings.device) };
  }
  const { config, train: trainSplit, test: testSplit, model } = prepare(settings);
  // Checked before the run directory is made, so that a failed start leaves nothing behind.
  const batchesPerEpoch = Math.floor(trainSplit.count / config.batchSize);
  if (batchesPerEpoch === 0) {
    model.dispose();
    disposeSplit(trainSplit);
    if (testSplit) disposeSplit(testSplit);
    throw new TrainingSetupError(`--batch-size ${config.batchSize} is larger than the ${trainSplit.count} training samples (incomplete batches are skipped)`);
  }
  const optimizer = new SGD(model.parameters(), { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay });
  const scheduler = new MultiStepLR(optimizer, { milestones: config.lrMilestones, gamma: config.lrGamma });
  const measured = new Set(config.measureEpochs);
  let progressState: CheckpointProgress = { epoch: 0, batchesDone: 0, seconds: 0, tptEpoch: null };

  if (control.resume) {
    run.create();
    if (writer) for (const file of removeStaleTemporaries([run.root, run.checkpointDir])) notice(`removed ${file}, left by a write that was killed`);
    progressState = loadResumePoint(run, { model, optimizer, scheduler }, config.epochs, notice).progress;
    config.createdAt = String(run.readConfig().createdAt ?? config.createdAt);
    if (extended) run.writeConfig(config);
    run.truncateAfter(progressState.epoch);
  } else {
    run.create();
    run.writeConfig(config);
  }
  dp?.syncModule(model);

  let interrupted = false;
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    interrupted = true;
    signal = received;
  };
  if (control.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  const progress = createProgress(config.epochs, process.stderr, control.quiet);
  let { tptEpoch, seconds } = progressState;
  const records: EpochRecord[] = run.readMetrics();
  const status = (state: 'running' | 'finished' | 'diverged' | 'interrupted', epoch: number, message: string | null = null) =>
    run.writeStatus({ state, epoch, epochs: config.epochs, tptEpoch, message });

  const diverged = (what: string, epoch: number): never => {
    const last = run.checkpoints().pop();
    const message =
      `${what}; the run stopped. ` +
      (last ? `The last good checkpoint is ${last}.` : 'No checkpoint was written before that.') +
      ' Try a smaller --lr.';
    status('diverged', epoch - 1, message);
    throw new TrainingDivergedError(message);
  };

  try {
    status('running', progressState.epoch);
    for (let epoch = progressState.epoch + 1; epoch <= config.epochs; epoch++) {
      const skip = epoch === progressState.epoch + 1 ? progressState.batchesDone : 0;
      torch.manualSeed(epochSeed(config.seed, epoch));
      const lr = optimizer.paramGroups[0]!.lr;
      model.train();
      const batches = dp ? dp.batchIndices(trainSplit.count, config.batchSize, config.device) : shuffledBatchIndices(trainSplit.count, config.batchSize, config.device);
      progress.startEpoch(epoch, batchesPerEpoch);
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let b = skip; b < batches.length; b++) {
        const { loss, hits } = torch.tidy(() => {
          const batch = gatherBatch(trainSplit, batches[b]!);
          const logits = model.call(batch.inputs);
          const lossTensor = trainingLoss(config.loss, logits, batch.labels);
          optimizer.zeroGrad();
          lossTensor.backward();
          dp?.averageGradients(model.parameters());
          optimizer.step();
          return { loss: lossTensor.item(), hits: logits.argmax(1).eq(batch.labels).sum().item() };
        });
        if (!Number.isFinite(loss)) diverged(`the training loss became ${loss} at epoch ${epoch}, batch ${b + 1}`, epoch);
        lossSum += loss;
        correct += hits;
        seen += batches[b]!.size(0);
        const elapsed = (performance.now() - started) / 1000;
        if ((b & 7) === 0 || b === batches.length - 1) progress.update(b + 1, lossSum / (b + 1 - skip), correct / seen, seen / Math.max(elapsed, 1e-9));
        await yieldToEventLoop();
        // Every rank stops at the same step when any was asked to.
        if (dp ? dp.any(interrupted) : interrupted) {
          seconds += (performance.now() - started) / 1000;
          if (writer) saveCheckpoint(run.lastCheckpoint, { model, optimizer, scheduler }, { epoch: epoch - 1, batchesDone: b + 1, seconds, tptEpoch });
          progress.stop();
          status('interrupted', epoch - 1, `interrupted during epoch ${epoch}; continue with --resume`);
          torch.dispose(batches);
          return { runDir: run.root, config, records, tptEpoch, state: 'interrupted', signal };
        }
      }
      torch.dispose(batches);
      // A finite loss can still hide parameters that overflowed in the last steps.
      if (!allFinite(model.parameters())) diverged(`the parameters became NaN or infinite during epoch ${epoch}`, epoch);
      scheduler.step();
      seconds += (performance.now() - started) / 1000;

      let summary = '';
      if (measured.has(epoch)) {
        let measurement: EpochMeasurement;
        try {
          measurement = dp ? dp.measure(model, trainSplit, testSplit, config) : measureEpoch(model, trainSplit, testSplit, config);
        } catch (error) {
          if (error instanceof NonFiniteOutputError) diverged(`at the measurement after epoch ${epoch}, ${error.message}`, epoch);
          throw error;
        }
        const trainError = measurement.metrics.train_error;
        if (tptEpoch === null && trainError === 0) tptEpoch = epoch;
        const record: EpochRecord = { epoch, lr, seconds, ...measurement.metrics, tpt_epoch: tptEpoch };
        if (measurement.layers) record.layers = measurement.layers;
        run.appendMetrics(record);
        if (measurement.geometry) run.appendGeometry({ epoch, ...measurement.geometry });
        records.push(record);
        const state = { epoch, batchesDone: 0, seconds, tptEpoch };
        if (writer) saveCheckpoint(run.checkpointFor(epoch), { model, optimizer, scheduler }, state);
        if (writer) saveCheckpoint(run.lastCheckpoint, { model, optimizer, scheduler }, state);
        control.onMeasured?.(record);
        summary = `train error ${fmt(trainError)}${record.test_error !== undefined ? ` test error ${fmt(record.test_error as number)}` : ''}${record.nc1 !== undefined ? ` nc1 ${fmt(record.nc1 as number)}` : ''}`;
      }
      progress.endEpoch(summary);
      status('running', epoch);
    }
    if (writer && progressState.epoch < config.epochs && !measured.has(config.epochs)) {
      // An unmeasured last epoch (--measure none, or a list that ends early): the trained model is kept all the same.
      const state = { epoch: config.epochs, batchesDone: 0, seconds, tptEpoch };
      saveCheckpoint(run.checkpointFor(config.epochs), { model, optimizer, scheduler }, state);
      saveCheckpoint(run.lastCheckpoint, { model, optimizer, scheduler }, state);
    }
    progress.stop();
    status('finished', config.epochs);
    const reportPath = control.writeReport ? await control.writeReport(run.root) : undefined;
    return { runDir: run.root, config, records, tptEpoch, state: 'finished', reportPath };
  } catch (error) {
    // Leave a truthful status behind: the run is not running any more, and can be resumed.
    if (!(error instanceof TrainingDivergedError)) {
      const epoch = records.length > 0 ? records[records.length - 1]!.epoch : progressState.epoch;
      try {
        status('interrupted', epoch, `stopped by an error: ${(error as Error).message}`);
      } catch {
        // The status cannot be written either (a full disk): the first error is the one to report.
      }
    }
    throw error;
  } finally {
    progress.stop();
    if (control.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    model.dispose();
    optimizer.dispose();
    releaseScratch();
    disposeSplit(trainSplit);
    if (testSplit) disposeSplit(testSplit);
  }
}

function allFinite(tensors: torch.Tensor[]): boolean {
  return torch.tidy(() => tensors.every((t) => t.isfinite().all().item() === 1));
}

function fmt(value: number | undefined): string {
  if (value === undefined) return '-';
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(2);
}
