import { F, type Tensor } from '../torch/index.js';
import { Module } from './module.js';

/** max(0, x) elementwise (torch.nn.ReLU; never in place, so hooks on the input see it unchanged). */
export class ReLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}
