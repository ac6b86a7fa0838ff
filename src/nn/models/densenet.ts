import { cat, F, type Tensor } from '../../torch/index.js';
import { ReLU } from '../activation.js';
import { BatchNorm2d } from '../batchnorm.js';
import { Sequential } from '../container.js';
import { Conv2d } from '../conv.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import { AvgPool2d } from '../pooling.js';
import { type ClassifierModel, scaledChannels } from './classifier.js';
import { torchvisionInit } from './torchvision-init.js';

/** BN-ReLU-1x1 conv (bottleneck to bnSize * growth) then BN-ReLU-3x3 conv to `growth` new channels. */
export class DenseLayer extends Module {
  constructor(inputFeatures: number, growthRate: number, bnSize: number) {
    super();
    this.registerModule('norm1', new BatchNorm2d(inputFeatures));
    this.registerModule('relu1', new ReLU());
    this.registerModule('conv1', new Conv2d(inputFeatures, bnSize * growthRate, 1, { bias: false }));
    this.registerModule('norm2', new BatchNorm2d(bnSize * growthRate));
    this.registerModule('relu2', new ReLU());
    this.registerModule('conv2', new Conv2d(bnSize * growthRate, growthRate, 3, { padding: 1, bias: false }));
  }

  /** Takes the concatenation of every earlier feature map (torchvision passes the list and concatenates here). */
  override forward(input: Tensor): Tensor {
    let x = input;
    for (const [, module] of this.children()) x = module.call(x);
    return x;
  }
}

/** Dense layers, each fed the concatenation of the block input and every earlier layer's output. */
export class DenseBlock extends Module {
  constructor(numLayers: number, inputFeatures: number, bnSize: number, growthRate: number) {
    super();
    for (let i = 0; i < numLayers; i++) {
      this.registerModule(`denselayer${i + 1}`, new DenseLayer(inputFeatures + i * growthRate, growthRate, bnSize));
    }
  }

  override forward(input: Tensor): Tensor {
    let features = input;
    for (const [, layer] of this.children()) features = cat([features, layer.call(features)], 1);
    return features;
  }
}

/** BN-ReLU-1x1 conv (compression) then 2x2 average pool, between dense blocks. */
function transition(inputFeatures: number, outputFeatures: number): Sequential {
  return Sequential.named([
    ['norm', new BatchNorm2d(inputFeatures)],
    ['relu', new ReLU()],
    ['conv', new Conv2d(inputFeatures, outputFeatures, 1, { bias: false })],
    ['pool', new AvgPool2d(2, { stride: 2 })],
  ]);
}

export interface DenseNetOptions {
  inChannels: number;
  numClasses: number;
  /** Channel multiplier (default 1): growth rate 32 * width, initial features twice that. */
  width?: number;
  /** Layers per dense block (default DenseNet-121's [6, 12, 24, 16]). */
  blockConfig?: number[];
  growthRate?: number;
  bnSize?: number;
}

/**
 * torchvision's DenseNet-BC (DenseNet-121 by default: growth 32, blocks [6, 12, 24, 16],
 * bn_size 4, compression 0.5) with a small-input stem: conv0 is 3x3 stride 1 padding 1, followed
 * by norm0 and relu0 but no pool0. The classifier follows ReLU and a global average pool of
 * `features` (which ends in norm5). Names as torchvision's (`features.denseblock1.denselayer1.conv1.weight`).
 * Initialisation as torchvision's: conv kaiming_normal_ (fan_in), BN 1 and 0, classifier bias 0.
 */
export class DenseNet extends Module implements ClassifierModel {
  readonly features: Sequential;
  readonly classifier: Linear;
  readonly featureDim: number;
  readonly numClasses: number;
  private readonly blocks: string[] = [];

  constructor(options: DenseNetOptions) {
    super();
    const blockConfig = options.blockConfig ?? [6, 12, 24, 16];
    const growth = scaledChannels(options.growthRate ?? 32, options.width ?? 1);
    const bnSize = options.bnSize ?? 4;
    this.numClasses = options.numClasses;
    let numFeatures = 2 * growth;
    this.features = this.registerModule(
      'features',
      Sequential.named([
        ['conv0', new Conv2d(options.inChannels, numFeatures, 3, { stride: 1, padding: 1, bias: false })],
        ['norm0', new BatchNorm2d(numFeatures)],
        ['relu0', new ReLU()],
      ]),
    );
    blockConfig.forEach((numLayers, i) => {
      this.features.addModule(`denseblock${i + 1}`, new DenseBlock(numLayers, numFeatures, bnSize, growth));
      this.blocks.push(`features.denseblock${i + 1}`);
      numFeatures += numLayers * growth;
      if (i !== blockConfig.length - 1) {
        const compressed = Math.floor(numFeatures / 2);
        this.features.addModule(`transition${i + 1}`, transition(numFeatures, compressed));
        this.blocks.push(`features.transition${i + 1}`);
        numFeatures = compressed;
      }
    });
    this.features.addModule('norm5', new BatchNorm2d(numFeatures));
    this.featureDim = numFeatures;
    this.classifier = this.registerModule('classifier', new Linear(numFeatures, options.numClasses));
    torchvisionInit(this, { conv: {}, linear: 'zero-bias' });
  }

  /** Each dense block and transition, in depth order. */
  blockNames(): string[] {
    return [...this.blocks];
  }

  override forward(input: Tensor): Tensor {
    const features = F.relu(this.features.call(input));
    return this.classifier.call(F.adaptiveAvgPool2d(features, 1).flatten(1));
  }
}
