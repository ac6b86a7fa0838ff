import type { Tensor } from '../torch/index.js';
import { Module } from './module.js';

/**
 * Modules applied one after another (torch.nn.Sequential). Children are named "0", "1", ...
 * unless built from named entries (torchvision's OrderedDict style, as DenseNet's `features`).
 * Each child runs through `call`, so hooks on any of them fire.
 */
export class Sequential extends Module {
  private readonly sequence: Module[] = [];

  constructor(...modules: Module[]) {
    super();
    for (const module of modules) this.append(module);
  }

  /** A Sequential whose children carry the given names, in order. */
  static named(entries: [string, Module][]): Sequential {
    const sequential = new Sequential();
    for (const [name, module] of entries) sequential.addModule(name, module);
    return sequential;
  }

  /** Adds a child named by its position, as Sequential.append. */
  append(module: Module): this {
    return this.addModule(String(this.sequence.length), module);
  }

  /** Adds a named child at the end, as add_module. */
  addModule(name: string, module: Module): this {
    if (this.children().some(([existing]) => existing === name)) throw new Error(`Sequential: a child named '${name}' already exists`);
    this.registerModule(name, module);
    this.sequence.push(module);
    return this;
  }

  get length(): number {
    return this.sequence.length;
  }

  /** The child at a position (negative counts from the end). */
  at(index: number): Module {
    const module = this.sequence[index < 0 ? index + this.sequence.length : index];
    if (module === undefined) throw new Error(`Sequential: index ${index} is out of range for ${this.sequence.length} modules`);
    return module;
  }

  override forward(input: Tensor): Tensor {
    let x = input;
    for (const module of this.sequence) x = module.call(x);
    return x;
  }
}
