import type { Optimizer } from './optimizer.js';
import { OptimizerStateError } from './optimizer-state-error.js';

/** A JSON-able scheduler state: the counters every scheduler has, plus its own settings. */
export interface LRSchedulerState {
  /** The scheduler's class name, so that a state is not loaded into another kind of scheduler. */
  kind: string;
  /** Epochs completed: 0 right after construction, +1 per step(). */
  lastEpoch: number;
  /** step() calls including the one made at construction (PyTorch's `_step_count`). */
  stepCount: number;
  baseLrs: number[];
  lastLr: number[];
  [setting: string]: unknown;
}

/**
 * The base of the per-epoch learning-rate schedulers, after torch.optim.lr_scheduler._LRScheduler
 * (PyTorch 1.13): construction records each group's `initialLr` and takes one step to epoch 0;
 * `step()` is called once after each epoch and writes the new lr into the optimiser's groups.
 * Subclasses compute the next lr from the current one, as PyTorch's `get_lr()` does, so the
 * floating-point values agree with PyTorch's to the last bit.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  baseLrs: number[];
  lastEpoch = -1;
  protected stepCount = 0;
  private lastLr: number[] = [];

  constructor(optimizer: Optimizer) {
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr!);
  }

  /** The lr of each group for epoch `lastEpoch`, from the groups' current lr (PyTorch's get_lr). */
  protected abstract nextLrs(): number[];

  /** The scheduler's own settings, for stateDict(). */
  protected abstract settings(): Record<string, unknown>;

  /** Restores the settings from a state; throws naming the problem. */
  protected abstract loadSettings(state: LRSchedulerState, fail: (problem: string) => never): void;

  /**
   * Subclasses call this at the end of their constructor, once their settings are set: PyTorch's
   * `_initial_step()`, which moves to epoch 0.
   */
  protected initialStep(): void {
    this.step();
  }

  /** Advances one epoch and sets each group's lr. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const lrs = this.nextLrs();
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = lrs[i]!));
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** The lr of each group set by the last step(). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): LRSchedulerState {
    return {
      kind: this.constructor.name,
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
      ...this.settings(),
    };
  }

  /**
   * Restores the epoch counters and settings. As in PyTorch, the optimiser's current lr values
   * are not touched: they come back with the optimiser's own state.
   */
  loadStateDict(state: LRSchedulerState, options: { source?: string } = {}): void {
    const where = options.source ? ` (${options.source})` : '';
    const fail = (problem: string): never => {
      throw new OptimizerStateError(`${this.constructor.name}.loadStateDict${where}: ${problem}`);
    };
    if (state.kind !== this.constructor.name) fail(`the state is of a ${String(state.kind)}`);
    const count = (key: 'lastEpoch' | 'stepCount'): number => {
      const value = state[key];
      if (!Number.isInteger(value) || value < 0) fail(`${key} must be a non-negative integer, got ${String(value)}`);
      return value;
    };
    const lrs = (key: 'baseLrs' | 'lastLr'): number[] => {
      const value = state[key];
      const groups = this.optimizer.paramGroups.length;
      if (!Array.isArray(value) || value.length !== groups || value.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        fail(`${key} must hold one finite number per parameter group (${groups})`);
      }
      return [...value];
    };
    const restored = { lastEpoch: count('lastEpoch'), stepCount: count('stepCount'), baseLrs: lrs('baseLrs'), lastLr: lrs('lastLr') };
    this.loadSettings(state, fail);
    this.lastEpoch = restored.lastEpoch;
    this.stepCount = restored.stepCount;
    this.baseLrs = restored.baseLrs;
    this.lastLr = restored.lastLr;
  }
}
