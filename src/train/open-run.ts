import type { DataParallel } from './data-parallel.js';
import { UsageError } from '../errors.js';
import { RunDirectory } from '../run/run-directory.js';
import type { CheckpointProgress } from './checkpoint-state.js';
import { parseTrainOptions, type TrainConfig, type TrainOptions } from './config.js';
import { FollowerRunDirectory } from './follower-run-directory.js';
import { checkResumeWorldSize, resumeSettings } from './resume-options.js';
import { loadResumePoint } from './resume-point.js';
import type { TrainingSession } from './training-session.js';
import { TrainingSetupError } from './training-setup-error.js';

/** A run about to start or continue: its directory and settings. Nothing is allocated or written yet. */
export interface OpenedRun {
  run: RunDirectory;
  settings: TrainConfig;
  resume: boolean;
  /** A resume whose --epochs lengthens the run (config.json is written again). */
  extended: boolean;
  /** Only the writer (rank 0, or a run alone) writes the run directory. */
  writer: boolean;
}

/**
 * Reads the settings of the run in `options.out`: those given for a new run, those of config.json
 * (with what resume-options.ts allows changing) for a resumed one. Refuses a new run where one
 * exists and a resume where none does; under data parallelism, fits the settings to this rank.
 */
export function openRun(
  options: TrainOptions,
  resume: boolean,
  explicit: Partial<TrainOptions>,
  dp: DataParallel | undefined,
  notice: (line: string) => void,
): OpenedRun {
  const writer = dp === undefined || dp.isWriter;
  const run = writer ? new RunDirectory(String(options.out)) : new FollowerRunDirectory(String(options.out));
  let settings: TrainConfig;
  let extended = false;
  if (resume) {
    if (!run.hasRun()) throw new TrainingSetupError(`--resume: ${run.configFile} does not exist; there is no run to resume in ${run.root}`);
    const resumed = resumeSettings(parseTrainOptions(run.readConfig() as TrainOptions, run.configFile), explicit, run.configFile);
    checkResumeWorldSize(run.readConfig().worldSize, dp?.worldSize ?? 1, run.configFile);
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
    if (settings.robustness !== null)
      throw new UsageError('--robustness is measured by one process: run it without launch/srun, or afterwards with `ncollapse robustness RUN`');
    settings = { ...settings, device: dp.deviceFor(settings.device) };
  }
  return { run, settings, resume, extended, writer };
}

/**
 * Makes the run directory ready for training and says where training starts: a new run writes its
 * config.json; a resumed one loads its newest intact checkpoint into the session and drops what was
 * measured after it. Called once the session is open, so that a failed start leaves nothing behind.
 */
export function startRunDirectory(opened: OpenedRun, session: TrainingSession, notice: (line: string) => void): CheckpointProgress {
  const { run, writer } = opened;
  const { config } = session;
  run.create();
  if (!opened.resume) {
    run.writeConfig(config);
    return { epoch: 0, batchesDone: 0, seconds: 0, tptEpoch: null };
  }
  if (writer) for (const file of run.removeStaleTemporaries()) notice(`removed ${file}, left by a write that was killed`);
  const { progress } = loadResumePoint(run, session.parts, config.epochs, notice);
  config.createdAt = String(run.readConfig().createdAt ?? config.createdAt);
  if (opened.extended) run.writeConfig(config);
  run.truncateAfter(progress.epoch);
  return progress;
}
