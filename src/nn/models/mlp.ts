import type { Tensor } from '../../torch/index.js';
import { ReLU } from '../activation.js';
import { BatchNorm1d } from '../batchnorm.js';
import { Sequential } from '../container.js';
import { Flatten } from '../flatten.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import type { ClassifierModel } from './classifier.js';

export interface MLPOptions {
  /** Features of one flattened input (c * h * w). */
  inputDim: number;
  numClasses: number;
  /** Units in each hidden layer (default 512). */
  width?: number;
  /** Hidden layers (default 3). */
  depth?: number;
  /** BatchNorm1d after each hidden Linear (default true). */
  batchNorm?: boolean;
}

/**
 * A fully connected classifier: flatten, `depth` blocks of [Linear, BatchNorm1d, ReLU] (each one
 * Sequential, `features.0`, `features.1`, ..., so that a block is one hookable module), then the
 * classifier Linear(width, C).
 */
export class MLP extends Module implements ClassifierModel {
  readonly flatten: Flatten;
  readonly features: Sequential;
  readonly classifier: Linear;
  readonly featureDim: number;
  readonly numClasses: number;

  constructor(options: MLPOptions) {
    super();
    const width = options.width ?? 512;
    const depth = options.depth ?? 3;
    const batchNorm = options.batchNorm ?? true;
    this.numClasses = options.numClasses;
    this.flatten = this.registerModule('flatten', new Flatten());
    this.features = this.registerModule('features', new Sequential());
    let features = options.inputDim;
    for (let i = 0; i < depth; i++) {
      const block = new Sequential(new Linear(features, width));
      if (batchNorm) block.append(new BatchNorm1d(width));
      block.append(new ReLU());
      this.features.append(block);
      features = width;
    }
    this.featureDim = features;
    this.classifier = this.registerModule('classifier', new Linear(features, options.numClasses));
  }

  blockNames(): string[] {
    return this.features.children().map(([name]) => `features.${name}`);
  }

  override forward(input: Tensor): Tensor {
    return this.classifier.call(this.features.call(this.flatten.call(input)));
  }
}
