/** Layers over the tensor API, after torch.nn: PyTorch's defaults, initialisations and state-dict names. */
export { Module, type ForwardHook, type HookHandle } from './module.js';
export * as init from './init.js';
export { Linear, Identity, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm.js';
export { ReLU } from './activation.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './pooling.js';
export { Flatten } from './flatten.js';
export { Dropout } from './dropout.js';
export { Sequential } from './container.js';
export { castFloating } from './cast.js';
