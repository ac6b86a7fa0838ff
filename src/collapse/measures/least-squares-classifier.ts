import { linalg, type Tensor, tidy } from '../../torch/index.js';
import { symmetricPseudoInverse } from './eigen-cut.js';

/** A linear classifier z = W h + b in float64 (W: C x p, b: C). */
export interface LinearClassifier {
  weight: Tensor;
  bias: Tensor;
}

/** Sigma_T = Sigma_W + Sigma_B, Sigma_B = Mt^T Mt / C (p x p). */
export function totalCovariance(withinCovariance: Tensor, centredMeans: Tensor): Tensor {
  const C = centredMeans.size(0);
  return tidy(() => linalg.addmm(withinCovariance, centredMeans.T, centredMeans, 1, 1 / C));
}

/**
 * The least-squares classifier of Webb & Lowe's Proposition 1: W_LS = (1/C) Mt Sigma_T^+ and
 * b_LS = (1/C) 1 - W_LS mu_G, the best linear fit of one-hot targets to the features.
 */
export function webbLoweClassifier(totalCov: Tensor, centredMeans: Tensor, globalMean: Tensor): LinearClassifier {
  const C = centredMeans.size(0);
  return tidy(() => {
    const weight = centredMeans.mm(symmetricPseudoInverse(totalCov)).div(C);
    const bias = weight
      .matmul(globalMean)
      .neg()
      .add(1 / C);
    return { weight, bias };
  });
}
