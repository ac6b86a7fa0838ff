import { empty, F, type Tensor } from '../torch/index.js';
import { resetWeightAndBias } from './init.js';
import { Module } from './module.js';

type Pair = number | [number, number];

function pair(value: Pair): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  /** Adds a learnable bias (default true, as PyTorch). */
  bias?: boolean;
}

/** 2-D convolution over (N, C, H, W) or (C, H, W) inputs (torch.nn.Conv2d, zero padding). */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    super();
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1) throw new Error(`Conv2d: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.padding = pair(options.padding ?? 0);
    this.dilation = pair(options.dilation ?? 1);
    this.groups = groups;
    this.weight = this.registerParameter('weight', empty([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', empty([outChannels])) : undefined;
    this.resetParameters();
  }

  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.conv2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}
