import { Adam, AdamW, type Optimizer, SGD } from '../optim/index.js';
import type * as torch from '../torch/index.js';
import type { ResolvedConfig } from './config.js';

/**
 * The optimiser a run's config names, with PyTorch's update rules and defaults: SGD with the
 * run's momentum and (L2) weight decay; Adam with the run's weight decay as PyTorch's L2 term;
 * AdamW with the run's --weight-decay as its decoupled decay. PyTorch's own AdamW default is
 * 1e-2, but a run always passes --weight-decay (5e-4 by default, the paper's), so that the
 * decay is written in config.json and the same flag means the same number for every optimiser.
 * Betas (0.9, 0.999), eps 1e-8 and amsgrad off are PyTorch's defaults.
 */
export function createRunOptimizer(config: Pick<ResolvedConfig, 'optimizer' | 'lr' | 'momentum' | 'weightDecay'>, parameters: torch.Tensor[]): Optimizer {
  switch (config.optimizer) {
    case 'adam':
      return new Adam(parameters, { lr: config.lr, weightDecay: config.weightDecay });
    case 'adamw':
      return new AdamW(parameters, { lr: config.lr, weightDecay: config.weightDecay });
    default:
      return new SGD(parameters, { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay });
  }
}
