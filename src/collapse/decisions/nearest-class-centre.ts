import { type Tensor, tidy } from '../../torch/index.js';

/**
 * The nearest-class-centre decision argmin_c |h - mu_c| (ties: lowest index), from the
 * projections of the deviations d = h - mu_y onto the centred means.
 *
 * |h - mu_c|^2 - |h - mu_y|^2 = |mu_y - mu_c|^2 - 2 d.(mt_c - mt_y), with mt = mu - mu_G. Scoring
 * classes by this difference, rather than by |h|^2 - 2 h.mu_c + |mu_c|^2, keeps the comparison
 * exact to rounding when h lies a millionth of the class distances from its mean: no large term
 * is subtracted from another. The own class scores exactly 0.
 *
 * @param projections d_i . mt_c, B x C
 * @param labels y_i, int64 B
 * @param squaredDistances |mu_a - mu_b|^2, C x C
 */
export function nearestClassCentre(projections: Tensor, labels: Tensor, squaredDistances: Tensor): Tensor {
  return tidy(() => {
    const own = projections.gather(1, labels.unsqueeze(1));
    const scores = squaredDistances.indexSelect(0, labels).sub(projections.sub(own).mul(2));
    return scores.argmin(1);
  });
}
