import { type DType, isFloating, noGrad } from '../torch/index.js';
import type { Module } from './module.js';

/**
 * Casts every floating-point parameter and buffer to a floating dtype in place, keeping tensor
 * identities (as module.double() / module.float() in PyTorch): integer buffers such as
 * BatchNorm's num_batches_tracked stay int64, which Module.to(dtype) would not guarantee.
 */
export function castFloating<M extends Module>(module: M, dtype: 'float32' | 'float64'): M {
  noGrad(() => {
    for (const [, tensor] of [...module.namedParameters(), ...module.namedBuffers()]) {
      if (!isFloating(tensor.dtype) || tensor.dtype === dtype) continue;
      const cast = tensor.to(dtype as DType);
      tensor.setData_(cast);
      cast.dispose();
    }
  });
  return module;
}
