import { type Tensor, tensor, tidy } from '../../torch/index.js';
import { CollapseError } from '../collapse-error.js';

/**
 * The mean of cos(v_a, v_b) over the pairs a < b of `members`, from the C x C Gram matrix of the
 * vectors (row-major); undefined with fewer than two members (no pair to average).
 */
export function meanPairCosine(gram: Float64Array, count: number, members: readonly number[]): number | undefined {
  if (members.length < 2) return undefined;
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < members.length; i++) {
    const a = members[i]!;
    for (let j = i + 1; j < members.length; j++) {
      const b = members[j]!;
      total += gram[a * count + b]! / Math.sqrt(gram[a * count + a]! * gram[b * count + b]!);
      pairs++;
    }
  }
  return total / pairs;
}

/** The minority classes, checked: whole numbers in [0, C), each once, sorted. */
export function checkMinorityClasses(minority: readonly number[], numClasses: number): number[] {
  const seen = new Set<number>();
  for (const c of minority) {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new CollapseError(`minority class ${c} is not a class index in [0, ${numClasses})`);
    if (seen.has(c)) throw new CollapseError(`minority class ${c} is named twice`);
    seen.add(c);
  }
  return [...seen].sort((a, b) => a - b);
}

export interface MinorityCosines {
  minority?: number;
  majority?: number;
}

/**
 * The mean of cos(v_a, v_b) over the pairs a < b of `members`, from the rows v themselves: with
 * u_a = v_a / |v_a|, sum_{a != b} u_a.u_b = |sum_a u_a|^2 - K, so no K x K Gram matrix is formed
 * (a large majority group stays O(K p)). Undefined with fewer than two members.
 */
export function meanPairCosineOfRows(rows: Tensor, members: readonly number[]): number | undefined {
  const K = members.length;
  if (K < 2) return undefined;
  return tidy(() => {
    const index = tensor(Int32Array.from(members), { dtype: 'int64', device: rows.device });
    const chosen = rows.indexSelect(0, index).to('float64');
    const units = chosen.div(chosen.square().sum(1, true).sqrt());
    const sum = units.sum(0);
    return (sum.square().sum().item() - K) / (K * (K - 1));
  });
}

/**
 * Minority collapse (Fang, He, Long & Su 2021): the mean pairwise cosine among the minority
 * classes and among the others, from the centred class means or the classifier rows (C x p).
 * Each is left out when its group has fewer than two classes.
 */
export function minorityCosines(rows: Tensor, minority: readonly number[]): MinorityCosines {
  const numClasses = rows.size(0);
  const minor = new Set(minority);
  const majority = Array.from({ length: numClasses }, (_, c) => c).filter((c) => !minor.has(c));
  const result: MinorityCosines = {};
  const minorityValue = meanPairCosineOfRows(
    rows,
    [...minor].sort((a, b) => a - b),
  );
  const majorityValue = meanPairCosineOfRows(rows, majority);
  if (minorityValue !== undefined) result.minority = minorityValue;
  if (majorityValue !== undefined) result.majority = majorityValue;
  return result;
}
