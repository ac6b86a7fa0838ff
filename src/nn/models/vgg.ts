import type { Tensor } from '../../torch/index.js';
import { ReLU } from '../activation.js';
import { BatchNorm2d } from '../batchnorm.js';
import { Sequential } from '../container.js';
import { Conv2d } from '../conv.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { MaxPool2d } from '../pooling.js';
import { type ClassifierModel, scaledChannels } from './classifier.js';
import { torchvisionInit } from './torchvision-init.js';

/** torchvision's configurations: output channels of each 3x3 conv, 'M' a 2x2 max-pool. */
export const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>;

export type VGGName = keyof typeof VGG_CONFIGS;

export interface VGGOptions {
  config: VGGName;
  /** [channels, height, width] of one input image. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Channel multiplier (default 1). */
  width?: number;
}

/**
 * torchvision's VGG with batch norm (cfgs A, B, D, E), in the CIFAR style used for neural
 * collapse: `features` exactly as torchvision's (so `features.0.weight` and so on), no 7x7
 * adaptive average pool and no 4096-unit MLP head: flatten, then one Linear classifier. On 32 px
 * inputs the five pools leave 1x1, so p = 512 * width. A pool whose input is already below 2 px
 * is left out: on 28 px inputs (28, 14, 7, 3, 1) that is the fifth, and p stays 512 * width.
 * Initialisation as torchvision's: conv kaiming_normal_(fan_out, relu), bias 0; BN 1, 0;
 * Linear N(0, 0.01^2), bias 0.
 */
export class VGG extends Module implements ClassifierModel {
  readonly features: Sequential;
  readonly classifier: Linear;
  readonly featureDim: number;
  readonly numClasses: number;
  private readonly stageEnds: string[] = [];

  constructor(options: VGGOptions) {
    super();
    const width = options.width ?? 1;
    let [channels, height, widthPx] = options.inputShape;
    this.numClasses = options.numClasses;
    this.features = this.registerModule('features', new Sequential());
    for (const entry of VGG_CONFIGS[options.config]) {
      if (entry === 'M') {
        if (height < 2 || widthPx < 2) continue;
        this.features.append(new MaxPool2d(2, { stride: 2 }));
        this.stageEnds.push(`features.${this.features.length - 1}`);
        height = Math.floor(height / 2);
        widthPx = Math.floor(widthPx / 2);
      } else {
        const out = scaledChannels(entry, width);
        this.features.append(new Conv2d(channels, out, 3, { padding: 1 }));
        this.features.append(new BatchNorm2d(out));
        this.features.append(new ReLU());
        channels = out;
      }
    }
    // A last stage without its pool ends at its ReLU.
    const last = `features.${this.features.length - 1}`;
    if (this.stageEnds[this.stageEnds.length - 1] !== last) this.stageEnds.push(last);
    this.featureDim = channels * height * widthPx;
    this.classifier = this.registerModule('classifier', new Linear(this.featureDim, options.numClasses));
    torchvisionInit(this, { conv: { mode: 'fan_out', nonlinearity: 'relu' }, linear: { weightStd: 0.01 } });
  }

  /** The output of each conv stage: its max-pool (or, for a last stage whose pool was left out, its ReLU). */
  blockNames(): string[] {
    return [...this.stageEnds];
  }

  override forward(input: Tensor): Tensor {
    return this.classifier.call(this.features.call(input).flatten(1));
  }
}
