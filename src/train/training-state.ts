import type { LRScheduler, LRSchedulerState, Optimizer, ParamGroupState } from '../optim/index.js';
import type { Tensor } from '../torch/index.js';
import type { Module } from '../nn/module.js';
import { CHECKSUMS_KEY, tensorChecksums, verifyTensorChecksums } from './tensor-checksums.js';
import { loadSafetensors, type SafetensorsContents, SafetensorsError, saveSafetensors } from '../io/safetensors.js';

export { SafetensorsError, type SafetensorsContents } from '../io/safetensors.js';

/**
 * Saves tensors, with optional string metadata, as a safetensors file that Python's
 * `safetensors.torch.load_file` reads. Atomic: readers see the old file or the new one.
 */
export function save(tensors: Map<string, Tensor>, file: string, metadata?: Record<string, string>): void {
  saveSafetensors(tensors, file, metadata);
}

/**
 * Loads a safetensors file (from us or from Python) into new CPU tensors owned by the caller. This
 * is the one loader of checkpoints, and it holds the one check: a file that says it is a training
 * state of this version, or that carries checksums, has every tensor checked against its SHA-256
 * (tensor-checksums.ts), whoever reads it (resume, analyze --checkpoint, robustness, analyze).
 * A bare state dict from Python has no checksums to check.
 */
export function load(file: string): SafetensorsContents {
  const contents = loadSafetensors(file);
  try {
    if (contents.metadata.format === TRAINING_STATE_FORMAT || CHECKSUMS_KEY in contents.metadata)
      verifyTensorChecksums(file, contents.tensors, contents.metadata);
  } catch (error) {
    for (const t of contents.tensors.values()) t.dispose();
    throw error;
  }
  return contents;
}

/*
 * A training state is one safetensors file that holds everything a resumed run needs:
 *
 *   tensors
 *     model.<name>                          every entry of model.stateDict() (parameters and
 *                                           buffers), under PyTorch's dotted names
 *     optimizer.state.<i>.<key>             the optimiser's per-parameter state, i the index in
 *                                           its flat parameter list (SGD: momentum_buffer)
 *   __metadata__ (each value a JSON text, as safetensors metadata must be strings)
 *     format                                "ncollapse.training-state.v2"
 *     ncollapse.sha256                      SHA-256 of each tensor (tensor-checksums.ts)
 *     optimizer.param_groups                optimizer.stateDict().paramGroups: lr, momentum, ...
 *     scheduler                             scheduler.stateDict(), when a scheduler was given
 *     extra                                 the caller's JSON-able extras (epoch, seeds, ...)
 *
 * From Python: `load_file(f)` gives the tensors; strip `model.` for `model.load_state_dict`;
 * `safe_open(f, "pt").metadata()` gives the metadata.
 */
export const TRAINING_STATE_FORMAT = 'ncollapse.training-state.v2';
/** v1 is v2 without the checksums (tensor-checksums.ts); such files still load, unchecked. */
const TRAINING_STATE_V1 = 'ncollapse.training-state.v1';

const MODEL_PREFIX = 'model.';
const OPTIMIZER_PREFIX = 'optimizer.';

export interface TrainingState {
  model: Module;
  optimizer: Optimizer;
  scheduler?: LRScheduler;
  /** Anything JSON-able a resumed run needs: epoch, seeds, progress counters. */
  extra?: Record<string, unknown>;
}

export function saveTrainingState(file: string, state: TrainingState): void {
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of state.model.stateDict()) tensors.set(MODEL_PREFIX + name, t);
  const optimizerState = state.optimizer.stateDict();
  for (const [name, t] of optimizerState.tensors) tensors.set(OPTIMIZER_PREFIX + name, t);
  const metadata: Record<string, string> = {
    format: TRAINING_STATE_FORMAT,
    'optimizer.param_groups': JSON.stringify(optimizerState.paramGroups),
    extra: JSON.stringify(state.extra ?? {}),
  };
  if (state.scheduler !== undefined) metadata.scheduler = JSON.stringify(state.scheduler.stateDict());
  metadata[CHECKSUMS_KEY] = tensorChecksums(tensors);
  // The tensors are the live ones, not copies: nothing to release.
  saveSafetensors(tensors, file, metadata);
}

export interface LoadedTrainingState {
  extra: Record<string, unknown>;
  /** The whole __metadata__, for fields this version does not interpret. */
  metadata: Record<string, string>;
}

/**
 * Restores model, optimiser and (when given) scheduler from a file of saveTrainingState(), and
 * returns the extras. The model must match exactly (strict). The file's layout and metadata are
 * checked before anything changes, and each of optimiser, scheduler and model checks its own part
 * before changing (a model whose shapes disagree may be left partly loaded, as Module does).
 */
export function loadTrainingState(file: string, target: Omit<TrainingState, 'extra'>): LoadedTrainingState {
  const { tensors, metadata } = load(file);
  try {
    const fail = (problem: string): never => {
      throw new SafetensorsError(file, `not a training state: ${problem}`);
    };
    if (metadata.format !== TRAINING_STATE_FORMAT && metadata.format !== TRAINING_STATE_V1)
      fail(`format is ${JSON.stringify(metadata.format)}, expected "${TRAINING_STATE_FORMAT}"`);
    const json = (key: string): unknown => {
      const text = metadata[key];
      if (text === undefined) fail(`no '${key}' in the metadata`);
      try {
        return JSON.parse(text!);
      } catch (error) {
        return fail(`'${key}' is not JSON (${(error as Error).message})`);
      }
    };
    const paramGroups = json('optimizer.param_groups');
    if (!Array.isArray(paramGroups)) fail("'optimizer.param_groups' is not a list");
    const extra = json('extra');
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) fail("'extra' is not an object");
    const schedulerState = target.scheduler === undefined ? undefined : (json('scheduler') as LRSchedulerState);

    const modelTensors = new Map<string, Tensor>();
    const optimizerTensors = new Map<string, Tensor>();
    for (const [name, t] of tensors) {
      if (name.startsWith(MODEL_PREFIX)) modelTensors.set(name.slice(MODEL_PREFIX.length), t);
      else if (name.startsWith(OPTIMIZER_PREFIX)) optimizerTensors.set(name.slice(OPTIMIZER_PREFIX.length), t);
      else fail(`tensor '${name}' is neither model.* nor optimizer.*`);
    }

    target.optimizer.loadStateDict({ tensors: optimizerTensors, paramGroups: paramGroups as ParamGroupState[] }, { source: file });
    if (schedulerState !== undefined) target.scheduler!.loadStateDict(schedulerState, { source: file });
    target.model.loadStateDict(modelTensors, { strict: true, source: file });
    return { extra: extra as Record<string, unknown>, metadata };
  } finally {
    // Everything was copied into the model's and optimiser's own tensors.
    for (const t of tensors.values()) t.dispose();
  }
}
