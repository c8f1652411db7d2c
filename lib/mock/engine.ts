/**
 * The mock engine handle: inspector-shaped layer information from the build report, real inference through
 * onnxruntime-node on the CPU, and benchmark/profile results computed from the cost model's estimates with the
 * same statistics code as the TensorRT backend (every figure marked `estimated: true`).
 */
import type { ContextHandle, EngineHandle, InferInputs, InferOutputs } from '../backend/types.js';
import { TensorRTError } from '../errors.js';
import { float16ToFloat32, float32ToFloat16, readOnnx } from '../onnx/index.js';
import { aggregateLayerProfile, describeTimingMode, summarizeIterations } from '../timing/index.js';
import type {
  BenchmarkOptions,
  BenchmarkResult,
  BuildReport,
  DataTypeName,
  EnvironmentInfo,
  IOTensorInfo,
  LayerInfo,
  ProfileResult,
  TensorData,
  TimeRecord,
} from '../types/index.js';
import { ENQUEUE_US_PER_LAYER, GRAPH_LAUNCH_US, HOST_LINK_GBS } from './cost-model.js';
import { encodeMockPlan } from './container.js';
import { dataTypeFacts, networkTypeOfOnnx, product } from '../tensors/facts.js';
import { mockElementBytes, paddedElementCount } from './formats.js';

/** Iteration records a mock benchmark materialises at most (all iterations are identical anyway). */
const MAX_RECORDS = 20_000;

type OrtModule = typeof import('onnxruntime-node');
type OrtSession = import('onnxruntime-node').InferenceSession;

/** onnxruntime-node's tensor type for each data type the mock can feed it; other types are refused as inputs. */
const ORT_TYPES: Partial<Record<DataTypeName, string>> = {
  float32: 'float32',
  float16: 'float16',
  int32: 'int32',
  int64: 'int64',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** The typed array the mock takes for `dataType` (from the facts table), or `undefined` when it cannot feed it. */
function typedArrayOf(dataType: DataTypeName): { ctor: new (length: number) => TensorData; label: string; ort: string } | undefined {
  const facts = dataTypeFacts(dataType);
  const ort = ORT_TYPES[dataType];
  if (!facts || !ort) return undefined;
  return { ctor: facts.typedArray, label: `${facts.typedArray.name}${facts.arrayHolds ? ` (${facts.arrayHolds})` : ''}`, ort };
}

function disposedError(what: string): TensorRTError {
  return new TensorRTError('ERR_DISPOSED', `This mock ${what} was disposed; ${what === 'engine' ? 'load it again with loadEngine()' : 'create a new one with engine.createContext()'}.`);
}

/** The inspector JSON of one layer, with trtexec --exportLayerInfo key names. */
export function rawLayer(layer: LayerInfo): Record<string, unknown> {
  const tensor = (item: LayerInfo['inputs'][number]): Record<string, unknown> => ({
    Name: item.name,
    Location: item.location ?? 'Device',
    Dimensions: item.dimensions,
    'Format/Datatype': item.formatText,
  });
  const raw: Record<string, unknown> = {
    Name: layer.name,
    LayerType: layer.layerType,
    Inputs: layer.inputs.map(tensor),
    Outputs: layer.outputs.map(tensor),
    ParameterType: layer.parameterType ?? layer.layerType,
  };
  const conv = layer.convolution;
  if (conv) {
    Object.assign(raw, {
      Kernel: conv.kernel,
      PaddingMode: 'kEXPLICIT_ROUND_DOWN',
      PrePadding: conv.prePadding,
      PostPadding: conv.postPadding,
      Stride: conv.stride,
      Dilation: conv.dilation,
      OutMaps: conv.outMaps,
      Groups: conv.groups,
      Weights: conv.weights ? { Type: conv.weights.type, Count: conv.weights.count } : undefined,
      Bias: { Type: conv.bias?.type ?? conv.weights?.type ?? 'Float', Count: conv.bias?.count ?? 0 },
      HasBias: (conv.bias?.count ?? 0) > 0 ? 1 : 0,
      HasReLU: conv.activation === 'RELU' ? 1 : 0,
      HasSparseWeights: conv.hasSparseWeights ? 1 : 0,
      HasDynamicFilter: 0,
      HasDynamicBias: 0,
      HasResidual: conv.hasResidual ? 1 : 0,
      ConvXAsActInputIdx: -1,
      BiasAsActInputIdx: -1,
      ResAsActInputIdx: conv.hasResidual ? 1 : -1,
      Activation: conv.activation ?? 'NONE',
    });
  }
  if (layer.tacticName !== undefined) raw.TacticName = layer.tacticName;
  raw.TacticValue = layer.tacticValue ?? '0x0000000000000000';
  raw.StreamId = 0;
  raw.Metadata = layer.onnxNodes.map((name) => `[ONNX Layer: ${name}]`).join('\u001e');
  raw.Estimated = true;
  return raw;
}

/** A deserialized mock engine. */
export class MockEngineHandle implements EngineHandle {
  readonly backend = 'mock' as const;
  readonly io: IOTensorInfo[];
  readonly #report: BuildReport;
  readonly #onnx: Uint8Array;
  readonly #environment: EnvironmentInfo;
  #session: Promise<OrtSession> | undefined;
  #disposed = false;
  readonly #contexts = new Set<MockContextHandle>();
  readonly #modelTypes: Map<string, DataTypeName>;

  /** @param contents - the decoded plan; @param environment - where it runs now */
  constructor(contents: { report: BuildReport; io: IOTensorInfo[]; onnx: Uint8Array }, environment: EnvironmentInfo) {
    this.#report = contents.report;
    this.io = contents.io;
    this.#onnx = contents.onnx;
    this.#environment = { ...environment, deviceProfile: contents.report.environment.deviceProfile };
    const model = readOnnx(contents.onnx);
    this.#modelTypes = new Map([...model.graph.inputs, ...model.graph.outputs].map((value) => [value.name, networkTypeOfOnnx(value.elemType)]));
  }

  #ensureAlive(): void {
    if (this.#disposed) throw disposedError('engine');
  }

  /** The build report stored in the plan. */
  get report(): BuildReport {
    return this.#report;
  }

  /** The plan container: magic, version, JSON header (report, IO) and the ONNX bytes. */
  serialize(): Uint8Array {
    this.#ensureAlive();
    return encodeMockPlan({ report: this.#report, io: this.io, onnx: this.#onnx });
  }

  /** Layers as the inspector would describe them, each with its raw inspector-shaped JSON. */
  inspect(): LayerInfo[] {
    this.#ensureAlive();
    return this.#report.layers.map((layer) => ({ ...structuredClone(layer), raw: rawLayer(layer) }));
  }

  /**
   * `{"Layers": [...], "Bindings": [...]}` with trtexec --exportLayerInfo key names, plus `"Estimated": true` and
   * `"EstimatedFor": "<device profile id>"`, so that a re-import knows the figures are estimates and for which GPU.
   */
  inspectRaw(): Record<string, unknown> {
    this.#ensureAlive();
    const estimatedFor = this.#report.environment.deviceProfile;
    return { Layers: this.#report.layers.map(rawLayer), Bindings: this.io.map((tensor) => tensor.name), Estimated: true, ...(estimatedFor ? { EstimatedFor: estimatedFor } : {}) };
  }

  /** A context that runs the engine's ONNX model on onnxruntime-node (CPU). */
  createContext(): ContextHandle {
    this.#ensureAlive();
    const context = new MockContextHandle(this, (closed) => this.#contexts.delete(closed));
    this.#contexts.add(context);
    return context;
  }

  /** @internal The shared onnxruntime session (created on first inference). */
  session(): Promise<OrtSession> {
    this.#ensureAlive();
    if (!this.#session) {
      this.#session = (async () => {
        let ort: OrtModule;
        try {
          ort = await import('onnxruntime-node');
        } catch (error) {
          throw new TensorRTError('ERR_BACKEND_UNAVAILABLE', `The mock backend runs inference with onnxruntime-node, which could not be loaded: ${(error as Error).message}. Reinstall with ONNXRUNTIME_NODE_INSTALL=skip npm install.`, {}, { cause: error });
        }
        return ort.InferenceSession.create(this.#onnx, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
      })();
    }
    return this.#session;
  }

  /** @internal The onnxruntime-node module, loaded on first use. */
  async ort(): Promise<OrtModule> {
    return import('onnxruntime-node');
  }

  /** @internal Type the ONNX model itself declares for an IO tensor. */
  modelType(name: string): DataTypeName | undefined {
    return this.#modelTypes.get(name);
  }

  /** @internal Shape range of a dynamic input, from the build options. */
  shapeRange(name: string): { min: number[]; max: number[] } | undefined {
    return this.#report.options.shapes[name];
  }

  /** Dims of an IO tensor at the `opt` shape (what the estimates assume). */
  #optDims(tensor: IOTensorInfo): number[] {
    const range = this.#report.options.shapes[tensor.name];
    return tensor.shape.map((dim, axis) => (dim >= 0 ? dim : (range?.opt[axis] ?? 1)));
  }

  #ioBytes(mode: 'input' | 'output'): number {
    return this.io
      .filter((tensor) => tensor.mode === mode)
      .reduce((sum, tensor) => sum + paddedElementCount(this.#optDims(tensor), tensor.format === 'unknown' ? 'chw' : tensor.format) * mockElementBytes(tensor.dataType), 0);
  }

  /** trtexec-style timing built from the cost model's per-layer estimates (`estimated: true`, zero spread). */
  async benchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
    this.#ensureAlive();
    const resolved = options as BenchmarkResult['options'];
    const estimates = this.#report.estimates ?? [];
    const computeMs = estimates.reduce((sum, estimate) => sum + estimate.chosenTimeMs, 0);
    const kernels = this.#report.layers.filter((layer) => layer.tacticName !== undefined).length;
    const h2dMs = resolved.noDataTransfers ? 0 : (this.#ioBytes('input') / (HOST_LINK_GBS * 1e9)) * 1e3;
    const d2hMs = resolved.noDataTransfers ? 0 : (this.#ioBytes('output') / (HOST_LINK_GBS * 1e9)) * 1e3;
    const enqueueMs = (resolved.useCudaGraph ? GRAPH_LAUNCH_US : ENQUEUE_US_PER_LAYER * Math.max(kernels, 1)) / 1e3;
    const latencyMs = h2dMs + computeMs + d2hMs;
    // Iterations run back to back; when the host cannot enqueue as fast as the GPU runs, the host sets the pace.
    const periodMs = Math.max(latencyMs, enqueueMs, 1e-6);
    const warmUpIterations = Math.max(0, Math.ceil((resolved.warmUp - h2dMs) / periodMs));
    const iterations = Math.max(resolved.iterations, Math.ceil((resolved.duration * 1000) / periodMs));
    const materialised = Math.min(iterations, MAX_RECORDS);
    const records: TimeRecord[] = [];
    for (let index = warmUpIterations; index < warmUpIterations + materialised; index++) {
      const start = index * periodMs;
      records.push({
        startEnqMs: start,
        endEnqMs: start + enqueueMs,
        startH2dMs: start,
        endH2dMs: start + h2dMs,
        startComputeMs: start + h2dMs,
        endComputeMs: start + h2dMs + computeMs,
        startD2hMs: start + h2dMs + computeMs,
        endD2hMs: start + latencyMs,
        h2dMs,
        computeMs,
        d2hMs,
        latencyMs,
      });
    }
    const summary = summarizeIterations(records, resolved);
    const walltimeMs = (iterations - 1) * periodMs + latencyMs;
    const warnings = [
      `Mock backend: these timings are cost-model estimates against the ${this.#report.environment.deviceProfile ?? 'default'} profile, not measurements; every iteration is identical, so the spread is zero by construction.`,
      ...summary.warnings,
    ];
    const requestedShapes = Object.entries(resolved.shapes ?? {});
    if (requestedShapes.some(([name, dims]) => JSON.stringify(dims) !== JSON.stringify(this.#report.options.shapes[name]?.opt))) {
      warnings.push('Mock backend: estimates are for the opt shapes the engine was built with; the requested shapes are not re-estimated.');
    }
    if (resolved.exportTimes && iterations > MAX_RECORDS) warnings.push(`Mock backend: times holds the first ${MAX_RECORDS} of ${iterations} identical iterations.`);
    return {
      backend: 'mock',
      estimated: true,
      environment: this.#environment,
      options: resolved,
      mode: `${describeTimingMode(resolved)}; estimated by the mock cost model, not timed`,
      iterations,
      totalHostWalltimeMs: walltimeMs,
      totalGpuComputeMs: iterations * computeMs,
      throughput: (iterations / walltimeMs) * 1000,
      gpuCompute: summary.gpuCompute,
      latency: summary.latency,
      enqueue: summary.enqueue,
      h2d: summary.h2d,
      d2h: summary.d2h,
      warnings,
      ...(resolved.exportTimes ? { times: records } : {}),
    };
  }

  /** Per-layer estimates for `options.iterations` iterations (defaults to 10), as trtexec --exportProfile rows. */
  async profile(options: BenchmarkOptions): Promise<ProfileResult> {
    this.#ensureAlive();
    const iterations = Math.min(Math.max(options.iterations ?? 10, 1), 10_000);
    const times = new Map((this.#report.estimates ?? []).map((estimate) => [estimate.layer, estimate.chosenTimeMs]));
    const perLayer = this.#report.layers.map((layer) => ({ name: layer.name, ms: times.get(layer.name) ?? 0 }));
    return {
      backend: 'mock',
      estimated: true,
      iterations,
      layers: aggregateLayerProfile(new Array(iterations).fill(perLayer)),
      environment: this.#environment,
    };
  }

  /** Releases the onnxruntime session and disposes every context. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const context of [...this.#contexts]) context.dispose();
    const session = this.#session;
    this.#session = undefined;
    // Release errors have nowhere to go after dispose; the session is unreachable either way.
    session?.then((value) => value.release()).catch(() => undefined);
  }
}

/** An execution context of a mock engine: inference through onnxruntime-node on the CPU. */
export class MockContextHandle implements ContextHandle {
  #engine: MockEngineHandle | undefined;
  readonly #onDispose: (context: MockContextHandle) => void;

  /** @internal Use MockEngineHandle.createContext(). */
  constructor(engine: MockEngineHandle, onDispose: (context: MockContextHandle) => void) {
    this.#engine = engine;
    this.#onDispose = onDispose;
  }

  /** An ordinary typed array: the mock has no page-locked memory (its infer() runs on the CPU). */
  inputBuffer(tensor: IOTensorInfo, bytes: number): TensorData {
    if (!this.#engine) throw disposedError('execution context');
    const TypedArray = dataTypeFacts(tensor.dataType)?.typedArray ?? Uint8Array;
    return new TypedArray(new ArrayBuffer(bytes));
  }

  /**
   * Runs the model on onnxruntime-node. Inputs are in logical NCHW order whatever the IO format (vectorised
   * formats are not re-laid out); fp16 IO takes and returns fp16 bits in a Uint16Array.
   * @throws TensorRTError ERR_INPUT for missing/unknown names, wrong typed-array type, element count or shape.
   */
  async infer(inputs: InferInputs): Promise<InferOutputs> {
    const engine = this.#engine;
    if (!engine) throw disposedError('execution context');
    const expected = engine.io.filter((tensor) => tensor.mode === 'input');
    const describeExpected = (tensor: IOTensorInfo): string => `'${tensor.name}' (${typedArrayOf(tensor.dataType)?.label ?? tensor.dataType}, shape [${tensor.shape.join(',')}])`;
    if (typeof inputs !== 'object' || inputs === null) {
      throw new TensorRTError('ERR_INPUT', `Expected an object of input tensors, got ${inputs === null ? 'null' : typeof inputs}. Inputs: ${expected.map(describeExpected).join(', ')}.`);
    }
    for (const name of Object.keys(inputs)) {
      if (!expected.some((tensor) => tensor.name === name)) {
        throw new TensorRTError('ERR_INPUT', `Unknown input '${name}'. This engine's inputs are ${expected.map(describeExpected).join(', ')}.`, { input: name });
      }
    }
    const ort = await engine.ort();
    const feeds: Record<string, InstanceType<OrtModule['Tensor']>> = {};
    for (const tensor of expected) {
      const given = inputs[tensor.name];
      if (given === undefined) {
        throw new TensorRTError('ERR_INPUT', `Missing input '${tensor.name}'. Expected ${describeExpected(tensor)}.`, { input: tensor.name });
      }
      const typed = typedArrayOf(tensor.dataType);
      const isExplicit = !ArrayBuffer.isView(given) && typeof given === 'object' && given !== null && 'data' in given;
      const data = (isExplicit ? (given as { data: TensorData }).data : given) as TensorData;
      if (!typed || !(data instanceof typed.ctor) || (typed.ctor === Uint8Array && data.constructor !== Uint8Array)) {
        throw new TensorRTError('ERR_INPUT', `Input '${tensor.name}' must be a ${typed?.label ?? tensor.dataType}, got ${data === null || data === undefined ? String(data) : (data as object).constructor?.name ?? typeof data}.`, { input: tensor.name, expected: typed?.label });
      }
      let shape: number[];
      if (isExplicit) {
        shape = (given as { shape: number[] }).shape;
        if (!Array.isArray(shape) || shape.length !== tensor.shape.length || shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
          throw new TensorRTError('ERR_INPUT', `Input '${tensor.name}' needs a shape of rank ${tensor.shape.length} like [${tensor.shape.join(',')}], got ${JSON.stringify(shape)}.`, { input: tensor.name });
        }
        const range = engine.shapeRange(tensor.name);
        shape.forEach((dim, axis) => {
          const fixed = tensor.shape[axis];
          if (fixed >= 0 && dim !== fixed) {
            throw new TensorRTError('ERR_INPUT', `Input '${tensor.name}' has shape [${shape.join(',')}] but the engine fixes axis ${axis} to ${fixed} (shape [${tensor.shape.join(',')}]).`, { input: tensor.name });
          }
          if (fixed < 0 && range && (dim < range.min[axis] || dim > range.max[axis])) {
            throw new TensorRTError('ERR_INPUT', `Input '${tensor.name}' axis ${axis} is ${dim}, outside the built range ${range.min[axis]}..${range.max[axis]}. Rebuild with a wider \`shapes\` range.`, { input: tensor.name });
          }
        });
      } else {
        if (tensor.shape.some((dim) => dim < 0)) {
          throw new TensorRTError('ERR_INPUT', `Input '${tensor.name}' is dynamic (shape [${tensor.shape.join(',')}]); pass { data, shape } with its concrete shape.`, { input: tensor.name });
        }
        shape = tensor.shape;
      }
      if (data.length !== product(shape)) {
        throw new TensorRTError('ERR_INPUT', `Input '${tensor.name}' has ${data.length} elements but shape [${shape.join(',')}] needs ${product(shape)}.`, { input: tensor.name, expected: product(shape), got: data.length });
      }
      const modelType = engine.modelType(tensor.name) ?? tensor.dataType;
      let feedData: TensorData | Float32Array = data;
      let ortType = typed.ort;
      if (tensor.dataType === 'float16' && modelType === 'float32') {
        feedData = float16ToFloat32(data as Uint16Array);
        ortType = 'float32';
      } else if (tensor.dataType === 'float32' && modelType === 'float16') {
        feedData = float32ToFloat16(data as Float32Array);
        ortType = 'float16';
      } else if (tensor.dataType === 'bool') {
        feedData = new Uint8Array(data as Uint8Array).map((value) => (value ? 1 : 0));
      }
      feeds[tensor.name] = new ort.Tensor(ortType as 'float32', feedData as Float32Array, shape);
    }
    const session = await engine.session();
    if (!this.#engine) throw disposedError('execution context');
    let results: Awaited<ReturnType<OrtSession['run']>>;
    try {
      results = await session.run(feeds);
    } catch (error) {
      throw new TensorRTError('ERR_INFERENCE', `onnxruntime (the mock's CPU reference) failed: ${(error as Error).message}`, {}, { cause: error });
    }
    const outputs: InferOutputs = {};
    for (const tensor of engine.io.filter((item) => item.mode === 'output')) {
      const value = results[tensor.name];
      if (!value) throw new TensorRTError('ERR_INTERNAL', `onnxruntime returned no output '${tensor.name}'. Please report this with the model.`);
      let data = value.data as TensorData | Float32Array;
      if (tensor.dataType === 'float16' && value.type === 'float32') data = float32ToFloat16(data as Float32Array);
      else if (tensor.dataType === 'float32' && value.type === 'float16') data = float16ToFloat32(data as Uint16Array);
      else if (value.type === 'bool') data = Uint8Array.from(data as ArrayLike<number>, (item) => (item ? 1 : 0));
      outputs[tensor.name] = { data: data as TensorData, shape: value.dims.map(Number) };
    }
    return outputs;
  }

  /** Detaches the context from its engine. Idempotent. */
  dispose(): void {
    if (!this.#engine) return;
    this.#engine = undefined;
    this.#onDispose(this);
  }
}
