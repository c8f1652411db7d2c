/**
 * Finds and loads the native TensorRT backend, sharp-loader style: lazy, once, trying every candidate and
 * classifying every failure into a {@link BackendUnavailableReason} with possible solutions.
 *
 * Order: `TRTN_BACKEND=mock` disables it; then the probe addon (`trtn_probe.node`, needs neither CUDA nor
 * TensorRT) dlopens libcuda and `libnvinfer.so.<major>` for each major a backend addon was built for, in the
 * candidate directories; then the matching `trtn_trt<major>.node` opens the same libraries for real. The finding
 * and opening live in loader-core.ts (light, for prefetchNativeLoad); this module turns a load into a backend and
 * keeps the process's one result.
 */
import { createNativeBackend } from './backend.js';
import type { Backend } from '../backend/types.js';
import { failedLoad, loadRaw, loadRawAsync, takePrefetchedLoad, type LoaderOptions, type NativeLoadFailure, type RawLoad } from './loader-core.js';
import type { BackendUnavailableReason } from '../types/index.js';

export { SUPPORTED_MAJORS, candidateLibraryDirs, classifyProbe, defaultAddonDirs, findBackendAddons, prefetchNativeLoad } from './loader-core.js';
export type { LoaderOptions, NativeLoadFailure, ProbeClassification } from './loader-core.js';

/** What {@link loadNativeBackend} returns. */
export type NativeLoadResult = { ok: true; backend: Backend } | NativeLoadFailure;

/** A raw load as a backend (or its failure). */
function toResult(raw: RawLoad): NativeLoadResult {
  if ('result' in raw) return raw.result;
  const { prepared, loaded } = raw;
  try {
    const backend = createNativeBackend({ addon: prepared.addon, addonPath: prepared.addonPath, libraryPath: loaded.nvinferPath, tensorrtVersion: loaded.tensorrtVersion,
      libraryLoading: { preloaded: loaded.preloaded ?? [], redirectedLoads: loaded.redirectedLoads ?? [], warnings: loaded.preloadWarnings ?? [] },
    });
    return { ok: true, backend };
  } catch (error) {
    return failedLoad(error, prepared.addonPath);
  }
}

function loadUncached(options: LoaderOptions): NativeLoadResult {
  return toResult(loadRaw(options));
}

async function loadUncachedAsync(options: LoaderOptions, raw: Promise<RawLoad> = loadRawAsync(options)): Promise<NativeLoadResult> {
  return toResult(await raw);
}

let cached: NativeLoadResult | undefined;
let pending: Promise<NativeLoadResult> | undefined;
// Which cache a pending load belongs to: one started before resetNativeBackendCache() never fills the new one.
let generation = 0;

/**
 * Loads the native TensorRT backend, once. With no options the result is cached for the process (call
 * {@link resetNativeBackendCache} after installing TensorRT in a long-running process); with options it is
 * not (tests, explicit library directories).
 */
export function loadNativeBackend(options?: LoaderOptions): NativeLoadResult {
  if (options) return loadUncached(options);
  cached ??= loadUncached({});
  return cached;
}

/**
 * {@link loadNativeBackend} with TensorRT opened on a worker thread (the addon's loadAsync): the event loop runs
 * while the libraries, cuInit and a first runtime load (150-190 ms on the H200, 2026-12-03). The same cache: a
 * result that either call made is the result of both.
 */
export function loadNativeBackendAsync(options?: LoaderOptions): Promise<NativeLoadResult> {
  if (options) return loadUncachedAsync(options);
  if (cached) return Promise.resolve(cached);
  if (!pending) {
    const mine = generation;
    // A load the CLI started before importing the package (prefetchNativeLoad) becomes this one.
    pending = loadUncachedAsync({}, takePrefetchedLoad()).then(
      (result) => {
        if (mine !== generation) return result;
        cached ??= result;
        pending = undefined;
        return cached;
      },
      (error: unknown) => {
        // Not kept: the next call tries again, as loadNativeBackend() does after a throw.
        if (mine === generation) pending = undefined;
        throw error;
      },
    );
  }
  return pending;
}

/** Forgets the cached load result. Libraries already opened stay open (they cannot be safely unloaded). */
export function resetNativeBackendCache(): void {
  cached = undefined;
  pending = undefined;
  takePrefetchedLoad();
  generation++;
}
