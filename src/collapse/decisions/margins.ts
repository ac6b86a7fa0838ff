import { type Tensor, tidy, where } from '../../torch/index.js';

/**
 * (z_{i,y_i} - max_{c != y_i} z_{i,c}) / ||W||_F per sample: the normalised margin that gradient
 * descent on separable data maximises (Soudry et al.). The rival is the larger of the two top
 * logits that is not the own class (no B x C mask, which matters with many classes).
 */
export function normalisedMargins(logits: Tensor, labels: Tensor, weightNorm: number): Tensor {
  return tidy(() => {
    const own = logits.gather(1, labels.unsqueeze(1)).squeeze(1);
    const { values, indices } = logits.topk(2, 1, true);
    const firstIsOwn = indices.narrow(1, 0, 1).squeeze(1).eq(labels);
    const rival = where(firstIsOwn, values.narrow(1, 1, 1).squeeze(1), values.narrow(1, 0, 1).squeeze(1));
    return own.sub(rival).div(weightNorm);
  });
}
