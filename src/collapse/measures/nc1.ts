import { type Tensor, tidy } from '../../torch/index.js';
import { keptEigenpairs } from './eigen-cut.js';

/**
 * nc1 = Tr(Sigma_W Sigma_B^+) / C without any p x p matrix.
 *
 * Sigma_B = Mt^T Mt / C and the C x C matrix K = Mt Mt^T / C share their nonzero eigenvalues;
 * with K v_k = lambda_k v_k, the unit eigenvectors of Sigma_B are u_k = Mt^T v_k / sqrt(C lambda_k).
 * Then Tr(Sigma_W Sigma_B^+) = sum_k u_k^T Sigma_W u_k / lambda_k
 *                            = sum_k v_k^T (Mt Sigma_W Mt^T) v_k / (C lambda_k^2),
 * where Mt Sigma_W Mt^T = projectedScatter / N is accumulated in the second pass as
 * sum_i (Mt (h_i - mu_{y_i}))(Mt (h_i - mu_{y_i}))^T. The eigenvalue cut applies to K exactly as
 * it would to Sigma_B (same largest eigenvalue, same nonzero spectrum).
 *
 * @param gram Mt Mt^T (C x C)
 * @param projectedScatter sum_i Mt d_i d_i^T Mt^T (C x C)
 */
export function nc1(gram: Tensor, projectedScatter: Tensor, total: number): number {
  const C = gram.size(0);
  return tidy(() => {
    const { values, vectors } = keptEigenpairs(gram.div(C));
    const quadratic = vectors.mul(projectedScatter.mm(vectors)).sum(0); // v_k^T Q v_k
    const trace = quadratic
      .div(values.square().mul(C * total))
      .sum()
      .item();
    return trace / C;
  });
}
