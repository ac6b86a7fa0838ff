import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { DType } from './dtype.js';
import { EngineSetupError } from './engine-setup-error.js';

/** An opaque handle to one heap at::Tensor owned by the addon. */
export type Handle = { readonly __tensorHandle: unique symbol };
type Operand = Handle | number | boolean;
type Dims = number | number[] | undefined;
type Reduction = 'none' | 'mean' | 'sum';

/** The typed interface of the whole native module (native/src/*.cc). */
export interface NativeTorch {
  /** The supported dtypes and their codes (libtorch's ScalarType values): the addon's one table. */
  readonly dtypeCodes: Readonly<Record<DType, number>>;
  version(): string;
  fromTypedArray(data: ArrayBufferView, shape: number[], dtype: number): Handle;
  toTypedArray(t: Handle): Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
  item(t: Handle): number;
  shape(t: Handle): number[];
  dtype(t: Handle): number;
  device(t: Handle): string;
  numel(t: Handle): number;
  dispose(t: Handle): void;
  isDisposed(t: Handle): boolean;
  liveTensors(): number;
  zeros(shape: number[], dtype: number, device?: string): Handle;
  ones(shape: number[], dtype: number, device?: string): Handle;
  empty(shape: number[], dtype: number, device?: string): Handle;
  randn(shape: number[], dtype: number, device?: string): Handle;
  rand(shape: number[], dtype: number, device?: string): Handle;
  full(shape: number[], value: number, dtype: number, device?: string): Handle;
  arange(start: number, end: number, step: number, dtype: number, device?: string): Handle;
  randint(low: number, high: number, shape: number[], device?: string): Handle;
  randperm(n: number, device?: string): Handle;
  eye(n: number, dtype: number, device?: string): Handle;
  manualSeed(seed: number | bigint): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  cudaSynchronize(): void;

  add(a: Handle, b: Operand, alpha?: number): Handle;
  sub(a: Handle, b: Operand, alpha?: number): Handle;
  mul(a: Handle, b: Operand): Handle;
  div(a: Handle, b: Operand): Handle;
  pow(a: Handle, b: Operand): Handle;
  remainder(a: Handle, b: Operand): Handle;
  maximum(a: Handle, b: Operand): Handle;
  minimum(a: Handle, b: Operand): Handle;
  eq(a: Handle, b: Operand): Handle;
  ne(a: Handle, b: Operand): Handle;
  lt(a: Handle, b: Operand): Handle;
  le(a: Handle, b: Operand): Handle;
  gt(a: Handle, b: Operand): Handle;
  ge(a: Handle, b: Operand): Handle;
  logicalAnd(a: Handle, b: Handle): Handle;
  logicalOr(a: Handle, b: Handle): Handle;
  neg(a: Handle): Handle;
  abs(a: Handle): Handle;
  exp(a: Handle): Handle;
  log(a: Handle): Handle;
  log1p(a: Handle): Handle;
  sqrt(a: Handle): Handle;
  rsqrt(a: Handle): Handle;
  sigmoid(a: Handle): Handle;
  tanh(a: Handle): Handle;
  square(a: Handle): Handle;
  sign(a: Handle): Handle;
  floor(a: Handle): Handle;
  ceil(a: Handle): Handle;
  round(a: Handle): Handle;
  reciprocal(a: Handle): Handle;
  isnan(a: Handle): Handle;
  isfinite(a: Handle): Handle;
  logicalNot(a: Handle): Handle;
  clamp(a: Handle, min?: number, max?: number): Handle;
  where(condition: Handle, a: Operand, b: Operand): Handle;
  add_(a: Handle, b: Operand, alpha?: number): void;
  sub_(a: Handle, b: Operand, alpha?: number): void;
  mul_(a: Handle, b: Operand): void;
  div_(a: Handle, b: Operand): void;
  fill_(a: Handle, b: Operand): void;
  copy_(a: Handle, b: Handle): void;
  zero_(a: Handle): void;
  addcmul_(t: Handle, a: Handle, b: Handle, value: number): void;
  addcdiv_(t: Handle, a: Handle, b: Handle, value: number): void;
  uniform_(t: Handle, low: number, high: number): void;
  normal_(t: Handle, mean: number, std: number): void;
  bernoulli_(t: Handle, p: number): void;

  sum(t: Handle, dims?: Dims, keepdim?: boolean, dtype?: number): Handle;
  mean(t: Handle, dims?: Dims, keepdim?: boolean): Handle;
  std(t: Handle, dims: Dims, correction: number, keepdim?: boolean): Handle;
  var(t: Handle, dims: Dims, correction: number, keepdim?: boolean): Handle;
  maxAll(t: Handle): Handle;
  minAll(t: Handle): Handle;
  maxDim(t: Handle, dim: number, keepdim?: boolean): [Handle, Handle];
  minDim(t: Handle, dim: number, keepdim?: boolean): [Handle, Handle];
  argmax(t: Handle, dim?: number, keepdim?: boolean): Handle;
  argmin(t: Handle, dim?: number, keepdim?: boolean): Handle;
  norm(t: Handle, p: number, dims?: Dims, keepdim?: boolean): Handle;
  all(t: Handle): Handle;
  any(t: Handle): Handle;
  logsumexp(t: Handle, dims: number[], keepdim?: boolean): Handle;
  cumsum(t: Handle, dim: number): Handle;
  bincount(t: Handle, minlength: number): Handle;
  reshape(t: Handle, shape: number[]): Handle;
  view(t: Handle, shape: number[]): Handle;
  expand(t: Handle, shape: number[]): Handle;
  repeat(t: Handle, repeats: number[]): Handle;
  permute(t: Handle, dims: number[]): Handle;
  transpose(t: Handle, dim0: number, dim1: number): Handle;
  flatten(t: Handle, start: number, end: number): Handle;
  squeeze(t: Handle, dim?: number): Handle;
  unsqueeze(t: Handle, dim: number): Handle;
  narrow(t: Handle, dim: number, start: number, length: number): Handle;
  select(t: Handle, dim: number, index: number): Handle;
  indexSelect(t: Handle, dim: number, index: Handle): Handle;
  gather(t: Handle, dim: number, index: Handle): Handle;
  indexAdd(t: Handle, dim: number, index: Handle, source: Handle): Handle;
  indexAdd_(t: Handle, dim: number, index: Handle, source: Handle): void;
  indexSelectOut(out: Handle, t: Handle, dim: number, index: Handle): void;
  maskedSelect(t: Handle, mask: Handle): Handle;
  cat(tensors: Handle[], dim: number): Handle;
  stack(tensors: Handle[], dim: number): Handle;
  oneHot(t: Handle, numClasses: number): Handle;
  sort(t: Handle, dim: number, descending: boolean): [Handle, Handle];
  topk(t: Handle, k: number, dim: number, largest: boolean): [Handle, Handle];
  diag(t: Handle, diagonal?: number): Handle;
  trace(t: Handle): Handle;
  triu(t: Handle, diagonal?: number): Handle;
  tril(t: Handle, diagonal?: number): Handle;
  contiguous(t: Handle): Handle;
  clone(t: Handle): Handle;
  detach(t: Handle): Handle;
  toDtype(t: Handle, dtype: number): Handle;
  toDevice(t: Handle, device: string): Handle;
  isContiguous(t: Handle): boolean;

  linear(x: Handle, weight: Handle, bias?: Handle): Handle;
  conv2d(x: Handle, weight: Handle, bias: Handle | undefined, stride: number[], padding: number[], dilation: number[], groups: number): Handle;
  batchNorm(
    x: Handle,
    weight: Handle | undefined,
    bias: Handle | undefined,
    runningMean: Handle | undefined,
    runningVar: Handle | undefined,
    training: boolean,
    momentum: number,
    eps: number,
  ): Handle;
  relu(x: Handle): Handle;
  maxPool2d(x: Handle, kernel: number[], stride: number[], padding: number[], dilation: number[], ceilMode: boolean): Handle;
  avgPool2d(x: Handle, kernel: number[], stride: number[], padding: number[], ceilMode: boolean, countIncludePad: boolean): Handle;
  adaptiveAvgPool2d(x: Handle, outputSize: number[]): Handle;
  dropout(x: Handle, p: number, training: boolean): Handle;
  softmax(x: Handle, dim: number): Handle;
  logSoftmax(x: Handle, dim: number): Handle;
  crossEntropy(logits: Handle, target: Handle, reduction: Reduction, labelSmoothing?: number): Handle;
  nllLoss(logProbabilities: Handle, target: Handle, reduction: Reduction): Handle;
  mseLoss(input: Handle, target: Handle, reduction: Reduction): Handle;

  matmul(a: Handle, b: Handle): Handle;
  mm(a: Handle, b: Handle): Handle;
  bmm(a: Handle, b: Handle): Handle;
  addmm(input: Handle, a: Handle, b: Handle, beta: number, alpha: number): Handle;
  addmm_(t: Handle, a: Handle, b: Handle, beta: number, alpha: number): void;
  eigh(t: Handle, uplo?: 'L' | 'U'): [Handle, Handle];
  svd(t: Handle, fullMatrices?: boolean): [Handle, Handle, Handle];
  pinv(t: Handle, rtol?: number, hermitian?: boolean): Handle;
  solve(a: Handle, b: Handle): Handle;
  inv(a: Handle): Handle;

  requiresGrad(t: Handle): boolean;
  setRequiresGrad(t: Handle, value: boolean): void;
  backward(t: Handle, gradient?: Handle, retainGraph?: boolean): void;
  grad(t: Handle): Handle | undefined;
  setGrad(t: Handle, gradient: Handle | undefined): void;
  isLeaf(t: Handle): boolean;
  setData(t: Handle, source: Handle): void;
  setGradEnabled(enabled: boolean): void;
  isGradEnabled(): boolean;

  // native/src/distributed.cc: c10d process groups (see src/distributed/).
  distBackends(): string[];
  distInitProcessGroup(options: DistGroupOptions): GroupHandle;
  distDestroyProcessGroup(group: GroupHandle): void;
  distBroadcast(group: GroupHandle, tensors: Handle[], root: number): void;
  distAllReduce(group: GroupHandle, t: Handle, op?: 'sum' | 'max' | 'min' | 'product'): void;
  distAllReduceBuckets(group: GroupHandle, tensors: Handle[], bucketBytes: number, divisor: number): number;
  distBarrier(group: GroupHandle): void;
}

/** An opaque handle to one c10d process group (and its store) owned by the addon. */
export type GroupHandle = { readonly __groupHandle: unique symbol };
export interface DistGroupOptions {
  backend: 'gloo' | 'nccl';
  store: 'tcp' | 'file';
  host?: string;
  port?: number;
  path?: string;
  rank: number;
  worldSize: number;
  timeoutMs: number;
  glooInterface?: string;
  glooHostname?: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where `npm run build:native` puts the addon (dist/ builds sit one folder deeper). */
function addonPath(): string {
  const candidates = [root, join(root, '..')].map((r) => join(r, 'native', 'build', 'Release', 'ncollapse_native.node'));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

function loadNative(): NativeTorch {
  const path = addonPath();
  if (!existsSync(path)) {
    throw new EngineSetupError(
      `the ncollapse native addon is not built (${path} is missing). Run 'scripts/setup.sh' ` +
        `(or 'npm run build:native' once libtorch is installed: apt-get install libtorch-dev).`,
    );
  }
  try {
    return createRequire(import.meta.url)(path) as NativeTorch;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new EngineSetupError(
      `the ncollapse native addon at ${path} could not be loaded: ${message}. It was probably built ` +
        `against another libtorch than the one installed now: rebuild it with 'npm run build:native'.`,
    );
  }
}

/**
 * The libtorch that the addon was built against (native/build/libtorch.json, written by
 * build:native) must be the one the process loaded: a different one shows up as undefined
 * symbols or crashes much later, so say it now.
 */
function checkLoadedLibtorch(addon: NativeTorch, path: string): void {
  const buildInfo = join(dirname(path), '..', 'libtorch.json');
  if (!existsSync(buildInfo) || !existsSync('/proc/self/maps')) return;
  const built = JSON.parse(readFileSync(buildInfo, 'utf8')) as { libDir: string; version: string };
  const loaded = readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((line) => line.split(/\s+/).pop() ?? '')
    .find((file) => /\/libtorch_cpu\.so/.test(file));
  if (loaded !== undefined && existsSync(built.libDir) && dirname(loaded) !== realpathSync(built.libDir)) {
    throw new EngineSetupError(
      `the native addon was built against libtorch ${built.version} in ${built.libDir}, but the process loaded ${loaded}. ` +
        `Rebuild it with 'npm run build:native' (or fix LD_LIBRARY_PATH).`,
    );
  }
  if (built.version !== addon.version()) {
    throw new EngineSetupError(`native/build/libtorch.json says libtorch ${built.version}, the addon says ${addon.version()}: rebuild with 'npm run build:native'.`);
  }
}

export const native: NativeTorch = loadNative();
checkLoadedLibtorch(native, addonPath());
