/**
 * A fake native addon (BackendAddon) for running lib/native/backend.ts in CI without a GPU. Everything TensorRT
 * would have said comes from the real-output corpus (test/fixtures/real): the build log is TensorRT 10.6's own
 * log lines from a trtexec --verbose run on an H200, the inspector JSON is that run's --exportLayerInfo, the
 * benchmark records are its --exportTimes records and the layer profile its --exportProfile. Only the plumbing
 * is made up: inference copies each input to the output of the same index (identity in the engine's physical
 * layout), so layouts and typed arrays can be checked end to end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TensorRTError } from '../../lib/errors.js';
import type {
  BackendAddon,
  NativeBenchmarkOptions,
  NativeBenchmarkResult,
  NativeBuildOptions,
  NativeBuildResult,
  AddonEngine,
  AddonContext,
  NativeInputs,
  NativeIOTensor,
  NativeOutputs,
  NativeTimingInputs,
} from '../../lib/native/addon.js';
import type { BenchmarkHostSteps } from '../../lib/types/index.js';

const corpus = join(__dirname, '..', 'fixtures', 'real', 'trt10.6-h200');

/** TensorRT's own lines of a trtexec log (`[date] [V] [TRT] message`), as the addon's logger would have kept them. */
export function tensorrtLinesOfTrtexecLog(text: string): NativeBuildResult['log'] {
  const severities: Record<string, NativeBuildResult['log'][number]['severity']> = { V: 'verbose', I: 'info', W: 'warning', E: 'error', F: 'internal_error' };
  const lines: NativeBuildResult['log'] = [];
  for (const line of text.split('\n')) {
    const match = /^\[[^\]]+\] \[([VIWEF])\] \[TRT\] (.*)$/.exec(line);
    if (match) lines.push({ severity: severities[match[1]], message: match[2] });
  }
  return lines;
}

/** A real corpus case: TensorRT's log lines, inspector JSON, per-iteration records and per-layer profile. */
export interface CorpusCase {
  log: NativeBuildResult['log'];
  inspectorJson: string;
  times: NativeBenchmarkResult['records'];
  profile: { name: string; averageMs: number }[];
}

/** Reads one case of test/fixtures/real/trt10.6-h200 (e.g. `seed003-hwc8`, `resnet18-2of4`). */
export function loadCorpusCase(name: string): CorpusCase {
  const folder = join(corpus, name);
  const profile = JSON.parse(readFileSync(join(folder, 'trtexec-profile.json'), 'utf8')) as Array<{ name?: string; averageMs?: number }>;
  return {
    log: tensorrtLinesOfTrtexecLog(gunzipSync(readFileSync(join(folder, 'trtexec-verbose.log.gz'))).toString('utf8')),
    inspectorJson: readFileSync(join(folder, 'trtexec-layerinfo.json'), 'utf8'),
    times: JSON.parse(readFileSync(join(folder, 'trtexec-times-first200.json'), 'utf8')) as NativeBenchmarkResult['records'],
    profile: profile.filter((row): row is { name: string; averageMs: number } => typeof row.name === 'string' && typeof row.averageMs === 'number'),
  };
}

/** What a test can see of the fake's use. */
export interface FakeAddonCalls {
  builds: NativeBuildOptions[];
  /** Options of every benchmark and profile call, as the adapter sent them. */
  timings: NativeBenchmarkOptions[];
  /** Calls of addon.environment() (on the main thread in the real addon). */
  environmentCalls: number;
  /** The inputs of every benchmark and profile call. */
  timingInputs: NativeTimingInputs[];
  inferences: number;
  /** The spinWaitUs argument of every infer() call. */
  spinWaits: (number | undefined)[];
  disposedContexts: number;
  /** The options of every createContext() call. */
  contextOptions: ({ pinnedOutputs?: boolean; lazy?: boolean } | undefined)[];
  /** Every hostBuffer() call and the buffer it returned. */
  hostBuffers: { name: string; byteLength: number; buffer: ArrayBuffer }[];
  /** Per infer() call, the input names whose data was a view over a buffer hostBuffer() returned. */
  inPlaceInputs: string[][];
  /** Staging views a pinned-output context sent (one per output buffer, not one per call). */
  outputViewsSent: number;
  /** infer() calls by position (capabilities.positionalInfer), of all `inferences`. */
  positionalInferences: number;
  /** The distinct name arrays infer() by position was given (the adapter should pass one per side and context). */
  positionalNameArrays: Set<readonly string[]>;
}

/** Options of {@link createFakeAddon}. */
export interface FakeAddonOptions {
  /** The corpus case the build answers with. */
  build: CorpusCase;
  /** Keep only these severities of the log (e.g. `['info', 'warning']` for a non-verbose build). */
  severities?: NativeBuildResult['log'][number]['severity'][];
  /** IO tensors of engines the fake deserializes. */
  io: NativeIOTensor[];
  /** Runtime TensorRT version. */
  tensorrtVersion?: string;
  /** Per-iteration µs the raw loop reports. */
  rawLoopUs?: number;
  /** Advertise capabilities.syntheticInputs (benchmark/profile inputs filled by the addon, releaseAfter). */
  syntheticInputs?: boolean;
  /** Contexts as an addon from before hostBuffer() (no inputBuffer, no pinned outputs) makes them. */
  withoutHostBuffer?: boolean;
  /** Advertise capabilities.positionalInfer and take infer(arrays, spinWaitUs, inputNames, outputNames). */
  positionalInfer?: boolean;
  /** An environment the build, benchmark and profile results carry, as gathered on their workers. */
  workerEnvironment?: ReturnType<BackendAddon['environment']>;
  /**
   * The benchmark as an addon since 0.1 answers: each record with `hostDoneMs`, its output copies' end plus
   * `hostDoneAfterMs[i % length]`, and these loop `hostSteps`.
   */
  benchmarkHost?: { hostDoneAfterMs: number[]; hostSteps: BenchmarkHostSteps };
}

/** A BackendAddon over the corpus; `calls` records what the adapter asked of it. */
export function createFakeAddon(options: FakeAddonOptions): { addon: BackendAddon; calls: FakeAddonCalls } {
  const calls: FakeAddonCalls = { builds: [], timings: [], timingInputs: [], environmentCalls: 0, inferences: 0, spinWaits: [], disposedContexts: 0, contextOptions: [], hostBuffers: [], inPlaceInputs: [], outputViewsSent: 0, positionalInferences: 0, positionalNameArrays: new Set() };
  const version = options.tensorrtVersion ?? '10.6.0';
  const context = (pinnedOutputs = false): AddonContext => {
    let disposed = false;
    // As the real addon: a pinned-output context writes outputs into per-output staging and sends a view of it
    // only when that staging buffer is new (grown), with the output's byteLength each call.
    const staging = new Map<string, ArrayBuffer>();
    // Fixed step times per call (µs), so that a test can check how measureInferOverhead divides them.
    let steps = { calls: 0, handedOff: 0, readUs: 0, launchUs: 0, enqueueUs: 0, spinUs: 0, outputsUs: 0 };
    const alive = () => {
      if (disposed) throw new TensorRTError('ERR_DISPOSED', 'This execution context (or its engine) was disposed.');
    };
    // As the real addon: the shapes a call by name bound, which a call by position runs at.
    const boundShapes = new Map<string, number[]>();
    const made: AddonContext = {
      // @ts-expect-error one function for both overloads of AddonContext.infer, as the addon's is
      async infer(given: NativeInputs | ArrayBufferView[], spinWaitUs?: number, inputNames?: readonly string[], outputNames?: readonly string[]): Promise<NativeOutputs | (ArrayBuffer | undefined)[]> {
        alive();
        const byPosition = Array.isArray(given);
        if (byPosition && !options.positionalInfer) throw new TensorRTError('ERR_INPUT', 'Expected an object of named inputs.');
        let inputs: NativeInputs;
        if (byPosition) {
          if (!inputNames || !outputNames || inputNames.length !== given.length) throw new TensorRTError('ERR_INTERNAL', 'infer() by position needs as many names as inputs.');
          calls.positionalInferences += 1;
          calls.positionalNameArrays.add(inputNames);
          calls.positionalNameArrays.add(outputNames);
          inputs = {};
          inputNames.forEach((name, index) => {
            // The shape last bound, else the engine's own (static: by position is only for static shapes).
            const shape = boundShapes.get(name) ?? options.io.find((tensor) => tensor.name === name)?.shape;
            if (!shape || shape.some((extent) => extent < 0)) throw new TensorRTError('ERR_INTERNAL', `infer() by position for input '${name}', whose shape is dynamic.`);
            inputs[name] = { data: given[index] as NativeInputs[string]['data'], shape: [...shape] };
          });
        } else {
          inputs = given;
          for (const name of Object.keys(inputs)) boundShapes.set(name, [...inputs[name].shape]);
        }
        calls.inferences += 1;
        calls.spinWaits.push(spinWaitUs);
        steps = { calls: steps.calls + 1, handedOff: steps.handedOff + (spinWaitUs ? 0 : 1), readUs: steps.readUs + 1, launchUs: steps.launchUs + 2, enqueueUs: steps.enqueueUs + 1.5, spinUs: steps.spinUs + 3, outputsUs: steps.outputsUs + 0.5 };
        calls.inPlaceInputs.push(Object.keys(inputs).filter((name) => calls.hostBuffers.some((entry) => entry.buffer === inputs[name].data.buffer)));
        const ins = options.io.filter((tensor) => tensor.mode === 'input');
        const outs = options.io.filter((tensor) => tensor.mode === 'output');
        const result: NativeOutputs = {};
        outs.forEach((tensor, index) => {
          const source = inputs[ins[index % ins.length].name];
          const bytes = new Uint8Array(source.data.buffer, source.data.byteOffset, source.data.byteLength);
          if (!pinnedOutputs) {
            result[tensor.name] = { data: bytes.slice().buffer, byteLength: bytes.byteLength, dataType: tensor.dataType, shape: [...source.shape] };
            return;
          }
          let buffer = staging.get(tensor.name);
          const fresh = !buffer || buffer.byteLength < bytes.byteLength;
          if (fresh) {
            buffer = new ArrayBuffer(bytes.byteLength);
            staging.set(tensor.name, buffer);
            calls.outputViewsSent += 1;
          }
          new Uint8Array(buffer!).set(bytes);
          result[tensor.name] = { ...(fresh ? { data: buffer } : {}), byteLength: bytes.byteLength, dataType: tensor.dataType, shape: [...source.shape] };
        });
        if (!byPosition) return result;
        return outputNames!.map((name) => {
          if (!result[name]) throw new TensorRTError('ERR_INTERNAL', `infer() by position asked for output '${name}', which this engine lacks.`);
          return result[name].data;
        });
      },
      async benchmark(settings: NativeBenchmarkOptions, inputs: NativeTimingInputs) {
        alive();
        calls.timings.push(settings);
        calls.timingInputs.push(inputs);
        const host = options.benchmarkHost;
        const records = host ? options.build.times.map((record, index) => ({ ...record, hostDoneMs: record.endD2hMs + host.hostDoneAfterMs[index % host.hostDoneAfterMs.length] })) : options.build.times;
        return { records, usedCudaGraph: false, totalHostWalltimeMs: 1234, warnings: [], ...(host ? { hostSteps: host.hostSteps } : {}), ...(options.workerEnvironment ? { environment: options.workerEnvironment } : {}) };
      },
      async profile(settings: NativeBenchmarkOptions, inputs: NativeTimingInputs) {
        alive();
        calls.timings.push(settings);
        calls.timingInputs.push(inputs);
        const iteration = options.build.profile.map((row) => ({ name: row.name, ms: row.averageMs }));
        return { iterations: [iteration, iteration, iteration], warmUpIterations: 2, ...(options.workerEnvironment ? { environment: options.workerEnvironment } : {}) };
      },
      inferSteps() {
        const out = steps;
        steps = { calls: 0, handedOff: 0, readUs: 0, launchUs: 0, enqueueUs: 0, spinUs: 0, outputsUs: 0 };
        return out;
      },
      hostBuffer(name: string, byteLength: number) {
        alive();
        const buffer = new ArrayBuffer(byteLength);
        calls.hostBuffers.push({ name, byteLength, buffer });
        return buffer;
      },
      async measureRaw(iterations: number) {
        alive();
        const perIterationUs = options.rawLoopUs ?? 10;
        return { iterations, totalMs: (perIterationUs * iterations) / 1000, perIterationUs, uploadUs: 1, enqueueUs: perIterationUs / 2, downloadUs: 1, syncUs: perIterationUs / 2 - 2 };
      },
      dispose() {
        if (!disposed) calls.disposedContexts += 1;
        disposed = true;
      },
      isDisposed: () => disposed,
    };
    if (options.withoutHostBuffer) delete made.hostBuffer;
    return made;
  };
  const engine = (): AddonEngine => {
    let disposed = false;
    return {
      io: () => options.io.map((tensor) => ({ ...tensor, shape: [...tensor.shape] })),
      inspect: () => options.build.inspectorJson,
      createContext: (contextOptions?: { pinnedOutputs?: boolean; lazy?: boolean }) => {
        if (disposed) throw new TensorRTError('ERR_DISPOSED', 'This engine was disposed.');
        calls.contextOptions.push(contextOptions);
        return context(contextOptions?.pinnedOutputs === true);
      },
      deviceMemorySize: () => 0,
      dispose: () => {
        disposed = true;
      },
      isDisposed: () => disposed,
    };
  };
  const addon: BackendAddon = {
    init() {},
    load: () => ({ tensorrtVersion: version, parserVersion: 1, nvinferPath: '/fake/libnvinfer.so.10', parserPath: '/fake/libnvonnxparser.so.10', libraryDir: '/fake', preloaded: [], redirectedLoads: ['dlopen'], preloadWarnings: [] }),
    startBuild(_onnx, settings) {
      calls.builds.push(settings);
      const log = options.severities ? options.build.log.filter((line) => options.severities!.includes(line.severity)) : options.build.log;
      const result: NativeBuildResult = {
        plan: new Uint8Array([0x66, 0x74, 0x72, 0x74, 1, 2, 3, 4]).buffer,
        timingCache: new ArrayBuffer(0),
        inspectorJson: options.build.inspectorJson,
        log,
        logTruncated: false,
        cacheEntries: [],
        algorithms: [],
        tacticRecording: 'none',
        ...(options.workerEnvironment ? { environment: options.workerEnvironment } : {}),
        config: { flags: settings.fp16 ? ['FP16'] : [], tacticSources: ['EDGE_MASK_CONVOLUTIONS', 'JIT_CONVOLUTIONS'], memoryPools: { workspace: 1 }, builderOptimizationLevel: settings.builderOptimizationLevel, profilingVerbosity: settings.profilingVerbosity, avgTiming: settings.avgTiming, optimizationProfiles: 0 },
        warnings: [],
        buildTimeMs: 4321,
        phasesMs: [{ phase: 'cudaContext', ms: 12 }, { phase: 'builder', ms: 2100 }, { phase: 'engineBuild', ms: 2200 }, { phase: 'release', ms: 900 }],
        tensorrtVersion: version,
      };
      return { promise: Promise.resolve(result), cancel() {} };
    },
    deserializeEngine: async (plan: Uint8Array) => {
      if (plan.byteLength < 8) throw new TensorRTError('ERR_ENGINE_FORMAT', 'Not a TensorRT plan (fake).');
      return engine();
    },
    environment: () => {
      calls.environmentCalls++;
      return { tensorrtVersion: version, tensorrtHeaderVersion: '10.6.0', cudaDriverVersion: 13000, gpu: { index: 0, name: 'NVIDIA H200', computeCapability: '9.0', smCount: 132 } } as ReturnType<BackendAddon['environment']>;
    },
    deviceMemory: () => ({ freeBytes: 100 * 2 ** 30, totalBytes: 140 * 2 ** 30 }),
    capabilities: { precisionFlags: true, ...(options.syntheticInputs ? { syntheticInputs: true } : {}), ...(options.positionalInfer ? { positionalInfer: true } : {}) } as BackendAddon['capabilities'],
  };
  return { addon, calls };
}
