import { cat, eye, linalg, type Tensor, tidy } from '../../torch/index.js';
import { CollapseError } from '../collapse-error.js';
import { symmetricPseudoInverse } from './eigen-cut.js';
import { type LinearClassifier } from './least-squares-classifier.js';

export interface MseDecomposition {
  lnc1: number;
  lnc23: number;
  lperp: number;
}

export interface MseDecompositionInput {
  /** C x p class means (rows mu_c; docs/metrics.md's M is their transpose). */
  means: Tensor;
  /** p: mu_G. */
  globalMean: Tensor;
  withinCovariance: Tensor;
  totalCovariance: Tensor;
  network: LinearClassifier;
  weightDecay: number;
}

/**
 * The MSE-loss decomposition of Han, Papyan & Donoho (ICLR 2022), lambda = wd / 2, exactly as
 * docs/metrics.md writes it. With lambda = 0 (no weight decay) St_reg may be singular, and its inverse
 * is taken as the pseudo-inverse with the usual eigenvalue cut.
 */
export function mseDecomposition(input: MseDecompositionInput): MseDecomposition {
  const { means, globalMean, withinCovariance, totalCovariance, network } = input;
  if (!(input.weightDecay >= 0) || !Number.isFinite(input.weightDecay)) {
    throw new CollapseError(`weight decay must be a finite number >= 0, got ${input.weightDecay}`);
  }
  const lambda = input.weightDecay / 2;
  const C = means.size(0);
  const p = means.size(1);
  return tidy(() => {
    const muG = globalMean.unsqueeze(1); // p x 1
    const identity = eye(p, { dtype: 'float64', device: means.device });
    const stReg = totalCovariance.add(muG.mm(muG.T).mul(lambda / (1 + lambda))).add(identity.mul(lambda));
    // W_LS = (1/C) (M^T - (1/(1+lambda)) 1 mu_G^T) St_reg^{-1}; St_reg is symmetric, so solve St_reg X^T = (...)^T.
    const targets = means.sub(globalMean.div(1 + lambda));
    const weight = lambda > 0 ? linalg.solve(stReg, targets.T).T.div(C) : targets.mm(symmetricPseudoInverse(stReg)).div(C);
    const bias = weight
      .matmul(globalMean)
      .neg()
      .add(1 / C)
      .div(1 + lambda);

    const lnc1 =
      0.5 *
      (weight
        .mm(withinCovariance.add(identity.mul(lambda)))
        .mul(weight)
        .sum()
        .item() +
        lambda * bias.square().sum().item());

    const fit = weight
      .mm(means.T)
      .add(bias.unsqueeze(1))
      .sub(eye(C, { dtype: 'float64', device: means.device }));
    const lnc23 = fit.square().sum().item() / (2 * C);

    const difference = cat([network.weight.sub(weight), network.bias.sub(bias).unsqueeze(1)], 1); // C x (p+1)
    const corner = totalCovariance.add(muG.mm(muG.T)).add(identity.mul(lambda));
    const a = cat([cat([corner, muG], 1), cat([muG.T, eye(1, { dtype: 'float64', device: means.device }).mul(1 + lambda)], 1)], 0);
    const lperp = 0.5 * difference.mm(a).mul(difference).sum().item();
    return { lnc1, lnc23, lperp };
  });
}
