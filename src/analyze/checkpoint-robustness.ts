/** `ncollapse robustness RUN`: the paper's DeepFool measure for a saved model of a run. */
import { existsSync } from 'node:fs';

import { InputFileError, UsageError } from '../errors.js';
import { RunDirectory } from '../run/run-directory.js';
import { robustnessMetrics } from '../robustness/measure-robustness.js';
import * as torch from '../torch/index.js';
import { disposeSplit } from '../train/data-tensors.js';
import { buildRunModelAndData } from '../train/run-model-and-data.js';
import { loadModelWeights, readRunConfig, runModelAndDataSettings } from './analyze-checkpoint.js';

export interface CheckpointRobustnessOptions {
  /** The run directory (config.json, checkpoints/). */
  run: string;
  /** A measured epoch (checkpoints/epoch-NNNN.safetensors); default: checkpoints/last.safetensors. */
  epoch?: number;
  /** Images per split; default: the run's --robustness, else 200. */
  samples?: number;
  device?: string;
}

export interface CheckpointRobustness {
  checkpoint: string;
  samples: number;
  metrics: Record<string, number>;
}

export const DEFAULT_ROBUSTNESS_SAMPLES = 200;

/** The checkpoint of a run at an epoch, or its last one; the error for a missing one lists the epochs there are. */
export function runCheckpoint(root: string, epoch?: number): string {
  const run = new RunDirectory(root);
  if (!run.hasRun()) throw new InputFileError(run.configFile, 'no such file: RUN must be a run directory written by ncollapse train');
  const file = epoch === undefined ? run.lastCheckpoint : run.checkpointFor(epoch);
  if (!existsSync(file)) {
    const epochs = run.checkpointEpochs();
    throw new InputFileError(file, `no such checkpoint; this run saved the measured epochs ${epochs.length ? epochs.join(', ') : '(none yet)'}`);
  }
  return file;
}

/**
 * Rebuilds the run's model and data as the trainer did (same dataset options and seed, so the
 * same images in the subset as `train --robustness`), loads the checkpoint and attacks it.
 */
export function checkpointRobustness(options: CheckpointRobustnessOptions): CheckpointRobustness {
  const checkpoint = runCheckpoint(options.run, options.epoch);
  const config = readRunConfig(checkpoint);
  if (config.model === 'ufm') throw new UsageError(`${checkpoint}: an unconstrained-features run has no input images for DeepFool to perturb`);
  const samples = options.samples ?? config.robustness ?? DEFAULT_ROBUSTNESS_SAMPLES;
  const device = torch.resolveDevice(options.device ?? 'cpu');
  const { model, train, test } = buildRunModelAndData(runModelAndDataSettings(config), device);
  try {
    loadModelWeights(model, checkpoint);
    return { checkpoint, samples, metrics: robustnessMetrics(model, { train, test: test! }, samples, config.seed ?? 0) };
  } finally {
    disposeSplit(train);
    if (test) disposeSplit(test);
    model.dispose();
  }
}
