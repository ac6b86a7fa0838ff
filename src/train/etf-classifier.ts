import { createRandom } from '../data/random.js';
import { UsageError } from '../errors.js';
import type { ClassifierModel } from '../nn/models/classifier.js';
import * as torch from '../torch/index.js';

/**
 * A simplex equiangular tight frame in p dimensions, C x p in float64, row-major: unit rows with
 * W W^T = C/(C-1) (I - 1 1^T / C), every pairwise cosine -1/(C-1). Built as
 * sqrt(C/(C-1)) H Q^T, where H (C x (C-1)) is the Helmert basis of the complement of 1 and
 * Q (p x (C-1)) a random orthonormal frame (Gram-Schmidt, twice, of Gaussian columns drawn from
 * `seed`): a seeded random rotation of the standard simplex. Needs p >= C - 1.
 */
export function simplexEtf(numClasses: number, dim: number, seed: number): Float64Array {
  const C = numClasses;
  const k = C - 1;
  if (C < 2) throw new UsageError(`--classifier etf needs at least 2 classes, got ${C}`);
  if (dim < k)
    throw new UsageError(
      `--classifier etf needs the feature dimension p >= C - 1 = ${k}, but the model's p is ${dim}; widen the model or use --classifier linear`,
    );
  const random = createRandom(seed);
  // Q's columns, each of length p.
  const columns: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: dim }, () => random.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const q of columns) {
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += q[i]! * v[i]!;
        for (let i = 0; i < dim; i++) v[i]! -= dot * q[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < dim; i++) v[i]! /= norm;
    columns.push(v);
  }
  const scale = Math.sqrt(C / k);
  const weight = new Float64Array(C * dim);
  for (let c = 0; c < C; c++) {
    // Row c of the Helmert basis: column j (1-based m = j + 1) is (1,...,1, -m, 0,...)/sqrt(m(m+1)), m ones.
    for (let j = 0; j < k; j++) {
      const m = j + 1;
      const h = c < m ? 1 : c === m ? -m : 0;
      if (h === 0) continue;
      const coefficient = (scale * h) / Math.sqrt(m * (m + 1));
      const q = columns[j]!;
      for (let i = 0; i < dim; i++) weight[c * dim + i]! += coefficient * q[i]!;
    }
  }
  return weight;
}

/**
 * Fixes the model's last layer to a simplex ETF (Zhu et al. 2021, Yang et al. 2022): the weight
 * becomes simplexEtf(C, p, seed) in the weight's dtype and the bias zero. The trainer leaves
 * the classifier out of the optimiser (fixedClassifierParameters), so it is never updated, weight
 * decay included; checkpoints hold it like any parameter, so a resumed run keeps it.
 */
export function fixClassifierToEtf(model: ClassifierModel, seed: number): void {
  const { weight, bias } = model.classifier;
  const values = simplexEtf(model.numClasses, model.featureDim, seed);
  torch.noGrad(() =>
    torch.tidy(() => {
      weight.copy_(
        torch
          .tensor(values, { shape: [model.numClasses, model.featureDim], dtype: 'float64' })
          .to(weight.dtype)
          .to(weight.device),
      );
      bias?.zero_();
    }),
  );
}

/** The parameters an optimiser trains: all of them, or all but the fixed classifier's. */
export function trainableParameters(model: ClassifierModel, classifier: 'linear' | 'etf'): torch.Tensor[] {
  if (classifier === 'linear') return model.parameters();
  const fixed = new Set<torch.Tensor>(model.classifier.parameters());
  return model.parameters().filter((p) => !fixed.has(p));
}
