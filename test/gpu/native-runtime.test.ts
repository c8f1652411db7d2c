/**
 * The native runtime's promises, on the GPU: device memory does not grow over many inferences and comes back on
 * dispose, disposing an engine takes its contexts with it, an allocation the GPU cannot satisfy is a coded error
 * that leaves the process usable, cancel is prompt, plans round-trip, plans from another TensorRT are refused,
 * and the library folder alone (no LD_LIBRARY_PATH) is enough to build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEngine, loadEngine } from '../../lib/build.js';
import type { ExecutionContext } from '../../lib/engine.js';
import { loadNativeBackend } from '../../lib/native/loader.js';
import { buildSeed003Model } from '../../lib/onnx/builders.js';
import { writeOnnx } from '../../lib/onnx/codec.js';
import { figure, gpuAvailable, probeBuilder, tensorrtAvailable } from './helpers.js';
import { MiB, expectCode, freeDeviceBytes, runtimeMajor, seededInput } from './native-fixtures.js';

const ready = gpuAvailable() && (await tensorrtAvailable()) && (await probeBuilder()).available;
const small = buildSeed003Model({ channels: 16, height: 64, width: 64, layers: 3 });
const smallOnnx = writeOnnx(small);
const inputElements = 16 * 64 * 64;
const shape = [1, 16, 64, 64];
const repo = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

describe.skipIf(!ready)('native runtime on the GPU', () => {
  it('1,000 infer() calls: no growth in device memory', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    const context = engine.createContext();
    try {
      const input = seededInput(inputElements);
      for (let index = 0; index < 20; index++) await context.infer({ input });
      const before = freeDeviceBytes();
      const started = process.hrtime.bigint();
      for (let index = 0; index < 1000; index++) await context.infer({ input });
      const perCallUs = Number(process.hrtime.bigint() - started) / 1000 / 1000;
      const after = freeDeviceBytes();
      figure('runtime.infer_1000_device_free_delta', (after - before) / MiB, 'MiB');
      figure('runtime.infer_round_trip_us', perCallUs, 'us');
      expect(before - after).toBeLessThanOrEqual(4 * MiB);
    } finally {
      context.dispose();
      engine.dispose();
    }
  });

  it('engine.dispose() disposes its contexts and gives their device memory back', async () => {
    const built = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    const plan = built.engine.serialize();
    built.engine.dispose();
    const baseline = freeDeviceBytes();
    const engine = await loadEngine(plan, { backend: 'tensorrt' });
    const contexts = [engine.createContext(), engine.createContext(), engine.createContext()];
    for (const context of contexts) await context.infer({ input: seededInput(inputElements) });
    const loaded = freeDeviceBytes();
    engine.dispose();
    for (const context of contexts) {
      expect(context.disposed).toBe(true);
      await expectCode(context.infer({ input: seededInput(inputElements) }), ['ERR_DISPOSED']);
    }
    const released = freeDeviceBytes();
    figure('runtime.engine_with_3_contexts_device_bytes', (baseline - loaded) / MiB, 'MiB');
    figure('runtime.after_dispose_device_free_delta', (released - baseline) / MiB, 'MiB');
    expect(baseline - loaded).toBeGreaterThan(0);
    expect(baseline - released).toBeLessThanOrEqual(8 * MiB);
  });

  it('an allocation the GPU cannot satisfy is a coded error, and the process goes on', async () => {
    // Activation memory is sized for the profile's max shape (1x16x8192x8192 fp32: 4 GiB per tensor), so each
    // context claims several GiB; asking for more contexts than fit must fail with a code, not crash.
    const huge = buildSeed003Model({ channels: 16, height: 64, width: 64, layers: 3 });
    huge.graph.inputs[0].shape = [1, 16, 'H', 'W'];
    huge.graph.outputs[0].shape = [1, 16, 'H', 'W'];
    const big = await buildEngine(writeOnnx(huge), {
      backend: 'tensorrt',
      shapes: { input: { min: [1, 16, 64, 64], opt: [1, 16, 64, 64], max: [1, 16, 8192, 8192] } },
    });
    const contexts: ExecutionContext[] = [];
    let failure: unknown;
    const loaded = loadNativeBackend();
    const totalBytes = loaded.ok && loaded.backend.deviceMemory ? loaded.backend.deviceMemory(0).totalBytes : 0;
    try {
      for (let index = 0; index < 400; index++) contexts.push(big.engine.createContext());
    } catch (error) {
      failure = error;
    }
    figure('runtime.contexts_before_oom', contexts.length);
    if (failure) figure('runtime.oom_error', `${(failure as { code?: string }).code}: ${(failure as Error).message.slice(0, 120)}`);
    figure('runtime.device_total', totalBytes / MiB, 'MiB');
    for (const context of contexts) context.dispose();
    big.engine.dispose();
    expect(failure, 'creating contexts until the GPU is full must end in an error').toBeDefined();
    expect(['ERR_CUDA_OOM', 'ERR_CUDA']).toContain((failure as { code?: string }).code);
    // Still alive and usable.
    const { engine: after } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    const context = after.createContext();
    const result = await context.infer({ input: seededInput(inputElements) });
    expect(result.output.data.length).toBe(inputElements);
    context.dispose();
    after.dispose();
  });

  it('a plan round-trips through serialize/loadEngine with bit-identical outputs, and two contexts agree', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    const input = seededInput(inputElements);
    const first = engine.createContext();
    const reference = (await first.infer({ input })).output.data as Float32Array;
    const reloaded = await loadEngine(engine.serialize(), { backend: 'tensorrt' });
    const [a, b] = [reloaded.createContext(), reloaded.createContext()];
    const [outA, outB] = await Promise.all([a.infer({ input }), b.infer({ input })]);
    expect(Buffer.from((outA.output.data as Float32Array).buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    expect(Buffer.from((outB.output.data as Float32Array).buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    reloaded.dispose();
    engine.dispose();
  });

  it('infer() by position (static shapes, from the second call) gives what infer() by name gives, copied and pinned, also after a refused input', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    try {
      for (const outputBuffers of ['copy', 'pinned'] as const) {
        // { data, shape } always goes by name; a bare typed array goes by position once a first call bound the shapes.
        const byName = engine.createContext({ outputBuffers });
        const byPosition = engine.createContext({ outputBuffers });
        for (let call = 0; call < 4; call++) {
          const input = seededInput(inputElements, 11 + call);
          const expected = Buffer.from(((await byName.infer({ input: { data: input, shape } })).output.data as Float32Array).slice().buffer);
          const got = (await byPosition.infer({ input })).output;
          expect(got.shape).toEqual(shape);
          expect(Buffer.from((got.data as Float32Array).slice().buffer).equals(expected), `${outputBuffers}, call ${call + 1}`).toBe(true);
          // A refused input clears the context's bound shapes; the call after it must still run at the right shape.
          if (call === 1) await expectCode(byPosition.infer({ input: seededInput(inputElements - 1) }), ['ERR_INPUT']);
        }
        byName.dispose();
        byPosition.dispose();
      }
    } finally {
      engine.dispose();
    }
  });

  it('wrong inputs are ERR_INPUT: unknown name, wrong size, wrong typed array', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    const context = engine.createContext();
    try {
      await expectCode(context.infer({ nope: seededInput(inputElements) }), ['ERR_INPUT']);
      await expectCode(context.infer({ input: seededInput(inputElements - 1) }), ['ERR_INPUT']);
      await expectCode(context.infer({ input: new Int32Array(inputElements) }), ['ERR_INPUT']);
      const result = await context.infer({ input: seededInput(inputElements) });
      expect(result.output.data.length).toBe(inputElements);
    } finally {
      context.dispose();
      engine.dispose();
    }
  });

  it('progress (10+): per phase, no step beyond its count, and the last event of each phase at its count (steps arrive coalesced)', async () => {
    const byPhase = new Map<string, { step: number; steps: number }[]>();
    let calls = 0;
    const { engine } = await buildEngine(smallOnnx, {
      backend: 'tensorrt',
      onProgress: (progress) => {
        calls++;
        const events = byPhase.get(progress.phase) ?? [];
        events.push({ step: progress.step, steps: progress.steps });
        byPhase.set(progress.phase, events);
      },
    });
    engine.dispose();
    figure('runtime.progress_calls', calls, 'calls');
    if (runtimeMajor() < 10) {
      expect(calls).toBe(0);
      return;
    }
    expect(byPhase.size).toBeGreaterThan(0);
    for (const [phase, events] of byPhase) {
      for (const event of events) expect(event.step, phase).toBeLessThanOrEqual(event.steps);
      expect(events.at(-1)!.step, phase).toBe(events.at(-1)!.steps);
    }
  });

  it('cancel: an aborted build rejects with ERR_ABORTED within 2 s (10+: through the progress monitor)', async () => {
    const controller = new AbortController();
    if (runtimeMajor() < 10) {
      controller.abort();
      await expectCode(buildEngine(smallOnnx, { backend: 'tensorrt', signal: controller.signal }), ['ERR_ABORTED']);
      return;
    }
    let abortedAt = 0n;
    const promise = buildEngine(writeOnnx(buildSeed003Model({ channels: 64, height: 512, width: 512, layers: 12 })), {
      backend: 'tensorrt',
      signal: controller.signal,
      onProgress: () => {
        if (abortedAt === 0n) {
          abortedAt = process.hrtime.bigint();
          controller.abort();
        }
      },
    });
    await expectCode(promise, ['ERR_ABORTED']);
    const ms = Number(process.hrtime.bigint() - abortedAt) / 1e6;
    figure('runtime.cancel_latency_ms', ms, 'ms');
    expect(ms).toBeLessThan(2000);
  });

  it('exports its plan for the other versions\' runs (TRTN_TEST_PLAN_OUT), when asked', async (ctx) => {
    const out = process.env.TRTN_TEST_PLAN_OUT;
    if (!out) ctx.skip();
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    mkdirSync(dirname(out!), { recursive: true });
    writeFileSync(out!, engine.serialize());
    engine.dispose();
    expect(existsSync(out!)).toBe(true);
  });

  it('a plan built by another TensorRT version (TRTN_TEST_FOREIGN_PLAN) is refused with ERR_ENGINE_VERSION', async (ctx) => {
    const foreign = process.env.TRTN_TEST_FOREIGN_PLAN;
    if (!foreign || !existsSync(foreign)) ctx.skip();
    await expectCode(loadEngine(foreign!, { backend: 'tensorrt' }), ['ERR_ENGINE_VERSION']);
  });

  it('TRTN_TENSORRT_LIB_DIR alone, LD_LIBRARY_PATH unset: a child process loads TensorRT and builds', () => {
    const libDir = process.env.TRTN_TENSORRT_LIB_DIR;
    expect(libDir, 'the suite sets TRTN_TENSORRT_LIB_DIR').toBeTruthy();
    expect(existsSync(join(repo, 'dist', 'index.js')), 'dist/ (npm run build:ts) is needed by the child').toBe(true);
    const script = `
      const m = await import(${JSON.stringify(join(repo, 'dist', 'index.js'))});
      const { buildEngine, backendInfo } = m;
      const onnx = m.onnx.writeOnnx(m.onnx.buildSeed003Model({ channels: 8, height: 16, width: 16, layers: 1 }));
      const { engine, report } = await buildEngine(onnx, { backend: 'tensorrt' });
      const ctx = engine.createContext();
      const out = await ctx.infer({ input: new Float32Array(8 * 16 * 16).fill(0.25) });
      ctx.dispose(); engine.dispose();
      console.log(JSON.stringify({ tensorrt: report.versions.tensorrt, layers: report.layers.length, outputs: out.output.data.length,
        ld: process.env.LD_LIBRARY_PATH ?? null, info: typeof backendInfo === 'function' ? backendInfo() : null }));`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.LD_LIBRARY_PATH;
    // 8.6's plugin library NEEDs cuBLAS 12 and cuDNN 8 from the system; the harness may point at stand-ins for them.
    if (process.env.TRTN_TEST_CHILD_LD_LIBRARY_PATH) env.LD_LIBRARY_PATH = process.env.TRTN_TEST_CHILD_LD_LIBRARY_PATH;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 300_000 });
    const lastLine = child.stdout.trim().split('\n').pop() ?? '';
    expect(child.status, `child stderr: ${child.stderr.slice(-2000)}`).toBe(0);
    const result = JSON.parse(lastLine) as { tensorrt: string; layers: number; outputs: number; ld: string | null; info: unknown };
    figure('runtime.child_no_ld_library_path_tensorrt', result.tensorrt);
    figure('runtime.child_ld_library_path', result.ld ?? 'unset');
    expect(result.layers).toBeGreaterThan(0);
    expect(result.outputs).toBe(8 * 16 * 16);
    expect(result.tensorrt).toBe(loadNativeBackend().ok ? (loadNativeBackend() as { backend: { info(): { tensorrtVersion?: string } } }).backend.info().tensorrtVersion : '');
  });

  it('trtn build (the CLI, one build per process) leaves its builder to the exit: it exits 0, and its plan loads and infers', async () => {
    expect(existsSync(join(repo, 'dist', 'cli', 'bin.js')), 'dist/ (npm run build:ts) is needed by the child').toBe(true);
    const folder = mkdtempSync(join(tmpdir(), 'trtn-cli-build-'));
    const onnxPath = join(folder, 'small.onnx');
    const planPath = join(folder, 'small.plan');
    writeFileSync(onnxPath, smallOnnx);
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (process.env.TRTN_TEST_CHILD_LD_LIBRARY_PATH) env.LD_LIBRARY_PATH = [process.env.TRTN_TEST_CHILD_LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    const started = performance.now();
    const child = spawnSync(process.execPath, [join(repo, 'dist', 'cli', 'bin.js'), 'build', onnxPath, '--backend', 'tensorrt', '--no-progress', '--noLayerProfile', '--saveEngine', planPath, '--json'], { env, encoding: 'utf8', timeout: 300_000 });
    figure('runtime.cli_build_wall_ms', performance.now() - started, 'ms');
    // A crash in the exit (TensorRT's or CUDA's teardown with the builder still alive) shows as a signal or a status.
    expect(child.signal, `child stderr: ${child.stderr.slice(-2000)}`).toBeNull();
    expect(child.status, `child stderr: ${child.stderr.slice(-2000)}`).toBe(0);
    const report = JSON.parse(child.stdout) as { options: { keepBuilder: boolean }; buildPhases?: { phase: string; ms: number }[] };
    expect(report.options.keepBuilder).toBe(true);
    for (const phase of report.buildPhases ?? []) figure(`runtime.cli_build_phase.${phase.phase}`, phase.ms, 'ms');
    const engine = await loadEngine(new Uint8Array(readFileSync(planPath)), { backend: 'tensorrt' });
    try {
      const context = engine.createContext();
      const outputs = await context.infer({ input: seededInput(inputElements) });
      context.dispose();
      expect(outputs.output.data.length).toBe(inputElements);
      expect(Array.from(outputs.output.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      engine.dispose();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a fresh process opens TensorRT on a worker (probeAsync, loadAsync): the event loop turns while it loads', () => {
    expect(existsSync(join(repo, 'dist', 'index.js')), 'dist/ (npm run build:ts) is needed by the child').toBe(true);
    // Turns of the event loop (setImmediate) until the async load resolves: a probe and a load on the main thread
    // would let none happen first (the promise settles in the same task); on workers the loop runs meanwhile. The
    // build that follows uses the loaded backend.
    const script = `
      const m = await import(${JSON.stringify(join(repo, 'dist', 'index.js'))});
      const loader = await import(${JSON.stringify(join(repo, 'dist', 'native', 'loader.js'))});
      let turns = 0; let loaded = false;
      const spin = () => { if (!loaded) { turns++; setImmediate(spin); } };
      setImmediate(spin);
      const started = performance.now();
      const result = await loader.loadNativeBackendAsync();
      loaded = true;
      const loadMs = performance.now() - started;
      const onnx = m.onnx.writeOnnx(m.onnx.buildSeed003Model({ channels: 8, height: 16, width: 16, layers: 1 }));
      const { engine } = await m.buildEngine(onnx, { backend: 'tensorrt', profileLayers: false });
      engine.dispose();
      console.log(JSON.stringify({ ok: result.ok, turns, loadMs, active: m.backendInfo().active }));`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (process.env.TRTN_TEST_CHILD_LD_LIBRARY_PATH) env.LD_LIBRARY_PATH = [process.env.TRTN_TEST_CHILD_LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 300_000 });
    expect(child.status, `child stderr: ${child.stderr.slice(-2000)}`).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as { ok: boolean; turns: number; loadMs: number; active: string };
    figure('runtime.async_load_ms', result.loadMs, 'ms');
    figure('runtime.event_loop_turns_while_loading', result.turns, 'turns');
    expect(result.ok).toBe(true);
    expect(result.active).toBe('tensorrt');
    expect(result.turns).toBeGreaterThan(1);
  });

  it('says how the folder alone was made enough (dlopen redirected next to libnvinfer)', () => {
    const loaded = loadNativeBackend();
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const loading = loaded.backend.info().libraryLoading;
    expect(loading).toBeDefined();
    figure('runtime.redirected_loads', loading!.redirectedLoads.join(',') || 'none');
    expect(loading!.redirectedLoads).toContain('dlopen');
    expect(loading!.warnings).toEqual([]);
  });
});

describe.skipIf(!ready)('native benchmark loop on the GPU (trtexec semantics)', () => {
  it('overlaps: copies in, compute and copies out are ordered per inference, and inference k+1 starts before k ends', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    try {
      const result = await engine.benchmark({ iterations: 50, duration: 0.2, warmUp: 20, exportTimes: true });
      const times = result.times!;
      expect(times.length).toBeGreaterThanOrEqual(50);
      for (const record of times) {
        expect(record.endH2dMs).toBeLessThanOrEqual(record.startComputeMs + 1e-3);
        expect(record.endComputeMs).toBeLessThanOrEqual(record.startD2hMs + 1e-3);
      }
      const overlapped = times.slice(1).filter((record, index) => record.startH2dMs < times[index].endD2hMs).length;
      figure('bench.overlapped_fraction', overlapped / (times.length - 1));
      expect(overlapped).toBeGreaterThan(0);
      expect(result.totalHostWalltimeMs).toBeGreaterThan(0);
      // Event times through the entry point trtexec's runtime calls (drivers of CUDA 12.8+, 570 on, have
      // cuEventElapsedTime_v2).
      const steps = result.hostSteps!;
      figure('bench.elapsed_time_us_per_iteration', steps.elapsedTimeUs ?? Number.NaN, 'us');
      if (Number.parseInt(result.environment.driverVersion ?? '0', 10) >= 570) expect(steps.elapsedTimeEntry).toBe('cuEventElapsedTime_v2');
      expect(steps.elapsedTimeUs).toBeLessThanOrEqual(steps.timingReadsUs + 1e-6);
      // Without transfers nothing is pinned or copied: the inputs are filled on the device, and the run still times.
      const noCopies = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20, noDataTransfers: true });
      expect(noCopies.h2d.max).toBe(0);
      expect(noCopies.d2h.max).toBe(0);
      expect(noCopies.gpuCompute.median).toBeGreaterThan(0);
    } finally {
      engine.dispose();
    }
  });

  it('measureInferOverhead: infer() against a raw C++ loop of the same work', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    try {
      const overhead = await engine.measureInferOverhead({ iterations: 500 });
      expect(overhead.estimated).toBe(false);
      expect(overhead.rawUs).toBeGreaterThan(0);
      expect(overhead.inferUs).toBeGreaterThan(0);
      // Medians over 10 interleaved block pairs: the median difference lies between what infer() and the raw loop cost.
      expect(overhead.blocks).toBe(10);
      expect(overhead.overheadUs).toBeLessThan(overhead.inferUs);
      expect(overhead.overheadUs).toBeGreaterThan(-overhead.rawUs);
      expect(Number.isFinite(overhead.overheadMeanUs)).toBe(true);
      // The raw loop's steps (means over all its iterations) add up to about its per-iteration time.
      const steps = overhead.rawSteps!;
      expect(steps.syncUs).toBeGreaterThan(0);
      const stepSum = steps.uploadUs + steps.enqueueUs + steps.downloadUs + steps.syncUs;
      expect(stepSum).toBeGreaterThan(overhead.rawUs * 0.5);
      expect(stepSum).toBeLessThan(overhead.rawUs * 2);
      figure('bench.infer_us', overhead.inferUs, 'us');
      figure('bench.infer_overhead_mean_us', overhead.overheadMeanUs, 'us');
      figure('bench.raw_loop_us', overhead.rawUs, 'us');
      figure('bench.infer_overhead_us', overhead.overheadUs, 'us');
      const workerOnly = await engine.measureInferOverhead({ iterations: 500, spinWaitUs: 0 });
      expect(workerOnly.spinWaitUs).toBe(0);
      figure('bench.infer_worker_only_us', workerOnly.inferUs, 'us');
      figure('bench.infer_overhead_worker_only_us', workerOnly.overheadUs, 'us');
    } finally {
      engine.dispose();
    }
  });

  it('inputBuffer() and pinned outputs: the same results as copied IO, views over staging that later runs overwrite', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    const copying = engine.createContext();
    const pinned = engine.createContext({ outputBuffers: 'pinned' });
    try {
      const first = seededInput(inputElements, 11);
      const second = seededInput(inputElements, 12);
      const expectedFirst = Float32Array.from((await copying.infer({ input: first })).output.data as Float32Array);
      const expectedSecond = Float32Array.from((await copying.infer({ input: second })).output.data as Float32Array);
      const staged = pinned.inputBuffer('input') as Float32Array;
      expect(staged.length).toBe(inputElements);
      staged.set(first);
      const viewFirst = (await pinned.infer({ input: staged })).output.data as Float32Array;
      expect(Array.from(viewFirst)).toEqual(Array.from(expectedFirst));
      // The same staging memory again: the view of the first run now shows the second run's outputs.
      staged.set(second);
      const viewSecond = (await pinned.infer({ input: staged })).output.data as Float32Array;
      expect(Array.from(viewSecond)).toEqual(Array.from(expectedSecond));
      expect(Array.from(viewFirst)).toEqual(Array.from(expectedSecond));
      // A caller's own array still works on a pinned context (copied in).
      expect(Array.from((await pinned.infer({ input: first })).output.data as Float32Array)).toEqual(Array.from(expectedFirst));
      const overhead = await engine.measureInferOverhead({ iterations: 300, io: 'pinned' });
      expect(overhead.io).toBe('pinned');
      expect(overhead.copiedBytesPerCall).toBe(0);
      figure('bench.infer_overhead_pinned_io_us', overhead.overheadUs, 'us');
      if (overhead.mainThread) {
        for (const [key, value] of Object.entries(overhead.mainThread)) figure(`bench.infer_pinned_main_thread.${key}`, value, key.endsWith('Us') ? 'us' : '');
      }
      const bench = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20, noDataTransfers: true });
      expect(bench.hostSteps?.iterations).toBeGreaterThan(20);
      expect(bench.hostSteps?.enqueueUs).toBeGreaterThan(0);
      figure('bench.host_steps_per_iteration_us', bench.hostSteps?.perIterationUs ?? NaN, 'us');
      figure('bench.host_clock_read_ns', bench.hostSteps?.clockReadNs ?? NaN, 'ns');
      // The loop thread's own CPU time (getrusage RUSAGE_THREAD): one thread cannot run longer than the loop did.
      const steps = bench.hostSteps!;
      expect(Number.isInteger(steps.involuntarySwitches)).toBe(true);
      expect(steps.voluntarySwitches).toBeGreaterThanOrEqual(0);
      expect(steps.threadCpuUs).toBeGreaterThan(0);
      expect(steps.threadCpuUs!).toBeLessThanOrEqual(steps.perIterationUs * 1.05 + 10);
      figure('bench.loop_thread_cpu_us', steps.threadCpuUs ?? NaN, 'us');
      figure('bench.loop_preemptions', steps.involuntarySwitches ?? NaN, '');
      // One blocking-sync event per inference by default without a graph; trtexec's six (two without transfers) with
      // 'all', and by default with a graph ('auto').
      expect(steps.blockingEventsPerInference).toBe(1);
      const asTrtexec = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20, blockingEvents: 'all' });
      expect(asTrtexec.hostSteps?.blockingEventsPerInference).toBe(6);
      expect(asTrtexec.mode).toContain('blocking sync on every event');
      const asTrtexecNoCopies = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20, noDataTransfers: true, blockingEvents: 'all' });
      expect(asTrtexecNoCopies.hostSteps?.blockingEventsPerInference).toBe(2);
      const spinning = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20, useSpinWait: true, blockingEvents: 'all' });
      expect(spinning.hostSteps?.blockingEventsPerInference).toBe(0);
      // The loop's streams are trtexec's legacy kind and it runs on the pool's worker, unless the A/B knobs (read per
      // run) ask otherwise; a graph with transfers runs on the other kind and thread too.
      expect(steps.streams).toBe('legacy');
      expect(steps.thread).toBe('worker');
      const knobs = { TRTN_BENCH_STREAMS: process.env.TRTN_BENCH_STREAMS, TRTN_BENCH_THREAD: process.env.TRTN_BENCH_THREAD, TRTN_BENCH_PIN: process.env.TRTN_BENCH_PIN };
      try {
        process.env.TRTN_BENCH_STREAMS = 'non-blocking';
        process.env.TRTN_BENCH_THREAD = 'own';
        const other = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20, useCudaGraph: true });
        expect(other.hostSteps?.streams).toBe('non-blocking');
        expect(other.hostSteps?.thread).toBe('own');
        expect(other.mode).toMatch(/^transfers, CUDA graph, blocking sync on every event/);
        expect(other.hostSteps?.blockingEventsPerInference).toBe(6);
        expect(other.hostSteps?.iterations).toBeGreaterThan(20);
        expect(other.gpuCompute.median).toBeGreaterThan(0);
        expect(other.hostSteps?.pinnedCpu).toBeUndefined();
        // The loop thread alone pinned, on the pool's threads: each gets its affinity back after its loop, so later
        // runs (on whichever pool thread) are allowed every CPU of the process again.
        delete process.env.TRTN_BENCH_THREAD;
        delete process.env.TRTN_BENCH_STREAMS;
        process.env.TRTN_BENCH_PIN = 'loop';
        for (let run = 0; run < 4; run++) {
          const pinnedLoop = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20 });
          expect(pinnedLoop.hostSteps?.thread).toBe('worker');
          expect(Number.isInteger(pinnedLoop.hostSteps?.pinnedCpu)).toBe(true);
          expect(pinnedLoop.hostSteps?.cpuLast).toBe(pinnedLoop.hostSteps?.pinnedCpu);
          expect(pinnedLoop.hostSteps?.allowedCpus).toBe(availableParallelism());
        }
        delete process.env.TRTN_BENCH_PIN;
        for (let run = 0; run < 4; run++) {
          const after = await engine.benchmark({ iterations: 20, duration: 0.2, warmUp: 20 });
          expect(after.hostSteps?.pinnedCpu).toBeUndefined();
          expect(after.hostSteps?.allowedCpus).toBe(availableParallelism());
        }
      } finally {
        for (const [key, value] of Object.entries(knobs)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
    } finally {
      copying.dispose();
      pinned.dispose();
      engine.dispose();
    }
  });

  it('infer() gives the same outputs polled on the main thread, handed off after launch, and all on a worker', async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    // 200 µs (default): a small engine finishes in the poll; 1 µs: launched here, waited for on a worker; 0: all on a worker.
    const contexts = [engine.createContext(), engine.createContext({ spinWaitUs: 1 }), engine.createContext({ spinWaitUs: 0 })];
    try {
      for (let round = 0; round < 3; round++) {
        const input = seededInput(inputElements, 7 + round);
        const outputs = [];
        for (const context of contexts) outputs.push((await context.infer({ input })).output.data as Float32Array);
        expect(outputs[0].length).toBe(inputElements);
        expect(Array.from(outputs[1])).toEqual(Array.from(outputs[0]));
        expect(Array.from(outputs[2])).toEqual(Array.from(outputs[0]));
      }
      // Several in flight on different contexts at once, each path.
      const input = seededInput(inputElements, 3);
      const all = await Promise.all(contexts.map((context) => context.infer({ input })));
      for (const result of all) expect(Array.from(result.output.data as Float32Array)).toEqual(Array.from(all[0].output.data as Float32Array));
      // A bad input on the main-thread path is a coded rejection and leaves the context usable.
      await expectCode(contexts[0].infer({ input: new Float32Array(3) }), ['ERR_INPUT']);
      expect((await contexts[0].infer({ input })).output.data.length).toBe(inputElements);
    } finally {
      for (const context of contexts) context.dispose();
      engine.dispose();
    }
  });
});
