/** Functional neural-network ops (torch.nn.functional), each one libtorch call. */
import { native } from './native.js';
import { type Reduction, Tensor } from './tensor.js';

type Pair = number | [number, number];
function pair(value: Pair): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle));
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, options: Conv2dOptions = {}): Tensor {
  return new Tensor(
    native.conv2d(
      x.handle,
      weight.handle,
      bias?.handle,
      pair(options.stride ?? 1),
      pair(options.padding ?? 0),
      pair(options.dilation ?? 1),
      options.groups ?? 1,
    ),
  );
}

export interface BatchNormOptions {
  weight?: Tensor;
  bias?: Tensor;
  runningMean?: Tensor;
  runningVar?: Tensor;
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch normalisation; in training mode the running statistics are updated in place. */
export function batchNorm(x: Tensor, options: BatchNormOptions): Tensor {
  return new Tensor(
    native.batchNorm(
      x.handle,
      options.weight?.handle,
      options.bias?.handle,
      options.runningMean?.handle,
      options.runningVar?.handle,
      options.training,
      options.momentum ?? 0.1,
      options.eps ?? 1e-5,
    ),
  );
}

export function relu(x: Tensor): Tensor {
  return new Tensor(native.relu(x.handle));
}

export interface Pool2dOptions {
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}

export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions & { dilation?: Pair } = {}): Tensor {
  return new Tensor(
    native.maxPool2d(
      x.handle,
      pair(kernelSize),
      pair(options.stride ?? kernelSize),
      pair(options.padding ?? 0),
      pair(options.dilation ?? 1),
      options.ceilMode ?? false,
    ),
  );
}

export function avgPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  return new Tensor(
    native.avgPool2d(
      x.handle,
      pair(kernelSize),
      pair(options.stride ?? kernelSize),
      pair(options.padding ?? 0),
      options.ceilMode ?? false,
      options.countIncludePad ?? true,
    ),
  );
}

export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  return new Tensor(native.adaptiveAvgPool2d(x.handle, pair(outputSize)));
}

export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  return new Tensor(native.dropout(x.handle, p, training));
}

export function softmax(x: Tensor, dim: number): Tensor {
  return new Tensor(native.softmax(x.handle, dim));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  return new Tensor(native.logSoftmax(x.handle, dim));
}

/** Cross-entropy of logits against int64 class indices (or class probabilities). */
export function crossEntropy(logits: Tensor, target: Tensor, options: { reduction?: Reduction; labelSmoothing?: number } = {}): Tensor {
  return new Tensor(native.crossEntropy(logits.handle, target.handle, options.reduction ?? 'mean', options.labelSmoothing ?? 0));
}

export function nllLoss(logProbabilities: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.nllLoss(logProbabilities.handle, target.handle, reduction));
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.mseLoss(input.handle, target.handle, reduction));
}

export function oneHot(labels: Tensor, numClasses: number): Tensor {
  return labels.oneHot(numClasses);
}
