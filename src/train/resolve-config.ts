import * as torch from '../torch/index.js';
import { NCOLLAPSE_VERSION } from '../version.js';
import { defaultMilestones, type ResolvedConfig, type TrainConfig } from './config.js';
import { type RunModelAndData, UFM } from './run-model-and-data.js';
import { defaultLr } from './default-lr.js';
import { measureEpochs } from './schedule.js';

/** A run's settings with every default made explicit, and what its data and model turned out to be (config.json). */
export function resolveConfig(settings: TrainConfig, device: string, built: RunModelAndData, worldSize: number): ResolvedConfig {
  const { model, train, test, numClasses, classNames, inputShape, isUfm } = built;
  return {
    ...settings,
    model: isUfm ? UFM : settings.model,
    dataset: isUfm ? UFM : settings.dataset,
    device,
    lr: settings.lr ?? defaultLr(settings.optimizer, settings.loss),
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
    ...(built.imbalance ? { classCounts: built.imbalance.counts, minorityClasses: built.imbalance.minority } : {}),
  };
}
