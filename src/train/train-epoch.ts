import * as torch from '../torch/index.js';
import type { DataParallel } from './data-parallel.js';
import { gatherBatch, shuffledBatchIndices } from './data-tensors.js';
import { trainingLoss } from './loss.js';
import type { EpochProgress } from './progress.js';
import type { TrainingSession } from './training-session.js';

export interface EpochContext {
  session: TrainingSession;
  dp: DataParallel | undefined;
  progress: EpochProgress;
  /** True once the run was asked to stop (a signal). */
  stopRequested: () => boolean;
  /** Records the divergence and throws. */
  diverged: (what: string, epoch: number) => never;
}

export interface EpochOutcome {
  /** The learning rate the epoch trained with. */
  lr: number;
  /** Training time of the epoch, in seconds. */
  seconds: number;
  /** Batches done when a stop request ended the epoch early; null when the epoch completed. */
  stoppedAfter: number | null;
}

/** The per-epoch seed: a resumed run redraws exactly the permutation the uninterrupted run drew. */
function epochSeed(seed: number, epoch: number): number {
  return (seed * 1_000_003 + epoch) % Number.MAX_SAFE_INTEGER;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains one epoch from batch `firstBatch` on (a resume mid-epoch skips the batches already done), then
 * steps the schedule. Stops after a batch when a stop is requested (on every rank at once).
 */
export async function trainEpoch(context: EpochContext, epoch: number, firstBatch: number): Promise<EpochOutcome> {
  const { session, dp, progress } = context;
  const { config, model, optimizer, scheduler, train } = session;
  torch.manualSeed(epochSeed(config.seed, epoch));
  const lr = optimizer.paramGroups[0]!.lr;
  model.train();
  const batches = dp ? dp.batchIndices(train.count, config.batchSize, config.device) : shuffledBatchIndices(train.count, config.batchSize, config.device);
  try {
    progress.startEpoch(epoch, session.batchesPerEpoch);
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let b = firstBatch; b < batches.length; b++) {
      const { loss, hits } = torch.tidy(() => {
        const batch = gatherBatch(train, batches[b]!);
        const logits = model.call(batch.inputs);
        const lossTensor = trainingLoss(config, logits, batch.labels);
        optimizer.zeroGrad();
        lossTensor.backward();
        dp?.averageGradients(model.parameters());
        optimizer.step();
        return { loss: lossTensor.item(), hits: logits.argmax(1).eq(batch.labels).sum().item() };
      });
      if (!Number.isFinite(loss)) context.diverged(`the training loss became ${loss} at epoch ${epoch}, batch ${b + 1}`, epoch);
      lossSum += loss;
      correct += hits;
      seen += batches[b]!.size(0);
      const elapsed = (performance.now() - started) / 1000;
      if ((b & 7) === 0 || b === batches.length - 1) progress.update(b + 1, lossSum / (b + 1 - firstBatch), correct / seen, seen / Math.max(elapsed, 1e-9));
      await yieldToEventLoop();
      // Every rank stops at the same step when any was asked to.
      const stop = context.stopRequested();
      if (dp ? dp.any(stop) : stop) return { lr, seconds: (performance.now() - started) / 1000, stoppedAfter: b + 1 };
    }
    // A finite loss can still hide parameters that overflowed in the last steps.
    if (!allFinite(model.parameters())) context.diverged(`the parameters became NaN or infinite during epoch ${epoch}`, epoch);
    scheduler.step();
    return { lr, seconds: (performance.now() - started) / 1000, stoppedAfter: null };
  } finally {
    torch.dispose(batches);
  }
}

function allFinite(tensors: torch.Tensor[]): boolean {
  return torch.tidy(() => tensors.every((t) => t.isfinite().all().item() === 1));
}
