/**
 * Chooses the backend: TensorRT through the native addon when it loads, the mock otherwise. Loading is lazy,
 * happens once, and remembers every reason the native backend was unavailable so `backendInfo()` can say why.
 */
import { TensorRTError } from '../errors.js';
import { loadNativeBackend } from '../loader.js';
import { createMockBackend } from '../mock/index.js';
import type { BackendInfo, BackendKind } from '../types.js';
import type { Backend } from './types.js';

let native: { backend?: Backend; info: BackendInfo } | undefined;
let mock: Backend | undefined;

function loadNative(): { backend?: Backend; info: BackendInfo } {
  if (native) return native;
  const loaded = loadNativeBackend();
  native = loaded.ok ? { backend: loaded.backend, info: loaded.backend.info() } : { info: loaded.info };
  return native;
}

function getMock(): Backend {
  if (!mock) {
    const info = loadNative().info;
    mock = createMockBackend({ reason: info.reasons.map((reason) => reason.message).join('; ') || undefined });
  }
  return mock;
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

/** Forgets the cached load (tests, or after installing TensorRT in a long-running process). */
export function resetBackends(): void {
  native = undefined;
  mock = undefined;
}
