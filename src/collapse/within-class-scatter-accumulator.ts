import { keep, type Tensor, tidy, zeros } from '../torch/index.js';
import { ClassMeanAccumulator } from './class-mean-accumulator.js';
import { CollapseError } from './errors.js';
import { requireFiniteRows } from './finite.js';
import { addUpperGram, symmetricFromUpper } from './symmetric-update.js';

/**
 * The within-class covariance Sigma_W (p x p), fed batch by batch in the same pass as the class
 * means.
 *
 * Second moments are accumulated about each class's shift (see ClassMeanAccumulator), never as
 * raw E[h h^T] - mu mu^T: S = sum_i (h_i - k_y)(h_i - k_y)^T and, at the end,
 * N Sigma_W = S - sum_c N_c d_c d_c^T with d_c = mu_c - k_c. Because k_c is a mean of some of
 * class c's samples, d_c is of the order of the within-class spread and the subtraction loses no
 * digits, however small that spread is next to the class means.
 *
 * State: the class-mean state plus one p x p matrix.
 */
export class WithinClassScatterAccumulator {
  readonly classMeans: ClassMeanAccumulator;
  private scatter: Tensor | undefined;

  constructor(numClasses: number) {
    this.classMeans = new ClassMeanAccumulator(numClasses);
  }

  get numClasses(): number {
    return this.classMeans.numClasses;
  }

  get count(): number {
    return this.classMeans.count;
  }

  add(features: Tensor, labels: Tensor): void {
    tidy(() => {
      const batch = this.classMeans.addAndCentre(features, labels);
      if (batch === undefined) return;
      addUpperGram(this.ensureScatter(batch.centred.size(1), batch.centred.device), batch.centred);
    });
  }

  /** Adds another accumulator's samples, as ClassMeanAccumulator.merge; the other is unchanged. */
  merge(other: WithinClassScatterAccumulator): void {
    const theirs = other.classMeans.state();
    const theirScatter = other.scatter;
    if (theirs === undefined || theirScatter === undefined) return;
    if (this.classMeans.state() === undefined) {
      this.classMeans.merge(other.classMeans);
      this.ensureScatter(theirs.shift.size(1), theirs.shift.device).copy_(theirScatter);
      return;
    }
    tidy(() => {
      const scatter = this.ensureScatter(theirs.shift.size(1), theirs.shift.device);
      // Their second moments about our shift: with D = theirs - ours and T their shifted sums,
      // sum (h - ours)(h - ours)^T = S_theirs + D^T T + T^T D + D^T diag(n) D (per class, summed).
      const delta = this.classMeans.shiftDifference(other.classMeans);
      const sums = theirs.shiftedSums.to(scatter.device);
      const counts = other.classMeans.countsTensor(scatter.device).unsqueeze(1);
      const cross = delta.T.mm(sums);
      scatter.add_(theirScatter.to(scatter.device)).add_(cross).add_(cross.T).addmm_(delta.mul(counts).T, delta);
    });
    this.classMeans.merge(other.classMeans);
  }

  /** Sigma_W = (1/N) sum_i (h_i - mu_{y_i})(h_i - mu_{y_i})^T, p x p float64 (a new tensor). */
  covariance(): Tensor {
    this.classMeans.requireEveryClass();
    const { shiftedSums } = this.classMeans.state()!;
    const scatter = this.scatter!;
    return tidy(() => {
      const counts = this.classMeans.countsTensor(scatter.device).unsqueeze(1);
      const offsets = shiftedSums.div(counts); // d_c = mu_c - k_c
      const sigma = symmetricFromUpper(scatter).sub(offsets.mul(counts).T.mm(offsets)).div(this.count);
      requireFiniteRows(sigma, () => 'the within-class covariance is not finite: the features contain NaN or infinite values');
      return sigma;
    });
  }

  dispose(): void {
    this.classMeans.dispose();
    this.scatter?.dispose();
    this.scatter = undefined;
  }

  private ensureScatter(dim: number, device: string): Tensor {
    if (this.scatter === undefined) this.scatter = keep(zeros([dim, dim], { dtype: 'float64', device }));
    if (this.scatter.size(0) !== dim) throw new CollapseError(`features of width ${dim} do not match the accumulated width ${this.scatter.size(0)}`);
    return this.scatter;
  }
}
