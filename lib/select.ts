/**
 * Chooses the backend: TensorRT through the native addon when it loads, the mock otherwise. Loading is lazy,
 * happens once (the loader caches it), and remembers every reason the native backend was unavailable so
 * `backendInfo()` can say why.
 */
import { TensorRTError } from './errors.js';
import { loadNativeBackend, loadNativeBackendAsync, resetNativeBackendCache, type NativeLoadResult } from './native/loader.js';
import { createMockBackend } from './mock/index.js';
import type { BackendInfo, BackendKind } from './types/index.js';
import type { Backend } from './backend/types.js';

/**
 * The one cache of backend selection: the loader's cached load result (lib/native/loader.ts) decides, and the
 * mock is remembered together with the load result it was made for, so that it is rebuilt whenever that result
 * changes. {@link resetBackends} forgets both.
 */
let mock: { madeFor: NativeLoadResult; backend: Backend } | undefined;

function loadNative(): { backend?: Backend; info: BackendInfo; result: NativeLoadResult } {
  const result = loadNativeBackend();
  return result.ok ? { backend: result.backend, info: result.backend.info(), result } : { info: result.info, result };
}

function getMock(): Backend {
  const loaded = loadNative();
  if (mock?.madeFor !== loaded.result) {
    mock = { madeFor: loaded.result, backend: createMockBackend({ reason: loaded.info.reasons.map((reason) => reason.message).join('; ') || undefined }) };
  }
  return mock.backend;
}

/**
 * Loads the native backend (once, cached as {@link getBackend}'s) with TensorRT opened on a worker thread, so that
 * the async entry points never hold the event loop while it loads; getBackend() after it finds it loaded.
 */
export async function loadBackendsAsync(): Promise<void> {
  await loadNativeBackendAsync();
}

/**
 * Returns the backend for `kind`. `'tensorrt'` throws ERR_BACKEND_UNAVAILABLE with the reasons when the native
 * backend cannot load; `'auto'` falls back to the mock.
 */
export function getBackend(kind: 'auto' | BackendKind = 'auto'): Backend {
  if (kind === 'mock') return getMock();
  const loaded = loadNative();
  if (loaded.backend) return loaded.backend;
  if (kind === 'tensorrt') {
    throw new TensorRTError(
      'ERR_BACKEND_UNAVAILABLE',
      `The TensorRT backend is not available: ${loaded.info.reasons.map((reason) => reason.message).join('; ')}. ${loaded.info.possibleSolutions.join(' ')}`.trim(),
      { reasons: loaded.info.reasons, possibleSolutions: loaded.info.possibleSolutions },
    );
  }
  return getMock();
}

/**
 * Which backend is active and, when it is not TensorRT, exactly why (no native build, no libnvinfer, no CUDA
 * driver, no GPU), with possible solutions.
 */
export function backendInfo(): BackendInfo {
  const loaded = loadNative();
  if (loaded.backend) return loaded.info;
  return { ...loaded.info, active: 'mock', tensorrtAvailable: false };
}

/** Every backend that can be used here, TensorRT first. */
export function availableBackends(): Backend[] {
  const loaded = loadNative();
  return loaded.backend ? [loaded.backend, getMock()] : [getMock()];
}

/**
 * Frees the TensorRT builders that builds with `keepBuilder: true` kept (and their device memory). Returns how
 * many were freed; 0 when none were kept or TensorRT is not loaded.
 */
export function releaseBuilders(): number {
  const loaded = loadNative();
  return loaded.backend?.releaseBuilders?.() ?? 0;
}

/**
 * Forgets the cached backend selection, the loader's load result included, so that the next call loads again:
 * for tests, or after installing TensorRT (or changing `TRTN_BACKEND`, `TRTN_TENSORRT_LIB_DIR`) in a
 * long-running process. Libraries already opened stay open (they cannot be safely unloaded).
 *
 * Public API on purpose, for exactly those cases; ordinary use never needs it.
 */
export function resetBackends(): void {
  resetNativeBackendCache();
  mock = undefined;
}
