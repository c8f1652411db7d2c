/** Benchmark and profile options and results, with trtexec's field names and statistics. */
import type { BackendKind, EnvironmentInfo } from './environment.js';

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
  /**
   * Which events the loop creates with blocking sync (without `useSpinWait`). `'waited'`: only the one it waits on per
   * inference. `'all'`: all six (two without transfers), as trtexec does. `'auto'` (the default): `'all'` with
   * `useCudaGraph`, `'waited'` without; {@link resolveBenchmarkOptions} and `result.options` say which ran.
   * The blocking-sync flag costs host time per record and GPU time inside the timed windows: on an H200 (TensorRT 10.6,
   * a 23 µs engine) `'all'` measured about 0.7 µs more GPU compute and 1 µs more H2D per inference, the figures
   * trtexec reports (bench/results/vs-trtexec-2026-12-03-1850-*-diagnose-events.json). Why `'auto'`: on a host-bound
   * engine with a CUDA graph the loop woke later after its one blocking event than trtexec's after six, and `'all'`
   * ran at trtexec's throughput where `'waited'` ran at 0.94 of it; without a graph `'waited'` was the faster, at
   * 1.04-1.06 of trtexec against 0.99 for `'all'` (resnet-like 2:4, bench/results/diagnose-parity-2026-12-04-*).
   */
  blockingEvents?: 'auto' | 'waited' | 'all';
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

/** Options of `Engine.createContext()`. */
export interface ContextOptions {
  /**
   * How long `infer()` may poll the GPU on the calling (main) thread before handing the wait to a worker thread,
   * µs. A run that finishes within it costs no thread hand-off (tens of µs saved on a small engine); a context whose
   * last two runs took longer launches on the main thread and waits on a worker at once (one slow run, a busy host,
   * does not), so the event loop is blocked at most this long per call. 0: every run (launch and wait) on a worker
   * thread, the main thread never blocks.
   * Prefer 0 when several contexts run concurrently from one thread: polling serialises their launches.
   * Default 200. TensorRT backend only; the mock ignores it.
   */
  spinWaitUs?: number;
  /**
   * Where `infer()`'s outputs live. `'copy'` (default): new arrays the caller owns. `'pinned'`: views over the
   * context's page-locked output buffers, with no copy, which the context's next `infer()` overwrites: read or
   * copy them before calling it again. Saves a host copy of every output per call (tens of µs per MB). Outputs in a
   * vectorised IO format (hwc8, chw16, …) are re-laid out into new arrays either way. TensorRT backend only; the
   * mock returns new arrays.
   */
  outputBuffers?: 'copy' | 'pinned';
}

/** Result of `Engine.measureInferOverhead()`: what `infer()` costs on the host beyond the GPU work itself. */
export interface InferOverhead {
  /** Always false: this is measured on the GPU (the mock backend refuses to estimate it). */
  estimated: false;
  /** Calls timed in each loop (after a warm-up of the same work). */
  iterations: number;
  /**
   * The calls of each loop are timed in this many blocks, a block of the raw loop next to a block of `infer()`
   * calls (alternating which goes first), so that both meet the same host; the figures below are medians over them.
   */
  blocks: number;
  /** Per call of a C++ loop doing infer()'s GPU work (copies in, enqueue, copies out, synchronize), µs: the median block. */
  rawUs: number;
  /** Per call of `context.infer()` from JavaScript, awaited one after another, same inputs, µs: the median block. */
  inferUs: number;
  /**
   * The binding's host overhead per call (validation, re-layout, N-API, worker hand-off), µs: the median over the
   * block pairs of infer() per call minus the raw loop per call.
   */
  overheadUs: number;
  /** The same over all calls at once (total infer() time minus total raw time, per call), µs: what a hiccup moves. */
  overheadMeanUs: number;
  /** The context's `spinWaitUs` the `infer()` calls ran with (0: launch and wait on a worker thread). */
  spinWaitUs: number;
  /**
   * How the calls passed their data: `'copy'`, typed arrays of the caller's, copied into page-locked memory and
   * outputs copied out (what `copiedBytesPerCall` counts); `'pinned'`, inputs filled into
   * `context.inputBuffer()` arrays and a context with `outputBuffers: 'pinned'`, so nothing is copied on the host.
   */
  io: 'copy' | 'pinned';
  /** Bytes copied on the host per call beyond the raw loop's (inputs in, outputs out); 0 with `io: 'pinned'`. */
  copiedBytesPerCall: number;
  /** Where a timed call's main-thread time went, µs per call (addons since 0.2). */
  mainThread?: InferMainThreadSteps;
  /**
   * Where the raw loop's time went, µs per iteration over all its blocks: queueing the input copies, `enqueueV3`,
   * queueing the output copies, and the synchronize (addons that report it).
   */
  rawSteps?: RawLoopSteps;
}

/** The raw loop's time by step, µs per iteration (see {@link InferOverhead.rawSteps}). */
export interface RawLoopSteps {
  /** Queueing the input copies (host to device, from page-locked memory). */
  uploadUs: number;
  /** `enqueueV3`. */
  enqueueUs: number;
  /** Queueing the output copies. */
  downloadUs: number;
  /** `cuStreamSynchronize` until the run and its copies are done. */
  syncUs: number;
}

/** infer()'s time on the main thread by step, µs per call (see {@link InferOverhead.mainThread}). */
export interface InferMainThreadSteps {
  /** Reading the inputs (and copying them into page-locked memory with `io: 'copy'`). */
  readUs: number;
  /** Shapes, input copies queued, `enqueueV3` and output copies queued. */
  launchUs: number;
  /** `enqueueV3` alone (part of `launchUs`; the raw loop pays it too: {@link InferOverhead.rawSteps}). */
  enqueueUs?: number;
  /** Polling the GPU until the run was done (up to `spinWaitUs`). */
  spinUs: number;
  /** Making the output objects (copies out with `io: 'copy'`, views with `'pinned'`). */
  outputsUs: number;
  /** Everything else of a call: the JavaScript layer, the N-API crossing, the promise and its await, GC. */
  outsideUs: number;
  /** Calls whose wait went to a worker thread (the run outlasted `spinWaitUs`). */
  handedOffCalls: number;
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
   * The timing mode in words, e.g. `transfers, no CUDA graph, blocking sync on the awaited event (unset options
   * follow trtexec 10 and older)`, so that a figure is never read without knowing whether copies, graphs and
   * blocking-sync events were in it.
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
  /**
   * Where the timing loop's host time went, µs per iteration (host clock, every iteration including warm-up).
   * When throughput is below 1 / GPU compute, the engine is host-bound and this says on what. TensorRT backend
   * only (absent on the mock, which has no host loop to measure).
   */
  hostSteps?: BenchmarkHostSteps;
}

/** The timing loop's host time by step, µs per iteration (see {@link BenchmarkResult.hostSteps}). */
export interface BenchmarkHostSteps {
  /** Iterations averaged over (warm-up included). */
  iterations: number;
  /** Event records, input copies queued and stream waits before the enqueue. */
  beforeEnqueueUs: number;
  /** `enqueueV3` (or the CUDA graph launch) alone: trtexec's "Enqueue Time". */
  enqueueUs: number;
  /** Event records and output copies queued after the enqueue. */
  afterEnqueueUs: number;
  /** Waiting for the previous inference to finish (blocking sync, or spinning with useSpinWait). */
  waitUs: number;
  /** Reading its events' times and keeping the record. */
  timingReadsUs: number;
  /** The `cuEventElapsedTime` calls alone (part of `timingReadsUs`; addons that report it). */
  elapsedTimeUs?: number;
  /** The driver entry point those calls went to: `cuEventElapsedTime_v2` where the driver has it (as trtexec's). */
  elapsedTimeEntry?: string;
  /** The whole loop's host time per iteration (the sum of the above plus the loop itself). */
  perIterationUs: number;
  /** One host clock read, ns (the loop takes five per iteration): high on a slow clocksource. */
  clockReadNs?: number;
  /** CPU the loop thread ran on at its start. */
  cpuFirst?: number;
  /** CPU the loop thread ran on at its end. */
  cpuLast?: number;
  /** Moves of the loop thread to another CPU, seen by a check every 64th iteration (and at the end). */
  cpuChanges?: number;
  /** TensorRT log() calls during the loop (verbose ones included); anything but 0 costs every iteration. */
  logCalls?: number;
  /**
   * Times another thread took the loop thread's CPU during the loop (getrusage RUSAGE_THREAD, Linux): in a process
   * pinned to one CPU, any thread of the process counts, so a busy JS thread shows here.
   */
  involuntarySwitches?: number;
  /** Times the loop thread slept during the loop: its blocking-sync waits for the GPU. */
  voluntarySwitches?: number;
  /** The loop thread's CPU time per iteration (user + system); below `perIterationUs` by its time asleep or preempted. */
  threadCpuUs?: number;
  /**
   * Blocking-sync events recorded per inference: 1 (the one the loop waits on), 0 with `useSpinWait`; trtexec records
   * 6 (2 without transfers), which `blockingEvents: 'all'` reproduces.
   */
  blockingEventsPerInference?: number;
  /**
   * The loop's three streams: 'legacy' (flags 0, as trtexec's `cudaStreamCreate` makes them; the default) or
   * 'non-blocking' (`CU_STREAM_NON_BLOCKING`, with `TRTN_BENCH_STREAMS=non-blocking`, for an A/B).
   */
  streams?: 'legacy' | 'non-blocking';
  /** The thread the loop ran on: the libuv pool's 'worker' (the default), or 'own' with `TRTN_BENCH_THREAD=own` (an A/B). */
  thread?: 'worker' | 'own';
  /** With `TRTN_BENCH_PIN=loop` (an A/B): the one CPU the loop thread was pinned to for the loop. */
  pinnedCpu?: number;
  /** How many CPUs the loop thread was allowed when the loop started (its affinity, before any TRTN_BENCH_PIN). */
  allowedCpus?: number;
  /**
   * Over the kept inferences, in ms: the host time the loop saw each one done minus the GPU time of its last event
   * (output copies' end, or the compute's end without transfers), both from the loop's origin. The two clocks' offset
   * is constant within a run (a few µs), so `median - min` is how much later than its best the loop woke.
   */
  doneSeenAfterMs?: TimingStats;
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
