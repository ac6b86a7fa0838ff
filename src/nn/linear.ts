import { empty, F, type Tensor } from '../torch/index.js';
import { resetWeightAndBias } from './init.js';
import { Module } from './module.js';

export interface LinearOptions {
  /** Adds a learnable bias (default true). */
  bias?: boolean;
}

/** y = x W^T + b (torch.nn.Linear), through libtorch's own at::linear. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', empty([outFeatures, inFeatures]));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', empty([outFeatures])) : undefined;
    this.resetParameters();
  }

  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }
}

/** Returns its input unchanged (torch.nn.Identity): a placeholder that keeps names and hooks. */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}
