import { cat, full, keep, stack, type Tensor, tensor, tidy, zeros } from '../torch/index.js';
import { checkBatch } from './batch-check.js';
import { type ClassGeometry } from './class-geometry.js';
import { normalisedMargins } from './decisions/margins.js';
import { scratch } from './scratch.js';
import { rowChunks } from './small-temporaries.js';
import { CollapseError } from './collapse-error.js';
import type { ShardReducer } from './shard-reducer.js';
import { type LinearClassifier } from './measures/least-squares-classifier.js';
import { type Nc1Route } from './measures/nc1-routes.js';
import { addUpperGram, symmetricFromUpper } from './symmetric-update.js';

export interface SecondPassClassifiers {
  /** The network's last layer (float64, on the geometry's device): train_error, margins, ncc_mismatch. */
  network?: LinearClassifier;
  /** Webb & Lowe's least-squares classifier: webb_lowe_agreement. */
  leastSquares?: LinearClassifier;
}

export interface SecondPassOptions {
  /**
   * What nc1 needs from this pass: 'classes' accumulates sum_i (Mt d_i)(Mt d_i)^T (C x C);
   * 'features' accumulates sum_i d_i d_i^T (p x p) unless `withinKnown` (the first pass has it).
   */
  route?: Nc1Route;
  withinKnown?: boolean;
  /** Sorted sample indices (in the order the pass sees them) whose decisions are counted; all when absent. */
  decisionRows?: Float64Array;
}

/** What the second pass has counted (sums over samples, so shards add up). */
export interface SecondPassTotals {
  count: number;
  /** Samples whose decisions were counted (N, or the decision subset). */
  decided: number;
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
 * d_i = h_i - mu_{y_i} (a gather of the mean rows, never a B x C one-hot product), what nc1's
 * route needs from them, and the per-sample decisions (nearest class centre, network, least
 * squares) with margins, on every sample or on a fixed subset (decision_samples).
 *
 * The decisions cost B x C x p per batch, which is what a subset saves when C is large. All of
 * them come from one product of [h_i | 1] with a (p + 1) x 3C matrix (see decisionMatrix): the
 * nearest class centre is argmax_c x_i . mt_c - |mt_c|^2 / 2 (x_i = h_i - mu_G, the common
 * |x_i|^2 dropped), so no C x C table is needed.
 *
 * State: C x C ('classes' route, where C is small against p) or p x p ('features' route, unless
 * the first pass has Sigma_W), C per-class sums, a few counters; batch buffers are shared scratch.
 */
export class SecondPassAccumulator {
  readonly numClasses: number;
  readonly route: Nc1Route;
  private readonly geometry: ClassGeometry;
  private readonly classifiers: SecondPassClassifiers;
  private readonly centredMeansT: Tensor;
  private readonly squaredNorms: Tensor;
  /**
   * (p + 1) x (C or 3C): [Mt^T | W^T | W_LS^T] over the row [-(|mt_c|^2 / 2 + mu_G . mt_c) | b | b_LS],
   * so that one product of a batch's [h | 1] gives the nearest-class-centre scores
   * x . mt_c - |mt_c|^2 / 2 (x = h - mu_G; their argmax is the nearest centre) and every logit.
   */
  private readonly decisionMatrix: Tensor;
  private readonly weightNorm: number;
  private readonly projected: Tensor | undefined;
  private readonly featureScatter: Tensor | undefined;
  private readonly scatterPerClass: Tensor;
  /** [nccCorrect, nccMismatch, networkErrors, marginSum, leastSquaresAgreements, decided]. */
  private readonly tallies: Tensor;
  private readonly lowestMargin: Tensor;
  private readonly decisionRows: Float64Array | undefined;
  private nextDecision = 0;
  private rows = 0;

  constructor(geometry: ClassGeometry, classifiers: SecondPassClassifiers = {}, options: SecondPassOptions = {}) {
    this.geometry = geometry;
    this.classifiers = classifiers;
    this.numClasses = geometry.numClasses;
    this.route = options.route ?? 'classes';
    this.decisionRows = options.decisionRows;
    const C = this.numClasses;
    const p = geometry.means.size(1);
    const device = geometry.means.device;
    this.centredMeansT = keep(tidy(() => geometry.centredMeans.T.contiguous()));
    this.squaredNorms = keep(tensor(geometry.squaredNorms, { dtype: 'float64', device }));
    const linear = [classifiers.network, classifiers.leastSquares].filter((c): c is LinearClassifier => c !== undefined);
    this.decisionMatrix = keep(
      tidy(() => {
        const mt = geometry.centredMeans;
        const nccOffset = this.squaredNorms.div(-2).sub(mt.matmul(geometry.globalMean));
        const weights = cat([mt, ...linear.map((c) => c.weight)], 0).T;
        const offsets = cat([nccOffset, ...linear.map((c) => c.bias)], 0).unsqueeze(0);
        return cat([weights, offsets], 0).contiguous();
      }),
    );
    this.weightNorm = classifiers.network ? tidy(() => classifiers.network!.weight.norm().item()) : 1;
    if (classifiers.network && !(this.weightNorm > 0)) throw new CollapseError('the classifier weight is zero, so the margins are undefined');
    this.projected = this.route === 'classes' ? keep(zeros([C, C], { dtype: 'float64', device })) : undefined;
    this.featureScatter = this.route === 'features' && !options.withinKnown ? keep(zeros([p, p], { dtype: 'float64', device })) : undefined;
    this.scatterPerClass = keep(zeros([C], { dtype: 'float64', device }));
    this.tallies = keep(zeros([6], { dtype: 'float64', device }));
    this.lowestMargin = keep(full([1], Number.POSITIVE_INFINITY, { dtype: 'float64', device }));
  }

  add(features: Tensor, labels: Tensor): void {
    const C = this.numClasses;
    tidy(() => {
      const p = this.geometry.means.size(1);
      const y = checkBatch(features, labels, C, p);
      const rows = features.size(0);
      if (rows === 0) return;
      const device = this.geometry.means.device;
      const deviations = scratch('features', [rows, p], device).copy_(features);
      deviations.sub_(this.geometry.means.indexSelectInto(scratch('gathered', [rows, p], device), 0, y));
      if (this.projected) {
        for (const [start, length] of rowChunks(rows, 8 * C)) {
          const projections = deviations.narrow(0, start, length).mm(this.centredMeansT);
          this.projected.addmm_(projections.T, projections);
        }
      }
      if (this.featureScatter) addUpperGram(this.featureScatter, deviations);
      this.scatterPerClass.indexAdd_(0, y, deviations.mul_(deviations).sum(1));
      const picked = this.decisionIndices(rows);
      if (picked === undefined) {
        // Decisions in row chunks, so that no B x C temporary is large (see small-temporaries.ts).
        for (const [start, length] of decisionChunks(rows, C)) this.decide(features.narrow(0, start, length), y.narrow(0, start, length));
      } else if (picked.length > 0) {
        const index = tensor(picked, { dtype: 'int64', device });
        for (const [start, length] of decisionChunks(picked.length, C)) {
          const chosen = index.narrow(0, start, length);
          this.decide(features.indexSelect(0, chosen), y.indexSelect(0, chosen));
        }
      }
      this.rows += rows;
    });
  }

  /** The rows of this batch in the decision subset (undefined: every row). */
  private decisionIndices(rows: number): Float64Array | undefined {
    const subset = this.decisionRows;
    if (subset === undefined) return undefined;
    const first = this.nextDecision;
    let end = first;
    while (end < subset.length && subset[end]! < this.rows + rows) end++;
    this.nextDecision = end;
    return Float64Array.from(subset.subarray(first, end), (i) => i - this.rows);
  }

  private decide(features: Tensor, y: Tensor): void {
    const C = this.numClasses;
    const [rows, p] = features.shape as [number, number];
    const device = y.device;
    const augmented = scratch('decided', [rows, p + 1], device);
    augmented.narrow(1, 0, p).copy_(features);
    augmented.narrow(1, p, 1).fill_(1);
    const products = scratch('products', [rows, this.decisionMatrix.size(1)], device).addmm_(augmented, this.decisionMatrix, 0, 1);
    const ncc = products.narrow(1, 0, C).argmax(1);
    const tallies = [ncc.eq(y).sum()];
    if (this.classifiers.network) {
      const logits = products.narrow(1, C, C);
      const decision = logits.argmax(1);
      const margins = normalisedMargins(logits, y, this.weightNorm);
      tallies.push(decision.ne(ncc).sum(), decision.ne(y).sum(), margins.sum());
      this.lowestMargin.copy_(this.lowestMargin.minimum(margins.min()));
      if (this.classifiers.leastSquares)
        tallies.push(
          products
            .narrow(1, 2 * C, C)
            .argmax(1)
            .eq(decision)
            .sum(),
        );
      else tallies.push(zeros([], { dtype: 'int64', device }));
    } else {
      for (let i = 0; i < 4; i++) tallies.push(zeros([], { dtype: 'int64', device }));
    }
    tallies.push(full([], rows, { dtype: 'float64', device }));
    this.tallies.add_(stack(tallies.map((t) => t.to('float64'))));
  }

  /** Adds another second pass over a disjoint shard, built on the same class means. */
  merge(other: SecondPassAccumulator): void {
    if (other.numClasses !== this.numClasses) throw new CollapseError(`cannot merge second passes of ${other.numClasses} and ${this.numClasses} classes`);
    if (other.route !== this.route || (other.featureScatter === undefined) !== (this.featureScatter === undefined))
      throw new CollapseError('cannot merge second passes of different nc1 routes');
    tidy(() => {
      this.projected?.add_(other.projected!.to(this.projected.device));
      this.featureScatter?.add_(other.featureScatter!.to(this.featureScatter.device));
      this.scatterPerClass.add_(other.scatterPerClass.to(this.scatterPerClass.device));
      this.tallies.add_(other.tallies.to(this.tallies.device));
      this.lowestMargin.copy_(this.lowestMargin.minimum(other.lowestMargin.to(this.lowestMargin.device)));
    });
    this.rows += other.rows;
  }

  /** Merges the second passes of every shard (see ShardReducer), built on the same class means. */
  reduceShards(reduce: ShardReducer): void {
    for (const t of [this.projected, this.featureScatter, this.scatterPerClass, this.tallies]) if (t) reduce.sum(t);
    reduce.min(this.lowestMargin);
    const rows = tensor([this.rows], { dtype: 'float64' });
    try {
      reduce.sum(rows);
      this.rows = rows.item();
    } finally {
      rows.dispose();
    }
  }

  /** sum_i (Mt d_i)(Mt d_i)^T, C x C ('classes' route; the accumulator's own tensor: read, do not change). */
  get projectedScatter(): Tensor {
    if (this.projected === undefined) throw new CollapseError("the projected scatter belongs to nc1's 'classes' route");
    return this.projected;
  }

  /** Sigma_W = (1/N) sum_i d_i d_i^T, p x p ('features' route without a first-pass Sigma_W; a new tensor). */
  withinCovariance(): Tensor {
    if (this.featureScatter === undefined) throw new CollapseError("the second pass's within-class covariance belongs to nc1's 'features' route");
    return tidy(() => symmetricFromUpper(this.featureScatter!).div(this.rows));
  }

  result(): SecondPassTotals {
    const [tallies, lowest, classScatter] = tidy(() => [this.tallies, this.lowestMargin, this.scatterPerClass].map((t) => t.to('cpu').data() as Float64Array));
    const [nccCorrect, nccMismatch, networkErrors, marginSum, leastSquaresAgreements, decided] = tallies!;
    return {
      count: this.rows,
      decided: decided!,
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
    for (const t of [
      this.centredMeansT,
      this.squaredNorms,
      this.decisionMatrix,
      this.projected,
      this.featureScatter,
      this.scatterPerClass,
      this.tallies,
      this.lowestMargin,
    ])
      t?.dispose();
  }
}

/**
 * Row chunks of the decisions: their B x 3C products live in a shared scratch buffer of at most
 * about 32 MB, so a chunk may be larger than small-temporaries.ts allows a temporary to be; at
 * least 64 rows, so that each product stays a matrix product even with tens of thousands of classes.
 */
function decisionChunks(rows: number, numClasses: number): [number, number][] {
  const step = Math.max(64, Math.floor((32 << 20) / (8 * 3 * numClasses)));
  const chunks: [number, number][] = [];
  for (let start = 0; start < rows; start += step) chunks.push([start, Math.min(step, rows - start)]);
  return chunks;
}
