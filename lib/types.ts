/**
 * Plain-data types shared by the public API, both backends, the analysis code and the CLI.
 *
 * Everything in here is JSON-serialisable so that a report written on one machine (a Jetson, a CI runner)
 * can be analysed on another.
 */

/** Which backend produced a result. `mock` results are estimates from a cost model, never measurements. */
export type BackendKind = 'tensorrt' | 'mock';

/** trtexec's `--sparsity`. `force` here means magnitude 2:4 pruning of the ONNX weights before the build. */
export type SparsityMode = 'disable' | 'enable' | 'force';

/** trtexec's `--profilingVerbosity`. */
export type ProfilingVerbosity = 'layer_names_only' | 'detailed' | 'none';

/** Element types as trtexec spells them in `--inputIOFormats`. */
export type IODataType = 'fp32' | 'fp16' | 'bf16' | 'int8' | 'int32' | 'int64' | 'uint8' | 'bool' | 'fp8';

/** Tensor formats as trtexec spells them (TensorFormat without the `k`). */
export type TensorFormatName =
  | 'chw'
  | 'chw2'
  | 'hwc8'
  | 'chw4'
  | 'chw16'
  | 'chw32'
  | 'dhwc8'
  | 'cdhw32'
  | 'hwc'
  | 'hwc16'
  | 'dhwc';

/** One parsed IO format spec, e.g. `fp16:hwc8+chw` becomes `{ dataType: 'fp16', formats: ['hwc8', 'chw'] }`. */
export interface IOFormatSpec {
  /** Element type; absent on TensorRT 11 style specs (`hwc8`), where the type comes from the ONNX model. */
  dataType?: IODataType;
  /** Allowed formats, in preference order. */
  formats: TensorFormatName[];
}

/** Min/opt/max dimensions of one network input for an optimization profile. */
export interface ShapeRange {
  min: number[];
  opt: number[];
  max: number[];
}

/** Memory pool limits in bytes (trtexec's `--memPoolSize`, which takes MiB). */
export interface MemoryPoolLimits {
  workspace?: number;
  dlaSRAM?: number;
  dlaLocalDRAM?: number;
  dlaGlobalDRAM?: number;
  tacticSharedMemory?: number;
}

/** Tactic source names; TensorRT 11 only has EDGE_MASK_CONVOLUTIONS and JIT_CONVOLUTIONS. */
export type TacticSourceName = 'CUBLAS' | 'CUBLAS_LT' | 'CUDNN' | 'EDGE_MASK_CONVOLUTIONS' | 'JIT_CONVOLUTIONS';

/** Progress of a build, reported through {@link BuildOptions.onProgress}. */
export interface BuildProgress {
  /** Phase name as TensorRT's IProgressMonitor reports it (or the mock's own phase names). */
  phase: string;
  /** Parent phase, when nested. */
  parent?: string;
  /** Steps done in this phase. */
  step: number;
  /** Steps in this phase. */
  steps: number;
  /** Nesting depth, 0 for top-level phases. */
  depth: number;
}

/**
 * Options for {@link buildEngine}. Names follow trtexec's flags.
 */
export interface BuildOptions {
  /** Allow FP16 kernels. On TensorRT <= 10 this sets the FP16 builder flag; on 11 the ONNX is converted to FP16 first. Defaults to `false`. */
  fp16?: boolean;
  /** 2:4 structured sparsity. `true` means `'enable'`. Defaults to `'disable'`. */
  sparsity?: SparsityMode | boolean;
  /** Formats of network inputs, e.g. `'fp16:hwc8'` or one spec per input. Defaults to the model's types in `chw`. */
  inputIOFormats?: string | string[];
  /** Formats of network outputs, like {@link BuildOptions.inputIOFormats}. */
  outputIOFormats?: string | string[];
  /** Optimization profile per dynamic input name. Defaults to the model's static shapes. */
  shapes?: Record<string, ShapeRange>;
  /** Memory pool limits; numbers are MiB as in trtexec, or strings with a unit (`'512M'`, `'2G'`). */
  memPoolSize?: Partial<Record<keyof MemoryPoolLimits, number | string>>;
  /** Builder optimization level 0-5. Defaults to 3. */
  builderOptimizationLevel?: number;
  /** Tactic sources, trtexec style: `'-CUBLAS,+CUDNN'` or `['-CUBLAS', '+CUDNN']`. */
  tacticSources?: string | string[];
  /** Timing cache: a file path (loaded if present, written after the build) or bytes (loaded). */
  timingCache?: string | Uint8Array;
  /** Inspector detail. Defaults to `'detailed'` so that per-layer tactics and formats are available. */
  profilingVerbosity?: ProfilingVerbosity;
  /** CUDA device index. Defaults to 0. */
  device?: number;
  /** Average timing iterations per tactic (trtexec `--avgTiming`). Defaults to 8. */
  avgTiming?: number;
  /**
   * Record every timed tactic candidate per layer (`report.tactics`). Defaults to `false`: recording costs build
   * time (an algorithm-selector callback per candidate on <= 10.7; a kVERBOSE log copied to JS and parsed on 10.8+
   * and 11) — several times trtexec's build time on small models. Turn it on for `trtn explain` / replay.
   */
  recordTactics?: boolean;
  /**
   * After a TensorRT build, time every layer of the new engine (IProfiler over a short run, as trtexec's
   * `--separateProfileRun`) into `report.layerTimes`, so that explain, compare and the HTML report have measured
   * layer times. Defaults to `true`; costs well under a second on small models. The mock's layer times are its
   * estimates and are not affected.
   */
  profileLayers?: boolean;
  /** Replay: pin these per-layer tactics (from an earlier report's `tactics`). */
  replayTactics?: LayerTactics[];
  /** Fail when a timing-cache entry is missing (trtexec `--errorOnTimingCacheMiss`). Defaults to `false`. */
  errorOnTimingCacheMiss?: boolean;
  /** Which backend to use. `'auto'` picks TensorRT when it loads and the mock otherwise. Defaults to `'auto'`. */
  backend?: 'auto' | BackendKind;
  /** Device profile id the mock backend estimates against (see `deviceProfiles`). Defaults to `'h100-sxm'`. */
  mockDevice?: string;
  /** Cancels the build. */
  signal?: AbortSignal;
  /** Called with build progress; never blocks the build. */
  onProgress?: (progress: BuildProgress) => void;
}

/** {@link BuildOptions} after validation and defaulting: plain data, stored in every report. */
export interface ResolvedBuildOptions {
  fp16: boolean;
  sparsity: SparsityMode;
  inputIOFormats: IOFormatSpec[];
  outputIOFormats: IOFormatSpec[];
  shapes: Record<string, ShapeRange>;
  memPoolSize: MemoryPoolLimits;
  builderOptimizationLevel: number;
  /** Sources to enable (`+`) and disable (`-`), by name. */
  tacticSources: { enable: TacticSourceName[]; disable: TacticSourceName[] };
  /** Path of the timing cache file, when one was given as a path. */
  timingCachePath?: string;
  /** Whether timing-cache bytes were given. */
  timingCacheProvided: boolean;
  profilingVerbosity: ProfilingVerbosity;
  device: number;
  avgTiming: number;
  recordTactics: boolean;
  profileLayers: boolean;
  replay: boolean;
  errorOnTimingCacheMiss: boolean;
  backend: 'auto' | BackendKind;
  mockDevice: string;
}

/** Element type names used in tensor descriptions. */
export type DataTypeName = 'float32' | 'float16' | 'bfloat16' | 'int8' | 'int32' | 'int64' | 'uint8' | 'bool' | 'fp8' | 'int4' | 'unknown';

/** A tensor as seen by one engine layer. */
export interface LayerTensor {
  name: string;
  /** `Device` or `Host`. */
  location?: string;
  dimensions: number[];
  /** TensorRT's own text, e.g. `Channel major FP16 format where channel % 16 == 0`. */
  formatText: string;
  dataType: DataTypeName;
  /** Short format name, e.g. `hwc8`, `chw16`, `chw`. */
  format: TensorFormatName | 'unknown';
  /** Channel alignment the format requires (8 for hwc8, 16 for chw16), 1 for linear. */
  channelAlignment: number;
}

/**
 * One engine layer, normalised from TensorRT's engine-inspector JSON (10.x and 11.x formats) or produced by
 * the mock backend.
 */
export interface LayerInfo {
  name: string;
  /** Inspector `LayerType`, e.g. `CaskConvolution`, `Reformat`, `NoOp`, `Myelin`. */
  layerType: string;
  /** Inspector `ParameterType`, e.g. `Convolution`, `Reformat`, `ElementWise`. */
  parameterType?: string;
  /** ONNX node names fused into this layer (from `Metadata` or the ` + `-joined name). */
  onnxNodes: string[];
  inputs: LayerTensor[];
  outputs: LayerTensor[];
  tacticName?: string;
  tacticValue?: string;
  /** True for reformat copies TensorRT inserted between layers or at the IO. */
  isReformat: boolean;
  /** Main compute precision, derived from the tensors and tactic name. */
  precision: DataTypeName | 'mixed';
  convolution?: {
    kernel: number[];
    stride: number[];
    prePadding: number[];
    postPadding: number[];
    dilation: number[];
    groups: number;
    outMaps: number;
    weights?: { type: string; count: number };
    bias?: { type: string; count: number };
    hasSparseWeights: boolean;
    hasResidual: boolean;
    activation?: string;
  };
  /** The inspector's JSON object for this layer, unmodified. */
  raw?: Record<string, unknown>;
}

/** One timed candidate for a layer. */
export interface TacticCandidate {
  /** Tactic id or hash as hex, `0x...`. */
  tactic: string;
  /** Kernel name when known (TensorRT 10.8+ editable cache log, or tactic names in the verbose log). */
  kernelName?: string;
  /** Timing runner / implementation, e.g. `CaskConvolution`. */
  implementation?: string;
  /** Measured (or, on the mock, estimated) time in ms; `null` when the tactic was skipped or failed. */
  timeMs: number | null;
  /** Whether this tactic uses 2:4 sparse math (from its kernel name: `sparse`, `sptensor`). */
  sparse?: boolean;
  /** Format combination under which it was timed, in TensorRT's notation. */
  formats?: string;
  /** True when the time is a cost-model estimate. */
  estimated?: boolean;
  /**
   * Set when this layer was not timed itself but got a timing-cache hit (`got cached result`): the layer whose
   * timing was reused, or `unknown` when the log does not show it.
   */
  cachedFrom?: string;
}

/** Tactics for one layer: the choice and everything the builder timed. */
export interface LayerTactics {
  /** Engine layer name (or the autotuner's op name when it could not be matched). */
  layer: string;
  chosen?: TacticCandidate;
  candidates: TacticCandidate[];
  /** Where this record came from. */
  source: 'algorithm-selector' | 'editable-timing-cache' | 'verbose-log' | 'mock';
  /** Editable timing cache key (`0x` + 32 hex digits), when known. */
  cacheKey?: string;
}

/** The builder's sparsity lists ("Layers eligible for sparse math" / "picked sparse implementation"). */
export interface SparsitySummary {
  eligible: string[];
  picked: string[];
}

/** A line from the TensorRT (or mock) logger. */
export interface LogLine {
  severity: 'internal_error' | 'error' | 'warning' | 'info' | 'verbose';
  message: string;
}

/** GPU clocks in MHz, where readable. */
export interface ClockInfo {
  smMHz?: number;
  memoryMHz?: number;
  maxSmMHz?: number;
  maxMemoryMHz?: number;
  /** Whether the application clocks appear locked (current == max under load is not proof; see notes). */
  locked?: boolean;
}

/** Jetson power-mode facts, when the machine is a Jetson. */
export interface JetsonInfo {
  model?: string;
  nvpmodelMode?: string;
  clocksLocked?: boolean;
  notes: string[];
}

/** Where a report was produced. */
export interface EnvironmentInfo {
  host: { platform: string; arch: string; cpus: number; node: string; hostname?: string };
  gpu?: {
    index: number;
    name: string;
    computeCapability?: string;
    smCount?: number;
    memoryBytes?: number;
    memoryBusWidthBits?: number;
    l2CacheBytes?: number;
    clocks?: ClockInfo;
  };
  driverVersion?: string;
  cudaRuntimeVersion?: string;
  tensorrtVersion?: string;
  jetson?: JetsonInfo;
  /** The mock's device profile id, when the figures are estimates against a profile. */
  deviceProfile?: string;
}

/** Versions of the pieces that produced a report. */
export interface VersionInfo {
  tensorrtNode: string;
  node: string;
  tensorrt?: string;
  onnxParser?: string;
  cudaRuntime?: string;
  cudaDriver?: string;
}

/** Summary of the ONNX model a build started from. */
export interface ModelSummary {
  name?: string;
  producer?: string;
  opset?: number;
  irVersion?: number;
  nodeCount: number;
  inputs: { name: string; dataType: DataTypeName; shape: (number | string)[] }[];
  outputs: { name: string; dataType: DataTypeName; shape: (number | string)[] }[];
}

/** Per-layer estimate from the mock's cost model. Every field is an estimate. */
export interface LayerEstimate {
  layer: string;
  estimated: true;
  flops: number;
  bytes: number;
  denseTimeMs: number;
  sparseTimeMs?: number;
  chosenTimeMs: number;
  bound: 'compute' | 'memory' | 'overhead';
}

/** JSON report of a build. */
export interface BuildReport {
  schemaVersion: 1;
  backend: BackendKind;
  /** True when any figure in this report is an estimate (always true for the mock backend). */
  estimated: boolean;
  createdAt: string;
  versions: VersionInfo;
  environment: EnvironmentInfo;
  options: ResolvedBuildOptions;
  model: ModelSummary;
  /** Wall time of the build on this host, ms. */
  buildTimeMs: number;
  layers: LayerInfo[];
  tactics: LayerTactics[];
  sparsity: SparsitySummary;
  /** Mock only: the cost model's per-layer estimates. */
  estimates?: LayerEstimate[];
  /**
   * TensorRT only: the builder config as TensorRT holds it after every option was applied, read back through its
   * getters (so a report shows what reached TensorRT, not only what was asked).
   */
  builderConfig?: BuilderConfigReadBack;
  /**
   * TensorRT only: per-layer times measured on this GPU right after the build (see `BuildOptions.profileLayers`),
   * trtexec `--exportProfile` fields; absent when profiling was off or failed (a warning says why).
   */
  layerTimes?: { measured: true; iterations: number; layers: LayerProfile[] };
  log: LogLine[];
  warnings: string[];
}

/** {@link BuildReport.builderConfig}: IBuilderConfig's getters after the options were applied. */
export interface BuilderConfigReadBack {
  /** Builder flags that are set, trtexec spelling (`FP16`, `SPARSE_WEIGHTS`, `TF32`, …). */
  flags: string[];
  /** Enabled tactic sources (`CUBLAS`, `CUDNN`, `EDGE_MASK_CONVOLUTIONS`, `JIT_CONVOLUTIONS`, …). */
  tacticSources: string[];
  /** Memory pool limits in bytes by {@link MemoryPoolLimits} name. */
  memoryPools: Record<string, number>;
  builderOptimizationLevel: number;
  profilingVerbosity: ProfilingVerbosity | 'unknown';
  avgTiming: number;
  /** Optimization profiles added to the config. */
  optimizationProfiles: number;
}

/** Description of one engine IO tensor. */
export interface IOTensorInfo {
  name: string;
  mode: 'input' | 'output';
  dataType: DataTypeName;
  /** Dimensions; -1 for dynamic ones. */
  shape: number[];
  format: TensorFormatName | 'unknown';
  formatText?: string;
  /** Elements per vector for vectorised formats (8 for hwc8), 1 otherwise. */
  componentsPerElement: number;
  /** Which dimension is vectorised, -1 for none. */
  vectorizedDim: number;
  /** Strides in elements for the `opt` shape, as TensorRT reports them. */
  strides?: number[];
}

/** Typed arrays accepted and returned by `infer()`. */
export type TensorData = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/** Options for `Engine.benchmark()`; names and defaults follow trtexec. */
export interface BenchmarkOptions {
  /** Minimum iterations. Defaults to 10. */
  iterations?: number;
  /** Minimum duration in seconds. Defaults to 3. */
  duration?: number;
  /** Warm-up in ms of GPU time. Defaults to 200. */
  warmUp?: number;
  /** Capture the enqueue in a CUDA graph. Defaults to `false` (trtexec <= 10). */
  useCudaGraph?: boolean;
  /** Spin-wait on events instead of blocking sync. Defaults to `false`. */
  useSpinWait?: boolean;
  /** Skip host-device copies. Defaults to `false`. */
  noDataTransfers?: boolean;
  /** Input shapes for dynamic inputs. */
  shapes?: Record<string, number[]>;
  /** Keep every iteration's timestamps (trtexec `--exportTimes`). Defaults to `false`. */
  exportTimes?: boolean;
  /** Coefficient of variation (%) above which a warning is added. Defaults to 2.5. */
  covThresholdPercent?: number;
}

/** Summary statistics in ms, trtexec's definitions (percentiles without interpolation). */
export interface TimingStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  /** Population standard deviation. */
  stdDev: number;
  /** Coefficient of variation in percent. */
  covPercent: number;
}

/** One iteration, trtexec `--exportTimes` record. */
export interface TimeRecord {
  startEnqMs: number;
  endEnqMs: number;
  startH2dMs: number;
  endH2dMs: number;
  startComputeMs: number;
  endComputeMs: number;
  startD2hMs: number;
  endD2hMs: number;
  h2dMs: number;
  computeMs: number;
  d2hMs: number;
  latencyMs: number;
}

/** Result of `Engine.measureInferOverhead()`: what `infer()` costs on the host beyond the GPU work itself. */
export interface InferOverhead {
  /** Always false: this is measured on the GPU (the mock backend refuses to estimate it). */
  estimated: false;
  /** Calls timed in each loop (after a warm-up of the same work). */
  iterations: number;
  /** Per call of a C++ loop doing infer()'s GPU work (copies in, enqueue, copies out, synchronize), µs. */
  rawUs: number;
  /** Per call of `context.infer()` from JavaScript, awaited one after another, same inputs, µs. */
  inferUs: number;
  /** `inferUs - rawUs`: the binding's host overhead per call (validation, re-layout, N-API, worker hand-off), µs. */
  overheadUs: number;
}

/** Result of `Engine.benchmark()`. */
export interface BenchmarkResult {
  backend: BackendKind;
  /** True when the figures come from a cost model rather than the GPU. */
  estimated: boolean;
  environment: EnvironmentInfo;
  options: Required<Omit<BenchmarkOptions, 'shapes'>> & { shapes: Record<string, number[]> };
  /**
   * The timing mode in words, e.g. `transfers, no CUDA graph, blocking sync (trtexec 10 defaults)`, so that a
   * figure is never read without knowing whether copies and graphs were in it.
   */
  mode: string;
  iterations: number;
  totalHostWalltimeMs: number;
  totalGpuComputeMs: number;
  /** Inferences per second. */
  throughput: number;
  gpuCompute: TimingStats;
  latency: TimingStats;
  enqueue: TimingStats;
  h2d: TimingStats;
  d2h: TimingStats;
  warnings: string[];
  times?: TimeRecord[];
}

/** One layer of a per-layer profile (trtexec `--exportProfile` fields). */
export interface LayerProfile {
  name: string;
  timeMs: number;
  averageMs: number;
  medianMs: number;
  percentage: number;
}

/** Result of `Engine.profile()`. */
export interface ProfileResult {
  backend: BackendKind;
  estimated: boolean;
  /** Profiled iterations (warm-up excluded). */
  iterations: number;
  layers: LayerProfile[];
  environment: EnvironmentInfo;
}

/** What `backendInfo()` reports. */
export interface BackendInfo {
  active: BackendKind;
  /** True when the TensorRT backend loaded. */
  tensorrtAvailable: boolean;
  /** Why TensorRT is unavailable, most specific first; empty when it is available. */
  reasons: BackendUnavailableReason[];
  /** Things to try, in plain words. */
  possibleSolutions: string[];
  /** Runtime TensorRT version, e.g. `10.6.0`. */
  tensorrtVersion?: string;
  /** The trtn_trt<major>.node file in use. */
  nativeAddonPath?: string;
  /** The libnvinfer file the addon opened. */
  backendLibraryPath?: string;
  /**
   * How `TRTN_TENSORRT_LIB_DIR` alone is made enough, without `LD_LIBRARY_PATH`: libraries next to libnvinfer that
   * were opened first (8.6's plugin library), libnvinfer's imports redirected to that folder (`dlopen`, `dlmopen`:
   * its builder resource is opened by bare name), and what did not work.
   */
  libraryLoading?: { preloaded: string[]; redirectedLoads: string[]; warnings: string[] };
}

/** One classified reason the TensorRT backend could not be used. */
export interface BackendUnavailableReason {
  code: 'NO_NATIVE_BUILD' | 'NO_LIBNVINFER' | 'NO_LIBCUDART' | 'NO_CUDA_DRIVER' | 'DRIVER_TOO_OLD' | 'NO_GPU' | 'VERSION_MISMATCH' | 'DISABLED' | 'LOAD_FAILED';
  message: string;
  /** Candidate path or library that was tried, when relevant. */
  candidate?: string;
}
