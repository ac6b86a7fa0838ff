import { type Tensor, tensor, tidy } from '../torch/index.js';
import { type AnalysisArrays, type SourceArray } from './analysis-arrays.js';
import { type ValidatedArrays } from './validate-arrays.js';

export interface AnalysisTensors {
  features: Tensor;
  labels: Tensor;
  weight?: Tensor;
  bias?: Tensor;
}

/** Tensors for validated arrays: features keep their float dtype; labels int64; W and b float64. */
export function analysisTensors(arrays: AnalysisArrays, validated: ValidatedArrays): AnalysisTensors {
  return tidy(() => {
    const floats = (array: SourceArray): Tensor =>
      tensor(array.data instanceof Float32Array || array.data instanceof Float64Array ? array.data : Float64Array.from(array.data as ArrayLike<number>), {
        shape: array.shape,
      });
    return {
      features: floats(arrays.features),
      labels: tensor(BigInt64Array.from(validated.labels, (v) => BigInt(v))),
      weight: arrays.weight ? floats(arrays.weight).to('float64') : undefined,
      bias: arrays.bias ? floats(arrays.bias).to('float64') : undefined,
    };
  });
}
