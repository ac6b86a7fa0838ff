/** Bad input surfaces as a JS Error carrying libtorch's (or PyTorch's) message, and the process goes on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchNorm1d, BatchNorm2d, Conv2d, Linear } from '../../src/nn/index.js';
import { createModel, modelNames } from '../../src/nn/models/index.js';
import { liveTensors, tidy, zeros } from '../../src/torch/index.js';
import { readFixture } from './golden.js';

const messages = readFixture<Record<string, string>>('errors.json');

function assertThrowsMessage(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error, 'a JS Error');
    assert.equal(error.message, message);
    return true;
  });
}

test('wrong input shapes give JS Errors with the same message as PyTorch', () => {
  const before = liveTensors();
  tidy(() => {
    const linear = new Linear(5, 3);
    const conv = new Conv2d(3, 4, 3);
    const wide = new Conv2d(3, 4, 5);
    const bn1 = new BatchNorm1d(3);
    const bn2 = new BatchNorm2d(3);
    const all = [linear, conv, wide, bn1, bn2];
    assertThrowsMessage(() => linear.call(zeros([2, 4])), messages.linear_wrong_features!);
    assertThrowsMessage(() => conv.call(zeros([2, 2, 6, 6])), messages.conv2d_wrong_channels!);
    assertThrowsMessage(() => conv.call(zeros([6, 6])), messages.conv2d_wrong_rank!);
    assertThrowsMessage(() => wide.call(zeros([1, 3, 3, 3])), messages.conv2d_too_small!);
    assertThrowsMessage(() => bn1.call(zeros([2, 3, 4, 4])), messages.batchnorm1d_wrong_rank!);
    assertThrowsMessage(() => bn2.call(zeros([2, 3])), messages.batchnorm2d_wrong_rank!);
    // Python prints torch.Size([1, 3]); the rest of the message is PyTorch's.
    assert.throws(() => bn1.call(zeros([1, 3])), /^Error: Expected more than 1 value per channel when training, got input size \[1, 3\]$/);
    // The process goes on and the modules still work.
    assert.deepEqual(linear.call(zeros([2, 5])).shape, [2, 3]);
    assert.deepEqual(conv.call(zeros([1, 3, 5, 5])).shape, [1, 4, 3, 3]);
    for (const module of all) module.dispose();
  });
  assert.equal(liveTensors(), before, 'no tensor leaked on the error paths');
});

test('a failed BatchNorm1d input check does not count a batch', () => {
  const bn = new BatchNorm1d(3);
  assert.throws(() => bn.call(zeros([2, 3, 4, 4])));
  assert.equal(bn.numBatchesTracked!.item(), 0);
  bn.dispose();
});

test('createModel: unknown names and bad options are clear errors', () => {
  assert.throws(
    () => createModel('resnet19', { inputShape: [3, 32, 32], numClasses: 10 }),
    (error: Error) => {
      assert.match(error.message, /unknown model 'resnet19'/);
      for (const name of modelNames) assert.ok(error.message.includes(name), `lists ${name}`);
      return true;
    },
  );
  assert.throws(() => createModel('ufm', { inputShape: [1, 1, 1], numClasses: 3 }), /numSamples/);
  assert.throws(() => createModel('mlp', { inputShape: [28, 28] as unknown as [number, number, number], numClasses: 3 }), /inputShape/);
  assert.throws(() => createModel('resnet18', { inputShape: [3, 32, 32], numClasses: 10, width: 0 }), /width/);
  assert.throws(() => new Conv2d(3, 4, 3, { groups: 2 }), /in_channels must be divisible by groups/);
  const linear = new Linear(3, 4);
  assert.throws(() => tidy(() => linear.call(zeros([2, 3], { dtype: 'float64' }))), /dtype|type/i);
  linear.dispose();
});
