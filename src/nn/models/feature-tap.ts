import type { Tensor } from '../../torch/index.js';
import type { HookHandle } from '../module.js';
import type { ClassifierModel } from './classifier.js';

/** The latest features seen by a tap; replaced on every forward. */
export interface FeatureTap {
  /** The penultimate features h (N x p): the input of model.classifier. */
  readonly penultimate: Tensor | undefined;
  /** Each tapped block's output, by dotted module name, in the shape the block returns it. */
  readonly blocks: Map<string, Tensor>;
  /** Removes the hooks; the tap sees nothing after this. */
  remove(): void;
}

/**
 * Forward hooks that record h (the classifier's input) and the outputs of the named blocks
 * (default: all of model.blockNames()). The recorded tensors belong to whatever scope ran the
 * forward: read them (or clone and keep() them) before that tidy() ends.
 */
export function tapFeatures(model: ClassifierModel, blockNames: string[] = model.blockNames()): FeatureTap {
  const modules = new Map(model.namedModules());
  const blocks = new Map<string, Tensor>();
  const tap = { penultimate: undefined as Tensor | undefined, blocks, remove: () => handles.forEach((h) => h.remove()) };
  const handles: HookHandle[] = blockNames.map((name) => {
    const module = modules.get(name);
    if (module === undefined) throw new Error(`tapFeatures: the model has no module named '${name}'`);
    return module.registerForwardHook((_module, _input, output) => blocks.set(name, output));
  });
  handles.push(model.classifier.registerForwardHook((_module, input) => (tap.penultimate = input)));
  return tap;
}
