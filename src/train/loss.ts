import * as torch from '../torch/index.js';

export type LossName = 'ce' | 'mse';

/** The training loss: cross-entropy, or MSE against one-hot targets (the authors' MSE runs). */
export function trainingLoss(loss: LossName, logits: torch.Tensor, labels: torch.Tensor): torch.Tensor {
  if (loss === 'ce') return torch.F.crossEntropy(logits, labels);
  return torch.tidy(() => torch.F.mseLoss(logits, labels.oneHot(logits.size(1)).to(logits.dtype)));
}

/** (wd / 2) * sum of squared parameters: the term whose gradient SGD's weight decay adds. */
export function weightDecayPenalty(parameters: torch.Tensor[], weightDecay: number): number {
  return torch.tidy(() => {
    let total = 0;
    for (const p of parameters) total += p.square().sum(undefined, false, 'float64').item();
    return (weightDecay / 2) * total;
  });
}
