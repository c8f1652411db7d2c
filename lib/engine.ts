/**
 * Engine and ExecutionContext: the public wrappers over a backend's engine and context handles. They own
 * lifetime (explicit idempotent dispose, `using`, finalizer as a safety net) and validation.
 */
import { writeFile } from 'node:fs/promises';
import type { ContextHandle, EngineHandle, InferInputs, InferOutputs } from './backend/types.js';
import { dataTypeFacts } from './tensors/facts.js';
import { needsRelayout } from './tensors/layout.js';
import { TensorRTError, withCallerStack } from './errors.js';
import { float32ToFloat16 } from './onnx/fp16.js';
import { DEFAULT_SPIN_WAIT_US, invalidOption, resolveBenchmarkOptions } from './options.js';
import type { BackendKind, BenchmarkOptions, BenchmarkResult, ContextOptions, InferOverhead, IOTensorInfo, LayerInfo, ProfileResult, TensorData } from './types/index.js';

/** Safety net: a handle whose wrapper was garbage-collected without dispose() is released here. */
const finalizer = new FinalizationRegistry<{ dispose(): void }>((handle) => {
  try {
    handle.dispose();
  } catch {
    // Nothing can be reported from a finalizer; dispose() is idempotent and the process may be exiting.
  }
});

/** Rounds Float32Array data given for fp16 inputs to fp16 bits; every other input is passed through untouched. */
function withFp16Inputs(inputs: InferInputs, fp16Inputs: readonly string[]): InferInputs {
  let converted: InferInputs | undefined;
  for (const name of fp16Inputs) {
    const given = inputs[name];
    if (given instanceof Float32Array) {
      converted ??= { ...inputs };
      converted[name] = float32ToFloat16(given);
    } else if (typeof given === 'object' && given !== null && !ArrayBuffer.isView(given) && given.data instanceof Float32Array) {
      converted ??= { ...inputs };
      converted[name] = { data: float32ToFloat16(given.data), shape: given.shape };
    }
  }
  return converted ?? inputs;
}

/**
 * An execution context: runs inference on its engine. Create with {@link Engine.createContext}; several
 * contexts of one engine may run concurrently.
 */
export class ExecutionContext implements Disposable {
  #handle: ContextHandle | undefined;
  readonly #engine: Engine;
  readonly #onDispose: (context: ExecutionContext) => void;
  /** Names of the fp16 inputs, which take Float32Arrays too (worked out once: infer() is a hot path). */
  readonly #fp16Inputs: string[];

  /** The context's {@link ContextOptions.spinWaitUs}, µs. */
  readonly spinWaitUs: number;
  /** The context's {@link ContextOptions.outputBuffers}. */
  readonly outputBuffers: 'copy' | 'pinned';

  /** @internal Use {@link Engine.createContext}. */
  constructor(handle: ContextHandle, engine: Engine, onDispose: (context: ExecutionContext) => void, options: Required<ContextOptions>) {
    this.spinWaitUs = options.spinWaitUs;
    this.outputBuffers = options.outputBuffers;
    this.#handle = handle;
    this.#engine = engine;
    this.#onDispose = onDispose;
    this.#fp16Inputs = engine.io.filter((tensor) => tensor.mode === 'input' && tensor.dataType === 'float16').map((tensor) => tensor.name);
    finalizer.register(this, handle, this);
  }

  /** The engine this context runs. */
  get engine(): Engine {
    return this.#engine;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#handle === undefined;
  }

  #ensureAlive(): ContextHandle {
    if (!this.#handle) throw new TensorRTError('ERR_DISPOSED', 'This execution context was disposed; create a new one with engine.createContext().');
    return this.#handle;
  }

  /**
   * Runs one inference. Inputs are typed arrays keyed by input name (Float32Array for fp32, Int32Array, …), or
   * `{ data, shape }` for dynamic shapes. Outputs come back as `{ data, shape }`.
   *
   * An fp16 input (one built with `inputIOFormats: 'fp16:…'`) takes either a Uint16Array of fp16 bits, passed
   * through as is, or a Float32Array, which is rounded to fp16 (round-to-nearest-even) first: the numbers mean
   * the same either way, and the Float32Array costs one conversion pass on the CPU per call. fp16 outputs come
   * back as Uint16Array bits (`onnx.float16ToFloat32` turns them into numbers).
   *
   * Data is always in logical order (N, C, spatial…, row-major) whatever the IO format: with `fp16:hwc8` IO the
   * engine reads and writes HWC8 on the GPU and the library re-lays out the arrays.
   * Throws ERR_INPUT for missing, unknown or mis-sized inputs.
   */
  async infer(inputs: InferInputs): Promise<InferOutputs> {
    const handle = this.#ensureAlive();
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
      throw new TensorRTError('ERR_INPUT', `Expected an object mapping input names to typed arrays for \`inputs\`, got ${Array.isArray(inputs) ? 'an array' : typeof inputs}. Inputs: ${this.#engine.io.filter((io) => io.mode === 'input').map((io) => io.name).join(', ')}.`);
    }
    const converted = withFp16Inputs(inputs, this.#fp16Inputs);
    return withCallerStack(() => handle.infer(converted));
  }

  /**
   * A typed array for input `name` in its element type (a Uint16Array of fp16 bits for fp16), over this context's
   * page-locked staging memory on the TensorRT backend. Fill it and pass it to {@link ExecutionContext.infer} as
   * that input (or as `{ data, shape }`): its bytes go to the GPU from where they are, without the host copy a
   * caller's own array costs (tens of µs per MB). Keep it and refill it for every call; never write it while an
   * `infer()` of this context is in flight. `shape` is needed for a dynamic input, and the array fits that shape.
   * On the mock backend it is an ordinary typed array.
   * @throws TensorRTError ERR_INPUT for an unknown name or a shape with dynamic dimensions; ERR_UNSUPPORTED for an
   *   input in a vectorised IO format (hwc8, chw16, …), which is re-laid out on every call anyway.
   */
  inputBuffer(name: string, shape?: number[]): TensorData {
    const handle = this.#ensureAlive();
    const inputs = this.#engine.io.filter((tensor) => tensor.mode === 'input');
    const tensor = inputs.find((candidate) => candidate.name === name);
    if (!tensor) throw new TensorRTError('ERR_INPUT', `Unknown input '${String(name)}'; the engine's inputs are: ${inputs.map((input) => input.name).join(', ')}.`, { input: name });
    const dims = shape ?? tensor.shape;
    if (!Array.isArray(dims) || dims.length !== tensor.shape.length || dims.some((extent, axis) => !Number.isInteger(extent) || extent < 0 || (tensor.shape[axis] >= 0 && extent !== tensor.shape[axis]))) {
      const hint = tensor.shape.some((extent) => extent < 0) ? `Input '${name}' is dynamic (${JSON.stringify(tensor.shape)}): pass the shape to fill, e.g. inputBuffer('${name}', [${tensor.shape.map((extent) => (extent < 0 ? 1 : extent)).join(', ')}]).` : `Input '${name}' has the static shape ${JSON.stringify(tensor.shape)}.`;
      throw new TensorRTError('ERR_INPUT', `inputBuffer('${name}') got the shape ${JSON.stringify(shape)}. ${hint}`, { input: name });
    }
    if (needsRelayout(tensor.format)) {
      throw new TensorRTError('ERR_UNSUPPORTED', `Input '${name}' is in the ${tensor.format} IO format, which infer() re-lays out from logical order on every call, so a pinned array would still be copied; pass an ordinary typed array (or build with linear IO formats).`, { input: name, format: tensor.format });
    }
    const facts = dataTypeFacts(tensor.dataType);
    if (!facts) throw new TensorRTError('ERR_UNSUPPORTED', `Input '${name}' has a data type this package cannot name (${tensor.dataType}).`, { input: name });
    const bytes = Math.ceil(dims.reduce((total, extent) => total * extent, 1) * facts.bytes);
    return handle.inputBuffer({ ...tensor, shape: [...dims] }, bytes);
  }

  /** Releases the context's GPU memory. Idempotent. */
  dispose(): void {
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = undefined;
    finalizer.unregister(this);
    this.#onDispose(this);
    handle.dispose();
  }

  /** Same as {@link ExecutionContext.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * A built or loaded engine. Obtain one from {@link buildEngine} or {@link loadEngine}. Disposing it disposes its
 * contexts.
 */
export class Engine implements Disposable, AsyncDisposable {
  #handle: EngineHandle | undefined;
  readonly #contexts = new Set<ExecutionContext>();

  /** @internal Use buildEngine() or loadEngine(). */
  constructor(handle: EngineHandle) {
    this.#handle = handle;
    finalizer.register(this, handle, this);
  }

  #ensureAlive(): EngineHandle {
    if (!this.#handle) throw new TensorRTError('ERR_DISPOSED', 'This engine was disposed; load it again with loadEngine().');
    return this.#handle;
  }

  /** Which backend runs this engine: `'tensorrt'` or `'mock'` (estimates only). */
  get backend(): BackendKind {
    return this.#ensureAlive().backend;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#handle === undefined;
  }

  /** IO tensors: names, modes, data types, shapes (-1 for dynamic), formats and vectorisation. */
  get io(): IOTensorInfo[] {
    return this.#ensureAlive().io.map((tensor) => ({ ...tensor, shape: [...tensor.shape] }));
  }

  /** The serialized engine (a TensorRT plan, or the mock's container). */
  serialize(): Uint8Array {
    return this.#ensureAlive().serialize();
  }

  /** Writes the serialized engine to `path`. */
  async save(path: string): Promise<void> {
    const bytes = this.serialize();
    try {
      await writeFile(path, bytes);
    } catch (error) {
      throw new TensorRTError('ERR_IO', `Could not write the engine to ${path}: ${(error as Error).message}. Check that the directory exists and is writable.`, {}, { cause: error });
    }
  }

  /** Per-layer information, normalised over TensorRT 10 and 11 inspector formats. */
  inspect(): LayerInfo[] {
    return this.#ensureAlive().inspect();
  }

  /** The inspector's JSON as trtexec's `--exportLayerInfo` writes it. */
  inspectRaw(): Record<string, unknown> {
    return this.#ensureAlive().inspectRaw();
  }

  /** Creates an execution context. Dispose it when done (or dispose the engine). */
  createContext(options: ContextOptions = {}): ExecutionContext {
    return this.#newContext(this.#contextOptions(options)).context;
  }

  /** `options` checked, defaults filled in (ERR_INVALID_OPTION otherwise). */
  #contextOptions(options: ContextOptions): Required<ContextOptions> {
    const spinWaitUs = options.spinWaitUs ?? DEFAULT_SPIN_WAIT_US;
    if (typeof spinWaitUs !== 'number' || !Number.isFinite(spinWaitUs) || spinWaitUs < 0 || spinWaitUs > 1_000_000) {
      invalidOption('spinWaitUs', 'a number of µs from 0 to 1,000,000', spinWaitUs, '0 keeps every run on a worker thread.');
    }
    const outputBuffers = options.outputBuffers ?? 'copy';
    if (outputBuffers !== 'copy' && outputBuffers !== 'pinned') {
      invalidOption('outputBuffers', "'copy' or 'pinned'", outputBuffers, "'pinned' returns views over the context's page-locked buffers, overwritten by its next infer().");
    }
    return { spinWaitUs, outputBuffers };
  }

  /** A public context over a new backend handle, and the handle (for the engine's own measurements). */
  #newContext(options: Required<ContextOptions>): { context: ExecutionContext; handle: ContextHandle } {
    const handle = this.#ensureAlive().createContext(options);
    const context = new ExecutionContext(handle, this, (disposed) => this.#contexts.delete(disposed), options);
    this.#contexts.add(context);
    return { context, handle };
  }

  /**
   * Times inference with trtexec's semantics (GPU compute by CUDA events, H2D/D2H, enqueue, latency, warm-up,
   * minimum iterations and duration, percentiles, CoV warning). On the mock backend the result is an estimate
   * and says so (`estimated: true`).
   */
  async benchmark(options?: BenchmarkOptions): Promise<BenchmarkResult> {
    const handle = this.#ensureAlive();
    // trtexec's defaults of the runtime's major: 11.x times with CUDA graphs and spin-wait and without copies.
    const resolved = resolveBenchmarkOptions(options, handle.tensorrtMajor);
    return withCallerStack(() => handle.benchmark(resolved));
  }

  /** Per-layer times (IProfiler) without the warm-up, trtexec `--exportProfile` fields. */
  async profile(options?: BenchmarkOptions): Promise<ProfileResult> {
    const resolved = resolveBenchmarkOptions(options);
    const handle = this.#ensureAlive();
    return withCallerStack(() => handle.profile(resolved));
  }

  /**
   * Measures what `infer()` costs on the host beyond the GPU work: `iterations` awaited `infer()` calls against a
   * C++ loop doing the same device copies, enqueue and synchronize from page-locked memory. The calls go through a
   * public context created with `spinWaitUs` (default {@link ContextOptions.spinWaitUs}'s), so its checks and
   * conversions are counted too. `io: 'copy'` (default) passes ordinary typed arrays and takes copied outputs, so
   * the host copies of the data are in the overhead; `io: 'pinned'` fills {@link ExecutionContext.inputBuffer}
   * arrays and uses `outputBuffers: 'pinned'`, so what is left is the binding's own cost per call.
   * TensorRT backend only: the mock cannot measure it and refuses (ERR_UNSUPPORTED) rather than estimate.
   */
  async measureInferOverhead(options: { iterations?: number; io?: 'copy' | 'pinned' } & Pick<ContextOptions, 'spinWaitUs'> = {}): Promise<InferOverhead> {
    const iterations = options.iterations ?? 1000;
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 1_000_000) {
      throw new TensorRTError('ERR_INVALID_OPTION', `Expected an integer from 1 to 1,000,000 for \`iterations\`, got ${String(iterations)}.`);
    }
    const io = options.io ?? 'copy';
    if (io !== 'copy' && io !== 'pinned') invalidOption('io', "'copy' or 'pinned'", io, "'pinned' times infer() with inputBuffer() arrays and pinned outputs.");
    const handle = this.#ensureAlive();
    if (!handle.measureInferOverhead) {
      throw new TensorRTError('ERR_UNSUPPORTED', `measureInferOverhead() needs the TensorRT backend on a GPU; this engine runs on the ${handle.backend} backend, which has no host overhead to measure.`);
    }
    // As createContext() would make it, keeping the backend handle for its step times.
    const { context, handle: contextHandle } = this.#newContext(this.#contextOptions({ spinWaitUs: options.spinWaitUs, outputBuffers: io }));
    try {
      const subject = {
        infer: (inputs: InferInputs) => context.infer(inputs),
        inputBuffer: (name: string, shape?: number[]) => context.inputBuffer(name, shape),
        spinWaitUs: context.spinWaitUs,
        io,
        inferSteps: contextHandle.inferSteps && (() => contextHandle.inferSteps!()),
      };
      return await withCallerStack(() => handle.measureInferOverhead!(iterations, subject));
    } finally {
      context.dispose();
    }
  }

  /** Releases the engine and all its contexts. Idempotent. */
  dispose(): void {
    const handle = this.#handle;
    if (!handle) return;
    for (const context of [...this.#contexts]) context.dispose();
    this.#handle = undefined;
    finalizer.unregister(this);
    handle.dispose();
  }

  /** Same as {@link Engine.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Same as {@link Engine.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
  }
}
