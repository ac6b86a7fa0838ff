import { keep, noGrad, type Tensor, tidy } from '../torch/index.js';
import { numberedParamGroups, type Optimizer, type OptimizerStateDict, type ParamGroup, type ParamGroupState } from './optimizer.js';
import { OptimizerStateError } from './optimizer-state-error.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** A parameter group as given to the constructor: any option left out takes the optimiser's. */
export interface SGDParamGroupInput extends Partial<SGDOptions> {
  params: Tensor[];
}

export interface SGDHyperParameters {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export interface SGDParamGroup extends ParamGroup, SGDHyperParameters {}

export type SGDParamGroupState = ParamGroupState & SGDHyperParameters;

export type SGDStateDict = OptimizerStateDict<SGDParamGroupState>;

const MOMENTUM_BUFFER = 'momentum_buffer';

/**
 * Stochastic gradient descent with momentum, after torch.optim.SGD (the single-tensor path of
 * PyTorch 1.13 and 2.x, op for op, so that results agree to the last bit on the same libtorch):
 *
 *   d_p = grad (negated when maximizing) + weightDecay * p
 *   buf = d_p at the first step, else momentum * buf + (1 - dampening) * d_p
 *   d_p = d_p + momentum * buf (nesterov) or buf
 *   p  -= lr * d_p
 *
 * Parameters whose gradient is none are skipped, and their momentum buffers left as they are.
 */
export class SGD implements Optimizer {
  readonly paramGroups: SGDParamGroup[];
  /** Keyed by the parameter tensor itself; created at a parameter's first update. */
  private readonly momentumBuffers = new Map<Tensor, Tensor>();

  constructor(params: Tensor[] | SGDParamGroupInput[], defaults: SGDOptions) {
    const inputs = isGroupList(params) ? params : [{ params }];
    if (inputs.length === 0 || inputs.every((g) => g.params.length === 0)) {
      throw new Error('SGD: got an empty parameter list');
    }
    this.paramGroups = inputs.map((input) => makeGroup(input, defaults));
    const seen = new Set<Tensor>();
    for (const parameter of this.flatParameters()) {
      if (seen.has(parameter)) throw new Error('SGD: a parameter appears more than once in the parameter groups');
      seen.add(parameter);
      if (!parameter.isLeaf) throw new Error("SGD: can't optimise a non-leaf tensor");
    }
  }

  step(): void {
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const parameter of group.params) {
            const grad = parameter.grad;
            if (grad !== undefined) this.update(parameter, grad, group);
          }
        }
      }),
    );
  }

  /** Runs inside step()'s tidy: every temporary here is released when step() returns. */
  private update(parameter: Tensor, grad: Tensor, group: SGDParamGroup): void {
    let direction = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) direction = direction.add(parameter, group.weightDecay);
    if (group.momentum !== 0) {
      let buffer = this.momentumBuffers.get(parameter);
      if (buffer === undefined) {
        buffer = keep(direction.clone());
        this.momentumBuffers.set(parameter, buffer);
      } else {
        buffer.mul_(group.momentum).add_(direction, 1 - group.dampening);
      }
      direction = group.nesterov ? direction.add(buffer, group.momentum) : buffer;
    }
    parameter.add_(direction, -group.lr);
  }

  zeroGrad(): void {
    for (const parameter of this.flatParameters()) parameter.grad = undefined;
  }

  /**
   * Momentum buffers as `state.<index>.momentum_buffer` (the live tensors, not copies: save them
   * before the next step) and the hyper-parameters of each group.
   */
  stateDict(): SGDStateDict {
    const tensors = new Map<string, Tensor>();
    this.flatParameters().forEach((parameter, index) => {
      const buffer = this.momentumBuffers.get(parameter);
      if (buffer !== undefined) tensors.set(`state.${index}.${MOMENTUM_BUFFER}`, buffer);
    });
    const paramGroups = numberedParamGroups<SGDParamGroup, SGDParamGroupState>(this.paramGroups, (group) => ({
      lr: group.lr,
      momentum: group.momentum,
      dampening: group.dampening,
      weightDecay: group.weightDecay,
      nesterov: group.nesterov,
      maximize: group.maximize,
    }));
    return { tensors, paramGroups };
  }

  /**
   * Restores hyper-parameters and momentum buffers (copied, in each parameter's dtype and device).
   * Everything is checked before anything changes, so a bad state leaves the optimiser as it was.
   */
  loadStateDict(state: OptimizerStateDict, options: { source?: string } = {}): void {
    const where = options.source ? ` (${options.source})` : '';
    const fail = (problem: string): never => {
      throw new OptimizerStateError(`SGD.loadStateDict${where}: ${problem}`);
    };
    if (state.paramGroups.length !== this.paramGroups.length) {
      fail(`the state has ${state.paramGroups.length} parameter groups, the optimiser ${this.paramGroups.length}`);
    }
    const groups = state.paramGroups.map((saved, i) => {
      const own = this.paramGroups[i]!;
      const hyper = readHyperParameters(saved, (problem) => fail(`parameter group ${i}: ${problem}`));
      if (!Array.isArray(saved.params) || saved.params.length !== own.params.length) {
        fail(`parameter group ${i} has ${String(saved.params?.length)} parameters in the state, ${own.params.length} in the optimiser`);
      }
      return hyper;
    });
    const parameters = this.flatParameters();
    const buffers = new Map<Tensor, Tensor>();
    for (const [name, value] of state.tensors) {
      const match = /^state\.(\d+)\.([a-z_]+)$/.exec(name);
      if (match === null || match[2] !== MOMENTUM_BUFFER) fail(`unexpected state tensor '${name}'`);
      const index = Number(match![1]);
      const parameter = parameters[index];
      if (parameter === undefined) fail(`'${name}' refers to parameter ${index}, the optimiser has ${parameters.length}`);
      const [a, b] = [parameter!.shape, value.shape];
      if (a.length !== b.length || a.some((d, k) => d !== b[k])) {
        fail(`'${name}' has shape [${b.join(', ')}], its parameter [${a.join(', ')}]`);
      }
      buffers.set(parameter!, value);
    }

    this.paramGroups.forEach((group, i) => {
      delete group.initialLr; // as PyTorch, the saved group replaces the whole of ours but its params
      Object.assign(group, groups[i]);
    });
    for (const buffer of this.momentumBuffers.values()) buffer.dispose();
    this.momentumBuffers.clear();
    for (const [parameter, value] of buffers) {
      const copy = noGrad(() => tidy(() => parameter.detach().clone().copy_(value)));
      this.momentumBuffers.set(parameter, keep(copy));
    }
  }

  dispose(): void {
    for (const buffer of this.momentumBuffers.values()) buffer.dispose();
    this.momentumBuffers.clear();
  }

  /** Parameters of all groups in order: the indices of the state dict. */
  private flatParameters(): Tensor[] {
    return this.paramGroups.flatMap((group) => group.params);
  }
}

function isGroupList(params: Tensor[] | SGDParamGroupInput[]): params is SGDParamGroupInput[] {
  return params.length > 0 && Array.isArray((params[0] as SGDParamGroupInput).params);
}

function makeGroup(input: SGDParamGroupInput, defaults: SGDOptions): SGDParamGroup {
  const group: SGDParamGroup = {
    params: [...input.params],
    lr: input.lr ?? defaults.lr,
    momentum: input.momentum ?? defaults.momentum ?? 0,
    dampening: input.dampening ?? defaults.dampening ?? 0,
    weightDecay: input.weightDecay ?? defaults.weightDecay ?? 0,
    nesterov: input.nesterov ?? defaults.nesterov ?? false,
    maximize: input.maximize ?? defaults.maximize ?? false,
  };
  readHyperParameters(group, (problem) => {
    throw new Error(`SGD: ${problem}`);
  });
  return group;
}

/** Checks hyper-parameters with PyTorch's rules; they may come from a file, so types are checked too. */
type UncheckedHyperParameters = { [K in keyof SGDHyperParameters | 'initialLr']?: unknown };

function readHyperParameters(value: UncheckedHyperParameters, fail: (problem: string) => never): SGDHyperParameters & { initialLr?: number } {
  const number = (key: 'lr' | 'momentum' | 'dampening' | 'weightDecay'): number => {
    const x = value[key];
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${key} must be a finite number, got ${String(x)}`);
    if ((x as number) < 0) fail(`${key} must not be negative, got ${String(x)}`);
    return x as number;
  };
  const flag = (key: 'nesterov' | 'maximize'): boolean => {
    const x = value[key];
    if (typeof x !== 'boolean') fail(`${key} must be a boolean, got ${String(x)}`);
    return x as boolean;
  };
  const hyper: SGDHyperParameters & { initialLr?: number } = {
    lr: number('lr'),
    momentum: number('momentum'),
    dampening: number('dampening'),
    weightDecay: number('weightDecay'),
    nesterov: flag('nesterov'),
    maximize: flag('maximize'),
  };
  if (hyper.nesterov && (hyper.momentum <= 0 || hyper.dampening !== 0)) {
    fail('nesterov momentum needs momentum > 0 and dampening = 0');
  }
  if (value.initialLr !== undefined) {
    if (typeof value.initialLr !== 'number' || !Number.isFinite(value.initialLr)) fail(`initialLr must be a finite number, got ${String(value.initialLr)}`);
    hyper.initialLr = value.initialLr;
  }
  return hyper;
}
