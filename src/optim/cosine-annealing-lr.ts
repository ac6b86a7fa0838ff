import { LRScheduler, type LRSchedulerState } from './lr-scheduler.js';
import type { Optimizer } from './optimizer.js';

export interface CosineAnnealingLROptions {
  /** Epochs of half a cosine period: the lr reaches etaMin at epoch tMax. */
  tMax: number;
  etaMin?: number;
}

/**
 * Cosine annealing from each group's initial lr down to etaMin over tMax epochs (and back up
 * after, as PyTorch's does), as torch.optim.lr_scheduler.CosineAnnealingLR.
 *
 * PyTorch's step() uses the recursive form of get_lr(), not `_get_closed_form_lr()`: each lr is
 * derived from the previous one. The two differ in the last bits, so this follows the recursive
 * form expression by expression, in PyTorch's order of operations.
 */
export class CosineAnnealingLR extends LRScheduler {
  private tMax: number;
  private etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    if (!(options.tMax > 0)) throw new Error(`CosineAnnealingLR: tMax must be positive, got ${options.tMax}`);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected nextLrs(): number[] {
    const { tMax, etaMin, lastEpoch } = this;
    const groups = this.optimizer.paramGroups;
    if (lastEpoch === 0) return groups.map((group) => group.lr);
    if (this.stepCount === 1 && lastEpoch > 0) {
      return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((lastEpoch * Math.PI) / tMax))) / 2);
    }
    if (pythonModulo(lastEpoch - 1 - tMax, 2 * tMax) === 0) {
      return groups.map((group, i) => group.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (group) => ((1 + Math.cos((Math.PI * lastEpoch) / tMax)) / (1 + Math.cos((Math.PI * (lastEpoch - 1)) / tMax))) * (group.lr - etaMin) + etaMin,
    );
  }

  protected settings(): Record<string, unknown> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }

  protected loadSettings(state: LRSchedulerState, fail: (problem: string) => never): void {
    if (typeof state.tMax !== 'number' || !(state.tMax > 0)) fail(`tMax must be a positive number, got ${String(state.tMax)}`);
    if (typeof state.etaMin !== 'number' || !Number.isFinite(state.etaMin)) fail(`etaMin must be a finite number, got ${String(state.etaMin)}`);
    this.tMax = state.tMax as number;
    this.etaMin = state.etaMin as number;
  }
}

/** Python's %, whose result takes the divisor's sign (JavaScript's takes the dividend's). */
function pythonModulo(a: number, b: number): number {
  return ((a % b) + b) % b;
}
