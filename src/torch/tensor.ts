import { type AnyTypedArray, type DType, dtypeCode, dtypeName } from './dtype.js';
import { type Handle, native } from './native.js';
import { type Disposable, track } from './scope.js';

export type Operand = Tensor | number;
export type Reduction = 'none' | 'mean' | 'sum';

function operand(x: Operand): Handle | number {
  return typeof x === 'number' ? x : x.handle;
}

/**
 * A libtorch tensor seen from TypeScript. Each instance owns one native handle; `dispose()`
 * releases it now (idempotent), `tidy()` releases it at the end of a scope, and a finalizer
 * releases it at garbage collection as a last resort. Methods never modify `this` unless their
 * name ends in `_` (PyTorch's in-place convention).
 */
export class Tensor implements Disposable {
  readonly handle: Handle;
  kept = false;
  private cachedShape: number[] | undefined;

  constructor(handle: Handle) {
    this.handle = handle;
    track(this);
  }

  // ---- metadata ----
  get shape(): number[] {
    if (this.cachedShape === undefined) this.cachedShape = native.shape(this.handle);
    return this.cachedShape.slice();
  }
  get ndim(): number {
    return this.shape.length;
  }
  get dtype(): DType {
    return dtypeName(native.dtype(this.handle));
  }
  get device(): string {
    return native.device(this.handle);
  }
  get numel(): number {
    return native.numel(this.handle);
  }
  get isDisposed(): boolean {
    return native.isDisposed(this.handle);
  }
  size(dim: number): number {
    const shape = this.shape;
    const d = dim < 0 ? dim + shape.length : dim;
    const size = shape[d];
    if (size === undefined) throw new Error(`dimension ${dim} out of range for a tensor of shape [${shape.join(', ')}]`);
    return size;
  }
  dispose(): void {
    native.dispose(this.handle);
  }

  // ---- data out ----
  /** A copy of the data as a typed array (row-major). int64 comes back as BigInt64Array. */
  data(): AnyTypedArray {
    return native.toTypedArray(this.handle);
  }
  /** The data as a JS number array (int64 and bool converted). */
  toArray(): number[] {
    const data = this.data();
    return data instanceof BigInt64Array ? Array.from(data, Number) : Array.from(data as ArrayLike<number>);
  }
  item(): number {
    return native.item(this.handle);
  }
  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`;
  }

  // ---- arithmetic (broadcasting) ----
  add(other: Operand, alpha?: number): Tensor {
    return new Tensor(native.add(this.handle, operand(other), alpha));
  }
  sub(other: Operand, alpha?: number): Tensor {
    return new Tensor(native.sub(this.handle, operand(other), alpha));
  }
  mul(other: Operand): Tensor {
    return new Tensor(native.mul(this.handle, operand(other)));
  }
  div(other: Operand): Tensor {
    return new Tensor(native.div(this.handle, operand(other)));
  }
  pow(other: Operand): Tensor {
    return new Tensor(native.pow(this.handle, operand(other)));
  }
  remainder(other: Operand): Tensor {
    return new Tensor(native.remainder(this.handle, operand(other)));
  }
  maximum(other: Operand): Tensor {
    return new Tensor(native.maximum(this.handle, operand(other)));
  }
  minimum(other: Operand): Tensor {
    return new Tensor(native.minimum(this.handle, operand(other)));
  }
  eq(other: Operand): Tensor {
    return new Tensor(native.eq(this.handle, operand(other)));
  }
  ne(other: Operand): Tensor {
    return new Tensor(native.ne(this.handle, operand(other)));
  }
  lt(other: Operand): Tensor {
    return new Tensor(native.lt(this.handle, operand(other)));
  }
  le(other: Operand): Tensor {
    return new Tensor(native.le(this.handle, operand(other)));
  }
  gt(other: Operand): Tensor {
    return new Tensor(native.gt(this.handle, operand(other)));
  }
  ge(other: Operand): Tensor {
    return new Tensor(native.ge(this.handle, operand(other)));
  }
  logicalAnd(other: Tensor): Tensor {
    return new Tensor(native.logicalAnd(this.handle, other.handle));
  }
  logicalOr(other: Tensor): Tensor {
    return new Tensor(native.logicalOr(this.handle, other.handle));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.handle));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this.handle));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this.handle));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this.handle));
  }
  log(): Tensor {
    return new Tensor(native.log(this.handle));
  }
  log1p(): Tensor {
    return new Tensor(native.log1p(this.handle));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.handle));
  }
  rsqrt(): Tensor {
    return new Tensor(native.rsqrt(this.handle));
  }
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this.handle));
  }
  tanh(): Tensor {
    return new Tensor(native.tanh(this.handle));
  }
  square(): Tensor {
    return new Tensor(native.square(this.handle));
  }
  sign(): Tensor {
    return new Tensor(native.sign(this.handle));
  }
  floor(): Tensor {
    return new Tensor(native.floor(this.handle));
  }
  ceil(): Tensor {
    return new Tensor(native.ceil(this.handle));
  }
  round(): Tensor {
    return new Tensor(native.round(this.handle));
  }
  reciprocal(): Tensor {
    return new Tensor(native.reciprocal(this.handle));
  }
  isnan(): Tensor {
    return new Tensor(native.isnan(this.handle));
  }
  isfinite(): Tensor {
    return new Tensor(native.isfinite(this.handle));
  }
  relu(): Tensor {
    return new Tensor(native.relu(this.handle));
  }
  clamp(min?: number, max?: number): Tensor {
    return new Tensor(native.clamp(this.handle, min, max));
  }

  // ---- in-place (optimisers, buffers) ----
  add_(other: Operand, alpha?: number): this {
    native.add_(this.handle, operand(other), alpha);
    return this;
  }
  sub_(other: Operand, alpha?: number): this {
    native.sub_(this.handle, operand(other), alpha);
    return this;
  }
  mul_(other: Operand): this {
    native.mul_(this.handle, operand(other));
    return this;
  }
  div_(other: Operand): this {
    native.div_(this.handle, operand(other));
    return this;
  }
  fill_(value: Operand): this {
    native.fill_(this.handle, operand(value));
    return this;
  }
  copy_(source: Tensor): this {
    native.copy_(this.handle, source.handle);
    return this;
  }
  zero_(): this {
    native.zero_(this.handle);
    return this;
  }
  addcmul_(a: Tensor, b: Tensor, value = 1): this {
    native.addcmul_(this.handle, a.handle, b.handle, value);
    return this;
  }
  addcdiv_(a: Tensor, b: Tensor, value = 1): this {
    native.addcdiv_(this.handle, a.handle, b.handle, value);
    return this;
  }
  /** beta * this + alpha * (a @ b), in place. */
  addmm_(a: Tensor, b: Tensor, beta = 1, alpha = 1): this {
    native.addmm_(this.handle, a.handle, b.handle, beta, alpha);
    return this;
  }
  uniform_(low = 0, high = 1): this {
    native.uniform_(this.handle, low, high);
    return this;
  }
  normal_(mean = 0, std = 1): this {
    native.normal_(this.handle, mean, std);
    return this;
  }
  bernoulli_(p: number): this {
    native.bernoulli_(this.handle, p);
    return this;
  }

  // ---- reductions ----
  sum(dims?: number | number[], keepdim = false, dtype?: DType): Tensor {
    return new Tensor(native.sum(this.handle, dims, keepdim, dtype === undefined ? undefined : dtypeCode(dtype)));
  }
  mean(dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.mean(this.handle, dims, keepdim));
  }
  /** Standard deviation with Bessel's correction by default (correction 1), as torch.std. */
  std(dims?: number | number[], correction = 1, keepdim = false): Tensor {
    return new Tensor(native.std(this.handle, dims, correction, keepdim));
  }
  var(dims?: number | number[], correction = 1, keepdim = false): Tensor {
    return new Tensor(native.var(this.handle, dims, correction, keepdim));
  }
  max(): Tensor {
    return new Tensor(native.maxAll(this.handle));
  }
  min(): Tensor {
    return new Tensor(native.minAll(this.handle));
  }
  maxDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.maxDim(this.handle, dim, keepdim);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  minDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.minDim(this.handle, dim, keepdim);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmin(this.handle, dim, keepdim));
  }
  norm(p = 2, dims?: number | number[], keepdim = false): Tensor {
    return new Tensor(native.norm(this.handle, p, dims, keepdim));
  }
  all(): Tensor {
    return new Tensor(native.all(this.handle));
  }
  any(): Tensor {
    return new Tensor(native.any(this.handle));
  }
  logsumexp(dims: number | number[], keepdim = false): Tensor {
    return new Tensor(native.logsumexp(this.handle, typeof dims === 'number' ? [dims] : dims, keepdim));
  }
  cumsum(dim: number): Tensor {
    return new Tensor(native.cumsum(this.handle, dim));
  }
  bincount(minlength = 0): Tensor {
    return new Tensor(native.bincount(this.handle, minlength));
  }
  softmax(dim: number): Tensor {
    return new Tensor(native.softmax(this.handle, dim));
  }
  logSoftmax(dim: number): Tensor {
    return new Tensor(native.logSoftmax(this.handle, dim));
  }

  // ---- linear algebra ----
  matmul(other: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, other.handle));
  }
  mm(other: Tensor): Tensor {
    return new Tensor(native.mm(this.handle, other.handle));
  }
  bmm(other: Tensor): Tensor {
    return new Tensor(native.bmm(this.handle, other.handle));
  }
  /** The matrix transpose of a 2-D tensor. */
  get T(): Tensor {
    return this.transpose(0, 1);
  }
  diag(diagonal = 0): Tensor {
    return new Tensor(native.diag(this.handle, diagonal));
  }
  trace(): Tensor {
    return new Tensor(native.trace(this.handle));
  }
  triu(diagonal = 0): Tensor {
    return new Tensor(native.triu(this.handle, diagonal));
  }
  tril(diagonal = 0): Tensor {
    return new Tensor(native.tril(this.handle, diagonal));
  }

  // ---- shape and indexing ----
  reshape(shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, shape));
  }
  view(shape: number[]): Tensor {
    return new Tensor(native.view(this.handle, shape));
  }
  expand(shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, shape));
  }
  repeat(repeats: number[]): Tensor {
    return new Tensor(native.repeat(this.handle, repeats));
  }
  permute(dims: number[]): Tensor {
    return new Tensor(native.permute(this.handle, dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(native.transpose(this.handle, dim0, dim1));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return new Tensor(native.flatten(this.handle, startDim, endDim));
  }
  squeeze(dim?: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  select(dim: number, index: number): Tensor {
    return new Tensor(native.select(this.handle, dim, index));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  /** A copy of this with source's slices added at `index` along dim. */
  indexAdd(dim: number, index: Tensor, source: Tensor): Tensor {
    return new Tensor(native.indexAdd(this.handle, dim, index.handle, source.handle));
  }
  /** Adds source's slices at `index` along dim, in place. */
  indexAdd_(dim: number, index: Tensor, source: Tensor): this {
    native.indexAdd_(this.handle, dim, index.handle, source.handle);
    return this;
  }
  /** Writes this.indexSelect(dim, index) into `out` (which must have the result's shape and dtype). */
  indexSelectInto(out: Tensor, dim: number, index: Tensor): Tensor {
    native.indexSelectOut(out.handle, this.handle, dim, index.handle);
    return out;
  }
  maskedSelect(mask: Tensor): Tensor {
    return new Tensor(native.maskedSelect(this.handle, mask.handle));
  }
  oneHot(numClasses: number): Tensor {
    return new Tensor(native.oneHot(this.handle, numClasses));
  }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.sort(this.handle, dim, descending);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  topk(k: number, dim = -1, largest = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.topk(this.handle, k, dim, largest);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.handle));
  }
  get isContiguous(): boolean {
    return native.isContiguous(this.handle);
  }

  // ---- conversion ----
  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }
  /** A dtype ('float64') or a device ('cpu', 'cuda', 'cuda:1'). */
  to(target: DType | string): Tensor {
    if (target === 'cpu' || target.startsWith('cuda')) return new Tensor(native.toDevice(this.handle, target));
    return new Tensor(native.toDtype(this.handle, dtypeCode(target as DType)));
  }

  // ---- autograd ----
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this.handle, value);
    return this;
  }
  /** The accumulated gradient, a new handle on the same storage; undefined before backward(). */
  get grad(): Tensor | undefined {
    const handle = native.grad(this.handle);
    return handle === undefined ? undefined : new Tensor(handle);
  }
  set grad(value: Tensor | undefined) {
    native.setGrad(this.handle, value?.handle);
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** Replaces this tensor's data with source's (device or dtype moves), keeping its identity. */
  setData_(source: Tensor): this {
    native.setData(this.handle, source.handle);
    this.cachedShape = undefined;
    return this;
  }
  backward(gradient?: Tensor, retainGraph?: boolean): void {
    native.backward(this.handle, gradient?.handle, retainGraph);
  }
}
