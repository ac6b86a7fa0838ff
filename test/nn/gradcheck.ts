/** Central finite differences against autograd, in float64 (torch.autograd.gradcheck's idea). */
import assert from 'node:assert/strict';
import { noGrad, type Tensor, tidy } from '../../src/torch/index.js';

/**
 * For a scalar function of some float64 leaf tensors, compares each autograd gradient element
 * with (f(x + eps e_j) - f(x - eps e_j)) / (2 eps), perturbing the leaves in place.
 * Passes when |analytic - numeric| <= tolerance * (1 + |numeric|) for every element.
 */
export function gradcheck(name: string, f: () => Tensor, leaves: Tensor[], options: { eps?: number; tolerance?: number } = {}): void {
  const eps = options.eps ?? 1e-6;
  const tolerance = options.tolerance ?? 1e-6;
  for (const leaf of leaves) {
    assert.equal(leaf.dtype, 'float64', `${name}: gradcheck needs float64 leaves`);
    leaf.grad = undefined;
  }
  tidy(() => f().backward());
  const analytic = leaves.map((leaf) => tidy(() => leaf.grad!.toArray()));
  const value = (): number => tidy(() => noGrad(() => f().item()));
  leaves.forEach((leaf, i) => {
    tidy(() => {
      const flat = leaf.view([-1]);
      for (let j = 0; j < leaf.numel; j++) {
        const element = flat.narrow(0, j, 1);
        noGrad(() => element.add_(eps));
        const plus = value();
        noGrad(() => element.sub_(2 * eps));
        const minus = value();
        noGrad(() => element.add_(eps));
        element.dispose();
        const numeric = (plus - minus) / (2 * eps);
        const a = analytic[i]![j]!;
        assert.ok(Math.abs(a - numeric) <= tolerance * (1 + Math.abs(numeric)), `${name}: d/d(leaf ${i})[${j}]: autograd ${a}, finite differences ${numeric}`);
      }
    });
  });
}
