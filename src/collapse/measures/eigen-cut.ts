import { linalg, type Tensor, tidy } from '../../torch/index.js';

/**
 * docs/metrics.md's pseudo-inverse convention: eigenpairs of a symmetric matrix whose eigenvalue
 * exceeds this fraction of the largest are kept, the others dropped (for Sigma_B^+ and Sigma_T^+).
 */
export const EIGENVALUE_CUT = 1e-12;

export interface KeptEigenpairs {
  /** The kept eigenvalues (k). */
  values: Tensor;
  /** Their eigenvectors as columns (n x k). */
  vectors: Tensor;
}

/** The eigenpairs of a symmetric float64 matrix above the cut. */
export function keptEigenpairs(symmetric: Tensor): KeptEigenpairs {
  return tidy(() => {
    const { eigenvalues, eigenvectors } = linalg.eigh(symmetric);
    const values = eigenvalues.to('cpu').data() as Float64Array;
    const largest = values[values.length - 1]!;
    // eigh sorts ascending: the kept ones are a tail.
    let first = values.length;
    while (first > 0 && values[first - 1]! > EIGENVALUE_CUT * largest) first--;
    const kept = values.length - first;
    return { values: eigenvalues.narrow(0, first, kept), vectors: eigenvectors.narrow(1, first, kept) };
  });
}

/** The pseudo-inverse of a symmetric matrix with the eigenvalue cut: V diag(1/lambda) V^T over kept pairs. */
export function symmetricPseudoInverse(symmetric: Tensor): Tensor {
  return tidy(() => {
    const { values, vectors } = keptEigenpairs(symmetric);
    return vectors.div(values).mm(vectors.T);
  });
}
