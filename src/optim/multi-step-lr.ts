import { LRScheduler, type LRSchedulerState } from './lr-scheduler.js';
import type { Optimizer } from './optimizer.js';

export interface MultiStepLROptions {
  /** Epochs after which the lr is multiplied by gamma; a repeated epoch multiplies once per repeat. */
  milestones: number[];
  gamma?: number;
}

/** Multiplies each group's lr by gamma at every milestone epoch, as torch.optim.lr_scheduler.MultiStepLR. */
export class MultiStepLR extends LRScheduler {
  /** Epoch to the number of times it is listed (PyTorch keeps a Counter). */
  private milestoneCounts = new Map<number, number>();
  private gamma: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super(optimizer);
    this.gamma = options.gamma ?? 0.1;
    this.setMilestones(options.milestones, (problem) => {
      throw new Error(`MultiStepLR: ${problem}`);
    });
    this.initialStep();
  }

  protected nextLrs(): number[] {
    const count = this.milestoneCounts.get(this.lastEpoch);
    const groups = this.optimizer.paramGroups;
    if (count === undefined) return groups.map((group) => group.lr);
    return groups.map((group) => group.lr * this.gamma ** count);
  }

  protected settings(): Record<string, unknown> {
    const milestones = [...this.milestoneCounts].flatMap(([epoch, count]) => Array<number>(count).fill(epoch));
    return { milestones: milestones.sort((a, b) => a - b), gamma: this.gamma };
  }

  protected loadSettings(state: LRSchedulerState, fail: (problem: string) => never): void {
    if (typeof state.gamma !== 'number' || !Number.isFinite(state.gamma)) fail(`gamma must be a finite number, got ${String(state.gamma)}`);
    this.setMilestones(state.milestones, fail);
    this.gamma = state.gamma as number;
  }

  private setMilestones(milestones: unknown, fail: (problem: string) => never): void {
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m))) {
      fail(`milestones must be a list of integer epochs, got ${JSON.stringify(milestones)}`);
    }
    const counts = new Map<number, number>();
    for (const epoch of milestones as number[]) counts.set(epoch, (counts.get(epoch) ?? 0) + 1);
    this.milestoneCounts = counts;
  }
}
