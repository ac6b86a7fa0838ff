import type { Tensor } from '../torch/index.js';

/**
 * What every optimiser's parameter group has: its tensors and a learning rate that a scheduler
 * may change between steps. `initialLr` is written by the first scheduler attached (PyTorch's
 * `initial_lr`), so that a second scheduler, or a resumed one, starts from the same base.
 */
export interface ParamGroup {
  readonly params: Tensor[];
  lr: number;
  initialLr?: number;
}

/** The JSON-able part of a group in a state dict: hyper-parameters, with parameters as indices. */
export interface ParamGroupState {
  lr: number;
  initialLr?: number;
  /** Positions in the optimiser's flat parameter list (groups concatenated in order). */
  params: number[];
}

/**
 * An optimiser's saved state, after torch.optim.Optimizer.state_dict(): per-parameter tensors
 * by name (`state.<index>.<key>`, index into the flat parameter list) and the hyper-parameters.
 */
export interface OptimizerStateDict<G extends ParamGroupState = ParamGroupState> {
  tensors: Map<string, Tensor>;
  paramGroups: G[];
}

export interface Optimizer {
  readonly paramGroups: ParamGroup[];
  /** One update of every parameter that has a gradient. */
  step(): void;
  /** Sets every gradient to none (PyTorch's set_to_none=True). */
  zeroGrad(): void;
  stateDict(): OptimizerStateDict;
  loadStateDict(state: OptimizerStateDict, options?: { source?: string }): void;
  /** Releases the optimiser's own tensors (never the parameters). */
  dispose(): void;
}

/**
 * The groups of a state dict as PyTorch numbers them: each group's hyper-parameters (what `hyper`
 * picks), its parameters as positions in the flat list of all groups, and `initialLr` when a
 * scheduler set it. Shared by every optimiser's stateDict().
 */
export function numberedParamGroups<P extends ParamGroup, G extends ParamGroupState>(
  groups: readonly P[],
  hyper: (group: P) => Omit<G, 'params' | 'initialLr'>,
): G[] {
  let next = 0;
  return groups.map((group) => {
    const state = { ...hyper(group), params: group.params.map(() => next++) } as G;
    if (group.initialLr !== undefined) state.initialLr = group.initialLr;
    return state;
  });
}
