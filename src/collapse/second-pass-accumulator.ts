import { cat, keep, stack, type Tensor, tensor, tidy, zeros } from '../torch/index.js';
import { checkBatch } from './batch-check.js';
import { type ClassGeometry, squaredMeanDistances } from './class-geometry.js';
import { normalisedMargins } from './decisions/margins.js';
import { nearestClassCentre } from './decisions/nearest-class-centre.js';
import { CollapseError } from './errors.js';
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
 * State: C x C plus a few counters and one batch-sized work buffer.
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
  private projected: Tensor;
  private scatterPerClass: Tensor;
  private work: Tensor | undefined;
  private readonly totals: Omit<SecondPassTotals, 'classScatter'>;

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
    this.projected = keep(zeros([C, C], { dtype: 'float64', device }));
    this.scatterPerClass = keep(zeros([C], { dtype: 'float64', device }));
    this.totals = {
      count: 0,
      nccCorrect: 0,
      nccMismatch: 0,
      networkErrors: 0,
      marginMin: Number.POSITIVE_INFINITY,
      marginSum: 0,
      leastSquaresAgreements: 0,
    };
  }

  add(features: Tensor, labels: Tensor): void {
    const C = this.numClasses;
    tidy(() => {
      const batch = checkBatch(features, labels, C, this.geometry.means.size(1));
      const rows = features.size(0);
      if (rows === 0) return;
      const y = batch.labels;
      const deviations = this.workRows(rows).copy_(features).sub_(this.geometry.means.indexSelect(0, y));
      const products = deviations.mm(this.stackedT);
      const projections = products.narrow(1, 0, C);
      this.projected.addmm_(projections.T, projections);
      this.replaceScatter(this.scatterPerClass.indexAdd(0, y, deviations.mul_(deviations).sum(1)));

      const ncc = nearestClassCentre(projections, y, this.distances);
      const tallies: Tensor[] = [ncc.eq(y).sum()];
      let block = 1;
      if (this.classifiers.network) {
        const logits = products.narrow(1, C * block++, C).add(this.networkOffsets!.indexSelect(0, y));
        const decision = logits.argmax(1);
        const margins = normalisedMargins(logits, y, this.weightNorm);
        tallies.push(decision.ne(ncc).sum(), decision.ne(y).sum(), margins.min(), margins.sum());
        if (this.classifiers.leastSquares) {
          const leastSquares = products.narrow(1, C * block++, C).add(this.leastSquaresOffsets!.indexSelect(0, y));
          tallies.push(leastSquares.argmax(1).eq(decision).sum());
        }
      }
      const values = stack(tallies.map((t) => t.to('float64'))).to('cpu').data() as Float64Array;
      const t = this.totals;
      t.count += rows;
      t.nccCorrect += values[0]!;
      if (this.classifiers.network) {
        t.nccMismatch += values[1]!;
        t.networkErrors += values[2]!;
        t.marginMin = Math.min(t.marginMin, values[3]!);
        t.marginSum += values[4]!;
        if (this.classifiers.leastSquares) t.leastSquaresAgreements += values[5]!;
      }
    });
  }

  /** Adds another second pass over a disjoint shard, built on the same class means. */
  merge(other: SecondPassAccumulator): void {
    if (other.numClasses !== this.numClasses) throw new CollapseError(`cannot merge second passes of ${other.numClasses} and ${this.numClasses} classes`);
    tidy(() => {
      this.projected.add_(other.projected.to(this.projected.device));
      this.scatterPerClass.add_(other.scatterPerClass.to(this.scatterPerClass.device));
    });
    const [t, o] = [this.totals, other.totals];
    t.count += o.count;
    t.nccCorrect += o.nccCorrect;
    t.nccMismatch += o.nccMismatch;
    t.networkErrors += o.networkErrors;
    t.marginMin = Math.min(t.marginMin, o.marginMin);
    t.marginSum += o.marginSum;
    t.leastSquaresAgreements += o.leastSquaresAgreements;
  }

  /** sum_i (Mt d_i)(Mt d_i)^T, C x C (the accumulator's own tensor: read, do not change). */
  get projectedScatter(): Tensor {
    return this.projected;
  }

  result(): SecondPassTotals {
    return { ...this.totals, classScatter: tidy(() => this.scatterPerClass.to('cpu').data() as Float64Array) };
  }

  dispose(): void {
    for (const t of [this.stackedT, this.distances, this.networkOffsets, this.leastSquaresOffsets, this.projected, this.scatterPerClass, this.work]) t?.dispose();
  }

  private replaceScatter(next: Tensor): void {
    this.scatterPerClass.dispose();
    this.scatterPerClass = keep(next);
  }

  private workRows(rows: number): Tensor {
    if (this.work === undefined || this.work.size(0) < rows) {
      this.work?.dispose();
      this.work = keep(zeros([rows, this.geometry.means.size(1)], { dtype: 'float64', device: this.geometry.means.device }));
    }
    return this.work.narrow(0, 0, rows);
  }
}
