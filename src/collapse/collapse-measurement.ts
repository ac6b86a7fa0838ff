import { type Tensor, tidy } from '../torch/index.js';
import { ClassMeanAccumulator, type ClassMeanSource } from './class-mean-accumulator.js';
import { type ClassGeometry, classGeometry, disposeGeometry } from './class-geometry.js';
import { decisionSubset } from './decision-subset.js';
import { prepareClassifier } from './classifier-input.js';
import { type CollapseMetrics } from './collapse-metrics.js';
import { CollapseError } from './collapse-error.js';
import { equinorm } from './measures/equinorm.js';
import { type LinearClassifier, totalCovariance, webbLoweClassifier } from './measures/least-squares-classifier.js';
import { checkMinorityClasses, minorityCosines } from './measures/minority-cosines.js';
import { mseDecomposition } from './measures/mse-decomposition.js';
import { chooseNc1Route, type Nc1Route, nc1ByClasses, nc1ByFeatures } from './measures/nc1-routes.js';
import { pairwiseKeys } from './measures/pairwise-tiles.js';
import { selfDuality } from './measures/self-duality.js';
import { nc1TraceRatio } from './measures/trace-ratio.js';
import { webbLoweDistance } from './measures/webb-lowe.js';
import { SecondPassAccumulator } from './second-pass-accumulator.js';
import type { ShardReducer } from './shard-reducer.js';
import { WithinClassScatterAccumulator } from './within-class-scatter-accumulator.js';

/**
 * 'full' accumulates the p x p within-class covariance in the first pass (needed for Sigma_T:
 * webb_lowe_*, lnc1, lnc23, lperp); 'projected' keeps only C x p and C x C state and reports
 * every metric that needs no p x p matrix.
 */
export type CovarianceMode = 'full' | 'projected';

export interface CollapseOptions {
  numClasses: number;
  /** The last layer's weight W, C x p (any float dtype or device). */
  weight?: Tensor;
  /** Its bias b, C; missing means zero. */
  bias?: Tensor;
  /** The training weight decay: adds lnc1, lnc23, lperp (MSE decomposition, lambda = wd / 2). */
  weightDecay?: number;
  /** Default 'full'. */
  covariance?: CovarianceMode;
  /**
   * Decision keys (train_error, ncc_accuracy, ncc_mismatch, margins, webb_lowe_agreement) on a
   * fixed, seeded subset of this many samples instead of all N (METRICS.md "Many classes").
   */
  decisionSamples?: number;
  /** The subset's seed (default 0). */
  seed?: number;
  /** nc1's route (default: chosen by C and p, see nc1-routes.ts). */
  nc1Route?: Nc1Route;
  /** Tile edge of the pairwise keys over the C x C Gram matrix (default 1024). */
  tile?: number;
  /** Class indices of the minority classes (imbalanced data): adds minority_cos_* and majority_cos_*. */
  minorityClasses?: readonly number[];
  /** The source is one shard of the data: measureCollapse merges every shard's passes with this. */
  shards?: ShardReducer;
}

type Phase = 'first' | 'second' | 'done';

/**
 * One collapse measurement driven by hand: feed every batch to `addFirstPass`, call
 * `finishFirstPass`, feed the same batches to `addSecondPass`, then read `result`. Shards of one
 * data set measured apart merge with `merge` (both in the first pass, or both in the second pass
 * after finishing the first pass on the merged state). measureCollapse does all of this for a
 * batch source.
 */
export class CollapseMeasurement {
  readonly options: Readonly<CollapseOptions>;
  readonly covariance: CovarianceMode;
  private phase: Phase = 'first';
  private readonly scatter: WithinClassScatterAccumulator | undefined;
  private readonly classMeans: ClassMeanAccumulator | undefined;
  private geometry: ClassGeometry | undefined;
  private network: LinearClassifier | undefined;
  private leastSquares: LinearClassifier | undefined;
  private withinCovariance: Tensor | undefined;
  private totalCov: Tensor | undefined;
  private secondPass: SecondPassAccumulator | undefined;

  constructor(options: CollapseOptions) {
    this.options = options;
    this.covariance = options.covariance ?? 'full';
    if (this.covariance !== 'full' && this.covariance !== 'projected') {
      throw new CollapseError(`covariance must be 'full' or 'projected', got '${String(this.covariance)}'`);
    }
    if (options.weightDecay !== undefined) {
      if (!Number.isFinite(options.weightDecay) || options.weightDecay < 0) {
        throw new CollapseError(`weight decay must be a finite number >= 0, got ${options.weightDecay}`);
      }
      if (options.weight === undefined) throw new CollapseError('the MSE decomposition (weight decay given) needs the classifier weight');
      if (this.covariance !== 'full') throw new CollapseError("the MSE decomposition (weight decay given) needs covariance: 'full'");
    }
    if (options.minorityClasses !== undefined) checkMinorityClasses(options.minorityClasses, options.numClasses);
    if (options.bias !== undefined && options.weight === undefined) throw new CollapseError('a classifier bias was given without its weight');
    // 'full' takes the class means from the scatter accumulator, which has them anyway.
    this.scatter = this.covariance === 'full' ? new WithinClassScatterAccumulator(options.numClasses) : undefined;
    this.classMeans = this.scatter ? undefined : new ClassMeanAccumulator(options.numClasses);
  }

  get numClasses(): number {
    return this.options.numClasses;
  }

  private get firstPass(): ClassMeanSource & { add(features: Tensor, labels: Tensor): void; reduceShards(reduce: ShardReducer): void } {
    return (this.scatter ?? this.classMeans)!;
  }

  addFirstPass(features: Tensor, labels: Tensor): void {
    this.requirePhase('first', 'addFirstPass');
    this.firstPass.add(features, labels);
  }

  /** Ends the first pass: class means, and with 'full' covariance Sigma_W, Sigma_T and W_LS. */
  finishFirstPass(): void {
    this.requirePhase('first', 'finishFirstPass');
    this.geometry = classGeometry(this.firstPass);
    const device = this.geometry.means.device;
    const dim = this.geometry.means.size(1);
    if (this.options.weight) this.network = prepareClassifier(this.options.weight, this.options.bias, this.numClasses, dim, device);
    if (this.scatter) {
      this.withinCovariance = this.scatter.covariance();
      this.totalCov = totalCovariance(this.withinCovariance, this.geometry.centredMeans);
      if (this.network) this.leastSquares = webbLoweClassifier(this.totalCov, this.geometry.centredMeans, this.geometry.globalMean);
    }
    if (this.options.decisionSamples !== undefined && this.options.shards)
      throw new CollapseError('decision samples cannot be drawn per shard of a distributed measurement');
    this.secondPass = new SecondPassAccumulator(
      this.geometry,
      { network: this.network, leastSquares: this.leastSquares },
      {
        route: this.options.nc1Route ?? chooseNc1Route(this.numClasses, dim),
        withinKnown: this.withinCovariance !== undefined,
        decisionRows: decisionSubset(this.geometry.total, this.options.decisionSamples, this.options.seed),
      },
    );
    this.phase = 'second';
  }

  addSecondPass(features: Tensor, labels: Tensor): void {
    this.requirePhase('second', 'addSecondPass');
    this.secondPass!.add(features, labels);
  }

  /** Adds a measurement of a disjoint shard that has reached the same phase. */
  merge(other: CollapseMeasurement): void {
    if (other.phase !== this.phase || this.phase === 'done')
      throw new CollapseError(`cannot merge a measurement in its ${other.phase} pass into one in its ${this.phase} pass`);
    if (other.covariance !== this.covariance) throw new CollapseError('cannot merge measurements of different covariance modes');
    if (this.phase === 'first') {
      if (this.scatter) this.scatter.merge(other.scatter!);
      else this.classMeans!.merge(other.classMeans!);
    } else {
      this.secondPass!.merge(other.secondPass!);
    }
  }

  /** Merges this pass of every shard of a distributed measurement (see ShardReducer). */
  reduceShards(reduce: ShardReducer): void {
    if (this.phase === 'first') this.firstPass.reduceShards(reduce);
    else if (this.phase === 'second') this.secondPass!.reduceShards(reduce);
    else throw new CollapseError('reduceShards() called after dispose()');
  }

  result(): CollapseMetrics {
    this.requirePhase('second', 'result');
    const geometry = this.geometry!;
    const totals = this.secondPass!.result();
    if (totals.count !== geometry.total) {
      throw new CollapseError(
        `the second pass saw ${totals.count} samples but the first saw ${geometry.total}: a batch source must yield the same batches twice ` +
          '(pass an array, or a function that starts a fresh iteration, not a generator object)',
      );
    }
    const C = this.numClasses;
    const N = geometry.total;
    const decided = totals.decided;
    const classVariance = Float64Array.from(totals.classScatter, (s, c) => s / geometry.counts[c]!);
    const means = pairwiseKeys(geometry.centredMeans, {
      what: (c) => `the centred mean of class ${c} (mu_${c} - mu_G)`,
      tile: this.options.tile,
      classVariance,
    });
    const secondPass = this.secondPass!;
    const metrics: CollapseMetrics = {
      equinorm_means: equinorm(geometry.squaredNorms.map(Math.sqrt)),
      equiangular_means: means.equiangular,
      maxangle_means: means.maxangle,
      nc1:
        secondPass.route === 'classes'
          ? nc1ByClasses(geometry.centredMeans, secondPass.projectedScatter, N)
          : tidy(() => nc1ByFeatures(geometry.centredMeans, this.withinCovariance ?? secondPass.withinCovariance())),
      nc1_trace_ratio: nc1TraceRatio(totals.classScatter, N, geometry.squaredNorms, C),
      cdnv: means.cdnv!,
      etf_error_means: means.etfError,
      ncc_accuracy: totals.nccCorrect / decided,
    };
    const minority = this.options.minorityClasses;
    if (minority !== undefined && minority.length > 0) {
      const centred = minorityCosines(geometry.centredMeans, minority);
      if (centred.minority !== undefined) metrics.minority_cos_means = centred.minority;
      if (centred.majority !== undefined) metrics.majority_cos_means = centred.majority;
    }
    const network = this.network;
    if (network) {
      const classifier = pairwiseKeys(network.weight, { what: (c) => `the classifier row w_${c}`, tile: this.options.tile });
      const weightNorms = tidy(() => network.weight.square().sum(1).sqrt().to('cpu').data() as Float64Array);
      Object.assign(metrics, {
        train_error: totals.networkErrors / decided,
        equinorm_classifier: equinorm(weightNorms),
        equiangular_classifier: classifier.equiangular,
        maxangle_classifier: classifier.maxangle,
        self_duality: selfDuality(network.weight, geometry.centredMeans),
        ncc_mismatch: totals.nccMismatch / decided,
        etf_error_classifier: classifier.etfError,
        margin_min: totals.marginMin,
        margin_mean: totals.marginSum / decided,
      });
      if (minority !== undefined && minority.length > 0) {
        const rows = minorityCosines(network.weight, minority);
        if (rows.minority !== undefined) metrics.minority_cos_classifier = rows.minority;
        if (rows.majority !== undefined) metrics.majority_cos_classifier = rows.majority;
      }
      if (this.leastSquares) {
        metrics.webb_lowe_distance = webbLoweDistance(network.weight, this.leastSquares.weight);
        metrics.webb_lowe_agreement = totals.leastSquaresAgreements / decided;
      }
      if (this.options.weightDecay !== undefined) {
        Object.assign(
          metrics,
          mseDecomposition({
            means: geometry.means,
            globalMean: geometry.globalMean,
            withinCovariance: this.withinCovariance!,
            totalCovariance: this.totalCov!,
            network,
            weightDecay: this.options.weightDecay,
          }),
        );
      }
    }
    for (const [key, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value)) throw new CollapseError(`${key} came out as ${value}; the features or the classifier are degenerate`);
    }
    return metrics;
  }

  dispose(): void {
    this.scatter?.dispose();
    this.classMeans?.dispose();
    if (this.geometry) disposeGeometry(this.geometry);
    for (const t of [this.network?.weight, this.network?.bias, this.leastSquares?.weight, this.leastSquares?.bias, this.withinCovariance, this.totalCov])
      t?.dispose();
    this.secondPass?.dispose();
    this.phase = 'done';
  }

  private requirePhase(phase: Phase, what: string): void {
    if (this.phase !== phase) throw new CollapseError(`${what}() called in the ${this.phase} pass; it belongs to the ${phase} pass`);
  }
}
