/**
 * Finds and loads the native TensorRT backend, sharp-loader style: lazy, once, trying every candidate and
 * classifying every failure into a {@link BackendUnavailableReason} with possible solutions.
 *
 * Order: `TRTN_BACKEND=mock` disables it; then the probe addon (`trtn_probe.node`, needs neither CUDA nor
 * TensorRT) dlopens libcuda and `libnvinfer.so.<major>` for each major a backend addon was built for, in the
 * candidate directories; then the matching `trtn_trt<major>.node` opens the same libraries for real.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNativeBackend } from './backend.js';
import type { Backend } from '../backend/types.js';
import { TensorRTError } from '../errors.js';
import type { BackendAddon, NativeLoadInfo, ProbeAddon, ProbeAttempt, ProbeResult } from './addon.js';
import type { BackendInfo, BackendUnavailableReason } from '../types/index.js';

const requireNative = createRequire(import.meta.url);

/** TensorRT majors a backend addon can exist for, newest first. */
export const SUPPORTED_MAJORS = [11, 10, 8] as const;

/** Options for {@link loadNativeBackend}; every field has an environment-variable or built-in default. */
export interface LoaderOptions {
  /** Environment to read (`TRTN_BACKEND`, `TRTN_TENSORRT_LIB_DIR`, `VIRTUAL_ENV`, …). Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory holding libnvinfer, tried first. Defaults to `TRTN_TENSORRT_LIB_DIR`. */
  libraryDir?: string;
  /** Directories searched for the `.node` files, in order. Defaults to `TRTN_ADDON_DIR` (`:`-separated), else prebuilds/<platform>-<arch>, then build/Release. */
  addonDirs?: string[];
  /** Replaces the probe (tests). */
  probe?: ProbeAddon;
}

/** What {@link loadNativeBackend} returns. */
export type NativeLoadResult = { ok: true; backend: Backend } | { ok: false; info: BackendInfo };

/** Where the package root is (lib/native/ compiles to dist/native/, both two levels below it). */
function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * Default directories searched for the addons, first match per file wins: the prebuilt addons of this platform and
 * arch (`npm run prebuild`, shipped in the package), then a local cmake-js build, which `npm install` makes only
 * when no prebuild matches (node-gyp-build's order for a package that ships prebuilds).
 */
export function defaultAddonDirs(root = packageRoot()): string[] {
  return [join(root, 'prebuilds', `${process.platform}-${process.arch}`), join(root, 'build', 'Release')];
}

/** Backend addon files found, by major. */
export function findBackendAddons(addonDirs: string[]): Map<number, string> {
  const found = new Map<number, string>();
  for (const dir of addonDirs) {
    for (const major of SUPPORTED_MAJORS) {
      const file = join(dir, `trtn_trt${major}.node`);
      if (!found.has(major) && existsSync(file)) found.set(major, file);
    }
  }
  return found;
}

function globPythonDirs(base: string): string[] {
  if (!existsSync(base)) return [];
  try {
    return readdirSync(base)
      .filter((name) => /^python3(\.\d+)?$/.test(name))
      .flatMap((name) => ['site-packages', 'dist-packages'].map((kind) => join(base, name, kind, 'tensorrt_libs')));
  } catch {
    return [];
  }
}

/**
 * Directories to look for libnvinfer in, most specific first: the option / `TRTN_TENSORRT_LIB_DIR`, the
 * system loader path (`''`), JetPack's and Debian's multiarch dirs, then pip's `tensorrt_libs` in the active
 * virtualenv/conda env, the user site and system site-packages. Only directories that exist are returned
 * (the loader path is always kept).
 */
export function candidateLibraryDirs(options: { env?: NodeJS.ProcessEnv; libraryDir?: string } = {}): string[] {
  const env = options.env ?? process.env;
  const explicit = [options.libraryDir, env.TRTN_TENSORRT_LIB_DIR].filter((dir): dir is string => Boolean(dir));
  const pythonRoots = [
    env.VIRTUAL_ENV && join(env.VIRTUAL_ENV, 'lib'),
    env.CONDA_PREFIX && join(env.CONDA_PREFIX, 'lib'),
    join(homedir(), '.local', 'lib'),
    '/usr/local/lib',
    '/usr/lib',
  ].filter((dir): dir is string => Boolean(dir));
  const system = ['/usr/lib/aarch64-linux-gnu', '/usr/lib/x86_64-linux-gnu'];
  const wheels = pythonRoots.flatMap(globPythonDirs);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of [...explicit, '', ...system, ...wheels]) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    if (dir === '' || explicit.includes(dir) || existsSync(dir)) out.push(dir);
  }
  return out;
}

const NOT_FOUND = /cannot open shared object file: No such file or directory/;

const SOLUTIONS: Record<BackendUnavailableReason['code'], string> = {
  NO_NATIVE_BUILD:
    'Build the native addon: install cmake and a C++17 compiler, point TRTN_TENSORRT_INCLUDE at the TensorRT headers (NvInfer.h) and TRTN_CUDA_INCLUDE at the CUDA headers, then run `npm run build:native`.',
  NO_LIBNVINFER:
    'Install TensorRT (Debian/Ubuntu: `apt install libnvinfer10 libnvonnxparsers10`; pip: `pip install tensorrt`; Jetson: JetPack) or set TRTN_TENSORRT_LIB_DIR to the directory that holds libnvinfer.so.<major>.',
  NO_LIBCUDART:
    'Install the CUDA runtime TensorRT was built against (e.g. `pip install nvidia-cuda-runtime-cu12`, or the CUDA toolkit) and make sure the loader finds it (LD_LIBRARY_PATH).',
  NO_CUDA_DRIVER: 'Install the NVIDIA driver (it provides libcuda.so.1); in containers run with the NVIDIA container runtime (`--gpus all`).',
  DRIVER_TOO_OLD: 'Update the NVIDIA driver to one that supports the CUDA version of your TensorRT (see the TensorRT support matrix).',
  NO_GPU: 'No usable CUDA GPU was found: check `nvidia-smi`, CUDA_VISIBLE_DEVICES, and container GPU access.',
  VERSION_MISMATCH:
    'The TensorRT found does not match any built backend: rebuild with its headers (`npm run build:native` with TRTN_TENSORRT_INCLUDE set) or point TRTN_TENSORRT_LIB_DIR at a matching TensorRT.',
  DISABLED: 'Unset TRTN_BACKEND (or set it to `auto`/`tensorrt`) to use TensorRT.',
  LOAD_FAILED: 'Check the message: a library was found but could not be loaded (wrong architecture, missing dependency, or a corrupt install).',
};

/** Result of {@link classifyProbe}. */
export interface ProbeClassification {
  reasons: BackendUnavailableReason[];
  possibleSolutions: string[];
  /** The usable libnvinfer, when there is one and a backend addon exists for its major. */
  found?: ProbeAttempt;
}

/**
 * Turns a probe result into reasons, most specific first. Pure: tests feed it synthetic probe results.
 *
 * @param result - what the probe reported
 * @param builtMajors - TensorRT majors a backend addon exists for
 */
export function classifyProbe(result: ProbeResult, builtMajors: readonly number[]): ProbeClassification {
  const reasons: BackendUnavailableReason[] = [];
  const cuda = result.cuda;
  if (!cuda.loaded) {
    const code = cuda.error && /no symbol/.test(cuda.error) ? 'DRIVER_TOO_OLD' : 'NO_CUDA_DRIVER';
    reasons.push({ code, message: `The CUDA driver library could not be loaded: ${cuda.error ?? 'unknown error'}`, candidate: 'libcuda.so.1' });
  } else if (cuda.initResult !== undefined && cuda.initResult !== 0) {
    // CUresult values: 100 no device, 35/803/804 driver/runtime mismatch, 34 stub library, 999 unknown.
    const code = cuda.initResult === 100 ? 'NO_GPU' : [35, 803, 804].includes(cuda.initResult) ? 'DRIVER_TOO_OLD' : cuda.initResult === 34 ? 'NO_CUDA_DRIVER' : 'NO_GPU';
    reasons.push({ code, message: `cuInit failed: ${cuda.initError ?? `CUresult ${cuda.initResult}`}`, candidate: 'libcuda.so.1' });
  } else if ((cuda.deviceCount ?? 0) === 0) {
    reasons.push({ code: 'NO_GPU', message: 'The CUDA driver loaded but reports no GPU.' });
  }

  const successes = result.tensorrt.filter((attempt) => attempt.ok);
  let found: ProbeAttempt | undefined;
  if (successes.length === 0) {
    const cudart = result.tensorrt.find((attempt) => attempt.error && /libcudart/.test(attempt.error) && NOT_FOUND.test(attempt.error));
    const brokenFile = result.tensorrt.find((attempt) => attempt.error && !NOT_FOUND.test(attempt.error));
    const missingDependency = result.tensorrt.find(
      (attempt) => attempt.error && NOT_FOUND.test(attempt.error) && !attempt.error.startsWith(attempt.candidate) && !/libcudart/.test(attempt.error),
    );
    if (cudart) {
      reasons.push({ code: 'NO_LIBCUDART', message: `libnvinfer was found but its CUDA runtime was not: ${cudart.error}`, candidate: cudart.candidate });
    } else if (brokenFile) {
      reasons.push({ code: 'LOAD_FAILED', message: `${brokenFile.candidate} exists but could not be loaded: ${brokenFile.error}`, candidate: brokenFile.candidate });
    } else if (missingDependency) {
      reasons.push({ code: 'LOAD_FAILED', message: `${missingDependency.candidate} has a missing dependency: ${missingDependency.error}`, candidate: missingDependency.candidate });
    } else {
      const tried = result.tensorrt.map((attempt) => attempt.candidate);
      reasons.push({
        code: 'NO_LIBNVINFER',
        message: `libnvinfer was not found (tried ${tried.length} candidates: ${tried.join(', ') || 'none'})`,
        candidate: tried.join(', '),
      });
    }
  } else {
    found = successes.find((attempt) => builtMajors.includes(attempt.major));
    if (!found) {
      const first = successes[0];
      reasons.push({
        code: 'VERSION_MISMATCH',
        message: `Found TensorRT ${first.major} at ${first.resolvedPath ?? first.candidate}, but the backends built here are for TensorRT ${builtMajors.join(', ') || 'none'}.`,
        candidate: first.resolvedPath ?? first.candidate,
      });
    } else if (found.parserFound === false) {
      reasons.push({
        code: 'LOAD_FAILED',
        message: `libnvonnxparser.so.${found.major} is missing next to ${found.resolvedPath ?? found.candidate}: ${found.parserError ?? ''}`.trim(),
        candidate: found.resolvedPath ?? found.candidate,
      });
      found = undefined;
    }
  }
  // A driver problem blocks everything, so it goes first; TensorRT problems follow.
  const order: BackendUnavailableReason['code'][] = ['DISABLED', 'NO_NATIVE_BUILD', 'NO_CUDA_DRIVER', 'DRIVER_TOO_OLD', 'NO_GPU', 'NO_LIBNVINFER', 'NO_LIBCUDART', 'VERSION_MISMATCH', 'LOAD_FAILED'];
  reasons.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
  const possibleSolutions = [...new Set(reasons.map((reason) => SOLUTIONS[reason.code]))];
  return { reasons, possibleSolutions, found: reasons.length === 0 ? found : undefined };
}

function unavailable(reasons: BackendUnavailableReason[], extra: Partial<BackendInfo> = {}): NativeLoadResult {
  return {
    ok: false,
    info: {
      active: 'mock',
      tensorrtAvailable: false,
      reasons,
      possibleSolutions: [...new Set(reasons.map((reason) => SOLUTIONS[reason.code]))],
      ...extra,
    },
  };
}

/** A backend addon found and initialised, its TensorRT not opened yet. */
type PreparedLoad = { addon: BackendAddon; addonPath: string; directory: string };

/** The probe and the backend addons found, and what to ask the probe. */
type LocatedAddons = { probe: ProbeAddon; probePath: string | undefined; addons: Map<number, string>; request: { libraryDirs: string[]; majors: number[] } };

/** Everything before the probe runs: the probe addon and the backend addons on disk. */
function locateAddons(options: LoaderOptions): LocatedAddons | { result: NativeLoadResult } {
  const env = options.env ?? process.env;
  const selected = (env.TRTN_BACKEND ?? '').toLowerCase();
  if (selected === 'mock') {
    return { result: unavailable([{ code: 'DISABLED', message: 'TRTN_BACKEND=mock disables the TensorRT backend.' }]) };
  }
  // TRTN_ADDON_DIR pins the search to given folders (`:`-separated), e.g. to test a fresh build/Release while
  // prebuilds/ exists.
  const fromEnvironment = env.TRTN_ADDON_DIR?.split(':').filter(Boolean);
  const addonDirs = options.addonDirs ?? (fromEnvironment?.length ? fromEnvironment : defaultAddonDirs());
  let probe = options.probe;
  let probePath: string | undefined;
  if (!probe) {
    probePath = addonDirs.map((dir) => join(dir, 'trtn_probe.node')).find((file) => existsSync(file));
    if (!probePath) {
      return { result: unavailable([{ code: 'NO_NATIVE_BUILD', message: `No native build was found (looked for trtn_probe.node in ${addonDirs.join(', ')}).` }]) };
    }
    try {
      probe = requireNative(probePath) as ProbeAddon;
    } catch (error) {
      return { result: unavailable([{ code: 'LOAD_FAILED', message: `${probePath} could not be loaded: ${(error as Error).message}`, candidate: probePath }]) };
    }
  }
  const addons = findBackendAddons(addonDirs);
  if (addons.size === 0) {
    return {
      result: unavailable(
        [{ code: 'NO_NATIVE_BUILD', message: 'Only the probe was built: no TensorRT headers were found at install time, so no trtn_trt<major>.node exists.' }],
        { nativeAddonPath: probePath },
      ),
    };
  }
  return { probe, probePath, addons, request: { libraryDirs: candidateLibraryDirs({ env, libraryDir: options.libraryDir }), majors: [...addons.keys()] } };
}

/** From the probe's answer: the backend addon for the TensorRT found, required and initialised. */
function chooseAddon(located: LocatedAddons, result: ProbeResult): PreparedLoad | { result: NativeLoadResult } {
  const { addons, probePath } = located;
  const classification = classifyProbe(result, [...addons.keys()]);
  if (!classification.found) {
    return { result: { ok: false, info: { active: 'mock', tensorrtAvailable: false, reasons: classification.reasons, possibleSolutions: classification.possibleSolutions, nativeAddonPath: probePath } } };
  }
  const found = classification.found;
  const addonPath = addons.get(found.major)!;
  try {
    const addon = requireNative(addonPath) as BackendAddon;
    addon.init(TensorRTError as unknown as Parameters<BackendAddon['init']>[0]);
    return { addon, addonPath, directory: found.resolvedPath ? dirname(found.resolvedPath) : found.directory };
  } catch (error) {
    return { result: failedLoad(error, addonPath) };
  }
}

/** A backend addon that failed to open TensorRT, classified. */
function failedLoad(error: unknown, addonPath: string): NativeLoadResult {
  // Headers newer than the library (checked in native code) are a version mismatch with its own remedy.
  const code = (error as { code?: string }).code === 'ERR_VERSION_MISMATCH' ? 'VERSION_MISMATCH' : 'LOAD_FAILED';
  return unavailable([{ code, message: `${addonPath} failed to load TensorRT: ${(error as Error).message}`, candidate: addonPath }], {
    nativeAddonPath: addonPath,
  });
}

function loadedBackend(prepared: PreparedLoad, loaded: NativeLoadInfo): NativeLoadResult {
  const backend = createNativeBackend({ addon: prepared.addon, addonPath: prepared.addonPath, libraryPath: loaded.nvinferPath, tensorrtVersion: loaded.tensorrtVersion,
    libraryLoading: { preloaded: loaded.preloaded ?? [], redirectedLoads: loaded.redirectedLoads ?? [], warnings: loaded.preloadWarnings ?? [] },
  });
  return { ok: true, backend };
}

function loadUncached(options: LoaderOptions): NativeLoadResult {
  const located = locateAddons(options);
  if ('result' in located) return located.result;
  const prepared = chooseAddon(located, located.probe.probe(located.request));
  if ('result' in prepared) return prepared.result;
  try {
    return loadedBackend(prepared, prepared.addon.load(prepared.directory));
  } catch (error) {
    return failedLoad(error, prepared.addonPath);
  }
}

async function loadUncachedAsync(options: LoaderOptions): Promise<NativeLoadResult> {
  const located = locateAddons(options);
  if ('result' in located) return located.result;
  const { probe, request } = located;
  let answer: ProbeResult;
  try {
    answer = probe.probeAsync ? await probe.probeAsync(request) : probe.probe(request);
  } catch {
    // As for the load below: the synchronous probe decides.
    answer = probe.probe(request);
  }
  const prepared = chooseAddon(located, answer);
  if ('result' in prepared) return prepared.result;
  try {
    let loaded: NativeLoadInfo;
    try {
      loaded = prepared.addon.loadAsync ? await prepared.addon.loadAsync(prepared.directory) : prepared.addon.load(prepared.directory);
    } catch {
      // The synchronous load decides: a failure of TensorRT itself fails it alike (with the same reason), and one
      // that only the worker thread met does not cost the backend.
      loaded = prepared.addon.load(prepared.directory);
    }
    return loadedBackend(prepared, loaded);
  } catch (error) {
    return failedLoad(error, prepared.addonPath);
  }
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
    pending = loadUncachedAsync({}).then(
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
  generation++;
}
