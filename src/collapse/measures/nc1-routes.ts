import { type Tensor, tidy } from '../../torch/index.js';
import { keptEigenpairs } from './eigen-cut.js';
import { nc1 } from './nc1.js';

/**
 * Two ways to Tr(Sigma_W Sigma_B^+) / C, equal up to rounding:
 * - 'classes': the C x C route of nc1.ts, from Mt Sigma_W Mt^T accumulated in the second pass
 *   (N (C p + C^2) work there, C x C state);
 * - 'features': the p x p route, from Sigma_W itself and the eigenpairs of Sigma_B = Mt^T Mt / C
 *   (Sigma_W comes free with 'full' covariance, else N p^2 work in the second pass).
 * The classes route is right when C is small against p; the features route when C is large.
 */
export type Nc1Route = 'classes' | 'features';

export function chooseNc1Route(numClasses: number, dim: number): Nc1Route {
  return numClasses * (dim + numClasses) <= dim * dim ? 'classes' : 'features';
}

/** nc1 by the classes route: Mt Mt^T and sum_i (Mt d_i)(Mt d_i)^T. */
export function nc1ByClasses(centredMeans: Tensor, projectedScatter: Tensor, total: number): number {
  return tidy(() => nc1(centredMeans.mm(centredMeans.T), projectedScatter, total));
}

/**
 * nc1 by the features route: sum over the kept eigenpairs (lambda_k, u_k) of Sigma_B of
 * u_k^T Sigma_W u_k / lambda_k, over C. The eigenvalue cut is METRICS.md's, on Sigma_B (whose
 * nonzero spectrum is that of Mt Mt^T / C).
 */
export function nc1ByFeatures(centredMeans: Tensor, withinCovariance: Tensor): number {
  const C = centredMeans.size(0);
  return tidy(() => {
    const { values, vectors } = keptEigenpairs(centredMeans.T.mm(centredMeans).div(C));
    const quadratic = vectors.mul(withinCovariance.mm(vectors)).sum(0);
    return quadratic.div(values).sum().item() / C;
  });
}
