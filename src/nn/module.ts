import { keep, noGrad, type Tensor } from '../torch/index.js';
import { StateDictError } from './state-dict-error.js';

/** Called after a module's forward with its input and output (PyTorch's forward hooks). */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => void;

export interface HookHandle {
  remove(): void;
}

/**
 * The base of every layer and model, after torch.nn.Module: named parameters, buffers and
 * children (dotted state-dict names as in PyTorch), train/eval mode, forward hooks.
 * Subclasses implement `forward`; callers use `call` so that hooks run.
 */
export abstract class Module {
  training = true;
  private readonly parameterMap = new Map<string, Tensor>();
  private readonly bufferMap = new Map<string, Tensor>();
  private readonly childMap = new Map<string, Module>();
  private readonly hooks = new Set<ForwardHook>();

  abstract forward(input: Tensor): Tensor;

  /** forward() followed by the forward hooks. */
  call(input: Tensor): Tensor {
    const output = this.forward(input);
    for (const hook of this.hooks) hook(this, input, output);
    return output;
  }

  registerForwardHook(hook: ForwardHook): HookHandle {
    this.hooks.add(hook);
    return { remove: () => this.hooks.delete(hook) };
  }

  /** A trainable tensor, owned by the module (no scope disposes it). */
  protected registerParameter(name: string, tensor: Tensor): Tensor {
    keep(tensor).requiresGrad_(true);
    this.parameterMap.set(name, tensor);
    return tensor;
  }

  /** A state tensor that is saved but not trained (BatchNorm's running statistics). */
  protected registerBuffer(name: string, tensor: Tensor): Tensor {
    keep(tensor);
    this.bufferMap.set(name, tensor);
    return tensor;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.childMap.set(name, module);
    return module;
  }

  children(): [string, Module][] {
    return [...this.childMap.entries()];
  }

  /** Every module below this one (this one first, named ''), depth first, with dotted names. */
  namedModules(prefix = ''): [string, Module][] {
    const result: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childMap) result.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return result;
  }

  namedParameters(): [string, Tensor][] {
    return this.namedTensors((m) => m.parameterMap);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(): [string, Tensor][] {
    return this.namedTensors((m) => m.bufferMap);
  }

  private namedTensors(pick: (m: Module) => Map<string, Tensor>): [string, Tensor][] {
    const result: [string, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, tensor] of pick(module)) result.push([prefix ? `${prefix}.${name}` : name, tensor]);
    }
    return result;
  }

  /** Parameters and buffers by dotted name, in registration order (the tensors themselves, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Copies values into this module's tensors; names, shapes and dtypes must match (strict). */
  loadStateDict(state: Map<string, Tensor>, options: { strict?: boolean; source?: string } = {}): void {
    const strict = options.strict ?? true;
    const where = options.source ? ` (${options.source})` : '';
    const own = this.stateDict();
    if (strict) {
      const missing = [...own.keys()].filter((k) => !state.has(k));
      const unexpected = [...state.keys()].filter((k) => !own.has(k));
      if (missing.length > 0 || unexpected.length > 0) {
        throw new StateDictError(
          `loadStateDict${where}: state does not match the model` +
            (missing.length ? `; missing: ${missing.join(', ')}` : '') +
            (unexpected.length ? `; unexpected: ${unexpected.join(', ')}` : ''),
        );
      }
    }
    noGrad(() => {
      for (const [name, target] of own) {
        const value = state.get(name);
        if (value === undefined) continue;
        const [a, b] = [target.shape, value.shape];
        if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
          throw new StateDictError(`loadStateDict${where}: '${name}' has shape [${b.join(', ')}], the model expects [${a.join(', ')}]`);
        }
        target.copy_(value);
      }
    });
  }

  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Moves every parameter and buffer to a device, keeping tensor identities (optimisers hold them). */
  to(device: string): this {
    // Devices only: a dtype cast here would also turn int64 buffers (num_batches_tracked) into floats.
    if (device !== 'cpu' && !device.startsWith('cuda')) throw new Error(`Module.to() takes a device (cpu, cuda, cuda:N), got '${device}'`);
    noGrad(() => {
      for (const [, tensor] of [...this.namedParameters(), ...this.namedBuffers()]) {
        if (tensor.device === device) continue;
        const moved = tensor.to(device);
        tensor.setData_(moved);
        moved.dispose();
      }
    });
    return this;
  }

  /** Resets gradients to none, as zero_grad(set_to_none=True). */
  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.grad = undefined;
  }

  /** Releases every parameter and buffer. */
  dispose(): void {
    for (const [, tensor] of [...this.namedParameters(), ...this.namedBuffers()]) tensor.dispose();
  }
}
