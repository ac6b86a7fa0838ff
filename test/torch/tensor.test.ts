import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as torch from '../../src/torch/index.js';
import { assertClose, mixed } from '../helpers/assert-close.js';

const golden = JSON.parse(readFileSync(new URL('../fixtures/torch/torch_golden.json', import.meta.url), 'utf8'));

test('typed arrays round-trip through every dtype', () => {
  torch.tidy(() => {
    const f32 = torch.tensor(new Float32Array([1.5, -2, 3.25, 4]), { shape: [2, 2] });
    assert.deepEqual(f32.shape, [2, 2]);
    assert.equal(f32.dtype, 'float32');
    assert.deepEqual(Array.from(f32.data() as Float32Array), [1.5, -2, 3.25, 4]);
    const f64 = torch.tensor([[0.1, 0.2, 0.3]], { dtype: 'float64' });
    assert.deepEqual(Array.from(f64.data() as Float64Array), [0.1, 0.2, 0.3]);
    const i64 = torch.tensor(new BigInt64Array([5n, -7n, 9007199254740993n]));
    assert.equal(i64.dtype, 'int64');
    assert.deepEqual(Array.from(i64.data() as BigInt64Array), [5n, -7n, 9007199254740993n]);
    const b = torch.tensor([true, false, true]);
    assert.equal(b.dtype, 'bool');
    assert.deepEqual(b.toArray(), [1, 0, 1]);
    assert.equal(f32.to('float64').dtype, 'float64');
  });
});

test('arithmetic broadcasts and keeps integer dtypes with integer scalars', () => {
  torch.tidy(() => {
    const a = torch.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const row = torch.tensor([10, 20, 30]);
    assert.deepEqual(a.add(row).toArray(), [11, 22, 33, 14, 25, 36]);
    assert.deepEqual(a.sub(row, 2).toArray(), [-19, -38, -57, -16, -35, -54]);
    assert.deepEqual(a.mul(2).toArray(), [2, 4, 6, 8, 10, 12]);
    assert.deepEqual(a.div(4).toArray(), [0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    const ints = torch.arange(0, 4);
    assert.equal(ints.dtype, 'int64');
    assert.equal(ints.add(1).dtype, 'int64');
    assert.equal(ints.mul(0.5).dtype, 'float32');
    assert.deepEqual(a.gt(3).toArray(), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(torch.where(a.gt(3), a, 0).toArray(), [0, 0, 0, 4, 5, 6]);
    assert.deepEqual(a.clamp(2, 5).toArray(), [2, 2, 3, 4, 5, 5]);
  });
});

test('reductions match PyTorch, including std with Bessel correction', () => {
  torch.tidy(() => {
    const a = torch.tensor(golden.a, { dtype: 'float64' });
    assertClose(a.std(1).toArray(), golden.a_std_dim1, 'std', mixed(1e-12));
    assertClose([a.var(undefined, 0).item()], [golden.a_var_all_c0], 'var', mixed(1e-12));
    assertClose(a.logsumexp(1).toArray(), golden.a_logsumexp_dim1, 'logsumexp', mixed(1e-12));
    assertClose(a.softmax(1).toArray(), golden.a_softmax_dim1.flat(), 'softmax', mixed(1e-12));
    const m = torch.tensor([
      [3, 1, 2],
      [0, 5, 5],
    ]);
    assert.deepEqual(m.argmax(1).toArray(), [0, 1]);
    const { values, indices } = m.maxDim(1);
    assert.deepEqual(values.toArray(), [3, 5]);
    assert.deepEqual(indices.toArray(), [0, 1]);
    assert.equal(m.sum().item(), 16);
    assert.deepEqual(m.sum(0).toArray(), [3, 6, 7]);
    assert.deepEqual(m.mean(1, true).shape, [2, 1]);
    assertClose([torch.tensor([3, 4]).norm().item()], [5], 'value', mixed(1e-7));
  });
});

test('shape and indexing ops', () => {
  torch.tidy(() => {
    const a = torch.arange(0, 24).reshape([2, 3, 4]);
    assert.deepEqual(a.permute([2, 0, 1]).shape, [4, 2, 3]);
    assert.deepEqual(a.transpose(0, 2).shape, [4, 3, 2]);
    assert.deepEqual(a.flatten(1).shape, [2, 12]);
    assert.deepEqual(a.unsqueeze(0).shape, [1, 2, 3, 4]);
    assert.deepEqual(a.unsqueeze(0).squeeze(0).shape, [2, 3, 4]);
    assert.deepEqual(a.narrow(2, 1, 2).flatten().toArray().slice(0, 4), [1, 2, 5, 6]);
    const index = torch.tensor(new BigInt64Array([2n, 0n]));
    assert.deepEqual(a.select(0, 0).indexSelect(0, index).toArray(), [8, 9, 10, 11, 0, 1, 2, 3]);
    const g = torch
      .tensor([
        [1, 2],
        [3, 4],
      ])
      .gather(1, torch.tensor(new BigInt64Array([1n, 0n]), { shape: [2, 1] }));
    assert.deepEqual(g.toArray(), [2, 3]);
    assert.deepEqual(torch.cat([torch.ones([1, 2]), torch.zeros([2, 2])], 0).shape, [3, 2]);
    assert.deepEqual(torch.stack([torch.ones([2]), torch.zeros([2])], 1).toArray(), [1, 0, 1, 0]);
    const labels = torch.tensor(new BigInt64Array([2n, 0n, 2n]));
    assert.deepEqual(labels.oneHot(3).toArray(), [0, 0, 1, 1, 0, 0, 0, 0, 1]);
    assert.deepEqual(labels.bincount(4).toArray(), [1, 0, 2, 0]);
    const sums = torch.zeros([3, 2]).indexAdd(
      0,
      labels,
      torch.tensor([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    );
    assert.deepEqual(sums.toArray(), [2, 2, 0, 0, 4, 4]);
  });
});

test('the seeded random streams equal PyTorch with the same seed', () => {
  torch.tidy(() => {
    torch.manualSeed(0);
    assertClose(torch.randn([5]).toArray(), golden.randn5, 'randn', mixed(1e-7));
    assertClose(torch.rand([3]).toArray(), golden.rand3, 'rand', mixed(1e-7));
    assert.deepEqual(torch.randperm(6).toArray(), golden.randperm6);
    assert.deepEqual(torch.randint(0, 10, [4]).toArray(), golden.randint);
    assertClose(torch.empty([4]).uniform_(-0.5, 0.5).toArray(), golden.uniform4, 'uniform_', mixed(1e-7));
  });
});

test('float64 linear algebra: eigh, svd, pinv, solve, inv', () => {
  torch.tidy(() => {
    const a = torch.tensor(golden.a, { dtype: 'float64' });
    const s = a.matmul(a.T);
    const { eigenvalues, eigenvectors } = torch.linalg.eigh(s);
    assertClose(eigenvalues.toArray(), golden.s_eigvals, 'eigh', mixed(1e-12));
    const rebuilt = eigenvectors.mul(eigenvalues.unsqueeze(0)).matmul(eigenvectors.T);
    assertClose(rebuilt.toArray(), s.toArray(), 'V diag(L) V^T', mixed(1e-12));
    assertClose(torch.linalg.svd(a).S.toArray(), golden.a_svals, 'svd', mixed(1e-12));
    assertClose(torch.linalg.pinv(a).toArray(), golden.a_pinv.flat(), 'pinv', mixed(1e-12));
    const x = torch.linalg.solve(s, torch.ones([3, 1], { dtype: 'float64' }));
    assertClose(s.matmul(x).toArray(), [1, 1, 1], 'solve', mixed(1e-10));
    assertClose(torch.linalg.inv(s).matmul(s).toArray(), torch.eye(3, { dtype: 'float64' }).toArray(), 'inv', mixed(1e-10));
  });
});

test('tidy disposes what it does not return, and keep() survives', () => {
  const before = torch.liveTensors();
  let kept!: torch.Tensor;
  const returned = torch.tidy(() => {
    const a = torch.ones([3]);
    a.add(1).mul(2);
    kept = torch.keep(torch.zeros([2]));
    return { result: a.sum() };
  });
  assert.equal(returned.result.item(), 3);
  assert.equal(torch.liveTensors(), before + 2);
  assert.equal(kept.isDisposed, false);
  returned.result.dispose();
  returned.result.dispose();
  kept.dispose();
  assert.equal(torch.liveTensors(), before);
  assert.throws(() => kept.add(1), /used after dispose/);
});
