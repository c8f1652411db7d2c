/**
 * The typed contract of the raw native addons (binding/). Every function and object the `.node` files export is
 * typed here once; nothing else in the package handles untyped addon values.
 *
 * Two kinds of addon exist:
 * - `trtn_probe.node` needs neither CUDA nor TensorRT; it dlopens candidates and reports what happened.
 * - `trtn_trt<major>.node`, one per TensorRT major (8, 10, 11), compiled against that major's headers; it opens
 *   libnvinfer/libnvonnxparser from the directory the probe found and the CUDA driver at run time.
 */
import type { InferStepTimes } from '../backend/types.js';
import type { BenchmarkHostSteps, BuilderConfigReadBack, DataTypeName, IOTensorInfo, TimeRecord } from '../types/index.js';

/** One `dlopen` of `libnvinfer.so.<major>` as the probe tried it. */
export interface ProbeAttempt {
  /** Path (or bare soname for the system loader path) passed to dlopen. */
  candidate: string;
  /** Directory tried; `''` means the system loader path. */
  directory: string;
  major: number;
  ok: boolean;
  /** dlerror() text when `ok` is false. */
  error?: string;
  /** getInferLibVersion() when `ok`, e.g. 100160 (10.16.0) or 8601 (8.6.1). */
  version?: number;
  /** The file the loader actually opened (dladdr). */
  resolvedPath?: string;
  /** Whether libnvonnxparser.so.<major> opened from the same directory. */
  parserFound?: boolean;
  parserError?: string;
}

/** What the probe learned about the CUDA driver. */
export interface ProbeCuda {
  /** Whether libcuda.so.1 could be opened. */
  loaded: boolean;
  /** dlerror() text when not loaded. */
  error?: string;
  /** cuDriverGetVersion(), e.g. 12040 for CUDA 12.4. */
  driverVersion?: number;
  /** cuInit()'s CUresult (0 = success). */
  initResult?: number;
  initError?: string;
  deviceCount?: number;
  devices?: { index: number; name: string; computeCapability: string; smCount?: number; memoryBytes?: number }[];
}

/** The probe's answer. */
export interface ProbeResult {
  cuda: ProbeCuda;
  /** Every attempt in order; stops after the first success. */
  tensorrt: ProbeAttempt[];
}

/** `trtn_probe.node`. */
export interface ProbeAddon {
  probe(options?: { libraryDirs?: string[]; majors?: number[] }): ProbeResult;
  /** probe() on a worker thread (cuInit and opening libnvinfer are slow); absent from probes built before it. */
  probeAsync?(options?: { libraryDirs?: string[]; majors?: number[] }): Promise<ProbeResult>;
  abiVersion: number;
}

/** Compile-time facts of one backend addon. */
export interface NativeCapabilities {
  /** TensorRT header version the addon was compiled against, e.g. `10.16.0`. */
  headerVersion: string;
  major: number;
  /** IProgressMonitor: build progress and cancellation during the build (10+). */
  progressMonitor: boolean;
  /** IAlgorithmSelector: tactic recording/replay on <= 10. */
  algorithmSelector: boolean;
  /** Editable timing cache: tactic recording/pinning on 10.8+ and 11. */
  editableTimingCache: boolean;
  /** FP16 builder flag and typed IO formats (<= 10). */
  precisionFlags: boolean;
  /** benchmark()/profile() fill `{ synthetic, byteLength }` inputs on the worker and take `releaseAfter`. */
  syntheticInputs?: boolean;
  /** infer(arrays, spinWaitUs, inputNames, outputNames): inputs by position, each output's data back by position. */
  positionalInfer?: boolean;
}

/** One IO format spec as native code takes it (IOFormatSpec of lib/types/build.ts). */
export interface NativeIOFormat {
  dataType?: string;
  formats: string[];
}

/** One pinned tactic for a replay build. */
export interface NativeReplayEntry {
  layer: string;
  /** Editable timing cache key `0x` + 32 hex (10.8+/11). */
  cacheKey?: string;
  /** Tactic hash (editable cache) or tactic id (algorithm selector), hex. */
  tactic: string;
  /** Implementation id, hex (algorithm selector only). */
  implementation?: string;
  timeMs?: number;
}

/** One phase of a native build job, as the addon timed it on its worker (see BuildReport.buildPhases). */
export interface NativeBuildPhase {
  /** The phase's name, e.g. `builder` or `engineBuild`. */
  phase: string;
  /** Milliseconds on the worker's steady clock. */
  ms: number;
}

/** Options for `startBuild`, plain data. Bytes in `memPoolSize`. */
export interface NativeBuildOptions {
  device: number;
  /** Sets the FP16 flag; native throws ERR_UNSUPPORTED on TensorRT 11 (convert the ONNX instead). */
  fp16: boolean;
  sparsity: 'disable' | 'enable' | 'force';
  inputIOFormats: NativeIOFormat[];
  outputIOFormats: NativeIOFormat[];
  shapes: Record<string, { min: number[]; opt: number[]; max: number[] }>;
  memPoolSize: Record<string, number>;
  builderOptimizationLevel: number;
  tacticSources: { enable: string[]; disable: string[] };
  timingCache?: Uint8Array;
  profilingVerbosity: 'layer_names_only' | 'detailed' | 'none';
  avgTiming: number;
  recordTactics: boolean;
  errorOnTimingCacheMiss: boolean;
  /** Keep the device's IBuilder for later builds (BuildOptions.keepBuilder). */
  keepBuilder: boolean;
  replay: NativeReplayEntry[];
}

/** A progress event from IProgressMonitor. */
export interface NativeProgressEvent {
  kind: 'start' | 'step' | 'finish';
  phase: string;
  parent?: string;
  step: number;
  steps: number;
  depth: number;
}

/** One IO of an algorithm (IAlgorithmIOInfo). */
export interface NativeAlgorithmIo {
  dataType: DataTypeName;
  strides: number[];
  vectorizedDim: number;
  componentsPerElement: number;
}

/** One algorithm seen by the algorithm selector (<= 10). `chosen` marks reportAlgorithms' final choice. */
export interface NativeAlgorithmRecord {
  layer: string;
  implementation: string;
  tactic: string;
  timeMs: number | null;
  chosen: boolean;
  inputs: NativeAlgorithmIo[];
  outputs: NativeAlgorithmIo[];
}

/** What a native build returns. */
export interface NativeBuildResult {
  plan: ArrayBuffer;
  /** Serialized timing cache after the build. */
  timingCache: ArrayBuffer;
  /** IEngineInspector::getEngineInformation(kJSON); `''` when it could not be produced. */
  inspectorJson: string;
  /** Every log line (verbose ones when recording tactics). */
  log: { severity: 'internal_error' | 'error' | 'warning' | 'info' | 'verbose'; message: string }[];
  logTruncated: boolean;
  /** Editable timing cache contents (10.8+/11 when recording). */
  cacheEntries: { key: string; tacticHash: string; timingMs: number }[];
  /** Algorithm-selector records (<= 10 when recording). */
  algorithms: NativeAlgorithmRecord[];
  tacticRecording: 'algorithm-selector' | 'editable-timing-cache' | 'none';
  /** The builder config read back after the options were applied (absent from addons built before it existed). */
  config?: BuilderConfigReadBack;
  warnings: string[];
  buildTimeMs: number;
  /** Where the build job's time went, in order (absent from addons built before it existed). */
  phasesMs?: NativeBuildPhase[];
  tensorrtVersion: string;
  /** environment() as gathered on the build's worker after the build (NVML reads off the event loop). */
  environment?: NativeEnvironment;
}

/** A running build. */
export interface NativeBuildJob {
  promise: Promise<NativeBuildResult>;
  /** Requests cancellation; the promise then rejects with ERR_ABORTED (10+: during the build). */
  cancel(): void;
}

/** One engine IO tensor as the addon describes it: the public description minus strides (the addon reports none). */
export interface NativeIOTensor extends Omit<IOTensorInfo, 'strides'> {
  bytesPerComponent: number;
}

/** Inputs as the addon takes them. */
export type NativeInputs = Record<string, { data: ArrayBufferView; shape: number[] }>;
/**
 * Inputs of benchmark()/profile(): their bytes, or (capabilities.syntheticInputs) only their size, filled by the
 * worker (float32 uniform in [0, 1), or zero bytes).
 */
export type NativeTimingInputs = Record<string, { data: ArrayBufferView; shape: number[] } | { synthetic: 'uniform' | 'zeros'; byteLength: number; shape: number[] }>;

/**
 * Outputs as the addon returns them (raw bytes; lib/native/backend.ts makes typed arrays). On a pinnedOutputs
 * context `data` is a view over the whole staging buffer, sent only when that buffer changed since the last call
 * (absent: reuse the last one); `byteLength` is this output's size (addons since 0.2).
 */
export type NativeOutputs = Record<string, { data?: ArrayBuffer; byteLength?: number; dataType: DataTypeName; shape: number[] }>;

/** Native benchmark options (trtexec names; duration in seconds, warm-up in ms). */
export interface NativeBenchmarkOptions {
  iterations: number;
  duration: number;
  warmUp: number;
  useCudaGraph: boolean;
  useSpinWait: boolean;
  noDataTransfers: boolean;
  /** 'all': every event blocking-sync, as trtexec (see BenchmarkOptions.blockingEvents); hostSteps.blockingEventsPerInference says what ran. */
  blockingEvents: 'waited' | 'all';
  /** Safety stops. Defaults to 1e6 iterations and 600 000 ms. */
  maxIterations?: number;
  maxWallMs?: number;
  /** Free the context's TensorRT context and buffers on the worker when the run ends (the run's own context). */
  releaseAfter?: boolean;
}

/** Raw benchmark output: every iteration including warm-up (drop it with lib/timing dropWarmUp). */
export interface NativeBenchmarkResult {
  /** Per inference; `hostDoneMs` is the host time (ms from the loop's start) it was seen complete (addons since 0.1). */
  records: Array<TimeRecord & { hostDoneMs?: number }>;
  usedCudaGraph: boolean;
  totalHostWalltimeMs: number;
  /** Host µs per iteration of the timing loop by step (addons since 0.2). */
  hostSteps?: BenchmarkHostSteps;
  warnings: string[];
  /** environment() as gathered on the run's worker. */
  environment?: NativeEnvironment;
}

/** Raw per-layer profile: one array per kept iteration. */
export interface NativeProfileResult {
  iterations: { name: string; ms: number }[][];
  warmUpIterations: number;
  /** environment() as gathered on the run's worker. */
  environment?: NativeEnvironment;
}

/**
 * The addon's ExecutionContext object (binding/execution_context.cc). One name per layer: the public class is
 * `ExecutionContext` (lib/engine.ts), the backend contract `ContextHandle`, its implementations
 * `NativeContextHandle` / `MockContextHandle`, and this the raw addon object.
 */
export interface AddonContext {
  /** `spinWaitUs` > 0: launched on the calling thread and polled that long before a worker waits (0 or absent: all on a worker). */
  infer(inputs: NativeInputs, spinWaitUs?: number): Promise<NativeOutputs>;
  /**
   * infer() by position (capabilities.positionalInfer), for an engine whose shapes are static, after a call by name
   * bound them: `inputs[i]` is input `inputNames[i]` at its bound shape; the result holds each output of
   * `outputNames` in that order: a copy, a new view over its staging buffer, or undefined (the kept view holds it).
   * Pass the same frozen name arrays on every call: the addon recognises them by identity.
   */
  infer(inputs: ArrayBufferView[], spinWaitUs: number, inputNames: readonly string[], outputNames: readonly string[]): Promise<(ArrayBuffer | undefined)[]>;
  benchmark(options: NativeBenchmarkOptions, inputs: NativeTimingInputs): Promise<NativeBenchmarkResult>;
  profile(options: NativeBenchmarkOptions, inputs: NativeTimingInputs): Promise<NativeProfileResult>;
  /** infer()'s GPU work (copies in, enqueueV3, copies out, sync) `iterations` times in a C++ loop. */
  /** The raw loop; uploadUs/enqueueUs/downloadUs/syncUs (µs per iteration by step) from addons that report them. */
  measureRaw(iterations: number, inputs: NativeInputs): Promise<{ iterations: number; totalMs: number; perIterationUs: number; uploadUs?: number; enqueueUs?: number; downloadUs?: number; syncUs?: number }>;
  /**
   * An ArrayBuffer of `byteLength` bytes over the page-locked staging memory of IO tensor `name` (no copy); passed
   * back to infer() as that input's data, it is not copied again. Refused while a run is in flight.
   */
  /** A view over the page-locked staging memory of IO tensor `name` (addons since 0.2: absent from older ones). */
  hostBuffer?(name: string, byteLength: number): ArrayBuffer;
  /** infer()'s main-thread time by step (µs, summed) since the last call, then reset (addons since 0.2). */
  inferSteps?(): InferStepTimes;
  /** Idempotent. */
  dispose(): void;
  isDisposed(): boolean;
}

/**
 * The addon's Engine object (binding/engine.cc). One name per layer: the public class is `Engine`, the backend
 * contract `EngineHandle`, its implementations `NativeEngineHandle` / `MockEngineHandle`, and this the raw addon
 * object (C++: `EngineObject` over an `EngineCore`).
 */
export interface AddonEngine {
  io(): NativeIOTensor[];
  /** Inspector JSON text. */
  inspect(): string;
  /** `pinnedOutputs`: infer() returns views over the context's page-locked output buffers instead of copies. */
  /** `lazy`: the TensorRT context is created by the first run, on its worker (addons with capabilities.syntheticInputs). */
  createContext(options?: { pinnedOutputs?: boolean; lazy?: boolean }): AddonContext;
  deviceMemorySize(): number;
  /** Disposes the engine and its contexts; idempotent. */
  dispose(): void;
  isDisposed(): boolean;
}

/** Environment facts from the driver (and NVML when present). */
export interface NativeEnvironment {
  cudaDriverVersion?: number;
  tensorrtVersion: string;
  tensorrtHeaderVersion: string;
  gpu?: {
    index: number;
    name?: string;
    computeCapability?: string;
    smCount?: number;
    memoryBusWidthBits?: number;
    l2CacheBytes?: number;
    maxSmClockKHz?: number;
    maxMemoryClockKHz?: number;
    integrated?: boolean;
    memoryBytes?: number;
    clocks?: { smMHz?: number; memoryMHz?: number; maxSmMHz?: number; maxMemoryMHz?: number };
    clocksSource?: string;
  };
}

/** `trtn_trt<major>.node`. */
export interface BackendAddon {
  /** Hands the addon the TensorRTError class it throws. */
  init(errorClass: new (code: string, message: string, details?: Record<string, unknown>) => Error): void;
  /** Opens libnvinfer/libnvonnxparser from `directory` ('' = loader path) and libcuda. Once per process. */
  load(directory: string): NativeLoadInfo;
  /** load() on a worker thread, so that the event loop runs meanwhile (absent from addons built before it existed). */
  loadAsync?(directory: string): Promise<NativeLoadInfo>;
  startBuild(onnx: Uint8Array, options: NativeBuildOptions, onProgress?: (event: NativeProgressEvent) => void): NativeBuildJob;
  deserializeEngine(plan: Uint8Array, device?: number): Promise<AddonEngine>;
  /** Frees the builders kept by keepBuilder builds; returns how many (absent from addons built before it existed). */
  releaseBuilders?(): number;
  environment(device?: number): NativeEnvironment;
  /** cuMemGetInfo on `device` (default 0): what is free and what there is, in bytes. */
  deviceMemory(device?: number): { freeBytes: number; totalBytes: number };
  capabilities: NativeCapabilities;
}

/** What `load()` opened. */
export interface NativeLoadInfo {
  tensorrtVersion: string;
  parserVersion: number;
  nvinferPath: string;
  parserPath: string;
  /** The folder libnvinfer came from ('' when the dynamic loader's path found it and dladdr could not say). */
  libraryDir: string;
  /**
   * Sibling libraries opened RTLD_GLOBAL after libnvinfer (8.6's plugin library, which its parser NEEDs), so
   * that they resolve without LD_LIBRARY_PATH.
   */
  preloaded: string[];
  /**
   * libnvinfer imports (`dlopen`, `dlmopen`) redirected so that TensorRT's lazy load of its builder resource by bare
   * name finds the copy in `libraryDir` (binding/library_redirect.h). Empty when that failed (see preloadWarnings).
   */
  redirectedLoads: string[];
  /** Siblings that exist but did not open, with dlerror's text, and a redirect that failed (not fatal). */
  preloadWarnings: string[];
}
