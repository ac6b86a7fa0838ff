/** Forward hooks: the trainer reads penultimate features and block outputs through them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { createModel, tapFeatures } from '../../src/nn/models/index.js';
import { manualSeed, randn, type Tensor, tidy } from '../../src/torch/index.js';

test('a hook on a block sees its output; removing it stops the calls', () =>
  tidy(() => {
    manualSeed(0);
    const model = createModel('resnet18', { inputShape: [3, 16, 16], numClasses: 4, width: 1 / 32 });
    const block = new Map(model.namedModules()).get('layer2')!;
    const seen: Tensor[] = [];
    const handle = block.registerForwardHook((module, _input, output) => {
      assert.equal(module, block);
      seen.push(output);
    });
    const x = randn([2, 3, 16, 16]);
    model.call(x);
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.shape, [2, 4, 8, 8], 'layer2 of a width-1/32 resnet18: 4 channels at half resolution');
    // The hooked output is the very tensor layer3 consumes: its own forward on it gives the same.
    const layer3 = new Map(model.namedModules()).get('layer3')!;
    assert.equal(layer3.forward(seen[0]!).shape[1], 8);
    handle.remove();
    model.call(x);
    assert.equal(seen.length, 1, 'no call after remove()');
    model.dispose();
  }));

test('a hook on model.classifier reads the penultimate features h (its input)', () =>
  tidy(() => {
    manualSeed(0);
    const model = createModel('vgg11', { inputShape: [1, 28, 28], numClasses: 10, width: 1 / 32 });
    let features: Tensor | undefined;
    const handle = model.classifier.registerForwardHook((_module, input) => {
      features = input;
    });
    const logits = model.call(randn([3, 1, 28, 28]));
    handle.remove();
    assert.deepEqual(features!.shape, [3, model.featureDim]);
    const recomputed = model.classifier.forward(features!);
    assert.equal(recomputed.sub(logits).abs().max().item(), 0, 'logits = classifier(h)');
    model.dispose();
  }));

test('hooks on Sequential children fire in order, each once per call', () =>
  tidy(() => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    assert.deepEqual(
      net.namedModules().map(([n]) => n),
      ['', '0', '1', '2'],
    );
    const order: string[] = [];
    const handles = net.children().map(([name, child]) => child.registerForwardHook(() => order.push(name)));
    net.call(randn([5, 3]));
    assert.deepEqual(order, ['0', '1', '2']);
    for (const handle of handles) handle.remove();
    net.call(randn([5, 3]));
    assert.equal(order.length, 3);
    net.dispose();
  }));

test('tapFeatures records h and every block output, and stops after remove()', () =>
  tidy(() => {
    manualSeed(0);
    const model = createModel('densenet121', { inputShape: [3, 16, 16], numClasses: 5, width: 1 / 16 });
    const tap = tapFeatures(model);
    model.call(randn([2, 3, 16, 16]));
    assert.deepEqual(tap.penultimate!.shape, [2, model.featureDim]);
    assert.deepEqual([...tap.blocks.keys()], model.blockNames());
    assert.deepEqual(tap.blocks.get('features.transition1')!.shape.slice(2), [8, 8]);
    tap.remove();
    const before = tap.penultimate;
    model.call(randn([4, 3, 16, 16]));
    assert.equal(tap.penultimate, before);
    assert.throws(() => tapFeatures(model, ['layer9']), /no module named 'layer9'/);
    model.dispose();
  }));
