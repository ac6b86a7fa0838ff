/**
 * Deterministic release of native memory. V8 does not see libtorch's bytes, so garbage
 * collection alone lets a training loop grow without bound: every tensor created inside
 * `tidy(fn)` is disposed when fn returns, except what fn returns and what was `keep()`-ed.
 */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  /** Set by keep(): never disposed by a scope. */
  kept: boolean;
}

const scopes: Disposable[][] = [];

/** Called by every new tensor: it belongs to the innermost open scope, if any. */
export function track(tensor: Disposable): void {
  const scope = scopes[scopes.length - 1];
  if (scope !== undefined) scope.push(tensor);
}

/** Marks a tensor as owned by the caller: no enclosing scope will dispose it. */
export function keep<T extends Disposable>(tensor: T): T {
  tensor.kept = true;
  return tensor;
}

function collectReturned(value: unknown, found: Set<Disposable>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (isDisposable(value)) {
    found.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectReturned(item, found, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const item of value.values()) collectReturned(item, found, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectReturned(item, found, depth + 1);
  }
}

function isDisposable(value: object): value is Disposable {
  return typeof (value as Disposable).dispose === 'function' && 'kept' in value;
}

/**
 * Runs fn and disposes every tensor it created, except those it returns (in an array or a
 * plain object too) and kept ones. Returned tensors move to the enclosing scope.
 * Synchronous only: a Promise-returning fn would let its tensors escape the scope.
 */
export function tidy<T>(fn: () => T): T {
  scopes.push([]);
  let result: T | undefined;
  let ok = false;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error('tidy() takes a synchronous function (it returned a Promise)');
    ok = true;
  } finally {
    const scope = scopes.pop()!;
    const returned = new Set<Disposable>();
    if (ok) collectReturned(result, returned);
    const parent = scopes[scopes.length - 1];
    for (const tensor of scope) {
      if (tensor.kept || tensor.isDisposed) continue;
      if (returned.has(tensor)) parent?.push(tensor);
      else tensor.dispose();
    }
  }
  return result as T;
}

/** Disposes every tensor found in a value (a tensor, array or plain object of them). */
export function dispose(value: unknown): void {
  const found = new Set<Disposable>();
  collectReturned(value, found);
  for (const tensor of found) tensor.dispose();
}
