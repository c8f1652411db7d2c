/** Build options (as given and as resolved), build progress and the JSON build report. */
import type { BackendKind, EnvironmentInfo, VersionInfo } from './environment.js';
import type { LayerEstimate, LayerInfo, LayerTactics, SparsitySummary } from './layers.js';
import type { DataTypeName, IODataType, TensorFormatName } from './tensors.js';
import type { LayerProfile } from './timing.js';

/** trtexec's `--sparsity`. `force` here means magnitude 2:4 pruning of the ONNX weights before the build. */
export type SparsityMode = 'disable' | 'enable' | 'force';

/** trtexec's `--profilingVerbosity`. */
export type ProfilingVerbosity = 'layer_names_only' | 'detailed' | 'none';

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

/** One phase of a TensorRT build job and its measured host time; see {@link BuildReport.buildPhases}. */
export interface BuildPhase {
  /** `cudaContext`, `builder`, `parse`, `configure`, `cacheFillBuild`, `engineBuild`, `outputs`, `inspect`, `release` or `environment`. */
  phase: string;
  /** Milliseconds on the build's worker thread. */
  ms: number;
}

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
   * layer times. Defaults to `true`; costs well under a second on small models, and `report.layerTimes.wallMs`
   * says what it cost. The mock's layer times are its estimates and are not affected.
   */
  profileLayers?: boolean;
  /** Replay: pin these per-layer tactics (from an earlier report's `tactics`). */
  replayTactics?: LayerTactics[];
  /** Fail when a timing-cache entry is missing (trtexec `--errorOnTimingCacheMiss`). Defaults to `false`. */
  errorOnTimingCacheMiss?: boolean;
  /**
   * TensorRT only: keep this device's builder after the build, so that later builds skip loading the builder
   * kernel library (seconds each; it holds about 1.3 GB of device memory on an H200 until {@link releaseBuilders}).
   * For scripts that build many variants (`tryVariants` uses it, and `trtn build`, whose process exits after its one
   * build). Defaults to `false`.
   */
  keepBuilder?: boolean;
  /** Which backend to use. `'auto'` picks TensorRT when it loads and the mock otherwise. Defaults to `'auto'`. */
  backend?: 'auto' | BackendKind;
  /** Device profile id the mock backend estimates against (see `deviceProfiles`). Defaults to `'h100-sxm'`. */
  mockDevice?: string;
  /** Cancels the build. */
  signal?: AbortSignal;
  /**
   * Called with build progress; never blocks the build. Every phase's start and end arrive; the steps of a phase
   * that TensorRT completes faster than the event loop takes them arrive as the newest step only. A callback that
   * throws surfaces as an uncaught exception, as from an event listener.
   */
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
  /** See {@link BuildOptions.keepBuilder}. */
  keepBuilder: boolean;
  /** The backend asked for (see {@link BuildReport.backend} for the one that ran). */
  backend: 'auto' | BackendKind;
  /** See {@link BuildOptions.mockDevice}. */
  mockDevice: string;
}

/** A line from the TensorRT (or mock) logger. */
export interface LogLine {
  /** TensorRT's ILogger severity. */
  severity: 'internal_error' | 'error' | 'warning' | 'info' | 'verbose';
  /** The message text, unmodified. */
  message: string;
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
   * TensorRT only: where the build job's time went on its worker thread, in order, each phase timed on the host's
   * steady clock: `cudaContext` (making the device's primary context current), `builder` (createInferBuilder, which
   * loads the builder kernel library: seconds, once per kept builder), `parse` (the ONNX parser), `configure` (the
   * builder config, timing cache, monitors), `cacheFillBuild` (only when replaying tactics needs a first build),
   * `engineBuild` (buildSerializedNetwork), `outputs` (the plan and cache copied out), `inspect` (the engine
   * inspector's JSON), `release` (destroying the builder, network, parser and config) and `environment` (NVML reads
   * for the report). {@link BuildReport.buildTimeMs} covers `builder` through `engineBuild`. Absent on the mock.
   */
  buildPhases?: BuildPhase[];
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
    /** What the profiling run added to buildEngine()'s wall time, ms (`profileLayers: false` saves it). */
    wallMs?: number;
  };
  /** Logger lines of the build. */
  log: LogLine[];
  /**
   * Problems worth reading, in plain words (e.g. an ignored option, a format TensorRT did not honour), then
   * TensorRT's own warnings and errors of the build once each, as `TensorRT: …` / `TensorRT error: …` (the first 20;
   * every line stays in {@link BuildReport.log}).
   */
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
