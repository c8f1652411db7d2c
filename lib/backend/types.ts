/**
 * The interface every backend implements (TensorRT through the native addon, and the mock). Public classes
 * (Engine, Context) wrap these handles; nothing else touches backend objects.
 */
import type { OnnxModel } from '../onnx/model.js';
import type {
  BackendInfo,
  BackendKind,
  BenchmarkOptions,
  BenchmarkResult,
  BuildProgress,
  BuildReport,
  ContextOptions,
  EnvironmentInfo,
  InferOverhead,
  IOTensorInfo,
  LayerInfo,
  LayerTactics,
  ProfileResult,
  ResolvedBuildOptions,
  TensorData,
} from '../types/index.js';

/** Hooks and non-plain inputs passed to a build (the plain options are in ResolvedBuildOptions). */
export interface BuildHooks {
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
  /** Timing cache bytes to start from (read from `timingCache` when it was a path to an existing file). */
  timingCache?: Uint8Array;
  /** Per-layer tactics to pin (replay). */
  replayTactics?: LayerTactics[];
  /**
   * The model the bytes decode to, when the caller already decoded it: decoding a large ONNX file blocks the event
   * loop (about 4 ms per MB), so it is done once.
   */
  model?: OnnxModel;
}

/** What a backend build returns. */
export interface BackendBuildOutput {
  /** Serialized engine (a TensorRT plan, or the mock's own container). */
  plan: Uint8Array;
  /** The report, complete except for fields the public layer fills (none today). */
  report: BuildReport;
  /** Timing cache bytes after the build, when one was in use. */
  timingCache?: Uint8Array;
}

/** Inputs to `infer()`: tensor name to data, with an optional explicit shape for dynamic inputs. */
export type InferInputs = Record<string, TensorData | { data: TensorData; shape: number[] }>;

/** Outputs of `infer()`. */
export type InferOutputs = Record<string, { data: TensorData; shape: number[] }>;

/** infer()'s main-thread time by step, µs summed over `calls` (as the native addon keeps it). */
export interface InferStepTimes {
  calls: number;
  /** Calls whose wait went to a worker thread. */
  handedOff: number;
  readUs: number;
  launchUs: number;
  /** enqueueV3 alone, part of launchUs (addons that report it). */
  enqueueUs?: number;
  spinUs: number;
  outputsUs: number;
}

/** An execution context owned by an engine. */
export interface ContextHandle {
  infer(inputs: InferInputs): Promise<InferOutputs>;
  /**
   * A typed array of `bytes` bytes for input `tensor` (validated by the public layer: a linear-format input with a
   * full shape) that infer() takes without a host copy: page-locked staging memory on the TensorRT backend.
   */
  inputBuffer(tensor: IOTensorInfo, bytes: number): TensorData;
  /** infer()'s main-thread time by step since the last call (TensorRT backend), then reset. */
  inferSteps?(): InferStepTimes | undefined;
  dispose(): void;
}

/** What measureInferOverhead() times: a public context's infer() (its checks and conversions count too). */
export interface OverheadSubject {
  infer(inputs: InferInputs): Promise<unknown>;
  /** The context's input arrays over page-locked memory (`io: 'pinned'`). */
  inputBuffer(name: string, shape?: number[]): TensorData;
  spinWaitUs: number;
  io: 'copy' | 'pinned';
  /** The context's native step times (ContextHandle.inferSteps), when its backend keeps them. */
  inferSteps?: ContextHandle['inferSteps'];
}

/** A deserialized engine. */
export interface EngineHandle {
  readonly backend: BackendKind;
  /** Major version of the TensorRT runtime running it (benchmark defaults follow it); undefined on the mock. */
  readonly tensorrtMajor?: number;
  readonly io: IOTensorInfo[];
  serialize(): Uint8Array;
  /** Normalised inspector output. */
  inspect(): LayerInfo[];
  /** The inspector's JSON as TensorRT prints it (`--exportLayerInfo` shape). */
  inspectRaw(): Record<string, unknown>;
  createContext(options?: ContextOptions): ContextHandle;
  benchmark(options: BenchmarkOptions): Promise<BenchmarkResult>;
  profile(options: BenchmarkOptions): Promise<ProfileResult>;
  /** infer()'s host overhead over a raw C++ loop of the same GPU work; only backends on a real GPU have it. */
  measureInferOverhead?(iterations: number, subject: OverheadSubject): Promise<InferOverhead>;
  dispose(): void;
}

/** A backend. */
export interface Backend {
  readonly kind: BackendKind;
  info(): BackendInfo;
  environment(device: number): EnvironmentInfo;
  /** Builds an engine from ONNX bytes with already-validated options. */
  build(onnx: Uint8Array, options: ResolvedBuildOptions, hooks: BuildHooks): Promise<BackendBuildOutput>;
  /** Deserializes a plan; throws ERR_ENGINE_FORMAT / ERR_ENGINE_VERSION for bytes it cannot load. */
  deserialize(plan: Uint8Array, device: number): Promise<EngineHandle>;
  /** True when `plan` looks like this backend's format (cheap header check). */
  recognizes(plan: Uint8Array): boolean;
  /** Frees builders kept by `keepBuilder` builds; returns how many. Only the TensorRT backend keeps any. */
  releaseBuilders?(): number;
  /** Free and total device memory in bytes (cuMemGetInfo); only backends on a real GPU have it. */
  deviceMemory?(device: number): { freeBytes: number; totalBytes: number };
}
