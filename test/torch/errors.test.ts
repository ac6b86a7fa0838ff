import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as torch from '../../src/torch/index.js';

const { F } = torch;

test('libtorch errors become JS errors with libtorch message, and the process goes on', () => {
  torch.tidy(() => {
    const a = torch.ones([2, 3]);
    assert.throws(() => a.matmul(torch.ones([2, 3])), /shapes cannot be multiplied \(2x3 and 2x3\)/);
    assert.throws(() => a.add(torch.ones([4])), /size of tensor a \(3\) must match the size of tensor b \(4\)/);
    assert.throws(() => a.reshape([4, 2]), /shape '\[4, 2\]' is invalid for input of size 6/);
    assert.throws(() => a.indexSelect(0, torch.tensor(new BigInt64Array([5n]))), /out of range|index/i);
    assert.throws(() => a.select(1, 7), /out of range/);
    assert.throws(() => F.crossEntropy(torch.ones([2, 3]), torch.tensor(new BigInt64Array([0n, 9n]))), /out of bounds|Target 9/);
    assert.throws(() => F.conv2d(torch.ones([1, 2, 5, 5]), torch.ones([4, 3, 3, 3])), /expected input\[1, 2, 5, 5\] to have 3 channels/);
    assert.throws(() => torch.linalg.eigh(torch.ones([2, 3], { dtype: 'float64' })), /square/);
    assert.throws(() => a.matmul(torch.ones([3, 2], { dtype: 'float64' })), /dtype|scalar type|same/i);
    // The engine still works after all of that.
    assert.equal(a.sum().item(), 6);
  });
});

test('unknown dtypes and devices are rejected, never silently replaced', () => {
  assert.throws(() => torch.zeros([2], { dtype: 'float16' as torch.DType }), /unknown dtype 'float16'/);
  assert.throws(() => torch.zeros([2], { device: 'tpu' }), /unknown device 'tpu'/);
  assert.throws(() => torch.resolveDevice('metal'), /unknown device 'metal'/);
  if (!torch.cuda.isAvailable()) assert.throws(() => torch.resolveDevice('cuda'), /no CUDA/);
});

test('bad arguments from JS are errors, not crashes', () => {
  torch.tidy(() => {
    assert.throws(() => torch.tensor(new Float32Array(5), { shape: [2, 2] }), /has 20 bytes, the shape needs 16/);
    assert.throws(() => torch.tensor([[1, 2], [3]]), /ragged/);
    assert.throws(() => torch.ones([2]).item(), /one element/);
    assert.throws(() => torch.manualSeed(-1), /non-negative integer/);
    assert.throws(() => torch.setNumThreads(0), /positive/);
  });
});
