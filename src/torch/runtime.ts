import { native } from './native.js';
import { EngineSetupError } from './engine-setup-error.js';

/** Seeds libtorch's global generators (CPU and CUDA), as torch.manual_seed. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`manualSeed needs a non-negative integer, got ${seed}`);
  native.manualSeed(seed);
}

/** Intra-op threads; libtorch's default is kept unless this is called. */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

/** The libtorch version the addon was built against. */
export function libtorchVersion(): string {
  return native.version();
}

/** Live native tensors: a leak test asserts this returns to where it started. */
export function liveTensors(): number {
  return native.liveTensors();
}

export const cuda = {
  isAvailable(): boolean {
    return native.cudaIsAvailable();
  },
  deviceCount(): number {
    return native.cudaDeviceCount();
  },
  /** Waits for queued kernels, for honest timings. */
  synchronize(): void {
    native.cudaSynchronize();
  },
};

/** 'cuda' when asked for and available, with a clear error when asked for but missing. */
export function resolveDevice(requested: string): string {
  if (requested === 'cpu') return 'cpu';
  if (requested.startsWith('cuda')) {
    if (!native.cudaIsAvailable()) {
      throw new EngineSetupError(
        `device '${requested}' requested, but this libtorch (${native.version()}) has no CUDA or no GPU is visible. ` +
          `Build against a CUDA libtorch: LIBTORCH_USE_PYTORCH=1 npm run build:native, with a CUDA torch for python3.`,
      );
    }
    return requested;
  }
  throw new EngineSetupError(`unknown device '${requested}' (expected cpu, cuda or cuda:N)`);
}
