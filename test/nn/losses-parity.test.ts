/** Cross-entropy and MSE (the two losses of neural-collapse training) against PyTorch 1.13. */
import { describe, test } from 'node:test';
import { F, type Reduction, tidy } from '../../src/torch/index.js';
import { assertTensorClose, decode, type EncodedTensor, readFixture } from './golden.js';

interface LossCase {
  input: EncodedTensor;
  target: EncodedTensor;
  reduction: Reduction;
  label_smoothing?: number;
  loss: EncodedTensor;
  grad_output: EncodedTensor;
  input_grad: EncodedTensor;
}

const golden = readFixture<Record<'float32' | 'float64', { losses: Record<string, LossCase> }>>('layers.json');

function loss(name: string, input: ReturnType<typeof decode>, c: LossCase) {
  const target = decode(c.target);
  if (name.startsWith('cross_entropy')) return F.crossEntropy(input, target, { reduction: c.reduction, labelSmoothing: c.label_smoothing });
  // MSE against class indices means against their one-hot vectors, in the input's dtype.
  const goal = target.dtype === 'int64' ? target.oneHot(input.size(1)).to(input.dtype) : target;
  return F.mseLoss(input, goal, c.reduction);
}

for (const dtype of ['float32', 'float64'] as const) {
  describe(`losses match PyTorch (${dtype})`, () => {
    for (const [name, c] of Object.entries(golden[dtype].losses)) {
      test(name, () =>
        tidy(() => {
          const x = decode(c.input).requiresGrad_(true);
          const value = loss(name, x, c);
          assertTensorClose(value, c.loss, `${name} loss`);
          value.mul(decode(c.grad_output)).sum().backward();
          assertTensorClose(x.grad!, c.input_grad, `${name} input grad`);
        }),
      );
    }
  });
}
