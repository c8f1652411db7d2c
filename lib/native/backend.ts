/**
 * The TensorRT backend: {@link Backend} over one `trtn_trt<major>.node` addon. Native code returns raw data
 * (plan bytes, inspector JSON, log lines, per-iteration timings); everything derived from it (statistics, layer
 * tables, tactic tables) is computed here with the same pure-TS code that analyses files from elsewhere.
 */
import os from 'node:os';
import { normalizeInspectorJson } from '../analysis/index.js';
import { readBuildLog, warmBuildLogReader } from '../analysis/parse/build-log.js';
import { inferLayerFormats } from '../analysis/parse/layer-formats.js';
import { TensorRTError } from '../errors.js';
import type { BackendAddon, NativeAlgorithmRecord, NativeBenchmarkOptions, NativeBuildOptions, NativeBuildResult, AddonEngine, NativeEnvironment, NativeInputs, NativeIOTensor, NativeOutputs, NativeTimingInputs } from './addon.js';
import { readOnnx } from '../onnx/codec.js';
import type { OnnxModel } from '../onnx/model.js';
import { looksLikeTensorRTPlan } from './plan.js';
import { summarizeModel } from '../onnx/costs.js';
import { aggregateLayerProfile, computeStats, describeTimingMode, dropWarmUp, summarizeIterations } from '../timing/index.js';
import type {
  BackendInfo,
  BenchmarkOptions,
  BenchmarkResult,
  BuildReport,
  ContextOptions,
  DataTypeName,
  EnvironmentInfo,
  InferOverhead,
  IOTensorInfo,
  LayerTactics,
  ModelSummary,
  ProfileResult,
  ResolvedBuildOptions,
  TensorData,
  TimeRecord,
} from '../types/index.js';
import { blockingEventsFor, DEFAULT_SPIN_WAIT_US } from '../options.js';
import { packageVersion } from '../version.js';
import type { Backend, BackendBuildOutput, BuildHooks, ContextHandle, EngineHandle, InferInputs, InferOutputs, OverheadSubject } from '../backend/types.js';
import { dataTypeFacts, type TensorDataConstructor } from '../tensors/facts.js';
import { fromPhysicalLayout, needsRelayout, toPhysicalLayout } from '../tensors/layout.js';
import { publishBuildStep, yieldToEventLoop } from '../event-loop.js';

/** What the loader hands to {@link createNativeBackend}. */
export interface LoadedNativeAddon {
  addon: BackendAddon;
  addonPath: string;
  /** The libnvinfer file the addon opened. */
  libraryPath: string;
  /** Runtime TensorRT version, e.g. `10.16.0`. */
  tensorrtVersion: string;
  /** How the addon made the folder alone enough (NativeLoadInfo's preloaded, redirectedLoads, preloadWarnings). */
  libraryLoading?: { preloaded: string[]; redirectedLoads: string[]; warnings: string[] };
}

function cudaVersionText(version: number | undefined): string | undefined {
  if (version === undefined) return undefined;
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

/**
 * The typed array for tensors of `dataType`, from the facts table. A type this package has no name for (a newer
 * TensorRT's, reported as `unknown`) travels as its raw bytes in a Uint8Array: a deliberate choice, so that such
 * outputs are still returned rather than lost.
 */
function typedArrayFor(dataType: DataTypeName, buffer: ArrayBuffer, byteLength = buffer.byteLength): TensorData {
  const TypedArray = dataTypeFacts(dataType)?.typedArray ?? Uint8Array;
  return new TypedArray(buffer, 0, Math.floor(byteLength / TypedArray.BYTES_PER_ELEMENT));
}

function toIOTensorInfo(tensor: NativeIOTensor): IOTensorInfo {
  return {
    name: tensor.name,
    mode: tensor.mode,
    dataType: tensor.dataType,
    shape: tensor.shape,
    format: tensor.format,
    formatText: tensor.formatText,
    componentsPerElement: tensor.componentsPerElement,
    vectorizedDim: tensor.vectorizedDim,
  };
}

/** Element count of `shape` with the vectorised dimension padded to whole vectors, as TensorRT lays it out. */
function paddedVolume(shape: number[], tensor: NativeIOTensor): number {
  return shape.reduce((product, extent, index) => {
    const padded = index === tensor.vectorizedDim && tensor.componentsPerElement > 1 ? Math.ceil(extent / tensor.componentsPerElement) * tensor.componentsPerElement : extent;
    return product * padded;
  }, 1);
}

/** What infer() checks of each IO tensor on every call, worked out once per context. */
interface TensorPlan {
  tensor: NativeIOTensor;
  /** The typed array the tensor's data must be. */
  expected: TensorDataConstructor | typeof Uint8Array;
  relayout: boolean;
}

function planTensors(io: NativeIOTensor[], mode: 'input' | 'output'): Map<string, TensorPlan> {
  const plans = new Map<string, TensorPlan>();
  for (const tensor of io) {
    if (tensor.mode !== mode) continue;
    plans.set(tensor.name, { tensor, expected: dataTypeFacts(tensor.dataType)?.typedArray ?? Uint8Array, relayout: needsRelayout(tensor.format) });
  }
  return plans;
}

/** The data of input `name` as the addon takes it (of the engine's element type, in its IO format's layout). */
function checkedInputData(name: string, plan: TensorPlan, data: unknown, shape: readonly number[]): TensorData {
  const { tensor, expected } = plan;
  // The addon copies bytes; an array of another element type would be read as garbage, so refuse it here.
  if (!ArrayBuffer.isView(data) || data.constructor !== expected) {
    const got = data === null || data === undefined ? String(data) : ((data as object).constructor?.name ?? typeof data);
    throw new TensorRTError('ERR_INPUT', `Input '${name}' is ${tensor.dataType}: pass a ${expected.name}${tensor.dataType === 'float16' ? ' of fp16 bits (or a Float32Array, converted for you)' : ''}, got ${got}.`, { input: name, expected: expected.name });
  }
  for (const extent of shape) {
    if (extent < 0) throw new TensorRTError('ERR_INPUT', `Input '${name}' has dynamic dimensions ${JSON.stringify(tensor.shape)}; pass { data, shape }.`);
  }
  // Callers always speak logical NCHW; vectorised IO formats (hwc8, chw16, …) are re-laid out here.
  return plan.relayout ? toPhysicalLayout(data as TensorData, shape as number[], tensor.format) : (data as TensorData);
}

function toNativeInputs(inputs: InferInputs, plans: Map<string, TensorPlan>): NativeInputs {
  const out: NativeInputs = {};
  let given = 0;
  for (const name in inputs) {
    if (!Object.hasOwn(inputs, name)) continue;
    const plan = plans.get(name);
    if (!plan) throw new TensorRTError('ERR_INPUT', `Unknown input '${name}'; the engine's inputs are: ${[...plans.keys()].join(', ')}.`);
    const value = inputs[name];
    const view = ArrayBuffer.isView(value);
    const shape = view ? plan.tensor.shape : value.shape;
    out[name] = { data: checkedInputData(name, plan, view ? value : value.data, shape), shape };
    given += 1;
  }
  if (given !== plans.size) {
    for (const name of plans.keys()) {
      if (!(name in out)) throw new TensorRTError('ERR_INPUT', `Missing input '${name}'.`);
    }
  }
  return out;
}

/**
 * infer() by position's inputs (the engine's shapes static): each input's data in the order of `names` / `plans`, with
 * the same checks as by name; undefined when an input is missing, given as `{ data, shape }`, or joined by a name the
 * engine lacks: infer() by name then says what is wrong or runs it. A new array each call: one kept across calls
 * would keep the caller's last inputs alive.
 */
function toPositionalInputs(inputs: InferInputs, names: readonly string[], plans: readonly TensorPlan[]): TensorData[] | undefined {
  const data: TensorData[] = new Array(names.length);
  for (let index = 0; index < names.length; index++) {
    const value = Object.hasOwn(inputs, names[index]) ? inputs[names[index]] : undefined;
    if (!ArrayBuffer.isView(value)) return undefined;
    data[index] = checkedInputData(names[index], plans[index], value, plans[index].tensor.shape);
  }
  let given = 0;
  for (const name in inputs) if (Object.hasOwn(inputs, name)) given += 1;
  return given === names.length ? data : undefined;
}

/**
 * Typed arrays over the addon's outputs. `views` keeps, per output, the last staging view a pinnedOutputs context
 * sent; an output without `data` lives in it.
 */
function fromNativeOutputs(outputs: NativeOutputs, plans: Map<string, TensorPlan>, views?: Map<string, ArrayBuffer>): InferOutputs {
  // Every view the addon sent is kept before anything is converted: a conversion that throws must not lose one (the
  // addon sends each view once).
  for (const name in outputs) if (outputs[name].data) views?.set(name, outputs[name].data!);
  const out: InferOutputs = {};
  for (const name in outputs) {
    const value = outputs[name];
    out[name] = outputOf(name, value.data ?? views?.get(name), value, plans.get(name));
  }
  return out;
}

/** One output as infer() returns it, from the buffer the addon sent (or the kept view), what it is, and its shape. */
function outputOf(name: string, buffer: ArrayBuffer | undefined, facts: OutputFacts, plan: TensorPlan | undefined, shape = facts.shape): InferOutputs[string] {
  // The addon sends a view whenever its buffer is new and records it only once the whole result is built.
  if (!buffer) throw new TensorRTError('ERR_INTERNAL', `The addon sent no buffer for output '${name}' and none is kept; this is a bug in tensorrt-node (please report it).`);
  const data = typedArrayFor(facts.dataType, buffer, facts.byteLength ?? buffer.byteLength);
  return { data: plan?.relayout ? fromPhysicalLayout(data, shape, plan.tensor.format) : data, shape };
}

/** What infer() by name says of an output besides its data (kept for the calls by position that follow). */
interface OutputFacts {
  dataType: NativeOutputs[string]['dataType'];
  byteLength?: number;
  shape: number[];
}

/** measureInferOverhead() times its calls in this many interleaved blocks of the raw loop and of infer(). */
const OVERHEAD_BLOCKS = 10;

/** What a feature of this package needs from a native addon built before it. */
function olderAddon(feature: string): TensorRTError {
  return new TensorRTError('ERR_UNSUPPORTED', `${feature} needs a native addon of this package's version; the one loaded predates it. Rebuild it with \`npm run build:native\` (or reinstall the package).`);
}

/** The shape and byte length of every input of a timing run (dynamic inputs need `shapes`). */
function timingInputs(io: NativeIOTensor[], shapes: Record<string, number[]>): { tensor: NativeIOTensor; shape: number[]; byteLength: number }[] {
  const out = [];
  for (const tensor of io) {
    if (tensor.mode !== 'input') continue;
    const shape = shapes[tensor.name] ?? tensor.shape;
    if (shape.some((extent) => extent < 0)) {
      throw new TensorRTError('ERR_INVALID_OPTION', `Input '${tensor.name}' is dynamic (${JSON.stringify(tensor.shape)}); give its shape in \`shapes\`.`);
    }
    const facts = dataTypeFacts(tensor.dataType);
    if (!facts) {
      // No size to guess: bytes of a type nobody can name would time nothing meaningful.
      throw new TensorRTError('ERR_UNSUPPORTED', `Input '${tensor.name}' has a data type this package cannot name (${tensor.dataType}), so timing runs cannot fill it.`, { input: tensor.name });
    }
    out.push({ tensor, shape, byteLength: Math.ceil(paddedVolume(shape, tensor) * facts.bytes) });
  }
  return out;
}

/** Synthetic input bytes: float32 inputs uniform in [0, 1) (xorshift32, fixed seed), others zero bytes. */
function syntheticData(io: NativeIOTensor[], shapes: Record<string, number[]>): NativeInputs {
  const out: NativeInputs = {};
  for (const { tensor, shape, byteLength } of timingInputs(io, shapes)) {
    const bytes = new Uint8Array(byteLength);
    if (tensor.dataType === 'float32') {
      // Integer-only, so V8 keeps it in registers (the former LCG overflowed to doubles: 1 s per 33M values).
      let state = 2463534242;
      const floats = new Float32Array(bytes.buffer, 0, byteLength >>> 2);
      for (let index = 0; index < floats.length; index++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        floats[index] = (state >>> 8) / 16777216;
      }
    }
    out[tensor.name] = { data: bytes, shape };
  }
  return out;
}

/**
 * Inputs of a benchmark or profile run. With an addon that fills them itself (capabilities.syntheticInputs) only their
 * sizes cross: a 132 MB input is filled on the worker thread, not on the event loop.
 */
function timingRunInputs(io: NativeIOTensor[], shapes: Record<string, number[]>, filledNatively: boolean): NativeTimingInputs {
  if (!filledNatively) return syntheticData(io, shapes);
  const out: NativeTimingInputs = {};
  for (const { tensor, shape, byteLength } of timingInputs(io, shapes)) {
    out[tensor.name] = { synthetic: tensor.dataType === 'float32' ? 'uniform' : 'zeros', byteLength, shape };
  }
  return out;
}

/** Groups algorithm-selector records into per-layer tactics (<= 10). */
export function tacticsFromAlgorithms(records: readonly NativeAlgorithmRecord[]): LayerTactics[] {
  const byLayer = new Map<string, LayerTactics>();
  const formats = (record: NativeAlgorithmRecord) =>
    [...record.inputs, ...record.outputs].map((io) => `${io.dataType}${io.componentsPerElement > 1 ? `x${io.componentsPerElement}@${io.vectorizedDim}` : ''}`).join(',');
  for (const record of records) {
    let entry = byLayer.get(record.layer);
    if (!entry) byLayer.set(record.layer, (entry = { layer: record.layer, candidates: [], source: 'algorithm-selector' }));
    const candidate = { tactic: record.tactic, implementation: record.implementation, timeMs: record.timeMs, formats: formats(record) };
    if (record.chosen) entry.chosen = candidate;
    else entry.candidates.push(candidate);
  }
  return [...byLayer.values()];
}

class NativeContextHandle implements ContextHandle {
  readonly #context: ReturnType<AddonEngine['createContext']>;
  readonly #inputs: Map<string, TensorPlan>;
  readonly #outputs: Map<string, TensorPlan>;
  readonly #spinWaitUs: number;
  // Pinned-output contexts: the staging view of each output the addon last sent (it sends one only when it changes).
  readonly #views: Map<string, ArrayBuffer> | undefined;
  /**
   * infer() by position (an addon with capabilities.positionalInfer, an engine whose every IO shape is static): the
   * input and output names in a fixed order, one frozen array each (the addon recognises them by identity and decodes
   * them once), their plans in the same order, and each output's type, byte length and shape from the first call by
   * name. Per call only typed arrays cross, and only changed views come back (see docs/native.md).
   */
  readonly #byPosition:
    | { inputNames: readonly string[]; inputPlans: TensorPlan[]; outputNames: readonly string[]; outputPlans: TensorPlan[]; outputs?: OutputFacts[] }
    | undefined;

  constructor(context: ReturnType<AddonEngine['createContext']>, io: NativeIOTensor[], spinWaitUs: number, pinnedOutputs = false, byPosition = false) {
    this.#context = context;
    this.#inputs = planTensors(io, 'input');
    this.#outputs = planTensors(io, 'output');
    this.#spinWaitUs = spinWaitUs;
    this.#views = pinnedOutputs ? new Map() : undefined;
    const isStatic = io.every((tensor) => tensor.shape.every((extent) => extent >= 0));
    this.#byPosition =
      byPosition && isStatic
        ? { inputNames: Object.freeze([...this.#inputs.keys()]), inputPlans: [...this.#inputs.values()], outputNames: Object.freeze([...this.#outputs.keys()]), outputPlans: [...this.#outputs.values()] }
        : undefined;
  }

  async infer(inputs: InferInputs): Promise<InferOutputs> {
    const byPosition = this.#byPosition;
    if (byPosition?.outputs) {
      const data = toPositionalInputs(inputs, byPosition.inputNames, byPosition.inputPlans);
      if (data) {
        const buffers = await this.#context.infer(data, this.#spinWaitUs, byPosition.inputNames, byPosition.outputNames);
        return this.#fromPositionalOutputs(buffers, byPosition.outputNames, byPosition.outputPlans, byPosition.outputs);
      }
    }
    const outputs = await this.#context.infer(toNativeInputs(inputs, this.#inputs), this.#spinWaitUs);
    const result = fromNativeOutputs(outputs, this.#outputs, this.#views);
    // The first call by name binds the shapes (static: for good) and says what each output is.
    if (byPosition && !byPosition.outputs && byPosition.outputNames.every((name) => outputs[name])) {
      byPosition.outputs = byPosition.outputNames.map((name) => ({ dataType: outputs[name].dataType, byteLength: outputs[name].byteLength, shape: [...outputs[name].shape] }));
    }
    return result;
  }

  #fromPositionalOutputs(buffers: (ArrayBuffer | undefined)[], names: readonly string[], plans: readonly TensorPlan[], facts: readonly OutputFacts[]): InferOutputs {
    const views = this.#views;
    // Every view the addon sent is kept before anything is converted (as fromNativeOutputs does).
    if (views) for (let index = 0; index < names.length; index++) if (buffers[index]) views.set(names[index], buffers[index]!);
    const out: InferOutputs = {};
    for (let index = 0; index < names.length; index++) {
      // A fresh shape array per call, as by name: a caller may change the one it got.
      out[names[index]] = outputOf(names[index], buffers[index] ?? views?.get(names[index]), facts[index], plans[index], facts[index].shape.slice());
    }
    return out;
  }

  inputBuffer(tensor: IOTensorInfo, bytes: number): TensorData {
    if (!this.#context.hostBuffer) throw olderAddon('inputBuffer()');
    return typedArrayFor(tensor.dataType, this.#context.hostBuffer(tensor.name, bytes));
  }

  inferSteps() {
    return this.#context.inferSteps?.();
  }

  dispose(): void {
    this.#context.dispose();
  }
}

class NativeEngineHandle implements EngineHandle {
  readonly backend = 'tensorrt' as const;
  readonly io: IOTensorInfo[];
  readonly tensorrtMajor: number | undefined;
  readonly #engine: AddonEngine;
  readonly #plan: Uint8Array;
  readonly #nativeIo: NativeIOTensor[];
  readonly #environment: (native?: NativeEnvironment) => EnvironmentInfo;
  readonly #nativeTimingInputs: boolean;
  /** The addon takes infer() by position (capabilities.positionalInfer). */
  readonly #byPosition: boolean;

  /** `environment(native?)`: the run's environment, from what its worker gathered when given. */
  constructor(engine: AddonEngine, plan: Uint8Array, environment: (native?: NativeEnvironment) => EnvironmentInfo, tensorrtVersion?: string, nativeTimingInputs = false, byPosition = false) {
    this.tensorrtMajor = tensorrtVersion ? Number.parseInt(tensorrtVersion, 10) : undefined;
    this.#nativeTimingInputs = nativeTimingInputs;
    this.#byPosition = byPosition;
    this.#engine = engine;
    this.#plan = plan;
    this.#nativeIo = engine.io();
    this.io = this.#nativeIo.map(toIOTensorInfo);
    this.#environment = environment;
  }

  serialize(): Uint8Array {
    return this.#plan;
  }

  inspectRaw(): Record<string, unknown> {
    const text = this.#engine.inspect();
    if (!text) return {};
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new TensorRTError('ERR_INTERNAL', `TensorRT's engine inspector returned text that is not JSON: ${(error as Error).message}.`);
    }
  }

  inspect() {
    return normalizeInspectorJson(this.inspectRaw());
  }

  createContext(options: ContextOptions = {}): ContextHandle {
    const pinnedOutputs = options.outputBuffers === 'pinned';
    const context = this.#engine.createContext({ pinnedOutputs });
    if (pinnedOutputs && !context.hostBuffer) {
      // An addon from before pinned outputs would copy them silently.
      context.dispose();
      throw olderAddon("createContext({ outputBuffers: 'pinned' })");
    }
    return new NativeContextHandle(context, this.#nativeIo, options.spinWaitUs ?? DEFAULT_SPIN_WAIT_US, pinnedOutputs, this.#byPosition);
  }

  /** `subject` is a public context (so its checks and conversions are timed too); the raw loop runs on a context of its own. */
  async measureInferOverhead(iterations: number, subject: OverheadSubject): Promise<InferOverhead> {
    const native = this.#engine.createContext();
    try {
      const raw = syntheticData(this.#nativeIo, {});
      // The same bytes as public typed arrays in logical order, as a caller would pass them: their own arrays, or
      // (io 'pinned') the context's inputBuffer() arrays filled once.
      const inputs: InferInputs = {};
      let copiedBytesPerCall = 0;
      for (const tensor of this.#nativeIo) {
        if (tensor.mode === 'output') {
          copiedBytesPerCall += subject.io === 'pinned' ? 0 : paddedVolume(tensor.shape, tensor) * (dataTypeFacts(tensor.dataType)?.bytes ?? 0);
          continue;
        }
        const bytes = raw[tensor.name].data as Uint8Array;
        const typed = typedArrayFor(tensor.dataType, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        const logical = fromPhysicalLayout(typed, raw[tensor.name].shape, tensor.format);
        if (subject.io === 'pinned') {
          const pinned = subject.inputBuffer(tensor.name, raw[tensor.name].shape);
          (pinned as Uint8Array).set(logical as Uint8Array);
          inputs[tensor.name] = { data: pinned, shape: raw[tensor.name].shape };
        } else {
          inputs[tensor.name] = { data: logical, shape: raw[tensor.name].shape };
          copiedBytesPerCall += bytes.byteLength;
        }
      }
      const warmUp = Math.min(50, iterations);
      await native.measureRaw(warmUp, raw);
      for (let index = 0; index < warmUp; index++) await subject.infer(inputs);
      subject.inferSteps?.();
      // Blocks of the raw loop and of infer() calls, interleaved (the order alternating per pair), so that both see
      // the same host: a box whose speed drifts or hiccups moves one pair, not the whole comparison.
      const blocks = Math.min(OVERHEAD_BLOCKS, iterations);
      const pairs: { rawUs: number; inferUs: number }[] = [];
      let rawTotalUs = 0;
      let inferTotalUs = 0;
      let rawSteps: { uploadUs: number; enqueueUs: number; downloadUs: number; syncUs: number } | undefined;
      for (let block = 0; block < blocks; block++) {
        const count = Math.floor(((block + 1) * iterations) / blocks) - Math.floor((block * iterations) / blocks);
        const timeRaw = async () => {
          const measured = await native.measureRaw(count, raw);
          if (measured.syncUs !== undefined) {
            rawSteps ??= { uploadUs: 0, enqueueUs: 0, downloadUs: 0, syncUs: 0 };
            rawSteps.uploadUs += (measured.uploadUs ?? 0) * count;
            rawSteps.enqueueUs += (measured.enqueueUs ?? 0) * count;
            rawSteps.downloadUs += (measured.downloadUs ?? 0) * count;
            rawSteps.syncUs += measured.syncUs * count;
          }
          return measured.perIterationUs;
        };
        const timeInfer = async () => {
          const started = process.hrtime.bigint();
          for (let index = 0; index < count; index++) await subject.infer(inputs);
          return Number(process.hrtime.bigint() - started) / 1000 / count;
        };
        let rawUs: number;
        let inferUs: number;
        if (block % 2 === 0) {
          rawUs = await timeRaw();
          inferUs = await timeInfer();
        } else {
          inferUs = await timeInfer();
          rawUs = await timeRaw();
        }
        pairs.push({ rawUs, inferUs });
        rawTotalUs += rawUs * count;
        inferTotalUs += inferUs * count;
      }
      const steps = subject.inferSteps?.();
      const inferMeanUs = inferTotalUs / iterations;
      const perCall = (total: number) => total / iterations;
      const mainThread = steps && steps.calls === iterations
        ? {
            readUs: perCall(steps.readUs),
            launchUs: perCall(steps.launchUs),
            ...(steps.enqueueUs !== undefined ? { enqueueUs: perCall(steps.enqueueUs) } : {}),
            spinUs: perCall(steps.spinUs),
            outputsUs: perCall(steps.outputsUs),
            outsideUs: inferMeanUs - perCall(steps.readUs + steps.launchUs + steps.spinUs + steps.outputsUs),
            handedOffCalls: steps.handedOff,
          }
        : undefined;
      return {
        estimated: false,
        iterations,
        blocks,
        rawUs: computeStats(pairs.map((pair) => pair.rawUs)).median,
        inferUs: computeStats(pairs.map((pair) => pair.inferUs)).median,
        overheadUs: computeStats(pairs.map((pair) => pair.inferUs - pair.rawUs)).median,
        overheadMeanUs: inferMeanUs - rawTotalUs / iterations,
        spinWaitUs: subject.spinWaitUs,
        io: subject.io,
        copiedBytesPerCall,
        ...(mainThread ? { mainThread } : {}),
        ...(rawSteps
          ? { rawSteps: { uploadUs: perCall(rawSteps.uploadUs), enqueueUs: perCall(rawSteps.enqueueUs), downloadUs: perCall(rawSteps.downloadUs), syncUs: perCall(rawSteps.syncUs) } }
          : {}),
      };
    } finally {
      native.dispose();
    }
  }

  #nativeOptions(options: BenchmarkOptions): NativeBenchmarkOptions {
    return {
      iterations: options.iterations ?? 10,
      duration: options.duration ?? 3,
      warmUp: options.warmUp ?? 200,
      useCudaGraph: options.useCudaGraph ?? false,
      useSpinWait: options.useSpinWait ?? false,
      noDataTransfers: options.noDataTransfers ?? false,
      blockingEvents: blockingEventsFor(options.blockingEvents, options.useCudaGraph ?? false),
    };
  }

  /**
   * A timing run's own context, options and inputs. With an addon that says syntheticInputs the context is created
   * by the run on its worker (lazy) and freed there (releaseAfter), and the inputs are filled there too.
   */
  #timingRun(native: NativeBenchmarkOptions, shapes: Record<string, number[]>) {
    const onWorker = this.#nativeTimingInputs;
    const inputs = timingRunInputs(this.#nativeIo, shapes, onWorker);
    const context = this.#engine.createContext(onWorker ? { lazy: true } : undefined);
    return { context, options: onWorker ? { ...native, releaseAfter: true } : native, inputs };
  }

  async benchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
    const native = this.#nativeOptions(options);
    const shapes = options.shapes ?? {};
    const run = this.#timingRun(native, shapes);
    const context = run.context;
    try {
      const raw = await context.benchmark(run.options, run.inputs);
      const keptRaw = dropWarmUp(raw.records, native.warmUp);
      // Host-clock span of the kept inferences (trtexec's "Total Host Walltime"), when the addon reports it.
      const first = keptRaw[0];
      const last = keptRaw[keptRaw.length - 1];
      const keptHostWalltimeMs = first && last?.hostDoneMs !== undefined ? last.hostDoneMs - first.startEnqMs : undefined;
      const kept: TimeRecord[] = keptRaw.map(({ hostDoneMs: _hostDoneMs, ...record }) => record);
      // When the loop saw each kept inference done (host clock) after its last event's GPU time, both from the loop's
      // origin: their offset is constant within a run, so the spread above the minimum is the loop's wake-up latency.
      const seen = keptRaw.flatMap((record) => (record.hostDoneMs !== undefined ? [record.hostDoneMs - record.endD2hMs] : []));
      const hostSteps = raw.hostSteps && seen.length > 0 ? { ...raw.hostSteps, doneSeenAfterMs: computeStats(seen) } : raw.hostSteps;
      if (kept.length === 0) {
        throw new TensorRTError('ERR_INFERENCE', `No iteration finished after the ${native.warmUp} ms warm-up; lower warmUp or raise duration.`);
      }
      const covThresholdPercent = options.covThresholdPercent ?? 2.5;
      const summary = summarizeIterations(kept, { covThresholdPercent, useCudaGraph: raw.usedCudaGraph, useSpinWait: native.useSpinWait, noDataTransfers: native.noDataTransfers });
      return {
        backend: 'tensorrt',
        estimated: false,
        environment: this.#environment(raw.environment),
        options: { ...native, exportTimes: options.exportTimes ?? false, covThresholdPercent, shapes },
        mode: describeTimingMode(native, this.tensorrtMajor),
        iterations: kept.length,
        totalHostWalltimeMs: keptHostWalltimeMs ?? raw.totalHostWalltimeMs,
        totalGpuComputeMs: summary.totalGpuComputeMs,
        throughput: summary.throughput,
        gpuCompute: summary.gpuCompute,
        latency: summary.latency,
        enqueue: summary.enqueue,
        h2d: summary.h2d,
        d2h: summary.d2h,
        warnings: [...raw.warnings, ...summary.warnings],
        times: options.exportTimes ? kept : undefined,
        ...(hostSteps ? { hostSteps } : {}),
      };
    } finally {
      context.dispose();
    }
  }

  async profile(options: BenchmarkOptions): Promise<ProfileResult> {
    const native = this.#nativeOptions(options);
    const run = this.#timingRun(native, options.shapes ?? {});
    const context = run.context;
    try {
      const raw = await context.profile(run.options, run.inputs);
      return {
        backend: 'tensorrt',
        estimated: false,
        iterations: raw.iterations.length,
        layers: aggregateLayerProfile(raw.iterations),
        environment: this.#environment(raw.environment),
      };
    } finally {
      context.dispose();
    }
  }

  dispose(): void {
    this.#engine.dispose();
  }
}

/** At most this many of TensorRT's own warnings go into a report's warnings; the rest stay in report.log. */
const TENSORRT_WARNINGS_KEPT = 20;

/**
 * TensorRT's own warnings and errors of a build that succeeded (what trtexec prints as `[W] [TRT] …` and
 * `[E] [TRT] …`), once each and in order, as report warnings: `TensorRT: <message>` (`TensorRT error: …` for errors).
 * Without them the CLI said nothing of, e.g., subnormal FP16 weights that trtexec warns of on the same model.
 */
export function tensorrtWarningsOf(log: NativeBuildResult['log']): string[] {
  const kept: string[] = [];
  const seen = new Set<string>();
  for (const line of log) {
    if (line.severity !== 'warning' && line.severity !== 'error' && line.severity !== 'internal_error') continue;
    const text = `${line.severity === 'warning' ? 'TensorRT' : 'TensorRT error'}: ${line.message.trim()}`;
    if (seen.has(text)) continue;
    seen.add(text);
    kept.push(text);
  }
  if (kept.length <= TENSORRT_WARNINGS_KEPT) return kept;
  return [...kept.slice(0, TENSORRT_WARNINGS_KEPT), `TensorRT: ${kept.length - TENSORRT_WARNINGS_KEPT} more warnings and errors of TensorRT's in report.log.`];
}

function modelSummary(onnx: Uint8Array, decoded?: OnnxModel): ModelSummary {
  const { name, producer, opset, irVersion, nodeCount, inputs, outputs } = summarizeModel(decoded ?? readOnnx(onnx));
  return { name, producer, opset, irVersion, nodeCount, inputs, outputs };
}

/** Creates the TensorRT backend over a loaded addon (see lib/native/loader.ts). */
export function createNativeBackend(loaded: LoadedNativeAddon): Backend {
  const { addon } = loaded;
  const capabilities = addon.capabilities;

  const environment = (device: number, native = addon.environment(device)): EnvironmentInfo => {
    const gpu = native.gpu;
    return {
      host: { platform: process.platform, arch: process.arch, cpus: os.cpus().length, node: process.version, hostname: os.hostname() },
      gpu: gpu && {
        index: gpu.index,
        name: gpu.name ?? 'unknown',
        computeCapability: gpu.computeCapability,
        smCount: gpu.smCount,
        memoryBytes: gpu.memoryBytes,
        memoryBusWidthBits: gpu.memoryBusWidthBits,
        l2CacheBytes: gpu.l2CacheBytes,
        clocks: {
          smMHz: gpu.clocks?.smMHz,
          memoryMHz: gpu.clocks?.memoryMHz,
          maxSmMHz: gpu.clocks?.maxSmMHz ?? (gpu.maxSmClockKHz !== undefined ? gpu.maxSmClockKHz / 1000 : undefined),
          maxMemoryMHz: gpu.clocks?.maxMemoryMHz ?? (gpu.maxMemoryClockKHz !== undefined ? gpu.maxMemoryClockKHz / 1000 : undefined),
        },
      },
      tensorrtVersion: native.tensorrtVersion,
    };
  };

  const info = (): BackendInfo => ({
    active: 'tensorrt',
    tensorrtAvailable: true,
    reasons: [],
    possibleSolutions: [],
    tensorrtVersion: loaded.tensorrtVersion,
    nativeAddonPath: loaded.addonPath,
    backendLibraryPath: loaded.libraryPath,
    ...(loaded.libraryLoading ? { libraryLoading: loaded.libraryLoading } : {}),
  });

  const build = async (onnx: Uint8Array, options: ResolvedBuildOptions, hooks: BuildHooks): Promise<BackendBuildOutput> => {
    if (hooks.signal?.aborted) throw new TensorRTError('ERR_ABORTED', 'The build was cancelled before it started.');
    // On 11 the public layer already converted the model to FP16 and IO types come from the model.
    const typed = capabilities.precisionFlags;
    const ioFormats = (specs: ResolvedBuildOptions['inputIOFormats']) => specs.map((spec) => ({ dataType: typed ? spec.dataType : undefined, formats: spec.formats }));
    const replay = (hooks.replayTactics ?? [])
      .filter((layer) => layer.chosen)
      .map((layer) => ({ layer: layer.layer, cacheKey: layer.cacheKey, tactic: layer.chosen!.tactic, implementation: layer.chosen!.implementation, timeMs: layer.chosen!.timeMs ?? 0 }));
    const nativeOptions: NativeBuildOptions = {
      device: options.device,
      fp16: typed && options.fp16,
      sparsity: options.sparsity,
      inputIOFormats: ioFormats(options.inputIOFormats),
      outputIOFormats: ioFormats(options.outputIOFormats),
      shapes: options.shapes,
      memPoolSize: Object.fromEntries(Object.entries(options.memPoolSize).filter(([, bytes]) => typeof bytes === 'number')) as Record<string, number>,
      builderOptimizationLevel: options.builderOptimizationLevel,
      tacticSources: options.tacticSources,
      timingCache: hooks.timingCache,
      profilingVerbosity: options.profilingVerbosity,
      avgTiming: options.avgTiming,
      recordTactics: options.recordTactics,
      errorOnTimingCacheMiss: options.errorOnTimingCacheMiss,
      keepBuilder: options.keepBuilder,
      replay,
    };
    const job = addon.startBuild(onnx, nativeOptions, hooks.onProgress && ((event) => {
      hooks.onProgress?.({ phase: event.phase, parent: event.parent, step: event.step, steps: event.steps, depth: event.depth });
    }));
    // While TensorRT builds on its worker, the idle main thread compiles the log reader's patterns, so that the
    // report's first read of a log costs the event loop a fraction of a millisecond, not milliseconds.
    warmBuildLogReader().catch(() => undefined);
    const onAbort = () => job.cancel();
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    let result;
    try {
      result = await job.promise;
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
    }
    publishBuildStep('native build done');
    // The result's conversion was one task on the event loop already; the report is built in steps with turns of
    // the event loop between them (the first, cold run of this code took milliseconds).
    await yieldToEventLoop();
    const logText = result.log.map((line) => line.message);
    const warnings = [...result.warnings, ...tensorrtWarningsOf(result.log)];
    // The log is read for tactic tables, sparsity lists and tensor layouts; a log it cannot read (non-verbose, or a
    // wording it does not know) costs those tables, never the build.
    const reading = readBuildLog(logText);
    const parsedLog = reading.result;
    // A default (non-verbose) build of a dense model prints nothing the reader looks for; that is not news.
    if (options.recordTactics || options.sparsity !== 'disable') warnings.push(...reading.warnings);
    const tactics = result.tacticRecording === 'algorithm-selector' ? tacticsFromAlgorithms(result.algorithms) : parsedLog.tactics;
    publishBuildStep('log read');
    await yieldToEventLoop();
    const inspected = result.inspectorJson ? normalizeInspectorJson(JSON.parse(result.inspectorJson)) : [];
    // 10.x's inspector gives types but no layouts; the verbose log of the same build pins most of them down.
    const layers = parsedLog.tactics.length > 0 ? inferLayerFormats(inspected, parsedLog).layers : inspected;
    if (result.logTruncated) warnings.push('The verbose build log exceeded 256 MB; later verbose lines were dropped, so tactic tables may be incomplete.');
    if (!result.inspectorJson) warnings.push('The engine inspector returned nothing; the layer table is empty.');
    publishBuildStep('layers read');
    await yieldToEventLoop();
    // Gathered on the build's worker where the addon does (NVML clock reads take ms: not on the event loop).
    const nativeEnvironment = result.environment ?? addon.environment(options.device);
    const env = environment(options.device, nativeEnvironment);
    const report: BuildReport = {
      schemaVersion: 1,
      backend: 'tensorrt',
      estimated: false,
      createdAt: new Date().toISOString(),
      versions: {
        tensorrtNode: packageVersion,
        node: process.version,
        tensorrt: result.tensorrtVersion,
        cudaDriver: cudaVersionText(nativeEnvironment.cudaDriverVersion),
      },
      environment: env,
      options,
      model: modelSummary(onnx, hooks.model),
      buildTimeMs: result.buildTimeMs,
      layers,
      tactics,
      sparsity: parsedLog.sparsity,
      ...(result.config ? { builderConfig: result.config } : {}),
      ...(result.phasesMs ? { buildPhases: result.phasesMs.map((phase) => ({ phase: phase.phase, ms: phase.ms })) } : {}),
      log: result.log,
      warnings,
    };
    publishBuildStep('report assembled');
    return { plan: new Uint8Array(result.plan), report, timingCache: new Uint8Array(result.timingCache) };
  };

  return {
    kind: 'tensorrt',
    info,
    environment,
    build,
    async deserialize(plan: Uint8Array, device: number): Promise<EngineHandle> {
      const engine = await addon.deserializeEngine(plan, device);
      return new NativeEngineHandle(engine, plan, (native) => environment(device, native), loaded.tensorrtVersion, capabilities.syntheticInputs === true, capabilities.positionalInfer === true);
    },
    releaseBuilders(): number {
      return addon.releaseBuilders?.() ?? 0;
    },
    deviceMemory(device: number) {
      return addon.deviceMemory(device);
    },
    recognizes(plan: Uint8Array): boolean {
      // The 'ftrt' header check (lib/native/plan.ts; a mock plan starts 'TRTNMOCK', so it never passes);
      // TensorRT's deserializer decides the rest (ERR_ENGINE_FORMAT/VERSION).
      return looksLikeTensorRTPlan(plan);
    },
  };
}
