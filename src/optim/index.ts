/** Optimisers and learning-rate schedulers, in TypeScript over the tensor API. */
export type { Optimizer, OptimizerStateDict, ParamGroup, ParamGroupState } from './optimizer.js';
export { SGD, type SGDOptions, type SGDParamGroup, type SGDParamGroupInput, type SGDParamGroupState, type SGDStateDict } from './sgd.js';
export { LRScheduler, type LRSchedulerState } from './lr-scheduler.js';
export { MultiStepLR, type MultiStepLROptions } from './multi-step-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { Adam, AdamW, type AdamOptions, type AdamParamGroup, type AdamParamGroupInput, type AdamParamGroupState } from './adam.js';
