import { type Tensor, tidy, where } from '../../torch/index.js';

/**
 * (z_{i,y_i} - max_{c != y_i} z_{i,c}) / ||W||_F per sample: the normalised margin that gradient
 * descent on separable data maximises (Soudry et al.).
 */
export function normalisedMargins(logits: Tensor, labels: Tensor, weightNorm: number): Tensor {
  return tidy(() => {
    const own = logits.gather(1, labels.unsqueeze(1)).squeeze(1);
    const isOwn = labels.oneHot(logits.size(1)).eq(1);
    const rival = where(isOwn, Number.NEGATIVE_INFINITY, logits).maxDim(1).values;
    return own.sub(rival).div(weightNorm);
  });
}
