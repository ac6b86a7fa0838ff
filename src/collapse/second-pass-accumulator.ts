import { cat, full, keep, stack, type Tensor, tensor, tidy, zeros } from '../torch/index.js';
import { checkBatch } from './batch-check.js';
import { type ClassGeometry, squaredMeanDistances } from './class-geometry.js';
import { normalisedMargins } from './decisions/margins.js';
import { nearestClassCentre } from './decisions/nearest-class-centre.js';
import { scratch } from './scratch.js';
import { OneHotRows, rowChunks } from './small-temporaries.js';
import { CollapseError } from './errors.js';
import type { ShardReducer } from './shard-reducer.js';
import { type LinearClassifier } from './measures/least-squares-classifier.js';

export interface SecondPassClassifiers {
  /** The network's last layer (float64, on the geometry's device): train_error, margins, ncc_mismatch. */
  network?: LinearClassifier;
  /** Webb & Lowe's least-squares classifier: webb_lowe_agreement. */
  leastSquares?: LinearClassifier;
}

/** What the second pass has counted (sums over samples, so shards add up). */
export interface SecondPassTotals {
  count: number;
  /** Samples whose nearest class centre is their own class. */
  nccCorrect: number;
  /** Samples where the network's decision differs from the nearest class centre (needs the network). */
  nccMismatch: number;
  /** Samples the network misclassifies. */
  networkErrors: number;
  marginMin: number;
  marginSum: number;
  /** Samples where the least-squares classifier decides as the network does. */
  leastSquaresAgreements: number;
  /** sum_{i in c} |h_i - mu_c|^2 per class. */
  classScatter: Float64Array;
}

/**
 * The second pass over the data, once the class means are final: within-class deviations
 * d_i = h_i - mu_{y_i}, their projections onto the centred means (for nc1 without a p x p matrix),
 * and every per-sample decision (nearest class centre, network, least squares) with margins.
 *
 * One matrix product per batch serves all of them: the deviations against the stacked
 * [Mt; W; W_LS]. The logits follow as z_i = (W mu_{y_i} + b) + W d_i, so no decision subtracts
 * two large numbers.
 *
 * State: C x C plus a few counters; the batch-sized buffers are shared scratch (scratch.ts).
 */
export class SecondPassAccumulator {
  readonly numClasses: number;
  private readonly geometry: ClassGeometry;
  private readonly classifiers: SecondPassClassifiers;
  private readonly stackedT: Tensor;
  private readonly distances: Tensor;
  private readonly networkOffsets: Tensor | undefined;
  private readonly leastSquaresOffsets: Tensor | undefined;
  private readonly weightNorm: number;
  private readonly projected: Tensor;
  private readonly scatterPerClass: Tensor;
  private readonly oneHot: OneHotRows;
  /** [nccCorrect, nccMismatch, networkErrors, marginSum, leastSquaresAgreements]. */
  private readonly tallies: Tensor;
  private readonly lowestMargin: Tensor;
  private rows = 0;

  constructor(geometry: ClassGeometry, classifiers: SecondPassClassifiers = {}) {
    this.geometry = geometry;
    this.classifiers = classifiers;
    this.numClasses = geometry.numClasses;
    const C = this.numClasses;
    const device = geometry.means.device;
    const blocks = [geometry.centredMeans, classifiers.network?.weight, classifiers.leastSquares?.weight].filter((t): t is Tensor => t !== undefined);
    this.stackedT = keep(tidy(() => cat(blocks, 0).T.contiguous()));
    this.distances = keep(tensor(squaredMeanDistances(geometry.gramValues, C), { dtype: 'float64', shape: [C, C], device }));
    const offsets = (classifier: LinearClassifier | undefined) =>
      classifier === undefined ? undefined : keep(tidy(() => geometry.means.mm(classifier.weight.T).add(classifier.bias)));
    this.networkOffsets = offsets(classifiers.network);
    this.leastSquaresOffsets = offsets(classifiers.leastSquares);
    this.weightNorm = classifiers.network ? tidy(() => classifiers.network!.weight.norm().item()) : 1;
    if (classifiers.network && !(this.weightNorm > 0)) throw new CollapseError('the classifier weight is zero, so the margins are undefined');
    this.oneHot = new OneHotRows(C);
    this.projected = keep(zeros([C, C], { dtype: 'float64', device }));
    this.scatterPerClass = keep(zeros([C], { dtype: 'float64', device }));
    this.tallies = keep(zeros([5], { dtype: 'float64', device }));
    this.lowestMargin = keep(full([1], Number.POSITIVE_INFINITY, { dtype: 'float64', device }));
  }

  add(features: Tensor, labels: Tensor): void {
    const C = this.numClasses;
    tidy(() => {
      const y = checkBatch(features, labels, C, this.geometry.means.size(1));
      const rows = features.size(0);
      if (rows === 0) return;
      const { deviations, products } = this.buffers(rows);
      this.oneHot.subtract(deviations.copy_(features), this.geometry.means, y);
      products.addmm_(deviations, this.stackedT, 0, 1);
      const projections = products.narrow(1, 0, C);
      this.projected.addmm_(projections.T, projections);
      this.scatterPerClass.add_(zeros([C], { dtype: 'float64', device: y.device }).indexAdd(0, y, deviations.mul_(deviations).sum(1)));
      // Decisions in row chunks, so that no B x C temporary is large (see small-temporaries.ts);
      // counted on the tensor side and read once at the end (see checkBatch).
      for (const [start, length] of rowChunks(rows, 8 * C)) {
        this.decide(products.narrow(0, start, length), y.narrow(0, start, length));
      }
      this.rows += rows;
    });
  }

  private decide(products: Tensor, y: Tensor): void {
    const C = this.numClasses;
    const projections = products.narrow(1, 0, C);
    const ncc = nearestClassCentre(projections, y, this.distances);
    const tallies = [ncc.eq(y).sum()];
    if (this.classifiers.network) {
      const logits = products.narrow(1, C, C).add(this.networkOffsets!.indexSelect(0, y));
      const decision = logits.argmax(1);
      const margins = normalisedMargins(logits, y, this.weightNorm);
      tallies.push(decision.ne(ncc).sum(), decision.ne(y).sum(), margins.sum());
      this.lowestMargin.copy_(this.lowestMargin.minimum(margins.min()));
      if (this.classifiers.leastSquares) {
        const leastSquares = products.narrow(1, 2 * C, C).add(this.leastSquaresOffsets!.indexSelect(0, y));
        tallies.push(leastSquares.argmax(1).eq(decision).sum());
      }
    }
    this.tallies.narrow(0, 0, tallies.length).add_(stack(tallies.map((t) => t.to('float64'))));
  }

  /** Adds another second pass over a disjoint shard, built on the same class means. */
  merge(other: SecondPassAccumulator): void {
    if (other.numClasses !== this.numClasses) throw new CollapseError(`cannot merge second passes of ${other.numClasses} and ${this.numClasses} classes`);
    tidy(() => {
      this.projected.add_(other.projected.to(this.projected.device));
      this.scatterPerClass.add_(other.scatterPerClass.to(this.scatterPerClass.device));
    });
    tidy(() => {
      this.tallies.add_(other.tallies.to(this.tallies.device));
      this.lowestMargin.copy_(this.lowestMargin.minimum(other.lowestMargin.to(this.lowestMargin.device)));
    });
    this.rows += other.rows;
  }

  /** Merges the second passes of every shard (see ShardReducer), built on the same class means. */
  reduceShards(reduce: ShardReducer): void {
    for (const t of [this.projected, this.scatterPerClass, this.tallies]) reduce.sum(t);
    reduce.min(this.lowestMargin);
    const rows = tensor([this.rows], { dtype: 'float64' });
    try {
      reduce.sum(rows);
      this.rows = rows.item();
    } finally {
      rows.dispose();
    }
  }

  /** sum_i (Mt d_i)(Mt d_i)^T, C x C (the accumulator's own tensor: read, do not change). */
  get projectedScatter(): Tensor {
    return this.projected;
  }

  result(): SecondPassTotals {
    const [tallies, lowest, classScatter] = tidy(() => [this.tallies, this.lowestMargin, this.scatterPerClass].map((t) => t.to('cpu').data() as Float64Array));
    const [nccCorrect, nccMismatch, networkErrors, marginSum, leastSquaresAgreements] = this.classifiers.network ? tallies! : [tallies![0]!, 0, 0, 0, 0];
    return {
      count: this.rows,
      nccCorrect: nccCorrect!,
      nccMismatch: nccMismatch!,
      networkErrors: networkErrors!,
      marginMin: lowest![0]!,
      marginSum: marginSum!,
      leastSquaresAgreements: leastSquaresAgreements!,
      classScatter: classScatter!,
    };
  }

  dispose(): void {
    for (const t of [this.stackedT, this.distances, this.networkOffsets, this.leastSquaresOffsets, this.projected, this.scatterPerClass, this.tallies, this.lowestMargin]) t?.dispose();
    this.oneHot.dispose();
  }

  /** The deviations and their products with [Mt; W; W_LS] (shared scratch buffers). */
  private buffers(rows: number): { deviations: Tensor; products: Tensor } {
    const device = this.geometry.means.device;
    return {
      deviations: scratch('features', [rows, this.geometry.means.size(1)], device),
      products: scratch('products', [rows, this.stackedT.size(1)], device),
    };
  }
}
