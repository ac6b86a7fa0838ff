import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as torch from '../../src/torch/index.js';
import { assertClose, mixed } from '../helpers/assert-close.js';

test('backward gives analytic gradients', () => {
  torch.tidy(() => {
    const x = torch.tensor([1, -2, 3], { dtype: 'float64' }).requiresGrad_();
    const y = x.mul(x).sum().add(x.exp().sum());
    y.backward();
    const expected = [1, -2, 3].map((v) => 2 * v + Math.exp(v));
    assertClose(x.grad!.toArray(), expected, 'grad', mixed(1e-12));
    // Gradients accumulate, as in PyTorch, until reset.
    x.mul(3).sum().backward();
    assertClose(
      x.grad!.toArray(),
      expected.map((g) => g + 3),
      'accumulated grad',
      mixed(1e-12),
    );
    x.grad = undefined;
    assert.equal(x.grad, undefined);
  });
});

test('noGrad stops recording and restores the previous mode', () => {
  torch.tidy(() => {
    const x = torch.ones([2]).requiresGrad_();
    const inside = torch.noGrad(() => {
      assert.equal(torch.isGradEnabled(), false);
      return x.mul(2);
    });
    assert.equal(inside.requiresGrad, false);
    assert.equal(torch.isGradEnabled(), true);
    assert.equal(x.mul(2).requiresGrad, true);
    assert.throws(
      () =>
        torch.noGrad(() => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(torch.isGradEnabled(), true);
  });
});

test('matmul and softmax gradients agree with central finite differences (float64)', () => {
  torch.tidy(() => {
    torch.manualSeed(3);
    const a = torch.randn([3, 4], { dtype: 'float64' });
    const b = torch.randn([4, 2], { dtype: 'float64' });
    const f = (m: torch.Tensor) => torch.tidy(() => m.matmul(b).logSoftmax(1).select(1, 0).sum().item());
    const leaf = a.clone().requiresGrad_();
    leaf.matmul(b).logSoftmax(1).select(1, 0).sum().backward();
    const analytic = leaf.grad!.toArray();
    const base = a.toArray();
    const eps = 1e-6;
    const numeric = base.map((_, i) => {
      const plus = base.slice();
      const minus = base.slice();
      plus[i]! += eps;
      minus[i]! -= eps;
      const tp = torch.tensor(plus, { dtype: 'float64', shape: [3, 4] });
      const tm = torch.tensor(minus, { dtype: 'float64', shape: [3, 4] });
      return (f(tp) - f(tm)) / (2 * eps);
    });
    assertClose(analytic, numeric, 'finite differences', mixed(1e-7));
  });
});
