import { keep, noGrad, type Tensor, tensor, tidy } from '../torch/index.js';
import { numberedParamGroups, type Optimizer, type OptimizerStateDict, type ParamGroup, type ParamGroupState } from './optimizer.js';
import { OptimizerStateError } from './optimizer-state-error.js';

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export interface AdamHyperParameters {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface AdamParamGroup extends ParamGroup, AdamHyperParameters {}

export type AdamParamGroupState = ParamGroupState & AdamHyperParameters;

/** A parameter group as given to the constructor: any option left out takes the optimiser's. */
export interface AdamParamGroupInput extends AdamOptions {
  params: Tensor[];
}

/** PyTorch's per-parameter state keys (torch.optim.Adam.state_dict()). */
const STEP = 'step';
const EXP_AVG = 'exp_avg';
const EXP_AVG_SQ = 'exp_avg_sq';
const MAX_EXP_AVG_SQ = 'max_exp_avg_sq';
const STATE_KEYS = new Set([STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ]);

interface ParameterState {
  step: number;
  /** The step count as PyTorch saves it; brought up to date by stateDict(). */
  stepTensor: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq?: Tensor;
}

/** torch.optim.Adam's defaults; AdamW differs only in weight decay (1e-2 and decoupled). */
const ADAM_DEFAULTS: AdamHyperParameters = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };
const ADAMW_DEFAULTS: AdamHyperParameters = { ...ADAM_DEFAULTS, weightDecay: 1e-2 };

/**
 * Adam and AdamW, after torch.optim.Adam and torch.optim.AdamW (the single-tensor path of
 * PyTorch 1.13, op for op), with t the parameter's own step count:
 *
 *   g = grad (negated when maximizing)
 *   Adam:  g = g + weightDecay * p          AdamW: p = p * (1 - lr * weightDecay)
 *   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2
 *   vmax = max(vmax, v) with amsgrad, and v replaced by vmax below
 *   p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * Parameters whose gradient is none are skipped and their state left as it is.
 */
class AdamFamily implements Optimizer {
  readonly paramGroups: AdamParamGroup[];
  private readonly state = new Map<Tensor, ParameterState>();

  protected constructor(
    private readonly name: 'Adam' | 'AdamW',
    private readonly decoupled: boolean,
    params: Tensor[] | AdamParamGroupInput[],
    options: AdamOptions,
  ) {
    const defaults = { ...(decoupled ? ADAMW_DEFAULTS : ADAM_DEFAULTS), ...definedOnly(options) };
    const inputs = isGroupList(params) ? params : [{ params }];
    if (inputs.length === 0 || inputs.every((g) => g.params.length === 0)) throw new Error(`${name}: got an empty parameter list`);
    this.paramGroups = inputs.map((input) => {
      const hyper = readHyperParameters({ ...defaults, ...definedOnly(input) }, (problem) => {
        throw new Error(`${name}: ${problem}`);
      });
      return { ...hyper, params: [...input.params] };
    });
    const seen = new Set<Tensor>();
    for (const parameter of this.flatParameters()) {
      if (seen.has(parameter)) throw new Error(`${name}: a parameter appears more than once in the parameter groups`);
      seen.add(parameter);
      if (!parameter.isLeaf) throw new Error(`${name}: can't optimise a non-leaf tensor`);
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
  private update(parameter: Tensor, grad: Tensor, group: AdamParamGroup): void {
    let state = this.state.get(parameter);
    if (state === undefined) {
      state = {
        step: 0,
        stepTensor: keep(stepTensor(0)),
        expAvg: keep(parameter.detach().clone().zero_()),
        expAvgSq: keep(parameter.detach().clone().zero_()),
      };
      if (group.amsgrad) state.maxExpAvgSq = keep(parameter.detach().clone().zero_());
      this.state.set(parameter, state);
    }
    state.step += 1;
    let g = group.maximize ? grad.neg() : grad;
    if (group.weightDecay !== 0) {
      if (this.decoupled) parameter.mul_(1 - group.lr * group.weightDecay);
      else g = g.add(parameter, group.weightDecay);
    }
    state.expAvg.mul_(group.beta1).add_(g, 1 - group.beta1);
    state.expAvgSq.mul_(group.beta2).addcmul_(g, g, 1 - group.beta2);
    const biasCorrection1 = 1 - group.beta1 ** state.step;
    const biasCorrection2Sqrt = Math.sqrt(1 - group.beta2 ** state.step);
    let second = state.expAvgSq;
    if (group.amsgrad) {
      if (state.maxExpAvgSq === undefined) state.maxExpAvgSq = keep(state.expAvgSq.clone());
      else state.maxExpAvgSq.copy_(state.maxExpAvgSq.maximum(state.expAvgSq));
      second = state.maxExpAvgSq;
    }
    const denominator = second.sqrt().div(biasCorrection2Sqrt).add_(group.eps);
    parameter.addcdiv_(state.expAvg, denominator, -(group.lr / biasCorrection1));
  }

  zeroGrad(): void {
    for (const parameter of this.flatParameters()) parameter.grad = undefined;
  }

  /**
   * PyTorch's layout: `state.<index>.step` (a 0-dim float32 tensor, as PyTorch 1.13 keeps it),
   * `exp_avg`, `exp_avg_sq` and, with amsgrad, `max_exp_avg_sq` (live tensors, not copies).
   */
  stateDict(): OptimizerStateDict<AdamParamGroupState> {
    const tensors = new Map<string, Tensor>();
    this.flatParameters().forEach((parameter, index) => {
      const state = this.state.get(parameter);
      if (state === undefined) return;
      state.stepTensor.fill_(state.step);
      tensors.set(`state.${index}.${STEP}`, state.stepTensor);
      tensors.set(`state.${index}.${EXP_AVG}`, state.expAvg);
      tensors.set(`state.${index}.${EXP_AVG_SQ}`, state.expAvgSq);
      if (state.maxExpAvgSq !== undefined) tensors.set(`state.${index}.${MAX_EXP_AVG_SQ}`, state.maxExpAvgSq);
    });
    const paramGroups = numberedParamGroups<AdamParamGroup, AdamParamGroupState>(this.paramGroups, (group) => ({
      lr: group.lr,
      beta1: group.beta1,
      beta2: group.beta2,
      eps: group.eps,
      weightDecay: group.weightDecay,
      amsgrad: group.amsgrad,
      maximize: group.maximize,
    }));
    return { tensors, paramGroups };
  }

  /** Restores hyper-parameters and state (copied); everything is checked before anything changes. */
  loadStateDict(saved: OptimizerStateDict, options: { source?: string } = {}): void {
    const where = options.source ? ` (${options.source})` : '';
    const fail = (problem: string): never => {
      throw new OptimizerStateError(`${this.name}.loadStateDict${where}: ${problem}`);
    };
    if (saved.paramGroups.length !== this.paramGroups.length) {
      fail(`the state has ${saved.paramGroups.length} parameter groups, the optimiser ${this.paramGroups.length}`);
    }
    const groups = saved.paramGroups.map((group, i) => {
      const own = this.paramGroups[i]!;
      const hyper = readHyperParameters(group as unknown as Partial<Record<string, unknown>>, (problem) =>
        fail(`parameter group ${i}: ${problem} (is this state from another optimiser?)`),
      );
      if (!Array.isArray(group.params) || group.params.length !== own.params.length) {
        fail(`parameter group ${i} has ${String(group.params?.length)} parameters in the state, ${own.params.length} in the optimiser`);
      }
      return hyper;
    });
    const parameters = this.flatParameters();
    const byIndex = new Map<number, Map<string, Tensor>>();
    for (const [name, value] of saved.tensors) {
      const match = /^state\.(\d+)\.([a-z_]+)$/.exec(name);
      if (match === null || !STATE_KEYS.has(match[2]!)) fail(`unexpected state tensor '${name}'`);
      const index = Number(match![1]);
      const parameter = parameters[index];
      if (parameter === undefined) fail(`'${name}' refers to parameter ${index}, the optimiser has ${parameters.length}`);
      if (match![2] === STEP) {
        if (value.numel !== 1) fail(`'${name}' must hold one number`);
      } else {
        const [a, b] = [parameter!.shape, value.shape];
        if (a.length !== b.length || a.some((d, k) => d !== b[k])) fail(`'${name}' has shape [${b.join(', ')}], its parameter [${a.join(', ')}]`);
      }
      if (!byIndex.has(index)) byIndex.set(index, new Map());
      byIndex.get(index)!.set(match![2]!, value);
    }
    for (const [index, entries] of byIndex) {
      for (const key of [STEP, EXP_AVG, EXP_AVG_SQ]) if (!entries.has(key)) fail(`parameter ${index} has no '${key}' in the state`);
      const step = entries.get(STEP)!.item();
      if (!Number.isInteger(step) || step < 1) fail(`'state.${index}.step' must be a positive whole number, got ${step}`);
    }

    this.paramGroups.forEach((group, i) => {
      delete group.initialLr; // as PyTorch, the saved group replaces the whole of ours but its params
      Object.assign(group, groups[i]);
    });
    this.dispose();
    const copy = (parameter: Tensor, value: Tensor) => keep(noGrad(() => tidy(() => parameter.detach().clone().copy_(value))));
    for (const [index, entries] of byIndex) {
      const parameter = parameters[index]!;
      const step = entries.get(STEP)!.item();
      const state: ParameterState = {
        step,
        stepTensor: keep(stepTensor(step)),
        expAvg: copy(parameter, entries.get(EXP_AVG)!),
        expAvgSq: copy(parameter, entries.get(EXP_AVG_SQ)!),
      };
      const max = entries.get(MAX_EXP_AVG_SQ);
      if (max !== undefined) state.maxExpAvgSq = copy(parameter, max);
      this.state.set(parameter, state);
    }
  }

  dispose(): void {
    for (const state of this.state.values()) {
      state.stepTensor.dispose();
      state.expAvg.dispose();
      state.expAvgSq.dispose();
      state.maxExpAvgSq?.dispose();
    }
    this.state.clear();
  }

  private flatParameters(): Tensor[] {
    return this.paramGroups.flatMap((group) => group.params);
  }
}

/** torch.optim.Adam: L2 weight decay added to the gradient (default 0). */
export class Adam extends AdamFamily {
  constructor(params: Tensor[] | AdamParamGroupInput[], options: AdamOptions = {}) {
    super('Adam', false, params, options);
  }
}

/** torch.optim.AdamW: decoupled weight decay, p *= 1 - lr * wd before the Adam step (default wd 1e-2, as PyTorch). */
export class AdamW extends AdamFamily {
  constructor(params: Tensor[] | AdamParamGroupInput[], options: AdamOptions = {}) {
    super('AdamW', true, params, options);
  }
}

/** A 0-dim float32 tensor, as PyTorch 1.13 keeps Adam's step. */
function stepTensor(step: number): Tensor {
  return tensor([step], { dtype: 'float32', shape: [] });
}

function isGroupList(params: Tensor[] | AdamParamGroupInput[]): params is AdamParamGroupInput[] {
  return params.length > 0 && Array.isArray((params[0] as AdamParamGroupInput).params);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([key, v]) => v !== undefined && key !== 'params')) as Partial<T>;
}

/** PyTorch's checks; the values may come from a file, so types are checked too. */
function readHyperParameters(value: Partial<Record<string, unknown>>, fail: (problem: string) => never): AdamHyperParameters & { initialLr?: number } {
  const number = (key: string, check: (x: number) => boolean, expected: string): number => {
    const x = value[key];
    if (typeof x !== 'number' || !Number.isFinite(x) || !check(x)) fail(`${key} must be ${expected}, got ${String(x)}`);
    return x as number;
  };
  const flag = (key: string): boolean => {
    const x = value[key];
    if (typeof x !== 'boolean') fail(`${key} must be a boolean, got ${String(x)}`);
    return x as boolean;
  };
  const hyper: AdamHyperParameters & { initialLr?: number } = {
    lr: number('lr', (x) => x >= 0, 'a number >= 0'),
    beta1: number('beta1', (x) => x >= 0 && x < 1, 'in [0, 1)'),
    beta2: number('beta2', (x) => x >= 0 && x < 1, 'in [0, 1)'),
    eps: number('eps', (x) => x >= 0, 'a number >= 0'),
    weightDecay: number('weightDecay', (x) => x >= 0, 'a number >= 0'),
    amsgrad: flag('amsgrad'),
    maximize: flag('maximize'),
  };
  if (value.initialLr !== undefined) hyper.initialLr = number('initialLr', () => true, 'a finite number');
  return hyper;
}
