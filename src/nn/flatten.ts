import type { Tensor } from '../torch/index.js';
import { Module } from './module.js';

/** Flattens dims startDim..endDim into one (torch.nn.Flatten: from dim 1, keeping the batch). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
}
