import { F, type Tensor } from '../torch/index.js';
import { Module } from './module.js';

/** Zeroes each element with probability p in training and scales the rest by 1/(1-p); identity in eval (torch.nn.Dropout). */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
  }

  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training);
  }
}
