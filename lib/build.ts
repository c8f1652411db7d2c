/**
 * buildEngine() and loadEngine(): the entry points. Validation, ONNX preparation that is the same for every
 * backend (2:4 pruning for `sparsity: 'force'`, FP16 conversion on TensorRT 11), timing-cache files, then the
 * backend does the rest.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { getBackend, loadBackendsAsync } from './select.js';
import type { Backend } from './backend/types.js';
import { Engine } from './engine.js';
import { TensorRTError, withCallerStack } from './errors.js';
import { readOnnxAsync } from './onnx/decode-async.js';
import { sparsify, toFp16, writeOnnx } from './onnx/index.js';
import { resolveBuildOptions } from './options.js';
import { looksLikeTensorRTPlan } from './native/plan.js';
import type { BackendKind, BuildOptions, BuildReport, ResolvedBuildOptions } from './types/index.js';
import { publishBuildStep, yieldToEventLoop } from './event-loop.js';

/** Result of {@link buildEngine}. */
export interface BuildResult {
  /** The engine, ready to run. Dispose it when done. */
  engine: Engine;
  /** JSON-serialisable build report (layers, tactics, sparsity lists, log, environment). */
  report: BuildReport;
}

async function readInput(what: 'ONNX model' | 'engine', input: unknown): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (typeof input === 'string') {
    try {
      return new Uint8Array(await readFile(input));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const hint = code === 'ENOENT' ? 'Check the path.' : code === 'EISDIR' ? 'That is a directory; pass the file inside it.' : 'Check the permissions.';
      throw new TensorRTError('ERR_IO', `Could not read the ${what} ${input}: ${(error as Error).message}. ${hint}`, { path: input }, { cause: error });
    }
  }
  throw new TensorRTError('ERR_INVALID_ARGUMENT', `Expected a file path or a Uint8Array for the ${what}, got ${input === null ? 'null' : typeof input}.`);
}

function tensorrtMajor(backend: Backend): number | undefined {
  const version = backend.info().tensorrtVersion;
  return version ? Number.parseInt(version, 10) : undefined;
}

/**
 * Builds an engine from an ONNX model (a path or the bytes).
 *
 * @example
 * ```ts
 * const { engine, report } = await buildEngine('model.onnx', { fp16: true, sparsity: true });
 * console.log(report.sparsity.picked);
 * ```
 */
export async function buildEngine(onnx: string | Uint8Array, options?: BuildOptions): Promise<BuildResult> {
  const resolved = resolveBuildOptions(options);
  return withCallerStack(async () => {
    // The backend loads (the first time: TensorRT opened on a worker thread) while the model is read; a mock build
    // needs none.
    const loading = resolved.backend === 'mock' ? Promise.resolve() : loadBackendsAsync();
    // A bad input is reported as such even while the load is under way (its outcome is awaited below).
    loading.catch(() => undefined);
    let bytes = await readInput('ONNX model', onnx);
    // Parse here for every backend: a malformed file gets the same ERR_ONNX_PARSE whichever backend runs.
    // Large models decode on a worker thread, so the event loop keeps running.
    let model = await readOnnxAsync(bytes);
    publishBuildStep('model read');
    await loading;
    publishBuildStep('backend loaded');
    const backend = getBackend(resolved.backend);
    let changed = false;
    const notes: string[] = [];
    if (resolved.sparsity === 'force') {
      // Magnitude pruning (as NVIDIA's ASP), not trtexec's positional zeroing, so the engine is still meaningful.
      const pruned = sparsify(model, { pattern: '2:4' });
      model = pruned.model;
      changed = true;
      const count = pruned.report.filter((entry) => !entry.skipped && entry.prunedGroups > 0).length;
      notes.push(`sparsity 'force' pruned ${count} weight tensor(s) to 2:4 by magnitude before the build: outputs change; use it for performance numbers only.`);
    }
    const major = tensorrtMajor(backend);
    if (resolved.fp16 && backend.kind === 'tensorrt' && major !== undefined && major >= 11) {
      // TensorRT 11 has no FP16 builder flag: precision comes from the model's own types.
      const wantsHalfIO = [...resolved.inputIOFormats, ...resolved.outputIOFormats].some((spec) => spec.dataType === 'fp16');
      model = toFp16(model, { keepIoTypes: !wantsHalfIO });
      changed = true;
    }
    if (changed) bytes = writeOnnx(model);

    let timingCache: Uint8Array | undefined = options?.timingCache instanceof Uint8Array ? options.timingCache : undefined;
    if (resolved.timingCachePath) {
      timingCache = await readFile(resolved.timingCachePath).then((buffer) => new Uint8Array(buffer), () => undefined);
    }
    if (options?.signal?.aborted) throw new TensorRTError('ERR_ABORTED', 'The build was cancelled before it started.');

    publishBuildStep('backend build starts');
    const output = await backend.build(bytes, resolved, {
      signal: options?.signal,
      onProgress: options?.onProgress,
      timingCache,
      replayTactics: options?.replayTactics,
      model,
    });
    if (resolved.timingCachePath && output.timingCache) {
      try {
        await writeFile(resolved.timingCachePath, output.timingCache);
      } catch (error) {
        throw new TensorRTError('ERR_IO', `The engine was built but the timing cache could not be written to ${resolved.timingCachePath}: ${(error as Error).message}.`, {}, { cause: error });
      }
    }
    publishBuildStep('timing cache written');
    await yieldToEventLoop();
    const handle = await backend.deserialize(output.plan, resolved.device);
    publishBuildStep('engine deserialized');
    let report = notes.length ? { ...output.report, warnings: [...notes, ...output.report.warnings] } : output.report;
    const engine = new Engine(handle);
    publishBuildStep('engine ready');
    await yieldToEventLoop();
    if (resolved.profileLayers && handle.backend === 'tensorrt') {
      // trtexec --separateProfileRun: a short IProfiler run, so that the report carries measured layer times.
      try {
        const started = performance.now();
        const profile = await engine.profile({ iterations: 10, duration: 0.1, warmUp: 20, shapes: optShapes(resolved) });
        report = { ...report, layerTimes: { measured: true, iterations: profile.iterations, layers: profile.layers, wallMs: performance.now() - started } };
      } catch (error) {
        report = { ...report, warnings: [...report.warnings, `Layer times were not measured after the build (${(error as Error).message}); profile the engine with engine.profile() or trtn bench --exportProfile.`] };
      }
      publishBuildStep('layers profiled');
    }
    return { engine, report };
  });
}

/** The opt shape of every profiled input, for timing a dynamic engine after its build. */
function optShapes(options: ResolvedBuildOptions): Record<string, number[]> {
  return Object.fromEntries(Object.entries(options.shapes).map(([name, range]) => [name, [...range.opt]]));
}

/** Options for {@link loadEngine}. */
export interface LoadEngineOptions {
  /** CUDA device index. Defaults to 0. */
  device?: number;
  /** Force a backend. Defaults to the one the bytes belong to. */
  backend?: 'auto' | BackendKind;
}

/**
 * Loads a serialized engine (a path or the bytes). Mock engines load anywhere; TensorRT plans need the
 * TensorRT backend, the same TensorRT version and a compatible GPU (ERR_ENGINE_VERSION otherwise). Bytes that
 * are neither give ERR_ENGINE_FORMAT.
 */
export async function loadEngine(plan: string | Uint8Array, options: LoadEngineOptions = {}): Promise<Engine> {
  return withCallerStack(async () => {
    const bytes = await readInput('engine', plan);
    const device = options.device ?? 0;
    const mock = getBackend('mock');
    if (options.backend !== 'tensorrt' && mock.recognizes(bytes)) return new Engine(await mock.deserialize(bytes, device));
    if (options.backend === 'mock') {
      throw new TensorRTError('ERR_ENGINE_FORMAT', 'These bytes are not a mock engine. Build one with buildEngine(..., { backend: "mock" }).');
    }
    if (!looksLikeTensorRTPlan(bytes)) {
      throw new TensorRTError(
        'ERR_ENGINE_FORMAT',
        `These ${bytes.byteLength} bytes are not a TensorRT engine (no plan header). Pass a file written by engine.save(), trtexec --saveEngine or IHostMemory::data().`,
      );
    }
    // Only a TensorRT plan needs TensorRT: opened on a worker thread the first time.
    await loadBackendsAsync();
    const backend = getBackend(options.backend === 'tensorrt' ? 'tensorrt' : 'auto');
    if (backend.kind !== 'tensorrt') {
      getBackend('tensorrt'); // throws ERR_BACKEND_UNAVAILABLE with the reasons
    }
    return new Engine(await backend.deserialize(bytes, device));
  });
}
