import type { Command } from 'commander';

import { EXIT_CODES } from '../errors.js';
import type { TrainOptions } from '../train/config.js';
import type { TrainResult } from '../train/trainer.js';
import { addTrainingOptions, commanderOptions, trainOptionsFromCli, type TrainCliOptions } from '../options/train-flags.js';
import { parseTrainOptions } from '../train/config.js';
import { explicitTrainOptions } from './explicit-options.js';
import { withPreset } from './preset-options.js';
import { reportWriter } from './report-writer.js';

/** Runs a training job from CLI options; shared by `train` and `demo`. Exit code 130 (SIGINT) or 143 (SIGTERM) when interrupted. */
export async function runTraining(options: TrainCliOptions, explicit?: Partial<TrainOptions>): Promise<TrainResult | undefined> {
  // Every option checked before libtorch is loaded or anything is read, built or written (a resume checks its config.json).
  if (!options.resume) parseTrainOptions(trainOptionsFromCli(options));
  // Loaded when a run starts, not at the top: the trainer loads libtorch, which --help never needs.
  const { train, TrainingDivergedError } = await import('../train/trainer.js');
  const { RunDirectory } = await import('../run/run-directory.js');
  try {
    const result = await train(trainOptionsFromCli(options), {
      resume: options.resume,
      explicit,
      quiet: options.quiet,
      handleSignals: true,
      writeReport: options.report ? reportWriter : undefined,
    });
    if (result.state === 'interrupted') {
      console.error(`interrupted: checkpoint written to ${new RunDirectory(result.runDir).lastCheckpoint}; continue with --resume --out ${result.runDir}`);
      process.exitCode = result.signal === 'SIGTERM' ? EXIT_CODES.sigterm : EXIT_CODES.sigint;
    } else if (result.reportPath) {
      console.log(`report: ${result.reportPath}`);
    }
    return result;
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      console.error(`ncollapse: ${error.message}`);
      process.exitCode = error.exitCode;
      return undefined;
    }
    throw error;
  }
}

export function register(program: Command): void {
  const command = program
    .command('train')
    .description("train a network into the terminal phase with the paper's protocol, measuring collapse")
    .addOption(commanderOptions('out')[0]!.makeOptionMandatory())
    .addOption(commanderOptions('resume')[0]!)
    .option('--preset <name>', "one of the paper's protocols (ncollapse presets lists them); explicit options override it");
  addTrainingOptions(command).action(async (options: TrainCliOptions & { preset?: string }, self: Command) => {
    await runTraining(withPreset(options, self), explicitTrainOptions(self));
  });
}
