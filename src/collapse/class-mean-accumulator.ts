import { keep, tensor, type Tensor, tidy, zeros } from '../torch/index.js';
import { checkBatch } from './batch-check.js';
import { readClassCounts } from './class-counts.js';
import { CollapseError, requireClassCount } from './collapse-error.js';
import { requireFiniteRows } from './finite.js';
import { scratch } from './scratch.js';
import type { ShardReducer } from './shard-reducer.js';

/** What the measures need from a first pass: per-class counts and means. */
export interface ClassMeanSource {
  readonly numClasses: number;
  counts(): Float64Array;
  /** C x p float64 class means (a new tensor); throws, naming them, if a class has no sample. */
  means(): Tensor;
}

/**
 * Per-class sample counts and sums, fed batch by batch, all in float64 whatever the feature dtype.
 *
 * Plain sums suffice for the means: a rounding error e in mu_c moves the within-class second
 * moments computed from it by N_c e e^T only (the first-order term vanishes), so the deviations
 * of the second pass stay exact to rounding even late in TPT. (The within-class covariance of
 * the first pass, which cannot wait for the means, works about a shift instead: see
 * WithinClassScatterAccumulator.)
 *
 * State: C x p sums, C counts, and buffers of one batch; nothing grows with N.
 */
export class ClassMeanAccumulator implements ClassMeanSource {
  readonly numClasses: number;
  private sums: Tensor | undefined;
  private classCounts: Tensor | undefined;

  constructor(numClasses: number) {
    requireClassCount(numClasses);
    this.numClasses = numClasses;
  }

  /** Feature dimension p (undefined before the first batch). */
  get dim(): number | undefined {
    return this.sums?.size(1);
  }

  get device(): string | undefined {
    return this.sums?.device;
  }

  /** Samples seen so far. */
  get count(): number {
    return this.counts().reduce((a, b) => a + b, 0);
  }

  /** Samples seen so far in each class. */
  counts(): Float64Array {
    return readClassCounts(this.classCounts, this.numClasses);
  }

  add(features: Tensor, labels: Tensor): void {
    tidy(() => {
      const y = checkBatch(features, labels, this.numClasses, this.dim);
      const rows = features.size(0);
      if (rows === 0) return;
      const { sums, counts } = this.ensureState(features.size(1), features.device);
      const x = scratch('features', [rows, features.size(1)], features.device).copy_(features);
      sums.indexAdd_(0, y, x);
      counts.add_(y.bincount(this.numClasses).to('float64'));
    });
  }

  /** Classes without a sample so far. */
  emptyClasses(): number[] {
    return [...this.counts().entries()].filter(([, n]) => n === 0).map(([c]) => c);
  }

  /** Throws, naming the classes, unless every class has a sample. */
  requireEveryClass(): void {
    if (this.sums === undefined) throw new CollapseError('no samples were given');
    requireEveryClass(this.emptyClasses(), this.numClasses);
  }

  means(): Tensor {
    this.requireEveryClass();
    const sums = this.sums!;
    return tidy(() => {
      const means = sums.div(this.countsTensor(sums.device).unsqueeze(1));
      requireFiniteRows(means, (rows) => `the features of class${rows.length > 1 ? 'es' : ''} ${rows.join(', ')} contain NaN or infinite values`);
      return means;
    });
  }

  countsTensor(device: string): Tensor {
    return tensor(this.counts(), { dtype: 'float64', device });
  }

  /**
   * Adds another accumulator's samples: disjoint shards of one data set give the state a single
   * pass over all of them gives (up to rounding). The other accumulator is left unchanged.
   */
  merge(other: ClassMeanAccumulator): void {
    if (other.numClasses !== this.numClasses) throw new CollapseError(`cannot merge accumulators of ${other.numClasses} and ${this.numClasses} classes`);
    if (other.sums === undefined || other.classCounts === undefined) return;
    const dim = other.sums.size(1);
    if (this.dim !== undefined && this.dim !== dim) throw new CollapseError(`cannot merge features of width ${dim} into width ${this.dim}`);
    const { sums, counts } = this.ensureState(dim, this.device ?? other.sums.device);
    tidy(() => {
      sums.add_(other.sums!.to(sums.device));
      counts.add_(other.classCounts!.to(counts.device));
    });
  }

  /** Merges the accumulators of every shard (see ShardReducer): sums and counts add. */
  reduceShards(reduce: ShardReducer): void {
    if (this.sums === undefined || this.classCounts === undefined) throw new CollapseError('this shard has no samples: every shard needs at least one');
    reduce.sum(this.sums);
    reduce.sum(this.classCounts);
  }

  dispose(): void {
    for (const t of [this.sums, this.classCounts]) t?.dispose();
    this.sums = this.classCounts = undefined;
  }

  private ensureState(dim: number, device: string): { sums: Tensor; counts: Tensor } {
    if (this.sums === undefined || this.classCounts === undefined) {
      this.sums = keep(zeros([this.numClasses, dim], { dtype: 'float64', device }));
      this.classCounts = keep(zeros([this.numClasses], { dtype: 'float64', device }));
    }
    return { sums: this.sums, counts: this.classCounts };
  }
}

/** The empty-class error, naming the classes. */
export function requireEveryClass(empty: number[], numClasses: number): void {
  if (empty.length === 0) return;
  throw new CollapseError(
    `class${empty.length > 1 ? 'es' : ''} ${empty.slice(0, 20).join(', ')}${empty.length > 20 ? ', ...' : ''} ` +
      `of 0..${numClasses - 1} ha${empty.length > 1 ? 've' : 's'} no sample: class means are undefined`,
  );
}
