import { randn, type Tensor } from '../../torch/index.js';
import { Linear } from '../linear.js';
import { Module } from '../module.js';
import type { ClassifierModel } from './classifier.js';

export interface UnconstrainedFeaturesOptions {
  numSamples: number;
  featureDim: number;
  numClasses: number;
  /** H starts as N(0, initScale^2) entries (default 0.1). */
  initScale?: number;
}

/**
 * The unconstrained-features model (Mixon et al.; Zhu et al. 2021; Fang et al. 2021): the
 * penultimate features are free parameters, one row of H (N x p) per training sample, followed
 * by a linear classifier. Its input is int64 sample indices, not images: forward(i) =
 * classifier(H[i]). H starts small (randn * 0.1 by default, every row of norm about 0.1 sqrt(p))
 * so that the geometry it ends in comes from training, not from the draw. H is drawn before the
 * classifier, as in the reference in test/fixtures/nn/make_nn_golden.py.
 */
export class UnconstrainedFeatures extends Module implements ClassifierModel {
  readonly H: Tensor;
  readonly classifier: Linear;
  readonly featureDim: number;
  readonly numClasses: number;
  readonly numSamples: number;

  constructor(options: UnconstrainedFeaturesOptions) {
    super();
    this.numSamples = options.numSamples;
    this.featureDim = options.featureDim;
    this.numClasses = options.numClasses;
    const draw = randn([options.numSamples, options.featureDim]);
    this.H = this.registerParameter('H', draw.mul(options.initScale ?? 0.1));
    draw.dispose();
    this.classifier = this.registerModule('classifier', new Linear(options.featureDim, options.numClasses));
  }

  /** No layers below the features: nothing to measure layer-wise. */
  blockNames(): string[] {
    return [];
  }

  override forward(indices: Tensor): Tensor {
    if (indices.dtype !== 'int64') {
      throw new Error(`UnconstrainedFeatures takes int64 sample indices, got a ${indices.dtype} tensor of shape [${indices.shape.join(', ')}]`);
    }
    return this.classifier.call(this.H.indexSelect(0, indices));
  }
}
