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
  /** Smallest dimensions the engine accepts (trtexec `--minShapes`). */
  min: number[];
  /** Dimensions the builder tunes kernels for (trtexec `--optShapes`). */
  opt: number[];
  /** Largest dimensions the engine accepts (trtexec `--maxShapes`). */
  max: number[];
}

/** Memory pool limits in bytes (trtexec's `--memPoolSize`, which takes MiB). */
export interface MemoryPoolLimits {
  /** Scratch memory tactics may use. Defaults to TensorRT's own limit (the device memory). */
  workspace?: number;
  /** DLA on-chip SRAM (Jetson DLA only). */
  dlaSRAM?: number;
  /** DLA local DRAM (Jetson DLA only). */
  dlaLocalDRAM?: number;
  /** DLA global DRAM (Jetson DLA only). */
  dlaGlobalDRAM?: number;
  /** Shared memory per block tactics may use. */
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
  /** See {@link BuildOptions.fp16}. */
  fp16: boolean;
  /** See {@link BuildOptions.sparsity}; `true` has become `'enable'`. */
  sparsity: SparsityMode;
  /** Parsed {@link BuildOptions.inputIOFormats}, one spec per input; empty for the model's own types. */
  inputIOFormats: IOFormatSpec[];
  /** Parsed {@link BuildOptions.outputIOFormats}, one spec per output; empty for the model's own types. */
  outputIOFormats: IOFormatSpec[];
  /** See {@link BuildOptions.shapes}; empty for static models. */
  shapes: Record<string, ShapeRange>;
  /** {@link BuildOptions.memPoolSize} converted to bytes. */
  memPoolSize: MemoryPoolLimits;
  /** See {@link BuildOptions.builderOptimizationLevel}. */
  builderOptimizationLevel: number;
  /** Sources to enable (`+`) and disable (`-`), by name. */
  tacticSources: {
    /** Sources turned on (`+NAME`). */
    enable: TacticSourceName[];
    /** Sources turned off (`-NAME`). */
    disable: TacticSourceName[];
  };
  /** Path of the timing cache file, when one was given as a path. */
  timingCachePath?: string;
  /** Whether timing-cache bytes were given. */
  timingCacheProvided: boolean;
  /** See {@link BuildOptions.profilingVerbosity}. */
  profilingVerbosity: ProfilingVerbosity;
  /** See {@link BuildOptions.device}. */
  device: number;
  /** See {@link BuildOptions.avgTiming}. */
  avgTiming: number;
  /** See {@link BuildOptions.recordTactics}. */
  recordTactics: boolean;
  /** After a TensorRT build, time every layer into `report.layerTimes` ({@link BuildOptions.profileLayers}). */
  profileLayers: boolean;
  /** True when {@link BuildOptions.replayTactics} was given. */
  replay: boolean;
  /** See {@link BuildOptions.errorOnTimingCacheMiss}. */
  errorOnTimingCacheMiss: boolean;
  /** The backend asked for (see {@link BuildReport.backend} for the one that ran). */
  backend: 'auto' | BackendKind;
  /** See {@link BuildOptions.mockDevice}. */
  mockDevice: string;
}

/** Element type names used in tensor descriptions. */
export type DataTypeName = 'float32' | 'float16' | 'bfloat16' | 'int8' | 'int32' | 'int64' | 'uint8' | 'bool' | 'fp8' | 'int4' | 'unknown';

/** A tensor as seen by one engine layer. */
export interface LayerTensor {
  /** Tensor name in the engine (TensorRT may rename tensors it fuses or reformats). */
  name: string;
  /** `Device` or `Host`. */
  location?: string;
  /** Dimensions; -1 for dynamic ones. */
  dimensions: number[];
  /** TensorRT's own text, e.g. `Channel major FP16 format where channel % 16 == 0`. */
  formatText: string;
  /** Element type. */
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
  /** Layer name as the engine inspector reports it (fused layers join ONNX names with ` + `). */
  name: string;
  /** Inspector `LayerType`, e.g. `CaskConvolution`, `Reformat`, `NoOp`, `Myelin`. */
  layerType: string;
  /** Inspector `ParameterType`, e.g. `Convolution`, `Reformat`, `ElementWise`. */
  parameterType?: string;
  /** ONNX node names fused into this layer (from `Metadata` or the ` + `-joined name). */
  onnxNodes: string[];
  /** Tensors the layer reads. */
  inputs: LayerTensor[];
  /** Tensors the layer writes. */
  outputs: LayerTensor[];
  /** Kernel or tactic name the builder chose, when the inspector reports one. */
  tacticName?: string;
  /** Tactic id as hex (`0x...`), when the inspector reports one. */
  tacticValue?: string;
  /** True for reformat copies TensorRT inserted between layers or at the IO. */
  isReformat: boolean;
  /** Main compute precision, derived from the tensors and tactic name. */
  precision: DataTypeName | 'mixed';
  /** Convolution parameters, for convolution layers with `detailed` profiling verbosity. */
  convolution?: {
    /** Kernel size per spatial dimension. */
    kernel: number[];
    /** Stride per spatial dimension. */
    stride: number[];
    /** Padding before each spatial dimension. */
    prePadding: number[];
    /** Padding after each spatial dimension. */
    postPadding: number[];
    /** Dilation per spatial dimension. */
    dilation: number[];
    /** Convolution groups (1 for a plain convolution). */
    groups: number;
    /** Output channels. */
    outMaps: number;
    /** The weights as the engine stores them. */
    weights?: {
      /** Element type in the inspector's spelling, e.g. `Half`. */
      type: string;
      /** Number of elements. */
      count: number;
    };
    /** The bias as the engine stores it. */
    bias?: {
      /** Element type in the inspector's spelling, e.g. `Half`. */
      type: string;
      /** Number of elements. */
      count: number;
    };
    /** Whether the engine stores the weights in 2:4 sparse form. */
    hasSparseWeights: boolean;
    /** Whether a residual (elementwise) addition is fused into the layer. */
    hasResidual: boolean;
    /** Activation fused into the layer, in the inspector's spelling. */
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
  /** The tactic the builder picked, when known. */
  chosen?: TacticCandidate;
  /** Every tactic that was timed (or estimated), in the order they were timed. */
  candidates: TacticCandidate[];
  /** Where this record came from. */
  source: 'algorithm-selector' | 'editable-timing-cache' | 'verbose-log' | 'mock';
  /** Editable timing cache key (`0x` + 32 hex digits), when known. */
  cacheKey?: string;
}

/** The builder's sparsity lists ("Layers eligible for sparse math" / "picked sparse implementation"). */
export interface SparsitySummary {
  /** Layers the builder found eligible for 2:4 sparse math. */
  eligible: string[];
  /** Layers whose chosen tactic is a sparse implementation. */
  picked: string[];
}

/** A line from the TensorRT (or mock) logger. */
export interface LogLine {
  /** TensorRT's ILogger severity. */
  severity: 'internal_error' | 'error' | 'warning' | 'info' | 'verbose';
  /** The message text, unmodified. */
  message: string;
}

/** GPU clocks in MHz, where readable. */
export interface ClockInfo {
  /** Current SM clock. */
  smMHz?: number;
  /** Current memory clock. */
  memoryMHz?: number;
  /** Maximum SM clock. */
  maxSmMHz?: number;
  /** Maximum memory clock. */
  maxMemoryMHz?: number;
  /** Whether the application clocks appear locked (current == max under load is not proof; see notes). */
  locked?: boolean;
}

/** Jetson power-mode facts, when the machine is a Jetson. */
export interface JetsonInfo {
  /** Board model from the device tree, e.g. `NVIDIA Jetson AGX Orin`. */
  model?: string;
  /** Current `nvpmodel` power mode, when readable. */
  nvpmodelMode?: string;
  /** Whether `jetson_clocks` appears to have locked the clocks at their maximum. */
  clocksLocked?: boolean;
  /** The L4T release, what could not be read, and what the clock readings mean for timings. */
  notes: string[];
}

/** Where a report was produced. */
export interface EnvironmentInfo {
  /** The host: `os.platform()`, `os.arch()`, CPU count, Node.js version and hostname. */
  host: {
    /** `os.platform()`, e.g. `linux`. */
    platform: string;
    /** `os.arch()`, e.g. `x64`, `arm64`. */
    arch: string;
    /** Logical CPUs. */
    cpus: number;
    /** Node.js version. */
    node: string;
    /** `os.hostname()`. */
    hostname?: string;
  };
  /** The CUDA device the result is for; absent when none is known. */
  gpu?: {
    /** CUDA device index. */
    index: number;
    /** Device name, e.g. `NVIDIA H200`. */
    name: string;
    /** Compute capability, e.g. `9.0`. */
    computeCapability?: string;
    /** Streaming multiprocessors. */
    smCount?: number;
    /** Device memory in bytes. */
    memoryBytes?: number;
    /** Memory bus width in bits. */
    memoryBusWidthBits?: number;
    /** L2 cache size in bytes. */
    l2CacheBytes?: number;
    /** Clock readings, where readable. */
    clocks?: ClockInfo;
  };
  /** NVIDIA driver version, e.g. `550.54.15`. */
  driverVersion?: string;
  /** CUDA runtime version TensorRT uses, e.g. `12.4`. */
  cudaRuntimeVersion?: string;
  /** TensorRT runtime version, e.g. `10.6.0`. */
  tensorrtVersion?: string;
  /** Jetson power-mode facts, on Jetson boards only. */
  jetson?: JetsonInfo;
  /** The mock's device profile id, when the figures are estimates against a profile. */
  deviceProfile?: string;
}

/** Versions of the pieces that produced a report. */
export interface VersionInfo {
  /** This package's version. */
  tensorrtNode: string;
  /** Node.js version (`process.version`). */
  node: string;
  /** TensorRT runtime version; absent on the mock. */
  tensorrt?: string;
  /** ONNX parser version; absent on the mock. */
  onnxParser?: string;
  /** CUDA runtime version; absent on the mock. */
  cudaRuntime?: string;
  /** CUDA driver API version; absent on the mock. */
  cudaDriver?: string;
}

/** Summary of the ONNX model a build started from. */
export interface ModelSummary {
  /** The ONNX graph name. */
  name?: string;
  /** The ONNX `producer_name`, e.g. `pytorch`. */
  producer?: string;
  /** Default-domain opset version. */
  opset?: number;
  /** ONNX IR version. */
  irVersion?: number;
  /** Nodes in the main graph. */
  nodeCount: number;
  /** Graph inputs; symbolic dimensions stay strings. */
  inputs: {
    /** Tensor name. */
    name: string;
    /** Element type. */
    dataType: DataTypeName;
    /** Dimensions; symbolic ones (`batch`) stay strings. */
    shape: (number | string)[];
  }[];
  /** Graph outputs; symbolic dimensions stay strings. */
  outputs: {
    /** Tensor name. */
    name: string;
    /** Element type. */
    dataType: DataTypeName;
    /** Dimensions; symbolic ones (`batch`) stay strings. */
    shape: (number | string)[];
  }[];
}

/** Per-layer estimate from the mock's cost model. Every field is an estimate. */
export interface LayerEstimate {
  /** Engine layer name, as in {@link BuildReport.layers}. */
  layer: string;
  /** Always `true`: these figures come from the cost model. */
  estimated: true;
  /** Floating-point operations of the layer (a multiply-add counts 2). */
  flops: number;
  /** Bytes the layer reads and writes in device memory. */
  bytes: number;
  /** Estimated time with dense kernels, ms. */
  denseTimeMs: number;
  /** Estimated time with 2:4 sparse kernels, ms, for layers eligible for sparsity. */
  sparseTimeMs?: number;
  /** Estimated time of the implementation the mock builder chose, ms. */
  chosenTimeMs: number;
  /** What limits the layer: arithmetic, memory bandwidth, or fixed launch overhead. */
  bound: 'compute' | 'memory' | 'overhead';
}

/** JSON report of a build. */
export interface BuildReport {
  /** Version of this report format. */
  schemaVersion: 1;
  /** The backend that built the engine. */
  backend: BackendKind;
  /** True when any figure in this report is an estimate (always true for the mock backend). */
  estimated: boolean;
  /** When the build finished, ISO 8601. */
  createdAt: string;
  /** Versions of the pieces that built the engine. */
  versions: VersionInfo;
  /** The machine and GPU the engine was built on (or, on the mock, estimated for). */
  environment: EnvironmentInfo;
  /** The options after validation and defaulting. */
  options: ResolvedBuildOptions;
  /** The ONNX model the build started from. */
  model: ModelSummary;
  /** Wall time of the build on this host, ms. */
  buildTimeMs: number;
  /** Engine layers in execution order, from the engine inspector. */
  layers: LayerInfo[];
  /** Timed tactics per layer; empty unless {@link BuildOptions.recordTactics} is on. */
  tactics: LayerTactics[];
  /** Layers eligible for and picked for 2:4 sparse math. */
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
  layerTimes?: {
    /** Always true: these were timed on the GPU, never estimated. */
    measured: true;
    /** Profiled iterations (warm-up excluded). */
    iterations: number;
    /** Per-layer times, trtexec `--exportProfile` fields. */
    layers: LayerProfile[];
  };
  /** Logger lines of the build. */
  log: LogLine[];
  /** Problems worth reading, in plain words (e.g. an ignored option, a format TensorRT did not honour). */
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
  /** The builder optimization level TensorRT holds. */
  builderOptimizationLevel: number;
  /** The profiling verbosity TensorRT holds. */
  profilingVerbosity: ProfilingVerbosity | 'unknown';
  /** Average timing iterations TensorRT holds. */
  avgTiming: number;
  /** Optimization profiles added to the config. */
  optimizationProfiles: number;
}

/** Description of one engine IO tensor. */
export interface IOTensorInfo {
  /** Tensor name. */
  name: string;
  /** Whether the engine reads or writes it. */
  mode: 'input' | 'output';
  /** Element type the caller's buffer holds. */
  dataType: DataTypeName;
  /** Dimensions; -1 for dynamic ones. */
  shape: number[];
  /** Short format name, e.g. `chw`, `hwc8`. */
  format: TensorFormatName | 'unknown';
  /** TensorRT's own description of the format. */
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
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Arithmetic mean. */
  mean: number;
  /** Median (mean of the two middle values for an even count). */
  median: number;
  /** 90th percentile. */
  p90: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** Population standard deviation. */
  stdDev: number;
  /** Coefficient of variation in percent. */
  covPercent: number;
}

/** One iteration, trtexec `--exportTimes` record. */
export interface TimeRecord {
  /** Host time the enqueue started, ms, on the benchmark's clock (trtexec's `startEnqMs`). */
  startEnqMs: number;
  /** Host time the enqueue returned, ms. */
  endEnqMs: number;
  /** Start of the host-to-device copy, ms. */
  startH2dMs: number;
  /** End of the host-to-device copy, ms. */
  endH2dMs: number;
  /** Start of GPU compute, ms. */
  startComputeMs: number;
  /** End of GPU compute, ms. */
  endComputeMs: number;
  /** Start of the device-to-host copy, ms. */
  startD2hMs: number;
  /** End of the device-to-host copy, ms. */
  endD2hMs: number;
  /** Host-to-device copy time, ms (0 with {@link BenchmarkOptions.noDataTransfers}). */
  h2dMs: number;
  /** GPU compute time, ms. */
  computeMs: number;
  /** Device-to-host copy time, ms (0 with {@link BenchmarkOptions.noDataTransfers}). */
  d2hMs: number;
  /** Copy in, compute and copy out of this iteration, ms. */
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
  /** The backend that ran the benchmark. */
  backend: BackendKind;
  /** True when the figures come from a cost model rather than the GPU. */
  estimated: boolean;
  /** The machine and GPU the figures are for. */
  environment: EnvironmentInfo;
  /** The options after defaulting. */
  options: Required<Omit<BenchmarkOptions, 'shapes'>> & {
    /** Input shapes given for dynamic inputs, by input name (empty when none were given). */
    shapes: Record<string, number[]>;
  };
  /**
   * The timing mode in words, e.g. `transfers, no CUDA graph, blocking sync (trtexec 10 defaults)`, so that a
   * figure is never read without knowing whether copies and graphs were in it.
   */
  mode: string;
  /** Timed iterations (warm-up excluded). */
  iterations: number;
  /** Host wall time of the timed iterations, ms. */
  totalHostWalltimeMs: number;
  /** Sum of the iterations' GPU compute times, ms. */
  totalGpuComputeMs: number;
  /** Inferences per second. */
  throughput: number;
  /** GPU compute time per iteration. */
  gpuCompute: TimingStats;
  /** Latency per iteration: copy in, compute and copy out. */
  latency: TimingStats;
  /** Host time to enqueue one iteration. */
  enqueue: TimingStats;
  /** Host-to-device copy time per iteration. */
  h2d: TimingStats;
  /** Device-to-host copy time per iteration. */
  d2h: TimingStats;
  /** Things that make the figures less trustworthy, e.g. a coefficient of variation above {@link BenchmarkOptions.covThresholdPercent}. */
  warnings: string[];
  /** Every iteration's timestamps, with {@link BenchmarkOptions.exportTimes}. */
  times?: TimeRecord[];
}

/** One layer of a per-layer profile (trtexec `--exportProfile` fields). */
export interface LayerProfile {
  /** Engine layer name. */
  name: string;
  /** Total time of the layer over all profiled iterations, ms. */
  timeMs: number;
  /** Average time per iteration, ms. */
  averageMs: number;
  /** Median time per iteration, ms. */
  medianMs: number;
  /** Share of the total time of all layers, in percent. */
  percentage: number;
}

/** Result of `Engine.profile()`. */
export interface ProfileResult {
  /** The backend that ran the profile. */
  backend: BackendKind;
  /** True when the layer times come from a cost model rather than the GPU. */
  estimated: boolean;
  /** Profiled iterations (warm-up excluded). */
  iterations: number;
  /** Per-layer times, in execution order. */
  layers: LayerProfile[];
  /** The machine and GPU the figures are for. */
  environment: EnvironmentInfo;
}

/** What `backendInfo()` reports. */
export interface BackendInfo {
  /** The backend calls use when they ask for `'auto'`. */
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
  libraryLoading?: {
    /** Libraries next to libnvinfer that were opened before it. */
    preloaded: string[];
    /** Libraries libnvinfer asked for by name that were opened from its folder instead. */
    redirectedLoads: string[];
    /** What could not be preloaded or redirected. */
    warnings: string[];
  };
}

/** One classified reason the TensorRT backend could not be used. */
export interface BackendUnavailableReason {
  /** What kind of problem it is; each code has its own possible solutions. */
  code: 'NO_NATIVE_BUILD' | 'NO_LIBNVINFER' | 'NO_LIBCUDART' | 'NO_CUDA_DRIVER' | 'DRIVER_TOO_OLD' | 'NO_GPU' | 'VERSION_MISMATCH' | 'DISABLED' | 'LOAD_FAILED';
  /** What was tried and what failed, in plain words. */
  message: string;
  /** Candidate path or library that was tried, when relevant. */
  candidate?: string;
}
