import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollapseError, measureCollapse, measureCollapseOfArrays } from '../../src/collapse/index.js';
import { releaseScratch } from '../../src/collapse/index.js';
import { dispose, liveTensors, tensor } from '../../src/torch/index.js';
import { gaussianClasses } from './data.js';

function small() {
  return {
    features: tensor(
      [
        [0, 0],
        [1, 0],
        [5, 5],
        [6, 5],
        [0, 9],
        [1, 9],
      ],
      { dtype: 'float32' },
    ),
    labels: tensor(BigInt64Array.from([0n, 0n, 1n, 1n, 2n, 2n])),
  };
}

function throwsCollapse(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof CollapseError && pattern.test(error.message), `expected a CollapseError matching ${pattern}`);
}

test('an empty class is an error naming the class', () => {
  const { features, labels } = small();
  try {
    throwsCollapse(() => measureCollapseOfArrays(features, labels, { numClasses: 4 }), /class 3 of 0\.\.3 has no sample/);
  } finally {
    dispose([features, labels]);
  }
});

test('labels out of range, negative or not integers are errors', () => {
  const { features } = small();
  const bad = tensor(BigInt64Array.from([0n, 0n, 1n, 3n, 2n, 2n]));
  const negative = tensor(BigInt64Array.from([0n, 0n, 1n, -1n, 2n, 2n]));
  const floats = tensor([0, 0, 1, 1, 2, 2], { dtype: 'float32' });
  try {
    throwsCollapse(() => measureCollapseOfArrays(features, bad, { numClasses: 3 }), /labels must lie in 0\.\.2, got 3/);
    throwsCollapse(() => measureCollapseOfArrays(features, negative, { numClasses: 3 }), /labels must lie in 0\.\.2, got -1/);
    throwsCollapse(() => measureCollapseOfArrays(features, floats, { numClasses: 3 }), /labels must be integers/);
  } finally {
    dispose([features, bad, negative, floats]);
  }
});

test('NaN or infinite features are an error naming the class, never a NaN metric', () => {
  const features = tensor(
    [
      [0, 0],
      [1, 0],
      [5, Number.NaN],
      [6, 5],
      [0, 9],
      [1, Number.POSITIVE_INFINITY],
    ],
    { dtype: 'float32' },
  );
  const { labels } = small();
  try {
    throwsCollapse(() => measureCollapseOfArrays(features, labels, { numClasses: 3 }), /classes 1, 2 contain NaN or infinite values/);
    throwsCollapse(() => measureCollapseOfArrays(features, labels, { numClasses: 3, covariance: 'projected' }), /NaN or infinite/);
  } finally {
    dispose([features, labels]);
  }
});

test('fewer than two classes, a weight of the wrong width, coinciding means are errors', () => {
  const { features, labels } = small();
  const wide = tensor(
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    { dtype: 'float64' },
  );
  const same = tensor(
    [
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ],
    { dtype: 'float32' },
  );
  const two = tensor(BigInt64Array.from([0n, 1n, 0n, 1n]));
  try {
    throwsCollapse(() => measureCollapseOfArrays(features, labels, { numClasses: 1 }), /at least two classes/);
    throwsCollapse(() => measureCollapseOfArrays(features, labels, { numClasses: 3, weight: wide }), /weight has 3 columns but the features have 2/);
    throwsCollapse(() => measureCollapseOfArrays(same, two, { numClasses: 2 }), /class means coincide/);
    throwsCollapse(() => measureCollapseOfArrays(features, labels, { numClasses: 3, weightDecay: 1e-4 }), /needs the classifier weight/);
  } finally {
    dispose([features, labels, wide, same, two]);
  }
});

test('a source that can be iterated only once is refused with an explanation', () => {
  const { features, labels } = small();
  try {
    const once = (function* () {
      yield { features, labels };
    })();
    throwsCollapse(() => measureCollapse(once, { numClasses: 3 }), /same batches twice/);
  } finally {
    dispose([features, labels]);
  }
});

test('no tensor outlives a measurement, whether it succeeds or fails', () => {
  // Scratch buffers belong to the process (src/collapse/scratch.ts): free them for a clean count.
  releaseScratch();
  const start = liveTensors();
  const data = gaussianClasses({ n: 500, p: 10, C: 4 });
  const streamed = () =>
    (function* () {
      // A generator that makes new tensors per batch: each must be released after use.
      for (let i = 0; i < 500; i += 64) {
        const n = Math.min(64, 500 - i);
        yield { features: data.features.narrow(0, i, n).mul(2), labels: data.labels.narrow(0, i, n).clone() };
      }
    })();
  measureCollapse(streamed, { numClasses: 4, weight: data.weight, bias: data.bias, weightDecay: 5e-4 });
  measureCollapse(streamed, { numClasses: 4, weight: data.weight, covariance: 'projected' });
  // Fails after the first pass (class 4 is empty), with state to release.
  assert.throws(() => measureCollapse(streamed, { numClasses: 5, weight: data.weight }), /class 4/);
  // Fails when the classifier is checked, after the class means exist.
  const narrow = data.weight.narrow(1, 0, 5);
  assert.throws(() => measureCollapse(streamed, { numClasses: 4, weight: narrow }), /columns/);
  dispose([data, narrow]);
  releaseScratch();
  assert.equal(liveTensors(), start);
});
