import { type Tensor, tidy } from '../torch/index.js';
import { CollapseError } from './collapse-error.js';

/** Rows of a matrix that hold a NaN or an infinity. */
export function nonFiniteRows(matrix: Tensor): number[] {
  return tidy(() => {
    const bad = matrix
      .isfinite()
      .logicalNot()
      .reshape([matrix.size(0), -1])
      .sum(1)
      .to('cpu')
      .toArray();
    return bad.flatMap((n, row) => (n > 0 ? [row] : []));
  });
}

/**
 * Throws unless every value is finite. NaN and infinity propagate through sums, so checking the
 * accumulated state once catches a bad feature anywhere in the data without a check per batch.
 */
export function requireFiniteRows(matrix: Tensor, message: (rows: number[]) => string): void {
  const rows = nonFiniteRows(matrix);
  if (rows.length > 0) throw new CollapseError(message(rows.slice(0, 20)));
}
