import { keep, tensor, type Tensor, tidy, where, zeros } from '../torch/index.js';
import { checkBatch } from './batch-check.js';
import { type ClassMeanSource, requireEveryClass } from './class-mean-accumulator.js';
import { readClassCounts } from './class-counts.js';
import { CollapseError, requireClassCount } from './collapse-error.js';
import { nonFiniteRows, requireFiniteRows } from './finite.js';
import { scratch } from './scratch.js';
import type { ShardReducer } from './shard-reducer.js';
import { addUpperGram, symmetricFromUpper } from './symmetric-update.js';

/**
 * The within-class covariance Sigma_W (p x p) and the class means, fed batch by batch in one pass.
 *
 * Second moments are accumulated about a per-class shift k_c (the mean of class c in the first
 * batch where it appears), never as raw E[h h^T] - mu mu^T: with e_i = h_i - k_{y_i},
 *   S = sum_i e_i e_i^T,  T_c = sum_{i in c} e_i,  mu_c = k_c + T_c / N_c,
 *   N Sigma_W = S - sum_c T_c T_c^T / N_c.
 * Because k_c is a mean of some of class c's samples, T_c / N_c is of the order of the
 * within-class spread and the subtraction loses no digits, however small that spread is next to
 * the distances between classes (late in the terminal phase).
 *
 * State: C x p shift and sums, C counts, one p x p matrix, and buffers of one batch.
 */
export class WithinClassScatterAccumulator implements ClassMeanSource {
  readonly numClasses: number;
  private shift: Tensor | undefined;
  private shiftedSums: Tensor | undefined;
  private classCounts: Tensor | undefined;
  private scatter: Tensor | undefined;

  constructor(numClasses: number) {
    requireClassCount(numClasses);
    this.numClasses = numClasses;
  }

  get dim(): number | undefined {
    return this.shift?.size(1);
  }

  get count(): number {
    return this.counts().reduce((a, b) => a + b, 0);
  }

  counts(): Float64Array {
    return readClassCounts(this.classCounts, this.numClasses);
  }

  add(features: Tensor, labels: Tensor): void {
    tidy(() => {
      const y = checkBatch(features, labels, this.numClasses, this.dim);
      const rows = features.size(0);
      if (rows === 0) return;
      const state = this.ensureState(features.size(1), features.device);
      const x = scratch('features', [rows, features.size(1)], features.device).copy_(features);
      const batchCounts = y.bincount(this.numClasses).to('float64');
      const fresh = batchCounts.gt(0).logicalAnd(state.counts.eq(0));
      if (fresh.any().item()) {
        // A class seen for the first time is shifted by its mean in this batch: its rows, weighted
        // by 1 / (its count in the batch), added into its (zero) shift row; other rows weigh 0.
        const weights = fresh.to('float64').div(batchCounts.clamp(1)).indexSelect(0, y).unsqueeze(1);
        const contributions = scratch('gathered', [rows, features.size(1)], x.device)
          .copy_(x)
          .mul_(weights);
        // A non-finite shift would spread to every later sum of its class: name the classes now.
        if (!contributions.isfinite().all().item()) {
          const labels = y.to('cpu').toArray();
          const bad = [...new Set(nonFiniteRows(contributions).map((row) => labels[row]!))].sort((a, b) => a - b).slice(0, 20);
          throw new CollapseError(`the features of class${bad.length > 1 ? 'es' : ''} ${bad.join(', ')} contain NaN or infinite values`);
        }
        state.shift.indexAdd_(0, y, contributions);
      }
      x.sub_(state.shift.indexSelectInto(scratch('gathered', [rows, features.size(1)], x.device), 0, y));
      state.shiftedSums.indexAdd_(0, y, x);
      state.counts.add_(batchCounts);
      addUpperGram(state.scatter, x);
    });
  }

  /** Adds another accumulator's samples (disjoint shards merge into what one pass gives); the other is unchanged. */
  merge(other: WithinClassScatterAccumulator): void {
    if (other.numClasses !== this.numClasses) throw new CollapseError(`cannot merge accumulators of ${other.numClasses} and ${this.numClasses} classes`);
    const [theirShift, theirSums, theirCounts, theirScatter] = [other.shift, other.shiftedSums, other.classCounts, other.scatter];
    if (theirShift === undefined || theirSums === undefined || theirCounts === undefined || theirScatter === undefined) return;
    if (this.dim !== undefined && this.dim !== theirShift.size(1))
      throw new CollapseError(`cannot merge features of width ${theirShift.size(1)} into width ${this.dim}`);
    const ours = this.counts();
    const theirs = other.counts();
    const state = this.ensureState(theirShift.size(1), this.shift?.device ?? theirShift.device);
    tidy(() => {
      const device = state.shift.device;
      const mask = (pick: (n: number, c: number) => boolean) =>
        tensor(
          theirs.map((n, c) => (pick(n, c) ? 1 : 0)),
          { dtype: 'bool', shape: [this.numClasses, 1], device },
        );
      // D = their shift - ours, for classes both have seen; a class only they have seen takes their shift.
      const delta = where(
        mask((n, c) => n > 0 && ours[c]! > 0),
        theirShift.to(device).sub(state.shift),
        0,
      );
      const sums = theirSums.to(device);
      const counts = theirCounts.to(device);
      // About our shift: sum (h - ours)(h - ours)^T = S + D^T T + T^T D + D^T diag(n) D, per class.
      const cross = delta.T.mm(sums);
      state.scatter
        .add_(theirScatter.to(device))
        .add_(cross)
        .add_(cross.T)
        .addmm_(delta.mul(counts.unsqueeze(1)).T, delta);
      state.shiftedSums.add_(sums).add_(delta.mul(counts.unsqueeze(1)));
      state.shift.copy_(
        where(
          mask((n, c) => n > 0 && ours[c] === 0),
          theirShift.to(device),
          state.shift,
        ),
      );
      state.counts.add_(counts);
    });
  }

  /**
   * Merges the accumulators of every shard (see ShardReducer). The shards first agree on one
   * shift per class, the count-weighted mean of their shifts (so it stays within the class's
   * spread), re-express their sums about it, and then everything adds.
   */
  reduceShards(reduce: ShardReducer): void {
    if (this.shift === undefined) throw new CollapseError('this shard has no samples: every shard needs at least one');
    // A shard may lack classes that others have: no requireState() here.
    const state = this.ensureState(this.shift.size(1), this.shift.device);
    tidy(() => {
      const counts = state.counts.unsqueeze(1);
      const weighted = state.shift.mul(counts);
      const total = counts.clone();
      reduce.sum(weighted);
      reduce.sum(total);
      const common = weighted.div(total.clamp(1));
      // About the common shift K, with D = k - K per class: S + D^T T + T^T D + D^T diag(n) D and T + n D.
      const delta = state.shift.sub(common);
      const cross = delta.T.mm(state.shiftedSums);
      state.scatter.add_(cross).add_(cross.T).addmm_(delta.mul(counts).T, delta);
      state.shiftedSums.add_(delta.mul(counts));
      state.shift.copy_(common);
    });
    reduce.sum(state.shiftedSums);
    reduce.sum(state.scatter);
    reduce.sum(state.counts);
  }

  means(): Tensor {
    const state = this.requireState();
    return tidy(() => {
      const means = state.shift.add(state.shiftedSums.div(state.counts.unsqueeze(1)));
      requireFiniteRows(means, (rows) => `the features of class${rows.length > 1 ? 'es' : ''} ${rows.join(', ')} contain NaN or infinite values`);
      return means;
    });
  }

  /** Sigma_W = (1/N) sum_i (h_i - mu_{y_i})(h_i - mu_{y_i})^T, p x p float64 (a new tensor). */
  covariance(): Tensor {
    const state = this.requireState();
    return tidy(() => {
      const offsets = state.shiftedSums.div(state.counts.unsqueeze(1)); // mu_c - k_c
      const sigma = symmetricFromUpper(state.scatter).sub(state.shiftedSums.T.mm(offsets)).div(state.counts.sum().item());
      requireFiniteRows(sigma, () => 'the within-class covariance is not finite: the features contain NaN or infinite values');
      return sigma;
    });
  }

  dispose(): void {
    for (const t of [this.shift, this.shiftedSums, this.classCounts, this.scatter]) t?.dispose();
    this.shift = this.shiftedSums = this.classCounts = this.scatter = undefined;
  }

  private requireState(): { shift: Tensor; shiftedSums: Tensor; counts: Tensor; scatter: Tensor } {
    if (this.shift === undefined) throw new CollapseError('no samples were given');
    requireEveryClass(
      [...this.counts().entries()].filter(([, n]) => n === 0).map(([c]) => c),
      this.numClasses,
    );
    return { shift: this.shift, shiftedSums: this.shiftedSums!, counts: this.classCounts!, scatter: this.scatter! };
  }

  private ensureState(dim: number, device: string): { shift: Tensor; shiftedSums: Tensor; counts: Tensor; scatter: Tensor } {
    if (this.shift === undefined) {
      this.shift = keep(zeros([this.numClasses, dim], { dtype: 'float64', device }));
      this.shiftedSums = keep(zeros([this.numClasses, dim], { dtype: 'float64', device }));
      this.classCounts = keep(zeros([this.numClasses], { dtype: 'float64', device }));
      this.scatter = keep(zeros([dim, dim], { dtype: 'float64', device }));
    }
    return { shift: this.shift, shiftedSums: this.shiftedSums!, counts: this.classCounts!, scatter: this.scatter! };
  }
}
