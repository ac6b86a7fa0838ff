import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { DType } from './dtype.js';
import { EngineSetupError } from './engine-setup-error.js';

/** An opaque handle to one heap at::Tensor owned by the addon. */
export type Handle = { readonly __tensorHandle: unique symbol };
/**
 * A number the addon reads as an integer: it rejects fractions, NaN, infinities and magnitudes
 * above 2^53 - 1 with an error naming the argument (test/torch/native-arguments.test.ts holds
 * every `Int` parameter of this interface to that, and every `number` one to accepting fractions).
 */
export type Int = number;
type Operand = Handle | number | boolean;
type Dims = Int | Int[] | undefined;
type Reduction = 'none' | 'mean' | 'sum';

/** The typed interface of the whole native module (native/src/*.cc). */
export interface NativeTorch {
  /** The supported dtypes and their codes (libtorch's ScalarType values): the addon's one table. */
  readonly dtypeCodes: Readonly<Record<DType, number>>;
  version(): string;
  fromTypedArray(data: ArrayBufferView, shape: Int[], dtype: Int): Handle;
  toTypedArray(t: Handle): Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
  item(t: Handle): number;
  shape(t: Handle): number[];
  dtype(t: Handle): number;
  device(t: Handle): string;
  numel(t: Handle): number;
  dispose(t: Handle): void;
  isDisposed(t: Handle): boolean;
  liveTensors(): number;
  /** The bytes of CPU storage that live handles keep alive, as reported to V8 (each storage once). */
  externalBytes(): number;
  zeros(shape: Int[], dtype: Int, device?: string): Handle;
  ones(shape: Int[], dtype: Int, device?: string): Handle;
  empty(shape: Int[], dtype: Int, device?: string): Handle;
  randn(shape: Int[], dtype: Int, device?: string): Handle;
  rand(shape: Int[], dtype: Int, device?: string): Handle;
  full(shape: Int[], value: number, dtype: Int, device?: string): Handle;
  arange(start: number, end: number, step: number, dtype: Int, device?: string): Handle;
  randint(low: Int, high: Int, shape: Int[], device?: string): Handle;
  randperm(n: Int, device?: string): Handle;
  eye(n: Int, dtype: Int, device?: string): Handle;
  manualSeed(seed: Int | bigint): void;
  setNumThreads(n: Int): void;
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

  sum(t: Handle, dims?: Dims, keepdim?: boolean, dtype?: Int): Handle;
  mean(t: Handle, dims?: Dims, keepdim?: boolean): Handle;
  std(t: Handle, dims: Dims, correction: Int, keepdim?: boolean): Handle;
  var(t: Handle, dims: Dims, correction: Int, keepdim?: boolean): Handle;
  maxAll(t: Handle): Handle;
  minAll(t: Handle): Handle;
  maxDim(t: Handle, dim: Int, keepdim?: boolean): [Handle, Handle];
  minDim(t: Handle, dim: Int, keepdim?: boolean): [Handle, Handle];
  argmax(t: Handle, dim?: Int, keepdim?: boolean): Handle;
  argmin(t: Handle, dim?: Int, keepdim?: boolean): Handle;
  norm(t: Handle, p: number, dims?: Dims, keepdim?: boolean): Handle;
  all(t: Handle): Handle;
  any(t: Handle): Handle;
  logsumexp(t: Handle, dims: Int[], keepdim?: boolean): Handle;
  cumsum(t: Handle, dim: Int): Handle;
  bincount(t: Handle, minlength: Int): Handle;
  reshape(t: Handle, shape: Int[]): Handle;
  view(t: Handle, shape: Int[]): Handle;
  expand(t: Handle, shape: Int[]): Handle;
  repeat(t: Handle, repeats: Int[]): Handle;
  permute(t: Handle, dims: Int[]): Handle;
  transpose(t: Handle, dim0: Int, dim1: Int): Handle;
  flatten(t: Handle, start: Int, end: Int): Handle;
  squeeze(t: Handle, dim?: Int): Handle;
  unsqueeze(t: Handle, dim: Int): Handle;
  narrow(t: Handle, dim: Int, start: Int, length: Int): Handle;
  select(t: Handle, dim: Int, index: Int): Handle;
  indexSelect(t: Handle, dim: Int, index: Handle): Handle;
  gather(t: Handle, dim: Int, index: Handle): Handle;
  indexAdd(t: Handle, dim: Int, index: Handle, source: Handle): Handle;
  indexAdd_(t: Handle, dim: Int, index: Handle, source: Handle): void;
  indexSelectOut(out: Handle, t: Handle, dim: Int, index: Handle): void;
  maskedSelect(t: Handle, mask: Handle): Handle;
  cat(tensors: Handle[], dim: Int): Handle;
  stack(tensors: Handle[], dim: Int): Handle;
  oneHot(t: Handle, numClasses: Int): Handle;
  sort(t: Handle, dim: Int, descending: boolean): [Handle, Handle];
  topk(t: Handle, k: Int, dim: Int, largest: boolean): [Handle, Handle];
  diag(t: Handle, diagonal?: Int): Handle;
  trace(t: Handle): Handle;
  triu(t: Handle, diagonal?: Int): Handle;
  tril(t: Handle, diagonal?: Int): Handle;
  contiguous(t: Handle): Handle;
  clone(t: Handle): Handle;
  detach(t: Handle): Handle;
  toDtype(t: Handle, dtype: Int): Handle;
  toDevice(t: Handle, device: string): Handle;
  isContiguous(t: Handle): boolean;

  linear(x: Handle, weight: Handle, bias?: Handle): Handle;
  conv2d(x: Handle, weight: Handle, bias: Handle | undefined, stride: Int[], padding: Int[], dilation: Int[], groups: Int): Handle;
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
  maxPool2d(x: Handle, kernel: Int[], stride: Int[], padding: Int[], dilation: Int[], ceilMode: boolean): Handle;
  avgPool2d(x: Handle, kernel: Int[], stride: Int[], padding: Int[], ceilMode: boolean, countIncludePad: boolean): Handle;
  adaptiveAvgPool2d(x: Handle, outputSize: Int[]): Handle;
  dropout(x: Handle, p: number, training: boolean): Handle;
  softmax(x: Handle, dim: Int): Handle;
  logSoftmax(x: Handle, dim: Int): Handle;
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
  distBroadcast(group: GroupHandle, tensors: Handle[], root: Int): void;
  distAllReduce(group: GroupHandle, t: Handle, op?: 'sum' | 'max' | 'min' | 'product'): void;
  distAllReduceBuckets(group: GroupHandle, tensors: Handle[], bucketBytes: Int, divisor: number): number;
  distBarrier(group: GroupHandle): void;
}

/** An opaque handle to one c10d process group (and its store) owned by the addon. */
export type GroupHandle = { readonly __groupHandle: unique symbol };
export interface DistGroupOptions {
  backend: 'gloo' | 'nccl';
  store: 'tcp' | 'file';
  host?: string;
  port?: Int;
  path?: string;
  rank: Int;
  worldSize: Int;
  timeoutMs: Int;
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
    throw new EngineSetupError(
      `native/build/libtorch.json says libtorch ${built.version}, the addon says ${addon.version()}: rebuild with 'npm run build:native'.`,
    );
  }
}

export const native: NativeTorch = loadNative();
checkLoadedLibtorch(native, addonPath());
