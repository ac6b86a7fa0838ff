import * as torch from '../torch/index.js';
import { defaultMilestones, DEFAULT_LR, type ResolvedConfig, type TrainConfig } from './config.js';
import type { RunModelAndData } from './run-model-and-data.js';
import { measureEpochs } from './schedule.js';

export const NCOLLAPSE_VERSION = '0.1.0';

/** A run's settings with every default made explicit, and what its data and model turned out to be (config.json). */
export function resolveConfig(settings: TrainConfig, device: string, built: RunModelAndData, worldSize = 1): ResolvedConfig {
  const { model, train, test, numClasses, classNames, inputShape, isUfm } = built;
  return {
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
    worldSize,
    libtorchVersion: torch.libtorchVersion(),
    ncollapseVersion: NCOLLAPSE_VERSION,
    createdAt: new Date().toISOString(),
  };
}
