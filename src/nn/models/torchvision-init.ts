import { BatchNorm } from '../batchnorm.js';
import { Conv2d } from '../conv.js';
import { constant_, kaimingNormal_, type KaimingOptions, normal_ } from '../init.js';
import { Linear } from '../linear.js';
import type { Module } from '../module.js';

export interface TorchvisionInit {
  /** How each Conv2d weight is redrawn (its bias, if any, is zeroed). */
  conv: KaimingOptions;
  /** Linear layers: redraw the weight from N(0, std^2) and zero the bias, or only zero the bias, or keep PyTorch's default. */
  linear: { weightStd: number } | 'zero-bias' | 'default';
}

/**
 * The loop at the end of torchvision's model constructors: after every module has drawn its
 * default initialisation, visit them in namedModules() order (PyTorch's modules() order) and
 * redraw. Running it in the same order is what makes the draws match PyTorch's.
 */
export function torchvisionInit(model: Module, options: TorchvisionInit): void {
  for (const [, module] of model.namedModules()) {
    if (module instanceof Conv2d) {
      kaimingNormal_(module.weight, options.conv);
      if (module.bias !== undefined) constant_(module.bias, 0);
    } else if (module instanceof BatchNorm) {
      if (module.weight !== undefined) constant_(module.weight, 1);
      if (module.bias !== undefined) constant_(module.bias, 0);
    } else if (module instanceof Linear && options.linear !== 'default') {
      if (options.linear !== 'zero-bias') normal_(module.weight, 0, options.linear.weightStd);
      if (module.bias !== undefined) constant_(module.bias, 0);
    }
  }
}
