import assert from 'node:assert/strict';
import { test } from 'node:test';

import { native, type Handle } from '../../src/torch/native.js';

// What the addon reports to V8 with napi_adjust_external_memory (V8's own figure is not visible
// from JS: process.memoryUsage().external does not move with it in Node 20). Exact bytes.
const MiB = 2 ** 20;
const external = (): number => native.externalBytes();
/** The change since `from`, in MiB. */
const grownSince = (from: number): number => (external() - from) / MiB;

test("V8 is told about each CPU storage once: views and second handles share their base's bytes", () => {
  const float32 = native.dtypeCodes.float32;
  const start = external();
  const base = native.zeros([1024, 1024], float32); // 4 MiB
  assert.equal(grownSince(start), 4);

  const firstRow = native.narrow(base, 0, 0, 1);
  const views: Handle[] = [
    firstRow,
    native.view(base, [-1]),
    native.narrow(base, 0, 0, 10),
    native.transpose(base, 0, 1),
    native.detach(base),
    native.select(base, 0, 3),
    native.expand(firstRow, [8, 1024]),
  ];
  assert.equal(grownSince(start), 4, 'a view adds no bytes');

  const copy = native.clone(base);
  assert.equal(grownSince(start), 8, 'a copy has its own storage');
  native.dispose(copy);
  assert.equal(grownSince(start), 4);

  native.dispose(base);
  assert.equal(grownSince(start), 4, 'the views keep the storage alive, and it stays counted');
  for (const view of views) native.dispose(view);
  assert.equal(grownSince(start), 0, 'the last handle on the storage takes its bytes back');
});

test('a gradient fetched twice is counted once', () => {
  const w = native.zeros([512, 512], native.dtypeCodes.float32); // 1 MiB
  native.setRequiresGrad(w, true);
  const doubled = native.mul(w, 2);
  const loss = native.sum(doubled);
  native.backward(loss);
  const start = external();
  const first = native.grad(w)!;
  const second = native.grad(w)!;
  assert.equal(grownSince(start), 1);
  native.dispose(first);
  assert.equal(grownSince(start), 1);
  native.dispose(second);
  assert.equal(grownSince(start), 0);
  for (const t of [loss, doubled, w]) native.dispose(t);
});
