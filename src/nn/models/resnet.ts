import type { Tensor } from '../../torch/index.js';
import { ReLU } from '../activation.js';
import { BatchNorm2d } from '../batchnorm.js';
import { Sequential } from '../container.js';
import { Conv2d } from '../conv.js';
import { constant_ } from '../init.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { AdaptiveAvgPool2d } from '../pooling.js';
import { type ClassifierModel, scaledChannels } from './classifier.js';
import { torchvisionInit } from './torchvision-init.js';

function conv3x3(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
}

function conv1x1(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

/** Two 3x3 convs with a shortcut (torchvision's BasicBlock, ResNet-18/34). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | undefined;

  constructor(inPlanes: number, planes: number, stride = 1, downsample?: Sequential) {
    super();
    this.conv1 = this.registerModule('conv1', conv3x3(inPlanes, planes, stride));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.relu = this.registerModule('relu', new ReLU());
    this.conv2 = this.registerModule('conv2', conv3x3(planes, planes));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    if (downsample !== undefined) this.downsample = this.registerModule('downsample', downsample);
  }

  /** The BN whose weight zero_init_residual zeroes, so the block starts as the identity. */
  get lastBatchNorm(): BatchNorm2d {
    return this.bn2;
  }

  override forward(input: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(input)));
    out = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample === undefined ? input : this.downsample.call(input);
    return this.relu.call(out.add(identity));
  }
}

/** 1x1, 3x3 (carrying the stride, as torchvision's "ResNet v1.5"), 1x1 x4, with a shortcut (ResNet-50). */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly relu: ReLU;
  readonly downsample: Sequential | undefined;

  constructor(inPlanes: number, planes: number, stride = 1, downsample?: Sequential) {
    super();
    const width = planes; // int(planes * (base_width / 64)) * groups with torchvision's defaults
    this.conv1 = this.registerModule('conv1', conv1x1(inPlanes, width));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(width));
    this.conv2 = this.registerModule('conv2', conv3x3(width, width, stride));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(width));
    this.conv3 = this.registerModule('conv3', conv1x1(width, planes * Bottleneck.expansion));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(planes * Bottleneck.expansion));
    this.relu = this.registerModule('relu', new ReLU());
    if (downsample !== undefined) this.downsample = this.registerModule('downsample', downsample);
  }

  get lastBatchNorm(): BatchNorm2d {
    return this.bn3;
  }

  override forward(input: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(input)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    const identity = this.downsample === undefined ? input : this.downsample.call(input);
    return this.relu.call(out.add(identity));
  }
}

type BlockType = typeof BasicBlock | typeof Bottleneck;

export const RESNET_CONFIGS = {
  resnet18: { block: BasicBlock, layers: [2, 2, 2, 2] },
  resnet34: { block: BasicBlock, layers: [3, 4, 6, 3] },
  resnet50: { block: Bottleneck, layers: [3, 4, 6, 3] },
} as const satisfies Record<string, { block: BlockType; layers: readonly number[] }>;

export type ResNetName = keyof typeof RESNET_CONFIGS;

export interface ResNetOptions {
  config: ResNetName;
  /** Channels of the input images (1 or 3). */
  inChannels: number;
  numClasses: number;
  /** Channel multiplier (default 1): stages of 64, 128, 256, 512 times width. */
  width?: number;
  /** Zero the last BN weight of every residual block (torchvision's zero_init_residual; default false). */
  zeroInitResidual?: boolean;
}

/**
 * torchvision's ResNet with the small-input stem of Papyan, Han & Donoho's notebook: conv1 is
 * 3x3 stride 1 padding 1 (no bias) and there is no max-pool, so 32 px inputs reach layer4 at
 * 4x4. Then adaptive average pool to 1x1, flatten, and the classifier `fc` (torchvision's name,
 * kept for state-dict compatibility). Initialisation as torchvision's: every conv
 * kaiming_normal_(fan_out, relu), BN 1 and 0, fc PyTorch's default.
 */
export class ResNet extends Module implements ClassifierModel {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly fc: Linear;
  readonly featureDim: number;
  readonly numClasses: number;
  private inPlanes: number;

  constructor(options: ResNetOptions) {
    super();
    const width = options.width ?? 1;
    const { block, layers } = RESNET_CONFIGS[options.config];
    this.numClasses = options.numClasses;
    this.inPlanes = scaledChannels(64, width);
    this.conv1 = this.registerModule('conv1', new Conv2d(options.inChannels, this.inPlanes, 3, { stride: 1, padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(this.inPlanes));
    this.relu = this.registerModule('relu', new ReLU());
    this.layer1 = this.registerModule('layer1', this.makeLayer(block, scaledChannels(64, width), layers[0]));
    this.layer2 = this.registerModule('layer2', this.makeLayer(block, scaledChannels(128, width), layers[1], 2));
    this.layer3 = this.registerModule('layer3', this.makeLayer(block, scaledChannels(256, width), layers[2], 2));
    this.layer4 = this.registerModule('layer4', this.makeLayer(block, scaledChannels(512, width), layers[3], 2));
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.featureDim = scaledChannels(512, width) * block.expansion;
    this.fc = this.registerModule('fc', new Linear(this.featureDim, options.numClasses));
    torchvisionInit(this, { conv: { mode: 'fan_out', nonlinearity: 'relu' }, linear: 'default' });
    if (options.zeroInitResidual ?? false) {
      for (const [, module] of this.namedModules()) {
        if (module instanceof BasicBlock || module instanceof Bottleneck) constant_(module.lastBatchNorm.weight!, 0);
      }
    }
  }

  /** torchvision's _make_layer; the shortcut is built before the first block, as there (draw order). */
  private makeLayer(block: BlockType, planes: number, blocks: number, stride = 1): Sequential {
    let downsample: Sequential | undefined;
    if (stride !== 1 || this.inPlanes !== planes * block.expansion) {
      downsample = new Sequential(conv1x1(this.inPlanes, planes * block.expansion, stride), new BatchNorm2d(planes * block.expansion));
    }
    const layer = new Sequential(new block(this.inPlanes, planes, stride, downsample));
    this.inPlanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layer.append(new block(this.inPlanes, planes));
    return layer;
  }

  /** The classifier is torchvision's `fc`. */
  get classifier(): Linear {
    return this.fc;
  }

  /** The four stages, layer1..layer4. */
  blockNames(): string[] {
    return ['layer1', 'layer2', 'layer3', 'layer4'];
  }

  /** Every residual block (layer1.0, layer1.1, ...), a finer alternative to blockNames(). */
  residualBlockNames(): string[] {
    return this.blockNames().flatMap((stage) => (this[stage as 'layer1'] as Sequential).children().map(([index]) => `${stage}.${index}`));
  }

  override forward(input: Tensor): Tensor {
    let x = this.relu.call(this.bn1.call(this.conv1.call(input)));
    x = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(x))));
    return this.fc.call(this.avgpool.call(x).flatten(1));
  }
}
