import { type Tensor, tidy } from '../../torch/index.js';
import { CollapseError } from '../collapse-error.js';

/**
 * webb_lowe_distance = || W/||W||_F - W_LS/||W_LS||_F ||_F: how far the network's classifier is
 * from the least-squares one built on the same features (-> 0 under MSE training).
 */
export function webbLoweDistance(weight: Tensor, leastSquaresWeight: Tensor): number {
  return tidy(() => {
    const w = weight.norm().item();
    const ls = leastSquaresWeight.norm().item();
    if (!(w > 0)) throw new CollapseError('the classifier weight is zero, so webb_lowe_distance is undefined');
    if (!(ls > 0)) throw new CollapseError('the least-squares classifier is zero, so webb_lowe_distance is undefined');
    return Math.sqrt(weight.div(w).sub(leastSquaresWeight.div(ls)).square().sum().item());
  });
}
