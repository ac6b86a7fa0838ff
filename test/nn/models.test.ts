/** The model zoo: shapes on 28 and 32 px inputs, 1 and 3 channels, blocks, features, modes, memory. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchNorm } from '../../src/nn/index.js';
import { type ClassifierModel, createModel, modelNames, ResNet } from '../../src/nn/models/index.js';
import { arange, liveTensors, manualSeed, randn, type Tensor, tidy } from '../../src/torch/index.js';

const imageModels = modelNames.filter((name) => name !== 'ufm');

function blockOutputs(model: ClassifierModel, x: Tensor): { names: string[]; shapes: number[][]; features: number[] } {
  const modules = new Map(model.namedModules());
  const shapes: number[][] = [];
  const handles = model.blockNames().map((name) => {
    const module = modules.get(name);
    assert.ok(module !== undefined, `block '${name}' is a module of the model`);
    return module.registerForwardHook((_m, _input, output) => shapes.push(output.shape));
  });
  let features: number[] = [];
  handles.push(model.classifier.registerForwardHook((_m, input) => (features = input.shape)));
  const logits = model.call(x);
  for (const handle of handles) handle.remove();
  assert.deepEqual(logits.shape, [x.size(0), model.numClasses]);
  return { names: model.blockNames(), shapes, features };
}

describe('every image model on 28 and 32 px, 1 and 3 channels', () => {
  for (const name of imageModels) {
    for (const [channels, size] of [
      [1, 28],
      [3, 32],
    ] as const) {
      test(`${name}, ${channels}x${size}x${size}`, () => {
        const before = liveTensors();
        manualSeed(0);
        const model = createModel(name, { inputShape: [channels, size, size], numClasses: 10, width: 1 / 16, depth: 2 });
        tidy(() => {
          const { names, shapes, features } = blockOutputs(model, randn([2, channels, size, size]));
          assert.ok(names.length > 0, 'has blocks');
          assert.equal(shapes.length, names.length, 'every block ran once, in depth order');
          assert.deepEqual(features, [2, model.featureDim], 'the classifier input is h, of dimension featureDim');
          assert.equal(model.classifier.inFeatures, model.featureDim);
          model.eval();
          assert.deepEqual(model.call(randn([1, channels, size, size])).shape, [1, 10], 'eval mode takes a single sample');
        });
        model.dispose();
        assert.equal(liveTensors(), before, 'forward in tidy and dispose() leave nothing behind');
      });
    }
  }
});

test('VGG: p = 512 * width on both 28 and 32 px (the fifth pool is left out at 28 px)', () => {
  for (const size of [28, 32]) {
    const model = createModel('vgg16', { inputShape: [3, size, size], numClasses: 10, width: 1 / 8 });
    assert.equal(model.featureDim, 64);
    const pools = model.namedModules().filter(([, m]) => m.constructor.name === 'MaxPool2d').length;
    assert.equal(pools, size === 32 ? 5 : 4);
    assert.equal(model.blockNames().length, 5, 'five conv stages');
    model.dispose();
  }
});

test('state-dict names are PyTorch/torchvision names', () => {
  const resnet = createModel('resnet18', { inputShape: [3, 32, 32], numClasses: 10, width: 1 / 16 });
  const names = [...resnet.stateDict().keys()];
  for (const name of [
    'conv1.weight',
    'layer1.0.conv1.weight',
    'layer1.0.bn1.running_mean',
    'layer1.0.bn1.num_batches_tracked',
    'layer2.0.downsample.0.weight',
    'layer2.0.downsample.1.running_var',
    'fc.weight',
    'fc.bias',
  ]) {
    assert.ok(names.includes(name), name);
  }
  assert.deepEqual(resnet.blockNames(), ['layer1', 'layer2', 'layer3', 'layer4']);
  assert.deepEqual((resnet as ResNet).residualBlockNames(), ['layer1.0', 'layer1.1', 'layer2.0', 'layer2.1', 'layer3.0', 'layer3.1', 'layer4.0', 'layer4.1']);
  resnet.dispose();
  const vgg = createModel('vgg11', { inputShape: [3, 32, 32], numClasses: 10, width: 1 / 16 });
  assert.deepEqual([...vgg.stateDict().keys()].slice(0, 3), ['features.0.weight', 'features.0.bias', 'features.1.weight']);
  vgg.dispose();
  const mlp = createModel('mlp', { inputShape: [1, 28, 28], numClasses: 10, width: 1 / 8, depth: 2 });
  assert.deepEqual(mlp.blockNames(), ['features.0', 'features.1']);
  assert.ok([...mlp.stateDict().keys()].includes('features.1.1.running_mean'));
  assert.equal(mlp.featureDim, 64, 'width multiplies the 512 hidden units');
  mlp.dispose();
  const densenet = createModel('densenet121', { inputShape: [3, 32, 32], numClasses: 10, width: 1 / 8 });
  assert.ok([...densenet.stateDict().keys()].includes('features.denseblock1.denselayer1.conv1.weight'));
  assert.equal(densenet.blockNames().length, 7);
  densenet.dispose();
});

test('resnet zeroInitResidual zeroes the last BN of every block (off by default)', () => {
  const on = new ResNet({ config: 'resnet50', inChannels: 3, numClasses: 10, width: 1 / 32, zeroInitResidual: true });
  const off = new ResNet({ config: 'resnet50', inChannels: 3, numClasses: 10, width: 1 / 32 });
  const bn3 = (model: ResNet) => model.namedParameters().filter(([n]) => n.endsWith('bn3.weight'));
  assert.ok(bn3(on).every(([, t]) => t.abs().sum().item() === 0));
  assert.ok(bn3(off).every(([, t]) => t.sum().item() === t.numel));
  on.dispose();
  off.dispose();
});

test('BatchNorm counts batches in training only, and train()/eval() reach every module', () =>
  tidy(() => {
    const model = createModel('mlp', { inputShape: [1, 4, 4], numClasses: 3, width: 1 / 64, depth: 2 });
    const bns = model
      .namedModules()
      .filter(([, m]) => m instanceof BatchNorm)
      .map(([, m]) => m as BatchNorm);
    assert.equal(bns.length, 2);
    model.call(randn([4, 1, 4, 4]));
    model.call(randn([4, 1, 4, 4]));
    assert.ok(bns.every((bn) => bn.numBatchesTracked!.item() === 2 && bn.numBatchesTracked!.dtype === 'int64'));
    const mean = bns[0]!.runningMean!.clone();
    model.eval();
    assert.ok(model.namedModules().every(([, m]) => !m.training));
    model.call(randn([4, 1, 4, 4]));
    assert.equal(bns[0]!.numBatchesTracked!.item(), 2, 'eval does not count');
    assert.equal(bns[0]!.runningMean!.sub(mean).abs().max().item(), 0, 'eval does not update the statistics');
    model.train();
    assert.ok(model.namedModules().every(([, m]) => m.training));
    model.dispose();
  }));

test('ufm: forward(indices) = classifier(H[indices]); H ~ N(0, 0.1^2); blocks none', () =>
  tidy(() => {
    manualSeed(3);
    const model = createModel('ufm', { inputShape: [1, 1, 1], numClasses: 4, numSamples: 400, featureDim: 50 });
    const H = model.namedParameters()[0]![1];
    assert.deepEqual(H.shape, [400, 50]);
    const std = H.std().item();
    assert.ok(Math.abs(std - 0.1) < 0.005, `std ${std}`);
    let features: Tensor | undefined;
    const handle = model.classifier.registerForwardHook((_m, input) => (features = input));
    const indices = arange(3, 9);
    const logits = model.call(indices);
    handle.remove();
    assert.deepEqual(logits.shape, [6, 4]);
    assert.equal(
      features!
        .sub(H.narrow(0, 3, 6))
        .abs()
        .max()
        .item(),
      0,
    );
    assert.deepEqual(model.blockNames(), []);
    assert.throws(() => model.call(randn([2, 50])), /int64 sample indices/);
    model.dispose();
  }));
