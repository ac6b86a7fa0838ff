import { keep, tensor, type Tensor, tidy, where, zeros } from '../torch/index.js';
import { checkBatch } from './batch-check.js';
import { CollapseError } from './errors.js';
import { requireFiniteRows } from './finite.js';

/** One batch after the class-mean update: features minus their class's shift, float64 (a view of a work buffer). */
export interface CentredBatch {
  centred: Tensor;
  labels: Tensor;
}

/** The tensors of a ClassMeanAccumulator (not copies: read them, do not change them). */
export interface ClassMeanState {
  counts: Float64Array;
  shift: Tensor;
  shiftedSums: Tensor;
}

/**
 * Per-class sample counts and sums, fed batch by batch, all in float64 whatever the feature dtype.
 *
 * The sums are kept about a per-class shift (the class's mean in the first batch where it
 * appears): mean_c = shift_c + shiftedSum_c / N_c. The deviations that are summed are then of the
 * order of the within-class spread, which keeps the second moments built on them (the
 * WithinClassScatterAccumulator) free of cancellation when that spread is a millionth of the
 * distances between classes.
 *
 * State: C x p shift and sums plus one batch-sized work buffer; nothing grows with N.
 */
export class ClassMeanAccumulator {
  readonly numClasses: number;
  private readonly classCounts: Float64Array;
  private shift: Tensor | undefined;
  private shiftedSums: Tensor | undefined;
  private work: Tensor | undefined;

  constructor(numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 2) {
      throw new CollapseError(`collapse needs at least two classes, got numClasses = ${numClasses}`);
    }
    this.numClasses = numClasses;
    this.classCounts = new Float64Array(numClasses);
  }

  /** Feature dimension p (undefined before the first batch). */
  get dim(): number | undefined {
    return this.shift?.size(1);
  }

  get device(): string | undefined {
    return this.shift?.device;
  }

  /** Samples seen so far. */
  get count(): number {
    return this.classCounts.reduce((a, b) => a + b, 0);
  }

  /** Samples seen so far in each class (a copy). */
  counts(): Float64Array {
    return this.classCounts.slice();
  }

  add(features: Tensor, labels: Tensor): void {
    tidy(() => {
      this.addAndCentre(features, labels);
    });
  }

  /**
   * Adds a batch and returns it centred on the class shifts, for accumulators that build on the
   * same deviations. The centred tensor is a view of a work buffer, valid until the next batch.
   */
  addAndCentre(features: Tensor, labels: Tensor): CentredBatch | undefined {
    const batch = checkBatch(features, labels, this.numClasses, this.dim);
    const rows = features.size(0);
    if (rows === 0) return undefined;
    const { shift, shiftedSums } = this.ensureState(features.size(1), features.device);
    const x = this.workRows(rows, features.size(1), features.device).copy_(features);
    const fresh = batch.counts.map((n, c) => (n > 0 && this.classCounts[c] === 0 ? 1 : 0));
    if (fresh.some((f) => f === 1)) {
      // A class seen for the first time is shifted by its mean in this batch.
      const batchSums = zeros([this.numClasses, x.size(1)], { dtype: 'float64', device: x.device }).indexAdd(0, batch.labels, x);
      const batchCounts = tensor(batch.counts.map((n) => Math.max(n, 1)), { dtype: 'float64', shape: [this.numClasses, 1], device: x.device });
      const isFresh = tensor(fresh, { dtype: 'bool', shape: [this.numClasses, 1], device: x.device });
      shift.copy_(where(isFresh, batchSums.div(batchCounts), shift));
    }
    x.sub_(shift.indexSelect(0, batch.labels));
    this.replaceSums(shiftedSums.indexAdd(0, batch.labels, x));
    for (let c = 0; c < this.numClasses; c++) this.classCounts[c]! += batch.counts[c]!;
    return { centred: x, labels: batch.labels };
  }

  /** The state tensors, for accumulators that merge alongside this one. */
  state(): ClassMeanState | undefined {
    if (this.shift === undefined || this.shiftedSums === undefined) return undefined;
    return { counts: this.classCounts, shift: this.shift, shiftedSums: this.shiftedSums };
  }

  /** Classes without a sample so far. */
  emptyClasses(): number[] {
    const empty: number[] = [];
    this.classCounts.forEach((n, c) => {
      if (n === 0) empty.push(c);
    });
    return empty;
  }

  /** Throws, naming the classes, unless every class has a sample. */
  requireEveryClass(): void {
    const empty = this.emptyClasses();
    if (empty.length === 0 && this.shift !== undefined) return;
    if (this.shift === undefined) throw new CollapseError('no samples were given');
    throw new CollapseError(
      `class${empty.length > 1 ? 'es' : ''} ${empty.slice(0, 20).join(', ')}${empty.length > 20 ? ', ...' : ''} ` +
        `of 0..${this.numClasses - 1} ha${empty.length > 1 ? 've' : 's'} no sample: class means are undefined`,
    );
  }

  /** The class means, C x p float64 (a new tensor). Every class must have a sample. */
  means(): Tensor {
    this.requireEveryClass();
    const { shift, shiftedSums } = this.state()!;
    return tidy(() => {
      const means = shift.add(shiftedSums.div(this.countsTensor(shift.device).unsqueeze(1)));
      requireFiniteRows(means, (rows) => `the features of class${rows.length > 1 ? 'es' : ''} ${rows.join(', ')} contain NaN or infinite values`);
      return means;
    });
  }

  /** The counts as a float64 tensor on a device. */
  countsTensor(device: string): Tensor {
    return tensor(this.classCounts, { dtype: 'float64', device });
  }

  /**
   * Adds another accumulator's samples (disjoint shards of one data set give the state a single
   * pass over all of them would give, up to rounding). The other accumulator is left unchanged.
   */
  merge(other: ClassMeanAccumulator): void {
    if (other.numClasses !== this.numClasses) {
      throw new CollapseError(`cannot merge accumulators of ${other.numClasses} and ${this.numClasses} classes`);
    }
    const theirs = other.state();
    if (theirs === undefined) return;
    const dim = theirs.shift.size(1);
    if (this.dim !== undefined && this.dim !== dim) throw new CollapseError(`cannot merge features of width ${dim} into width ${this.dim}`);
    const { shift, shiftedSums } = this.ensureState(dim, this.device ?? theirs.shift.device);
    tidy(() => {
      const device = shift.device;
      const theirShift = theirs.shift.to(device);
      const theirSums = theirs.shiftedSums.to(device);
      const delta = this.shiftDifference(other);
      // Their sums re-expressed about our shift: sum (h - ours) = sum (h - theirs) + n (theirs - ours).
      const theirCounts = tensor(theirs.counts, { dtype: 'float64', shape: [this.numClasses, 1], device });
      this.replaceSums(shiftedSums.add(theirSums).add(delta.mul(theirCounts)));
      const adopt = tensor(
        theirs.counts.map((n, c) => (n > 0 && this.classCounts[c] === 0 ? 1 : 0)),
        { dtype: 'bool', shape: [this.numClasses, 1], device },
      );
      shift.copy_(where(adopt, theirShift, shift));
    });
    for (let c = 0; c < this.numClasses; c++) this.classCounts[c]! += theirs.counts[c]!;
  }

  /**
   * Their shift minus ours for the classes both have seen, zero elsewhere (C x p, on our device).
   * A class only they have seen takes their shift on merge, so it needs no correction.
   */
  shiftDifference(other: ClassMeanAccumulator): Tensor {
    const ours = this.state();
    const theirs = other.state();
    if (ours === undefined || theirs === undefined) throw new CollapseError('shiftDifference needs two accumulators that have seen data');
    return tidy(() => {
      const both = tensor(
        theirs.counts.map((n, c) => (n > 0 && this.classCounts[c]! > 0 ? 1 : 0)),
        { dtype: 'bool', shape: [this.numClasses, 1], device: ours.shift.device },
      );
      return where(both, theirs.shift.to(ours.shift.device).sub(ours.shift), 0);
    });
  }

  dispose(): void {
    this.shift?.dispose();
    this.shiftedSums?.dispose();
    this.work?.dispose();
    this.shift = this.shiftedSums = this.work = undefined;
  }

  private ensureState(dim: number, device: string): { shift: Tensor; shiftedSums: Tensor } {
    if (this.shift === undefined || this.shiftedSums === undefined) {
      this.shift = keep(zeros([this.numClasses, dim], { dtype: 'float64', device }));
      this.shiftedSums = keep(zeros([this.numClasses, dim], { dtype: 'float64', device }));
    }
    return { shift: this.shift, shiftedSums: this.shiftedSums };
  }

  private replaceSums(next: Tensor): void {
    this.shiftedSums?.dispose();
    this.shiftedSums = keep(next);
  }

  /**
   * The first rows of a float64 work buffer that lives as long as the accumulator: reusing it
   * spares a fresh batch-sized allocation (and its page faults) per batch.
   */
  private workRows(rows: number, dim: number, device: string): Tensor {
    if (this.work === undefined || this.work.size(0) < rows) {
      this.work?.dispose();
      this.work = keep(zeros([rows, dim], { dtype: 'float64', device }));
    }
    return this.work.narrow(0, 0, rows);
  }
}
