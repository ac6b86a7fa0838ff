import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureBatches, measureCollapseOfArrays, measureLayerwiseCollapse } from '../../src/collapse/index.js';
import { releaseScratch } from '../../src/collapse/index.js';
import { Module } from '../../src/nn/module.js';
import { MLP } from '../../src/nn/models/index.js';
import { dispose, keep, liveTensors, manualSeed, randn, type Tensor, tidy } from '../../src/torch/index.js';
import { gaussianClasses } from './data.js';

/** x W (a fixed random matrix), then optionally ReLU. */
class Mix extends Module {
  private readonly weight: Tensor;
  constructor(
    inputs: number,
    outputs: number,
    private readonly relu: boolean,
  ) {
    super();
    this.weight = keep(randn([inputs, outputs], { dtype: 'float64' }).div(Math.sqrt(inputs)));
  }
  override forward(x: Tensor): Tensor {
    const y = x.matmul(this.weight);
    return this.relu ? y.relu() : y;
  }
  override dispose(): void {
    this.weight.dispose();
  }
}

/** Reshapes N x 4k features to an N x k x 2 x 2 "image", as a convolutional block's output. */
class ToImage extends Module {
  override forward(x: Tensor): Tensor {
    return x.reshape([x.size(0), x.size(1) / 4, 2, 2]);
  }
}

class TinyNet extends Module {
  readonly blocks: Module[];
  constructor() {
    super();
    this.blocks = [new Mix(10, 16, true), new Mix(16, 12, true), new ToImage()];
    this.blocks.forEach((block, i) => this.registerModule(`block${i}`, block));
  }
  blockNames(): string[] {
    return ['block0', 'block1', 'block2'];
  }
  override forward(x: Tensor): Tensor {
    return this.blocks.reduce((h, block) => block.call(h), x);
  }
}

function inputBatches(inputs: Tensor, labels: Tensor, size: number) {
  const batches = featureBatches(inputs, labels, size);
  return () => Array.from(batches(), (b) => ({ inputs: b.features, labels: b.labels }));
}

test('per-block collapse equals measureCollapse on that block output, flattened or pooled', () => {
  manualSeed(11);
  const net = new TinyNet();
  const data = gaussianClasses({ n: 400, p: 10, C: 4, dtype: 'float64' });
  try {
    for (const pool of [false, true]) {
      const layers = measureLayerwiseCollapse(net, inputBatches(data.features, data.labels, 64), { numClasses: 4, pool });
      assert.deepEqual(
        layers.map((l) => [l.name, l.depth]),
        [
          ['block0', 1],
          ['block1', 2],
          ['block2', 3],
        ],
      );
      tidy(() => {
        let h = data.features;
        net.blocks.forEach((block, i) => {
          h = block.forward(h);
          const features = h.ndim === 4 ? (pool ? h.mean([2, 3]) : h.flatten(1)) : h;
          const direct = measureCollapseOfArrays(features, data.labels, { numClasses: 4, covariance: 'projected' });
          for (const key of ['nc1', 'nc1_trace_ratio', 'cdnv', 'ncc_accuracy'] as const) {
            const [a, b] = [layers[i]![key], direct[key]];
            assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `pool=${pool} block${i}.${key}: ${a} vs ${b}`);
          }
        });
      });
      // Pooling changes what the last block measures: it must not be a no-op.
      if (pool) assert.equal(layers[2]!.nc1 === layers[1]!.nc1, false);
    }
  } finally {
    net.dispose();
    dispose(data);
  }
});

test('an MLP from src/nn/models: one record per block, train mode restored, nothing leaked', () => {
  manualSeed(2);
  // Scratch buffers belong to the process (src/collapse/scratch.ts): free them for a clean count.
  releaseScratch();
  const start = liveTensors();
  const model = new MLP({ inputDim: 12, numClasses: 3, width: 16, depth: 3 });
  const data = gaussianClasses({ n: 300, p: 12, C: 3 });
  model.train();
  const layers = measureLayerwiseCollapse(model, inputBatches(data.features, data.labels, 50), { numClasses: 3 });
  assert.deepEqual(
    layers.map((l) => l.name),
    model.blockNames(),
  );
  assert.equal(model.training, true);
  for (const layer of layers) {
    for (const key of ['nc1', 'nc1_trace_ratio', 'cdnv', 'ncc_accuracy'] as const) assert.ok(Number.isFinite(layer[key]), `${layer.name}.${key}`);
    assert.ok(layer.ncc_accuracy > 0.5, `${layer.name}: ncc_accuracy ${layer.ncc_accuracy} on well separated classes`);
  }
  model.dispose();
  dispose(data);
  releaseScratch();
  assert.equal(liveTensors(), start);
});

test('a missing block name is an error that names it', () => {
  const net = new TinyNet();
  try {
    assert.throws(() => measureLayerwiseCollapse(net, [], { numClasses: 2, layers: ['block0', 'nope'] }), /no module named 'nope'/);
  } finally {
    net.dispose();
  }
});
