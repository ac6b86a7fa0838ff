/**
 * Parameter initialisations, after torch.nn.init (PyTorch 1.13). Every function fills the tensor
 * in place with one draw from libtorch's global generator, computing its bounds with the same
 * double-precision arithmetic as PyTorch, so that after the same manualSeed() a freshly built
 * module holds exactly the values PyTorch's would.
 */
import { noGrad, type Tensor } from '../torch/index.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const negativeSlope = param ?? 0.01;
      // a * a rounds exactly as Python's `a ** 2` (both correctly rounded), e.g. 5.000000000000001 for sqrt(5).
      return Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
    }
    case 'selu':
      return 3.0 / 4;
  }
}

/** Fan-in and fan-out of a weight: dim 1 and dim 0 sizes times the receptive field (dims 2...). */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  const shape = tensor.shape;
  if (shape.length < 2) {
    throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  }
  const receptiveFieldSize = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptiveFieldSize, fanOut: shape[0]! * receptiveFieldSize };
}

function correctFan(tensor: Tensor, mode: FanMode): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return mode === 'fan_in' ? fanIn : fanOut;
}

export function uniform_(tensor: Tensor, low = 0, high = 1): Tensor {
  return noGrad(() => tensor.uniform_(low, high));
}

export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => tensor.normal_(mean, std));
}

export function constant_(tensor: Tensor, value: number): Tensor {
  return noGrad(() => tensor.fill_(value));
}

export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

export function zeros_(tensor: Tensor): Tensor {
  return noGrad(() => tensor.zero_());
}

export interface KaimingOptions {
  /** The negative slope of the rectifier after this layer (leaky_relu only); PyTorch's default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(tensor: Tensor, options: KaimingOptions): number {
  const fan = correctFan(tensor, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He et al. (2015) uniform: U(-bound, bound), bound = sqrt(3) * gain / sqrt(fan). */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.numel === 0) return tensor; // PyTorch warns and leaves zero-element tensors alone
  const bound = Math.sqrt(3.0) * kaimingStd(tensor, options);
  return uniform_(tensor, -bound, bound);
}

/** He et al. (2015) normal: N(0, std^2), std = gain / sqrt(fan). */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.numel === 0) return tensor;
  return normal_(tensor, 0, kaimingStd(tensor, options));
}

/**
 * The default initialisation of Linear and Conv2d (their reset_parameters()): weight
 * kaiming_uniform_(a = sqrt(5)), i.e. U(±1/sqrt(fan_in)), then bias U(±1/sqrt(fan_in)),
 * drawn in that order.
 */
export function resetWeightAndBias(weight: Tensor, bias: Tensor | undefined): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias === undefined) return;
  const { fanIn } = calculateFanInAndFanOut(weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, -bound, bound);
}
