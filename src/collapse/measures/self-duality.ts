import { type Tensor, tidy } from '../../torch/index.js';
import { CollapseError } from '../collapse-error.js';

/** self_duality (NC3) = || W/||W||_F - Mt/||Mt||_F ||_F^2: the classifier aligns with the centred means. */
export function selfDuality(weight: Tensor, centredMeans: Tensor): number {
  return tidy(() => {
    const w = weight.norm().item();
    const m = centredMeans.norm().item();
    if (!(w > 0)) throw new CollapseError('the classifier weight is zero, so self_duality is undefined');
    if (!(m > 0)) throw new CollapseError('the centred class means are zero, so self_duality is undefined');
    return weight.div(w).sub(centredMeans.div(m)).square().sum().item();
  });
}
