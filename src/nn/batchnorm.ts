import { empty, F, noGrad, ones, type Tensor, zeros } from '../torch/index.js';
import { ones_, zeros_ } from './init.js';
import { Module } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages; null: cumulative average (1 / batches seen). */
  momentum?: number | null;
  /** Learnable per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running mean and variance for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over the channel dimension (dim 1), after torch.nn.modules.batchnorm._BatchNorm:
 * parameters `weight`, `bias` and buffers `running_mean`, `running_var`, `num_batches_tracked`
 * (int64, scalar) under PyTorch's state-dict names. Training normalises with the batch's
 * statistics and updates the running ones in place; eval normalises with the running ones.
 */
export abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Tensor | undefined;
  readonly bias: Tensor | undefined;
  readonly runningMean: Tensor | undefined;
  readonly runningVar: Tensor | undefined;
  readonly numBatchesTracked: Tensor | undefined;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (this.affine) {
      this.weight = this.registerParameter('weight', empty([numFeatures]));
      this.bias = this.registerParameter('bias', empty([numFeatures]));
    }
    if (this.trackRunningStats) {
      this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
      this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
      // Kept although nothing here needs it unless momentum is null: PyTorch's state dicts carry it.
      this.numBatchesTracked = this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int64' }));
    }
    this.resetParameters();
  }

  /** The input ranks this variant accepts, checked before libtorch sees the input. */
  protected abstract checkInputDim(input: Tensor): void;

  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== undefined) ones_(this.weight);
    if (this.bias !== undefined) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let averageFactor = this.momentum ?? 0.0;
    if (this.training && this.numBatchesTracked !== undefined) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) averageFactor = 1.0 / this.numBatchesTracked.item();
    }
    // Batch statistics in training, and in eval when there are no running ones to use.
    const useBatchStats = this.training || this.runningMean === undefined;
    if (useBatchStats) checkBatchSize(input);
    return F.batchNorm(input, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      training: useBatchStats,
      momentum: averageFactor,
      eps: this.eps,
    });
  }
}

/** libtorch leaves this check to Python's F.batch_norm; without it a single value per channel gives NaN silently. */
function checkBatchSize(input: Tensor): void {
  const shape = input.shape;
  const valuesPerChannel = shape.reduce((a, b) => a * b, 1) / (shape[1] ?? 1);
  if (valuesPerChannel === 1) {
    throw new Error(`Expected more than 1 value per channel when training, got input size [${shape.join(', ')}]`);
  }
}

/** BatchNorm over (N, C) or (N, C, L) inputs (torch.nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNorm {
  protected override checkInputDim(input: Tensor): void {
    const dim = input.ndim;
    if (dim !== 2 && dim !== 3) throw new Error(`expected 2D or 3D input (got ${dim}D input)`);
  }
}

/** BatchNorm over (N, C, H, W) inputs (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNorm {
  protected override checkInputDim(input: Tensor): void {
    const dim = input.ndim;
    if (dim !== 4) throw new Error(`expected 4D input (got ${dim}D input)`);
  }
}
