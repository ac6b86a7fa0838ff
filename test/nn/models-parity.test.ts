/**
 * The models against the PyTorch references in make_nn_golden.py, built after manualSeed(0):
 * state-dict names (parameters and buffers in PyTorch's order), shapes, initial values (all of
 * them for mlp, resnet18 and ufm, checksums for the others), outputs and input gradients in
 * train and eval mode, float32 and float64.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { castFloating } from '../../src/nn/index.js';
import { type ClassifierModel, createModel, type ModelOptions } from '../../src/nn/models/index.js';
import { manualSeed, tidy } from '../../src/torch/index.js';
import { assertTensorClose, assertExact, checksum, decode, type EncodedState, type EncodedTensor, readFixture } from './golden.js';

interface ModelCase {
  name: string;
  options: ModelOptions;
  parameter_names: string[];
  buffer_names: string[];
  state_names: string[];
  shapes: Record<string, number[]>;
  checksums: Record<string, [number, number, number]>;
  values?: EncodedState;
  input: EncodedTensor;
  outputs: Record<string, { output: EncodedTensor; grad_output: EncodedTensor; input_grad?: EncodedTensor; input_grad_checksum?: number[] }>;
}

const golden = readFixture<{ models: Record<string, ModelCase> }>('models.json').models;

function build(c: ModelCase): ClassifierModel {
  manualSeed(0);
  return createModel(c.name, c.options);
}

function assertChecksum(actual: number[], expected: number[], what: string, tol: number): void {
  actual.forEach((value, i) => {
    const scaled = Math.abs(value - expected[i]!) / (1 + Math.abs(expected[i]!));
    assert.ok(scaled <= tol, `${what}: checksum ${i} is ${value}, expected ${expected[i]}`);
  });
}

for (const [key, c] of Object.entries(golden)) {
  describe(`${key} matches its PyTorch reference`, () => {
    test('parameter and buffer names, in PyTorch order, and shapes', () => {
      const model = build(c);
      assert.deepEqual(
        model.namedParameters().map(([n]) => n),
        c.parameter_names,
      );
      assert.deepEqual(
        model.namedBuffers().map(([n]) => n),
        c.buffer_names,
      );
      const state = model.stateDict();
      assert.deepEqual([...state.keys()].sort(), [...c.state_names].sort());
      for (const [name, t] of state) assert.deepEqual(t.shape, c.shapes[name], `shape of ${name}`);
      model.dispose();
    });

    test('initial values after manualSeed(0)', () => {
      const model = build(c);
      for (const [name, t] of model.stateDict()) {
        if (c.values !== undefined) assertExact(t, c.values[name]!, name);
        // Sums of the same float32 values in another order: equal to rounding.
        assertChecksum(checksum(t), c.checksums[name]!, name, 1e-12);
      }
      model.dispose();
    });

    for (const [variant, expected] of Object.entries(c.outputs)) {
      const [dtype, mode] = variant.split('_') as ['float32' | 'float64', 'train' | 'eval'];
      test(`output and gradient, ${dtype}, ${mode} mode`, () => {
        const model = build(c);
        tidy(() => {
          castFloating(model, dtype);
          model.train(mode === 'train');
          const isUfm = c.name === 'ufm';
          const x = isUfm ? decode(c.input) : decode(c.input).to(dtype).requiresGrad_(true);
          const out = model.call(x);
          assertTensorClose(out, expected.output, `${key} output`);
          out.mul(decode(expected.grad_output)).sum().backward();
          const grad = isUfm ? model.namedParameters()[0]![1].grad! : x.grad!;
          if (expected.input_grad !== undefined) assertTensorClose(grad, expected.input_grad, `${key} input grad`);
          else assertChecksum(checksum(grad), expected.input_grad_checksum!, `${key} input grad`, dtype === 'float64' ? 1e-10 : 1e-5);
        });
        model.dispose();
      });
    }
  });
}
