/** The typed tensor API over libtorch. */
export { Tensor, type Operand, type Reduction } from './tensor.js';
export { type DType, type AnyTypedArray, isFloating } from './dtype.js';
export * from './factories.js';
export { tidy, keep, dispose } from './scope.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd.js';
export { manualSeed, setNumThreads, getNumThreads, libtorchVersion, liveTensors, cuda, resolveDevice } from './runtime.js';
export * as F from './functional.js';
export * as linalg from './linalg.js';
