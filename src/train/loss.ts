import * as torch from '../torch/index.js';

export type LossName = 'ce' | 'mse' | 'focal';

/** A run's loss and its parameters (the fields of config.json). */
export interface LossSpec {
  loss: LossName;
  /** Cross-entropy only: PyTorch's label_smoothing (targets (1 - eps) one-hot + eps / C). */
  labelSmoothing?: number;
  /** Focal loss only: gamma (0 is cross-entropy). */
  focalGamma?: number;
}

/**
 * The training loss, averaged over the batch: cross-entropy (with PyTorch's label smoothing),
 * MSE against one-hot targets (the authors' MSE runs), or the multi-class focal loss of Lin et
 * al. (2017) without class weights, -(1 - p_y)^gamma log p_y (Zhou et al. 2022 compare it).
 */
export function trainingLoss(spec: LossSpec | LossName, logits: torch.Tensor, labels: torch.Tensor): torch.Tensor {
  const { loss, labelSmoothing = 0, focalGamma = 0 } = typeof spec === 'string' ? { loss: spec } : spec;
  if (loss === 'ce') return torch.F.crossEntropy(logits, labels, { labelSmoothing });
  if (loss === 'focal') return focalLoss(logits, labels, focalGamma);
  return torch.tidy(() => torch.F.mseLoss(logits, labels.oneHot(logits.size(1)).to(logits.dtype)));
}

function focalLoss(logits: torch.Tensor, labels: torch.Tensor, gamma: number): torch.Tensor {
  return torch.tidy(() => {
    const logPy = logits.logSoftmax(1).gather(1, labels.unsqueeze(1)).squeeze(1);
    const weight = logPy.exp().neg().add(1).pow(gamma);
    return weight.mul(logPy).mean().neg();
  });
}

/** (wd / 2) * sum of squared parameters: the term whose gradient SGD's weight decay adds. */
export function weightDecayPenalty(parameters: torch.Tensor[], weightDecay: number): number {
  return torch.tidy(() => {
    let total = 0;
    for (const p of parameters) total += p.square().sum(undefined, false, 'float64').item();
    return (weightDecay / 2) * total;
  });
}
