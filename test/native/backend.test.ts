/**
 * lib/native/backend.ts (the adapter over the native addon) in CI, over a fake addon whose every TensorRT answer
 * is real output from the corpus (test/support/fake-addon.ts): build reports from a real 10.6 log and inspector
 * JSON, typed-array and layout checks on infer, benchmark statistics from real trtexec records, profiles,
 * measureInferOverhead and error mapping.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createNativeBackend, tensorrtWarningsOf } from '../../lib/native/backend.js';
import { Engine } from '../../lib/engine.js';
import { TensorRTError } from '../../lib/errors.js';
import { float16ToFloat32, float32ToFloat16 } from '../../lib/onnx/fp16.js';
import { buildSeed003Model } from '../../lib/onnx/builders.js';
import { writeOnnx } from '../../lib/onnx/codec.js';
import { resolveBuildOptions } from '../../lib/options.js';
import type { NativeIOTensor } from '../../lib/native/addon.js';
import { computeStats, dropWarmUp } from '../../lib/timing/index.js';
import { createFakeAddon, loadCorpusCase, tensorrtLinesOfTrtexecLog } from '../support/fake-addon.js';

const hwc8Case = loadCorpusCase('seed003-hwc8');
const resnet18 = loadCorpusCase('resnet18-2of4');
const onnx = writeOnnx(buildSeed003Model({ channels: 16, height: 4, width: 4, layers: 1 }));

const tensor = (name: string, mode: 'input' | 'output', dataType: NativeIOTensor['dataType'], format: NativeIOTensor['format'], shape: number[]): NativeIOTensor => ({
  name,
  mode,
  dataType,
  shape,
  format,
  formatText: format === 'hwc8' ? 'Channel major FP16 format where channel % 8 == 0' : 'Row major linear FP32',
  componentsPerElement: format === 'hwc8' ? 8 : 1,
  vectorizedDim: format === 'hwc8' ? 1 : -1,
  bytesPerComponent: dataType === 'float16' ? 2 : 4,
});
const fp32Io = [tensor('input', 'input', 'float32', 'chw', [1, 16, 4, 4]), tensor('output', 'output', 'float32', 'chw', [1, 16, 4, 4])];
const hwc8Io = [tensor('input', 'input', 'float16', 'hwc8', [1, 12, 3, 5]), tensor('output', 'output', 'float16', 'hwc8', [1, 12, 3, 5])];

function backendOver(options: Parameters<typeof createFakeAddon>[0]) {
  const { addon, calls } = createFakeAddon(options);
  const backend = createNativeBackend({ addon, addonPath: '/fake/trtn_trt10.node', libraryPath: '/fake/libnvinfer.so.10', tensorrtVersion: options.tensorrtVersion ?? '10.6.0' });
  return { backend, calls };
}

async function engineOver(io: NativeIOTensor[], tensorrtVersion?: string) {
  const { backend, calls } = backendOver({ build: hwc8Case, io, tensorrtVersion });
  return { engine: new Engine(await backend.deserialize(new Uint8Array(64), 0)), calls };
}

describe('native adapter: build reports from real TensorRT 10.6 output', () => {
  it('turns the build result into a report in steps, letting the event loop run between them', async () => {
    // The fake's build result is already resolved: without the yields, everything up to the report would run in
    // microtasks, ahead of any callback the event loop holds (a 12 ms stall of a cold first build on the H200).
    const { backend } = backendOver({ build: hwc8Case, io: hwc8Io });
    let settled = false;
    const turns: boolean[] = [];
    const building = backend.build(onnx, resolveBuildOptions({ fp16: true }), {}).then((output) => {
      settled = true;
      return output;
    });
    const turn = () => {
      turns.push(settled);
      if (!settled) setImmediate(turn);
    };
    setImmediate(turn);
    const { report } = await building;
    expect(report.layers.length).toBeGreaterThan(0);
    // The event loop ran at least three times while the report was being built.
    expect(turns.filter((wasSettled) => !wasSettled).length).toBeGreaterThanOrEqual(3);
  });

  it('passes the resolved options to the addon and reads the real log and inspector JSON into the report', async () => {
    const { backend, calls } = backendOver({ build: hwc8Case, io: hwc8Io });
    const options = resolveBuildOptions({ fp16: true, inputIOFormats: 'fp16:hwc8', outputIOFormats: 'fp16:hwc8', recordTactics: true });
    const { report, plan } = await backend.build(onnx, options, {});
    expect(calls.builds).toHaveLength(1);
    expect(calls.builds[0].fp16).toBe(true);
    expect(calls.builds[0].inputIOFormats).toEqual([{ dataType: 'fp16', formats: ['hwc8'] }]);
    expect(calls.builds[0].recordTactics).toBe(true);
    expect(plan.byteLength).toBeGreaterThan(0);
    expect(report.backend).toBe('tensorrt');
    expect(report.estimated).toBe(false);
    expect(report.buildTimeMs).toBe(4321);
    // The worker's phases, in the addon's order, copied (not the addon's own objects).
    expect(report.buildPhases?.map((phase) => phase.phase)).toEqual(['cudaContext', 'builder', 'engineBuild', 'release']);
    expect(report.buildPhases?.[3].ms).toBe(900);
    expect(report.builderConfig?.flags).toEqual(['FP16']);
    // The inspector's three convolutions, named as TensorRT named them, in HWC8 fp16 as it printed.
    expect(report.layers.map((layer) => layer.name)).toEqual(['/conv1/Conv', '/conv2/Conv', '/conv3/Conv']);
    for (const layer of report.layers) {
      expect(layer.inputs[0].format).toBe('hwc8');
      expect(layer.inputs[0].dataType).toBe('float16');
    }
    // The verbose log's tactic tables: each convolution timed several named kernels.
    const conv1 = report.tactics.find((entry) => entry.layer === '/conv1/Conv');
    expect(conv1?.candidates.length).toBeGreaterThan(1);
    expect(conv1?.candidates.some((candidate) => candidate.kernelName?.startsWith('sm'))).toBe(true);
    expect(report.warnings.filter((warning) => /could not be read/.test(warning))).toEqual([]);
  });

  it('sends every field the C++ option readers require, with the type they check (binding/builder_options.cc)', async () => {
    // builder_options.cc throws ERR_INTERNAL for a missing or mistyped field instead of defaulting: this keeps the
    // TypeScript side honest about always sending them, for every combination of user options.
    for (const user of [{}, { fp16: true, sparsity: 'enable' as const, inputIOFormats: 'fp16:hwc8', recordTactics: true }]) {
      const { backend, calls } = backendOver({ build: hwc8Case, io: hwc8Io });
      await backend.build(onnx, resolveBuildOptions(user), {});
      const sent = calls.builds[0] as unknown as Record<string, unknown>;
      for (const key of ['device', 'builderOptimizationLevel', 'avgTiming']) expect(typeof sent[key], key).toBe('number');
      for (const key of ['fp16', 'recordTactics', 'errorOnTimingCacheMiss', 'keepBuilder']) expect(typeof sent[key], key).toBe('boolean');
      for (const key of ['sparsity', 'profilingVerbosity']) expect(typeof sent[key], key).toBe('string');
      for (const key of ['inputIOFormats', 'outputIOFormats', 'replay']) expect(Array.isArray(sent[key]), key).toBe(true);
      for (const key of ['shapes', 'memPoolSize', 'tacticSources']) expect(typeof sent[key] === 'object' && sent[key] !== null && !Array.isArray(sent[key]), key).toBe(true);
    }
  });

  it("reads TensorRT's sparsity lists from the real resnet18 2:4 log: 19 eligible, 1 chosen", async () => {
    const { backend } = backendOver({ build: resnet18, io: fp32Io });
    const { report } = await backend.build(onnx, resolveBuildOptions({ fp16: true, sparsity: 'enable' }), {});
    expect(report.sparsity.eligible).toHaveLength(19);
    expect(report.sparsity.picked).toHaveLength(1);
    expect(report.sparsity.eligible).toContain(report.sparsity.picked[0]);
  });

  it('a non-verbose log costs the tactic tables, never the build, and warns only when tactics were asked for', async () => {
    const { backend } = backendOver({ build: hwc8Case, io: hwc8Io, severities: ['info', 'warning'] });
    const quiet = await backend.build(onnx, resolveBuildOptions({}), {});
    expect(quiet.report.tactics).toEqual([]);
    // (TensorRT's own warnings of this build are there, its "Check verbose logs …" among them: not the reader's.)
    expect(quiet.report.warnings.filter((warning) => !warning.startsWith('TensorRT') && /tactic|log/i.test(warning))).toEqual([]);
    const asked = await backend.build(onnx, resolveBuildOptions({ recordTactics: true }), {});
    expect(asked.report.tactics).toEqual([]);
    expect(asked.report.warnings.length).toBeGreaterThan(0);
  });

  it("carries TensorRT's own warnings into the report once each, as trtexec prints them: real 8.6 and 10.6 logs", async () => {
    const real = resolve(import.meta.dirname, '..', 'fixtures', 'real');
    // trtexec 8.6's log of seed-003 (subnormal FP16 weights), and the addon's own log of a 10.6 build with tactics
    // recorded (TensorRT's note on the layer timing cache beside an algorithm selector).
    const log86 = tensorrtLinesOfTrtexecLog(gunzipSync(readFileSync(join(real, 'trt8.6-h200', 'seed003-default', 'trtexec-verbose.log.gz'))).toString('utf8'));
    const log106 = (JSON.parse(gunzipSync(readFileSync(join(real, 'trt10.6-h200', 'seed003-default', 'trtn-report.json.gz'))).toString('utf8')) as { log: typeof log86 }).log;
    for (const [log, expected] of [
      [log86, 'TensorRT: Check verbose logs for the list of affected weights.'],
      [log106, /^TensorRT: It is suggested to disable layer timing cache while using AlgorithmSelector/],
    ] as const) {
      const { backend } = backendOver({ build: { ...hwc8Case, log }, io: hwc8Io });
      const { report } = await backend.build(onnx, resolveBuildOptions({ fp16: true }), {});
      const fromTensorRT = report.warnings.filter((warning) => warning.startsWith('TensorRT'));
      const distinct = new Set(log.filter((line) => line.severity === 'warning').map((line) => line.message.trim()));
      expect(distinct.size).toBeGreaterThan(0);
      expect(fromTensorRT).toHaveLength(distinct.size);
      if (typeof expected === 'string') expect(fromTensorRT).toContain(expected);
      else expect(fromTensorRT.some((warning) => expected.test(warning))).toBe(true);
    }
  });

  it("keeps twenty of TensorRT's warnings and counts the rest, errors named as errors", () => {
    const log = [
      ...Array.from({ length: 25 }, (_, index) => ({ severity: 'warning' as const, message: `w${index}` })),
      { severity: 'warning' as const, message: 'w0' },
      { severity: 'info' as const, message: 'not a warning' },
    ];
    const kept = tensorrtWarningsOf(log);
    expect(kept).toHaveLength(21);
    expect(kept[0]).toBe('TensorRT: w0');
    expect(kept[20]).toBe("TensorRT: 5 more warnings and errors of TensorRT's in report.log.");
    expect(tensorrtWarningsOf([{ severity: 'error', message: 'e ' }])).toEqual(['TensorRT error: e']);
  });

  it('passes the cancellation through: an aborted signal rejects before the addon is asked', async () => {
    const { backend, calls } = backendOver({ build: hwc8Case, io: hwc8Io });
    const controller = new AbortController();
    controller.abort();
    await expect(backend.build(onnx, resolveBuildOptions({}), { signal: controller.signal })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(calls.builds).toHaveLength(0);
  });
});

describe('native adapter: infer', () => {
  it('fp32 chw: logical data in and out, one addon call per infer', async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const context = engine.createContext();
    const input = Float32Array.from({ length: 256 }, (_, index) => index / 7);
    const out = await context.infer({ input });
    expect(out.output.shape).toEqual([1, 16, 4, 4]);
    expect(Array.from(out.output.data as Float32Array)).toEqual(Array.from(input));
    expect(calls.inferences).toBe(1);
    engine.dispose();
    expect(calls.disposedContexts).toBe(1);
  });

  it('fp16 hwc8 with 12 channels: re-laid out and padded to 16 for the engine, back to logical order on return', async () => {
    const { engine } = await engineOver(hwc8Io);
    const context = engine.createContext();
    const values = Float32Array.from({ length: 12 * 3 * 5 }, (_, index) => (index % 97) / 8);
    const bits = float32ToFloat16(values);
    const out = await context.infer({ input: bits });
    expect(out.output.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(float16ToFloat32(out.output.data as Uint16Array))).toEqual(Array.from(float16ToFloat32(bits)));
    // A Float32Array for an fp16 input is converted for the caller (the public layer) and gives the same result.
    const converted = await context.infer({ input: values });
    expect(Array.from(converted.output.data as Uint16Array)).toEqual(Array.from(out.output.data as Uint16Array));
    engine.dispose();
  });

  it('refuses wrong inputs with ERR_INPUT before the addon sees them', async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const context = engine.createContext();
    await expect(context.infer({ nope: new Float32Array(256) })).rejects.toMatchObject({ code: 'ERR_INPUT' });
    await expect(context.infer({ input: new Int32Array(256) })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('Float32Array') });
    await expect(context.infer({})).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining("Missing input 'input'") });
    expect(calls.inferences).toBe(0);
    engine.dispose();
    await expect(context.infer({ input: new Float32Array(256) })).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
  });

  it('maps a deserialize failure to its code', async () => {
    const { backend } = backendOver({ build: hwc8Case, io: fp32Io });
    await expect(backend.deserialize(new Uint8Array(2), 0)).rejects.toBeInstanceOf(TensorRTError);
    await expect(backend.deserialize(new Uint8Array(2), 0)).rejects.toMatchObject({ code: 'ERR_ENGINE_FORMAT' });
  });
});

describe('native adapter: infer by position (capabilities.positionalInfer)', () => {
  async function positionalEngine(io: NativeIOTensor[], positionalInfer = true) {
    const { backend, calls } = backendOver({ build: hwc8Case, io, positionalInfer });
    return { engine: new Engine(await backend.deserialize(new Uint8Array(64), 0)), calls };
  }
  const dynamicIo = [tensor('input', 'input', 'float32', 'chw', [-1, 16, 4, 4]), tensor('output', 'output', 'float32', 'chw', [-1, 16, 4, 4])];

  it('static shapes: the first call by name, the rest by position with one name array per side, the same outputs', async () => {
    const { engine, calls } = await positionalEngine(fp32Io);
    const context = engine.createContext();
    const results = [];
    for (let call = 0; call < 4; call++) {
      const input = Float32Array.from({ length: 256 }, (_, index) => index / 7 + call);
      const out = await context.infer({ input });
      expect(out.output.shape).toEqual([1, 16, 4, 4]);
      expect(Array.from(out.output.data as Float32Array)).toEqual(Array.from(input));
      results.push(out);
    }
    expect(calls.inferences).toBe(4);
    expect(calls.positionalInferences).toBe(3);
    expect(calls.positionalNameArrays.size).toBe(2);
    // Each call's shape is its own array: a caller changing one changes no other.
    results[1].output.shape[0] = 99;
    expect(results[2].output.shape).toEqual([1, 16, 4, 4]);
    engine.dispose();
  });

  it('fp16 hwc8: re-laid out both ways by position as by name', async () => {
    const { engine, calls } = await positionalEngine(hwc8Io);
    const context = engine.createContext();
    const values = Float32Array.from({ length: 12 * 3 * 5 }, (_, index) => (index % 97) / 8);
    const byName = await context.infer({ input: values });
    const byPosition = await context.infer({ input: values });
    expect(calls.positionalInferences).toBe(1);
    expect(byPosition.output.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(byPosition.output.data as Uint16Array)).toEqual(Array.from(byName.output.data as Uint16Array));
    expect(Array.from(float16ToFloat32(byPosition.output.data as Uint16Array))).toEqual(Array.from(float16ToFloat32(float32ToFloat16(values))));
    engine.dispose();
  });

  it('pinned outputs: the view sent once is reused by position, and inputBuffer() arrays stay in place', async () => {
    const { engine, calls } = await positionalEngine(fp32Io);
    const context = engine.createContext({ outputBuffers: 'pinned' });
    const input = context.inputBuffer('input') as Float32Array;
    for (let call = 0; call < 3; call++) {
      input.fill(call + 0.5);
      const out = await context.infer({ input });
      expect(Array.from(out.output.data as Float32Array)).toEqual(new Array(256).fill(call + 0.5));
    }
    expect(calls.positionalInferences).toBe(2);
    expect(calls.outputViewsSent).toBe(1);
    expect(calls.inPlaceInputs.every((names) => names.includes('input'))).toBe(true);
    engine.dispose();
  });

  it('by name always: dynamic shapes, { data, shape } inputs, and an addon without the capability', async () => {
    const dynamic = await positionalEngine(dynamicIo);
    const dynamicContext = dynamic.engine.createContext();
    for (let call = 0; call < 2; call++) await dynamicContext.infer({ input: { data: new Float32Array(256), shape: [1, 16, 4, 4] } });
    expect(dynamic.calls.positionalInferences).toBe(0);
    dynamic.engine.dispose();

    const shaped = await positionalEngine(fp32Io);
    const shapedContext = shaped.engine.createContext();
    await shapedContext.infer({ input: new Float32Array(256) });
    await shapedContext.infer({ input: { data: new Float32Array(256), shape: [1, 16, 4, 4] } });
    expect(shaped.calls.positionalInferences).toBe(0);
    await shapedContext.infer({ input: new Float32Array(256) });
    expect(shaped.calls.positionalInferences).toBe(1);
    shaped.engine.dispose();

    const older = await positionalEngine(fp32Io, false);
    const olderContext = older.engine.createContext();
    for (let call = 0; call < 2; call++) await olderContext.infer({ input: new Float32Array(256) });
    expect(older.calls.positionalInferences).toBe(0);
    older.engine.dispose();
  });

  it('refuses wrong inputs with ERR_INPUT by position too, before the addon sees them', async () => {
    const { engine, calls } = await positionalEngine(fp32Io);
    const context = engine.createContext();
    await context.infer({ input: new Float32Array(256) });
    await expect(context.infer({ nope: new Float32Array(256) })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining("Unknown input 'nope'") });
    await expect(context.infer({ input: new Int32Array(256) })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('Float32Array') });
    await expect(context.infer({})).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining("Missing input 'input'") });
    expect(calls.inferences).toBe(1);
    engine.dispose();
  });
});

describe('native adapter: timing over real trtexec records', () => {
  it("benchmark: trtexec's statistics of the kept records, the mode, measured", async () => {
    const { engine } = await engineOver(fp32Io);
    const result = await engine.benchmark({ warmUp: 200, iterations: 10, duration: 0.1 });
    const kept = dropWarmUp(hwc8Case.times, 200);
    expect(kept.length).toBeGreaterThan(0);
    expect(result.iterations).toBe(kept.length);
    expect(result.estimated).toBe(false);
    expect(result.gpuCompute).toEqual(computeStats(kept.map((record) => record.computeMs)));
    expect(result.h2d.median).toBeGreaterThan(1);
    expect(result.mode).toBe('transfers, no CUDA graph, blocking sync on the awaited event (unset options follow trtexec 10 and older)');
    // Records without the host completion time fall back to the addon's whole-loop host time.
    expect(result.totalHostWalltimeMs).toBe(1234);
    engine.dispose();
  });

  it('benchmark: the host span and when the loop saw each kept inference done, from the records\' host completion times', async () => {
    const hostSteps = { iterations: 10, beforeEnqueueUs: 5, enqueueUs: 2, afterEnqueueUs: 5, waitUs: 30, timingReadsUs: 1, perIterationUs: 43, streams: 'legacy' as const };
    const offsets = [0.004, 0.009, 0.005, 0.012];
    const { backend } = backendOver({ build: hwc8Case, io: fp32Io, benchmarkHost: { hostDoneAfterMs: offsets, hostSteps } });
    const engine = new Engine(await backend.deserialize(new Uint8Array(64), 0));
    const result = await engine.benchmark({ warmUp: 200, iterations: 10, duration: 0.1 });
    // The kept records are the run's tail after the warm-up; the offsets follow each record's index in the run.
    const kept = dropWarmUp(hwc8Case.times, 200);
    const firstKept = hwc8Case.times.length - kept.length;
    expect(firstKept).toBeGreaterThan(0);
    const keptIndices = kept.map((record, position) => ({ record, index: firstKept + position }));
    const seen = keptIndices.map(({ index }) => offsets[index % offsets.length]);
    expect(new Set(seen).size).toBeGreaterThan(1);
    expect(result.hostSteps?.doneSeenAfterMs?.min).toBeCloseTo(Math.min(...seen), 9);
    expect(result.hostSteps?.doneSeenAfterMs?.max).toBeCloseTo(Math.max(...seen), 9);
    expect(result.hostSteps?.doneSeenAfterMs?.median).toBeCloseTo(computeStats(seen).median, 9);
    // The loop's own figures come through as the addon gave them.
    expect(result.hostSteps?.streams).toBe('legacy');
    expect(result.hostSteps?.waitUs).toBe(30);
    // trtexec's Total Host Walltime: the last kept inference seen done minus the first one's enqueue start.
    const last = keptIndices[keptIndices.length - 1];
    expect(result.totalHostWalltimeMs).toBeCloseTo(last.record.endD2hMs + offsets[last.index % offsets.length] - kept[0].startEnqMs, 9);
    engine.dispose();
  });

  it('benchmark refuses to invent inputs of a type it cannot name (no guessed element size)', async () => {
    const { engine } = await engineOver([tensor('input', 'input', 'unknown', 'chw', [1, 16, 4, 4]), fp32Io[1]]);
    await expect(engine.benchmark({ warmUp: 0, iterations: 1, duration: 0 })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED', message: expect.stringContaining("Input 'input'") });
    engine.dispose();
  });

  it('benchmark and profile send every field the C++ reader requires (binding/benchmark.cc)', async () => {
    const { backend, calls } = backendOver({ build: hwc8Case, io: fp32Io });
    const engine = new Engine(await backend.deserialize(new Uint8Array(64), 0));
    await engine.benchmark({ warmUp: 200 });
    await engine.profile({});
    await engine.benchmark({ warmUp: 200, blockingEvents: 'all' });
    await engine.benchmark({ warmUp: 200, useCudaGraph: true });
    await engine.benchmark({ warmUp: 200, useCudaGraph: true, blockingEvents: 'waited' });
    expect(calls.timings).toHaveLength(5);
    expect((calls.timings as unknown as Record<string, unknown>[]).map((sent) => sent.blockingEvents)).toEqual(['waited', 'waited', 'all', 'all', 'waited']);
    for (const sent of calls.timings as unknown as Record<string, unknown>[]) {
      for (const key of ['iterations', 'duration', 'warmUp']) expect(typeof sent[key], key).toBe('number');
      for (const key of ['useCudaGraph', 'useSpinWait', 'noDataTransfers']) expect(typeof sent[key], key).toBe('boolean');
    }
    engine.dispose();
  });

  it("environment: a build's and a timing run's come from their workers, not from environment() on the event loop", async () => {
    const gathered = { tensorrtVersion: '10.6.0', tensorrtHeaderVersion: '10.6.0', cudaDriverVersion: 13000, gpu: { index: 0, name: 'GPU seen by the worker', computeCapability: '9.0', smCount: 132, clocks: { smMHz: 1980 } } };
    const { backend, calls } = backendOver({ build: hwc8Case, io: fp32Io, workerEnvironment: gathered });
    const { report } = await backend.build(onnx, resolveBuildOptions({ fp16: true }), {});
    expect(report.environment.gpu?.name).toBe('GPU seen by the worker');
    expect(report.versions.cudaDriver).toBeDefined();
    const engine = new Engine(await backend.deserialize(new Uint8Array(64), 0));
    expect((await engine.benchmark({ warmUp: 200 })).environment.gpu?.clocks?.smMHz).toBe(1980);
    expect((await engine.profile({})).environment.gpu?.name).toBe('GPU seen by the worker');
    expect(calls.environmentCalls).toBe(0);
    engine.dispose();
    // An addon that does not send one: environment() it is.
    const older = backendOver({ build: hwc8Case, io: fp32Io });
    expect((await older.backend.build(onnx, resolveBuildOptions({ fp16: true }), {})).report.environment.gpu?.name).toBe('NVIDIA H200');
    expect(older.calls.environmentCalls).toBe(1);
  });

  it('timing inputs: only sizes cross to an addon that fills them (released after the run), bytes to one that does not', async () => {
    const mixed = [tensor('input', 'input', 'float32', 'chw', [1, 16, 4, 4]), tensor('mask', 'input', 'int32', 'chw', [1, 3]), fp32Io[1]];
    const filling = backendOver({ build: hwc8Case, io: mixed, syntheticInputs: true });
    const engine = new Engine(await filling.backend.deserialize(new Uint8Array(64), 0));
    await engine.benchmark({ warmUp: 200 });
    await engine.profile({});
    for (const [index, inputs] of filling.calls.timingInputs.entries()) {
      expect(inputs.input).toEqual({ synthetic: 'uniform', byteLength: 16 * 4 * 4 * 4, shape: [1, 16, 4, 4] });
      expect(inputs.mask).toEqual({ synthetic: 'zeros', byteLength: 12, shape: [1, 3] });
      expect(filling.calls.timings[index].releaseAfter).toBe(true);
    }
    // Their contexts are created by the run on its worker, not here.
    expect(filling.calls.contextOptions).toEqual([{ lazy: true }, { lazy: true }]);
    engine.dispose();
    // An older addon: the bytes themselves, float32 uniform in [0, 1) and distinct, other types zero; no releaseAfter.
    const copying = backendOver({ build: hwc8Case, io: mixed });
    const old = new Engine(await copying.backend.deserialize(new Uint8Array(64), 0));
    await old.benchmark({ warmUp: 200 });
    const sent = copying.calls.timingInputs[0] as Record<string, { data: Uint8Array; shape: number[] }>;
    const floats = new Float32Array(sent.input.data.buffer, sent.input.data.byteOffset, 256);
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect(new Set(floats).size).toBeGreaterThan(250);
    expect(Array.from(sent.mask.data)).toEqual(new Array(12).fill(0));
    expect(copying.calls.timings[0].releaseAfter).toBeUndefined();
    expect(copying.calls.contextOptions).toEqual([undefined]);
    old.dispose();
  });

  it('benchmark defaults follow an 11.x runtime: CUDA graph, spin-wait, no transfers', async () => {
    const { engine } = await engineOver(fp32Io, '11.2.1');
    const result = await engine.benchmark({ warmUp: 200 });
    expect(result.options.useCudaGraph).toBe(true);
    expect(result.options.noDataTransfers).toBe(true);
    expect(result.mode).toMatch(/^no transfers, CUDA graph, spin-wait/);
    engine.dispose();
  });

  it("profile: the corpus's per-layer times aggregated, percentages summing to 100", async () => {
    const { engine } = await engineOver(fp32Io);
    const profile = await engine.profile({});
    expect(profile.layers.map((layer) => layer.name)).toEqual(hwc8Case.profile.map((row) => row.name));
    expect(profile.layers.reduce((sum, layer) => sum + layer.percentage, 0)).toBeCloseTo(100, 6);
    expect(profile.layers[0].averageMs).toBeCloseTo(hwc8Case.profile[0].averageMs, 9);
    engine.dispose();
  });

  it('measureInferOverhead: infer() per call minus the raw loop, through a public context with its spinWaitUs', async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const overhead = await engine.measureInferOverhead({ iterations: 200 });
    expect(overhead.rawUs).toBe(10);
    expect(overhead.inferUs).toBeGreaterThan(0);
    expect(overhead.overheadUs).toBeCloseTo(overhead.inferUs - 10, 9);
    // Ten interleaved block pairs; the mean over all calls is reported beside the median.
    expect(overhead.blocks).toBe(10);
    expect(Number.isFinite(overhead.overheadMeanUs)).toBe(true);
    expect(overhead.spinWaitUs).toBe(200);
    // Warm-up (50) plus the timed calls, each through the public context's spin budget.
    expect(calls.spinWaits).toHaveLength(250);
    expect(new Set(calls.spinWaits)).toEqual(new Set([200]));
    // The addon's main-thread step times of the timed calls only (warm-up reset), per call; the rest is "outside".
    expect(overhead.mainThread).toMatchObject({ readUs: 1, launchUs: 2, enqueueUs: 1.5, spinUs: 3, outputsUs: 0.5, handedOffCalls: 0 });
    // The raw loop's own steps, per iteration over its blocks.
    expect(overhead.rawSteps).toEqual({ uploadUs: 1, enqueueUs: 5, downloadUs: 1, syncUs: 3 });
    // Per call over all calls: the mean infer() time (overheadMeanUs + the raw 10 µs) minus the addon's 6.5 µs.
    expect(overhead.mainThread!.outsideUs).toBeCloseTo(overhead.overheadMeanUs + 10 - 6.5, 9);
    const workerOnly = await engine.measureInferOverhead({ iterations: 10, spinWaitUs: 0 });
    expect(workerOnly.spinWaitUs).toBe(0);
    expect(workerOnly.mainThread?.handedOffCalls).toBe(10);
    expect(calls.spinWaits.slice(250)).toEqual(new Array(20).fill(0));
    engine.dispose();
  });

  it('measureInferOverhead io pinned: inputs filled into inputBuffer() arrays, pinned outputs, nothing counted as copied', async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const copying = await engine.measureInferOverhead({ iterations: 20 });
    expect(copying.io).toBe('copy');
    // 1x16x4x4 fp32 in and out.
    expect(copying.copiedBytesPerCall).toBe(2 * 256 * 4);
    expect(calls.hostBuffers).toHaveLength(0);
    const pinned = await engine.measureInferOverhead({ iterations: 20, io: 'pinned' });
    expect(pinned.io).toBe('pinned');
    expect(pinned.copiedBytesPerCall).toBe(0);
    expect(calls.contextOptions.at(-2)).toEqual({ pinnedOutputs: true });
    expect(calls.hostBuffers).toEqual([expect.objectContaining({ name: 'input', byteLength: 1024 })]);
    // Every timed and warm-up call handed the addon the pinned buffer itself.
    expect(calls.inPlaceInputs.slice(-40)).toEqual(new Array(40).fill(['input']));
    await expect(engine.measureInferOverhead({ io: 'zero-copy' as 'pinned' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    engine.dispose();
  });

  it('inputBuffer: a typed array of the input over the addon buffer, passed to the addon as is', async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const context = engine.createContext();
    const input = context.inputBuffer('input');
    expect(input).toBeInstanceOf(Float32Array);
    expect(input.length).toBe(256);
    expect(input.buffer).toBe(calls.hostBuffers[0].buffer);
    (input as Float32Array).fill(0.5);
    const out = await context.infer({ input });
    expect(calls.inPlaceInputs.at(-1)).toEqual(['input']);
    expect(Array.from(out.output.data as Float32Array).every((value) => value === 0.5)).toBe(true);
    expect(() => context.inputBuffer('nope')).toThrow(expect.objectContaining({ code: 'ERR_INPUT', message: expect.stringContaining("the engine's inputs are: input") }));
    expect(() => context.inputBuffer('input', [1, 16, 4, 5])).toThrow(expect.objectContaining({ code: 'ERR_INPUT', message: expect.stringContaining('static shape [1,16,4,4]') }));
    context.dispose();
    expect(() => context.inputBuffer('input')).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    engine.dispose();
  });

  it('inputBuffer refuses vectorised IO formats and needs a shape for dynamic inputs', async () => {
    const hwc8 = await engineOver(hwc8Io);
    const context = hwc8.engine.createContext();
    expect(() => context.inputBuffer('input')).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED', message: expect.stringContaining('hwc8') }));
    hwc8.engine.dispose();
    const dynamicIo = [tensor('input', 'input', 'float32', 'chw', [-1, 16, 4, 4]), tensor('output', 'output', 'float32', 'chw', [-1, 16, 4, 4])];
    const dynamic = await engineOver(dynamicIo);
    const dynamicContext = dynamic.engine.createContext();
    expect(() => dynamicContext.inputBuffer('input')).toThrow(expect.objectContaining({ code: 'ERR_INPUT', message: expect.stringContaining("inputBuffer('input', [1, 16, 4, 4])") }));
    const batch3 = dynamicContext.inputBuffer('input', [3, 16, 4, 4]);
    expect(batch3.length).toBe(3 * 256);
    expect(dynamic.calls.hostBuffers.at(-1)).toMatchObject({ byteLength: 3 * 256 * 4 });
    dynamic.engine.dispose();
  });

  it("createContext({ outputBuffers: 'pinned' }) reaches the addon; a bad value is ERR_INVALID_OPTION", async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const pinned = engine.createContext({ outputBuffers: 'pinned' });
    expect(pinned.outputBuffers).toBe('pinned');
    expect(calls.contextOptions.at(-1)).toEqual({ pinnedOutputs: true });
    expect(engine.createContext().outputBuffers).toBe('copy');
    expect(calls.contextOptions.at(-1)).toEqual({ pinnedOutputs: false });
    expect(() => engine.createContext({ outputBuffers: 'shared' as 'pinned' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('outputBuffers') }));
    engine.dispose();
  });

  it('pinned outputs: one staging view per output buffer, reused by later calls (no ArrayBuffer per call)', async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const context = engine.createContext({ outputBuffers: 'pinned' });
    const first = new Float32Array(256).fill(1);
    const second = new Float32Array(256).fill(2);
    const a = (await context.infer({ input: first })).output.data as Float32Array;
    expect(Array.from(a).every((value) => value === 1)).toBe(true);
    const b = (await context.infer({ input: second })).output.data as Float32Array;
    expect(calls.outputViewsSent).toBe(1);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(256);
    // The view of the first call shows the second call's outputs: valid until the next infer(), as documented.
    expect(Array.from(a).every((value) => value === 2)).toBe(true);
    // A copying context gets its own buffer per call.
    const copying = engine.createContext();
    const c = (await copying.infer({ input: first })).output.data as Float32Array;
    const d = (await copying.infer({ input: second })).output.data as Float32Array;
    expect(c.buffer).not.toBe(d.buffer);
    expect(Array.from(c).every((value) => value === 1)).toBe(true);
    engine.dispose();
  });

  it('an addon from before hostBuffer(): inputBuffer() and pinned outputs are ERR_UNSUPPORTED, not silent copies', async () => {
    const { backend } = backendOver({ build: hwc8Case, io: fp32Io, withoutHostBuffer: true });
    const engine = new Engine(await backend.deserialize(new Uint8Array(64), 0));
    const context = engine.createContext();
    expect(() => context.inputBuffer('input')).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED', message: expect.stringContaining('npm run build:native') }));
    expect(() => engine.createContext({ outputBuffers: 'pinned' })).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED', message: expect.stringContaining("outputBuffers: 'pinned'") }));
    await expect(engine.measureInferOverhead({ iterations: 5, io: 'pinned' })).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    expect((await context.infer({ input: new Float32Array(256) })).output.data.length).toBe(256);
    engine.dispose();
  });

  it('createContext({ spinWaitUs }) reaches the addon; a bad value is ERR_INVALID_OPTION', async () => {
    const { engine, calls } = await engineOver(fp32Io);
    const context = engine.createContext({ spinWaitUs: 35 });
    expect(context.spinWaitUs).toBe(35);
    const input = fp32Io.find((tensor) => tensor.mode === 'input')!;
    await context.infer({ [input.name]: new Float32Array(input.shape.reduce((a, b) => a * b, 1)) });
    expect(calls.spinWaits.at(-1)).toBe(35);
    for (const bad of [-1, Number.NaN, 2_000_000, '5' as unknown as number]) {
      expect(() => engine.createContext({ spinWaitUs: bad })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
    engine.dispose();
  });
});
