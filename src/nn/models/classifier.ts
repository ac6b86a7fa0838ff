import type { Linear } from '../linear.js';
import type { Module } from '../module.js';

/**
 * What the trainer and the collapse measurements need from every model. The penultimate
 * features h are the INPUT of `classifier` (read them with a forward hook on it), the class
 * means and the classifier's weight W = classifier.weight (C x p) are what neural collapse
 * compares, and `blockNames()` lists the modules whose outputs give layer-wise collapse.
 */
export interface ClassifierModel extends Module {
  /** The last layer, Linear(featureDim, numClasses): its input is the penultimate feature h. */
  readonly classifier: Linear;
  /** p, the dimension of h. */
  readonly featureDim: number;
  /** C. */
  readonly numClasses: number;
  /** Dotted module names (as in namedModules()) whose outputs are the "blocks", in depth order. */
  blockNames(): string[];
}

/** Channels times a width multiplier, rounded half up, at least 1 (test/fixtures/nn/make_nn_golden.py's `scaled`). */
export function scaledChannels(channels: number, width: number): number {
  if (!(width > 0) || !Number.isFinite(width)) throw new Error(`width multiplier must be a positive number, got ${width}`);
  return Math.max(1, Math.floor(channels * width + 0.5));
}
