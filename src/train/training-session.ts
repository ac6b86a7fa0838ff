import { releaseScratch } from '../collapse/index.js';
import { UsageError } from '../errors.js';
import type { ClassifierModel } from '../nn/models/classifier.js';
import { MultiStepLR, type Optimizer } from '../optim/index.js';
import * as torch from '../torch/index.js';
import type { TrainingParts } from './checkpoint-state.js';
import type { ResolvedConfig, TrainConfig } from './config.js';
import { disposeSplit, type TensorSplit } from './data-tensors.js';
import { fixClassifierToEtf, trainableParameters } from './etf-classifier.js';
import { resolveConfig } from './resolve-config.js';
import { createRunOptimizer } from './run-optimizer.js';
import { buildRunModelAndData, type RunModelAndData, usesUnconstrainedFeatures } from './run-model-and-data.js';
import { TrainingSetupError } from './training-setup-error.js';

/**
 * What a run holds in memory while it trains: its data, model, optimizer and schedule. Opening it
 * allocates them and releases what it had allocated when a later step fails; `dispose` releases
 * them all. Whoever opens a session disposes it in a `finally`.
 */
export class TrainingSession {
  private constructor(
    readonly config: ResolvedConfig,
    readonly train: TensorSplit,
    readonly test: TensorSplit | undefined,
    readonly model: ClassifierModel,
    readonly optimizer: Optimizer,
    readonly scheduler: MultiStepLR,
    /** Complete batches per epoch (an incomplete last batch is skipped). */
    readonly batchesPerEpoch: number,
  ) {}

  /** `worldSize`: the data-parallel processes training the run (1 alone), recorded in config.json. */
  static open(settings: TrainConfig, worldSize = 1): TrainingSession {
    if (settings.threads) torch.setNumThreads(settings.threads);
    const device = torch.resolveDevice(settings.device);
    if (usesUnconstrainedFeatures(settings) && settings.robustness !== null)
      throw new UsageError('--robustness: an unconstrained-features run has no input images for DeepFool to perturb');
    const built = buildRunModelAndData(settings, device);
    let optimizer: Optimizer | undefined;
    try {
      const config = resolveConfig(settings, device, built, worldSize);
      const batchesPerEpoch = Math.floor(built.train.count / config.batchSize);
      if (batchesPerEpoch === 0) {
        throw new TrainingSetupError(
          `--batch-size ${config.batchSize} is larger than the ${built.train.count} training samples (incomplete batches are skipped)`,
        );
      }
      // A fixed ETF classifier is set before the first checkpoint and is never in the optimiser;
      // a resumed run then loads the same frame from its checkpoint with the rest of the model.
      if (config.classifier === 'etf') fixClassifierToEtf(built.model, config.seed);
      optimizer = createRunOptimizer(config, trainableParameters(built.model, config.classifier));
      const scheduler = new MultiStepLR(optimizer, { milestones: config.lrMilestones, gamma: config.lrGamma });
      return new TrainingSession(config, built.train, built.test, built.model, optimizer, scheduler, batchesPerEpoch);
    } catch (error) {
      optimizer?.dispose();
      releaseBuilt(built);
      throw error;
    }
  }

  /** What a checkpoint saves and restores. */
  get parts(): TrainingParts {
    return { model: this.model, optimizer: this.optimizer, scheduler: this.scheduler };
  }

  dispose(): void {
    this.optimizer.dispose();
    releaseScratch();
    releaseBuilt(this);
  }
}

function releaseBuilt(built: Pick<RunModelAndData, 'model' | 'train' | 'test'>): void {
  built.model.dispose();
  disposeSplit(built.train);
  if (built.test) disposeSplit(built.test);
}
