/** Linear algebra (torch.linalg); use float64 inputs for the collapse measures. */
import { native } from './native.js';
import { Tensor } from './tensor.js';

/** Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns. */
export function eigh(a: Tensor): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const [values, vectors] = native.eigh(a.handle);
  return { eigenvalues: new Tensor(values), eigenvectors: new Tensor(vectors) };
}

/** A = U diag(S) Vh. */
export function svd(a: Tensor, fullMatrices = false): { U: Tensor; S: Tensor; Vh: Tensor } {
  const [u, s, vh] = native.svd(a.handle, fullMatrices);
  return { U: new Tensor(u), S: new Tensor(s), Vh: new Tensor(vh) };
}

/** Moore-Penrose pseudo-inverse; singular values below rtol times the largest are cut. */
export function pinv(a: Tensor, options: { rtol?: number; hermitian?: boolean } = {}): Tensor {
  return new Tensor(native.pinv(a.handle, options.rtol, options.hermitian ?? false));
}

/** X with A X = B. */
export function solve(a: Tensor, b: Tensor): Tensor {
  return new Tensor(native.solve(a.handle, b.handle));
}

export function inv(a: Tensor): Tensor {
  return new Tensor(native.inv(a.handle));
}

export function addmm(input: Tensor, a: Tensor, b: Tensor, beta = 1, alpha = 1): Tensor {
  return new Tensor(native.addmm(input.handle, a.handle, b.handle, beta, alpha));
}
