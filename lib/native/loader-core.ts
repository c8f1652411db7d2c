/**
 * The light half of the native loader (loader.ts is the other): finds the addons, asks the probe, and opens
 * TensorRT through the backend addon, classifying every failure into a {@link BackendUnavailableReason} with
 * possible solutions; it imports nothing of the backend's JavaScript, so that `trtn` can start opening TensorRT
 * (a worker thread: the libraries, cuInit) before it loads the rest of the package (prefetchNativeLoad).
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
import { TensorRTError } from '../errors.js';
import type { BackendAddon, NativeLoadInfo, ProbeAddon, ProbeAttempt, ProbeResult } from './addon.js';
import type { BackendInfo, BackendUnavailableReason } from '../types/index.js';

const requireNative = createRequire(import.meta.url);

/** TensorRT majors a backend addon can exist for, newest first. */
export const SUPPORTED_MAJORS = [11, 10, 8] as const;

/** Options for the loader (loader.ts's loadNativeBackend); every field has an environment-variable or built-in default. */
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

/** A load that did not give a backend, and why. */
export type NativeLoadFailure = { ok: false; info: BackendInfo };

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

function unavailable(reasons: BackendUnavailableReason[], extra: Partial<BackendInfo> = {}): NativeLoadFailure {
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
export type PreparedLoad = { addon: BackendAddon; addonPath: string; directory: string };

/** The probe and the backend addons found, and what to ask the probe. */
type LocatedAddons = { probe: ProbeAddon; probePath: string | undefined; addons: Map<number, string>; request: { libraryDirs: string[]; majors: number[] } };

/** Everything before the probe runs: the probe addon and the backend addons on disk. */
function locateAddons(options: LoaderOptions): LocatedAddons | { result: NativeLoadFailure } {
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
function chooseAddon(located: LocatedAddons, result: ProbeResult): PreparedLoad | { result: NativeLoadFailure } {
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

/** A backend addon that failed to open TensorRT (or to become a backend), classified. */
export function failedLoad(error: unknown, addonPath: string): NativeLoadFailure {
  // Headers newer than the library (checked in native code) are a version mismatch with its own remedy.
  const code = (error as { code?: string }).code === 'ERR_VERSION_MISMATCH' ? 'VERSION_MISMATCH' : 'LOAD_FAILED';
  return unavailable([{ code, message: `${addonPath} failed to load TensorRT: ${(error as Error).message}`, candidate: addonPath }], {
    nativeAddonPath: addonPath,
  });
}

/** A load's outcome before it becomes a backend: a failure, or the addon with TensorRT opened. */
export type RawLoad = { result: NativeLoadFailure } | { prepared: PreparedLoad; loaded: NativeLoadInfo };

/** Finds, probes and opens TensorRT on this thread. */
export function loadRaw(options: LoaderOptions): RawLoad {
  const located = locateAddons(options);
  if ('result' in located) return located;
  const prepared = chooseAddon(located, located.probe.probe(located.request));
  if ('result' in prepared) return prepared;
  try {
    return { prepared, loaded: prepared.addon.load(prepared.directory) };
  } catch (error) {
    return { result: failedLoad(error, prepared.addonPath) };
  }
}

/** {@link loadRaw} with the probe and TensorRT's opening on worker threads (the addons' probeAsync and loadAsync). */
export async function loadRawAsync(options: LoaderOptions): Promise<RawLoad> {
  const located = locateAddons(options);
  if ('result' in located) return located;
  const { probe, request } = located;
  let answer: ProbeResult;
  try {
    answer = probe.probeAsync ? await probe.probeAsync(request) : probe.probe(request);
  } catch {
    // As for the load below: the synchronous probe decides.
    answer = probe.probe(request);
  }
  const prepared = chooseAddon(located, answer);
  if ('result' in prepared) return prepared;
  try {
    let loaded: NativeLoadInfo;
    try {
      loaded = prepared.addon.loadAsync ? await prepared.addon.loadAsync(prepared.directory) : prepared.addon.load(prepared.directory);
    } catch {
      // The synchronous load decides: a failure of TensorRT itself fails it alike (with the same reason), and one
      // that only the worker thread met does not cost the backend.
      loaded = prepared.addon.load(prepared.directory);
    }
    return { prepared, loaded };
  } catch (error) {
    return { result: failedLoad(error, prepared.addonPath) };
  }
}

let prefetched: Promise<RawLoad> | undefined;

/**
 * Starts the default load (no options) now, on worker threads, for {@link loadNativeBackendAsync} to take over: the
 * `trtn` CLI calls it before it imports the rest of the package, so that opening TensorRT (about 260 ms on the H200:
 * the libraries, cuInit) overlaps that import instead of following it. Never rejects; a second call is a no-op.
 */
export function prefetchNativeLoad(): void {
  prefetched ??= loadRawAsync({}).catch((error: unknown) => ({ result: failedLoad(error, 'the native backend') }));
}

/** The prefetched load, once (the caller owns it from then on); undefined when none was started. */
export function takePrefetchedLoad(): Promise<RawLoad> | undefined {
  const taken = prefetched;
  prefetched = undefined;
  return taken;
}
