import * as torch from '../torch/index.js';
import { NCOLLAPSE_VERSION } from '../version.js';
import { defaultMilestones, DEFAULT_LR, type ResolvedConfig, type TrainConfig } from './config.js';
import { type RunModelAndData, UFM } from './run-model-and-data.js';
import { measureEpochs } from './schedule.js';


/** A run's settings with every default made explicit, and what its data and model turned out to be (config.json). */
export function resolveConfig(settings: TrainConfig, device: string, built: RunModelAndData): ResolvedConfig {
  const { model, train, test, numClasses, classNames, inputShape, isUfm } = built;
  return {
    ...settings,
    model: isUfm ? UFM : settings.model,
    dataset: isUfm ? UFM : settings.dataset,
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
}
