import { CollapseError } from '../collapse-error.js';
import { coefficientOfVariation } from './statistics.js';

/**
 * equinorm_means / equinorm_classifier: std_c(|v_c|) / mean_c(|v_c|), with v_c = mu_c - mu_G or
 * w_c. Tends to 0 as the norms become equal (NC2).
 */
export function equinorm(norms: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < norms.length; i++) total += norms[i]!;
  if (!(total > 0)) throw new CollapseError('every vector is zero, so the spread of their norms is undefined');
  return coefficientOfVariation(norms);
}
