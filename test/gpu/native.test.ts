/**
 * The native TensorRT backend end to end. Runs only on a machine with a GPU and TensorRT (the lead runs it on
 * the device box); it has never run yet. Models come from lib/onnx builders, references from onnxruntime (CPU).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildEngine, loadEngine } from '../../lib/build.js';
import { TensorRTError } from '../../lib/errors.js';
import { loadNativeBackend } from '../../lib/native/loader.js';
import { buildSeed003Model } from '../../lib/onnx/builders.js';
import { writeOnnx } from '../../lib/onnx/codec.js';
import type { BuildReport } from '../../lib/types/build.js';
import { figure, gpuAvailable, probeBuilder, tensorrtAvailable } from './helpers.js';

const ready = gpuAvailable() && (await tensorrtAvailable());
// A runtime-only TensorRT (no builder resource for this GPU) skips the build tests; native-runtime-only.test.ts runs.
const canBuild = ready && (await probeBuilder()).available;
const model = buildSeed003Model({ channels: 16, height: 64, width: 64, layers: 3 });
const onnxBytes = writeOnnx(model);
const shape = [1, 16, 64, 64];
const repo = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

function seededInput(count: number): Float32Array {
  let state = 7;
  const data = new Float32Array(count);
  for (let index = 0; index < count; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[index] = state / 2147483648 - 0.5;
  }
  return data;
}

async function expectCode(promise: Promise<unknown>, codes: string[]): Promise<TensorRTError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TensorRTError);
  expect(codes).toContain((caught as TensorRTError).code);
  return caught as TensorRTError;
}

/**
 * TensorRT's own warnings and errors of a build (trtexec's `[W] [TRT]` lines) are in its report's warnings, once each
 * and the first 20 of them, as `TensorRT: …`. Returns the distinct messages TensorRT logged.
 */
function expectTensorRTWarningsReported(report: BuildReport): string[] {
  const fromTensorRT = [...new Set(report.log.filter((line) => ['warning', 'error', 'internal_error'].includes(line.severity)).map((line) => line.message.trim()))];
  for (const message of fromTensorRT.slice(0, 20)) expect(report.warnings.some((warning) => /^TensorRT( error)?: /.test(warning) && warning.endsWith(message))).toBe(true);
  expect(report.warnings.filter((warning) => /^TensorRT( error)?: /.test(warning)).length).toBe(Math.min(fromTensorRT.length, 20) + (fromTensorRT.length > 20 ? 1 : 0));
  return fromTensorRT;
}

describe.skipIf(!ready)('native TensorRT backend: loading', () => {
  it('loads through the loader and reports the runtime version and the library path', () => {
    const loaded = loadNativeBackend();
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const info = loaded.backend.info();
    expect(info.tensorrtVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.backendLibraryPath).toMatch(/libnvinfer\.so\.\d+$/);
    const environment = loaded.backend.environment(0);
    expect(environment.gpu?.name).toBeTruthy();
    expect(environment.gpu?.smCount).toBeGreaterThan(0);
  });

  it('rejects bytes that are not a plan with ERR_ENGINE_FORMAT', async () => {
    await expectCode(loadEngine(new Uint8Array(4096).fill(7), { backend: 'tensorrt' }), ['ERR_ENGINE_FORMAT']);
  });
});

describe.skipIf(!canBuild)('native TensorRT backend', () => {
  it('builds, inspects, infers like onnxruntime, benchmarks and profiles', async () => {
    const progressPhases = new Set<string>();
    const { engine, report } = await buildEngine(onnxBytes, { backend: 'tensorrt', onProgress: (progress) => progressPhases.add(progress.phase) });
    try {
      expect(report.backend).toBe('tensorrt');
      expect(report.estimated).toBe(false);
      expect(report.buildTimeMs).toBeGreaterThan(0);
      expect(report.log.length).toBeGreaterThan(0);
      expect(report.layers.length).toBeGreaterThan(0);
      figure('native.build_ms', report.buildTimeMs, 'ms');
      // The worker's phases: every one timed, in the job's order, and buildTimeMs is builder..engineBuild of them.
      const phases = report.buildPhases ?? [];
      expect(phases.map((phase) => phase.phase)).toEqual(['cudaContext', 'builder', 'parse', 'configure', 'engineBuild', 'outputs', 'inspect', 'release', 'environment']);
      for (const phase of phases) expect(phase.ms).toBeGreaterThanOrEqual(0);
      const timed = phases.filter((phase) => ['builder', 'parse', 'configure', 'cacheFillBuild', 'engineBuild'].includes(phase.phase)).reduce((sum, phase) => sum + phase.ms, 0);
      expect(Math.abs(timed - report.buildTimeMs)).toBeLessThan(5);
      for (const phase of phases) figure(`native.build_phase.${phase.phase}`, phase.ms, 'ms');
      const major = Number.parseInt(report.versions.tensorrt ?? '0', 10);
      if (major >= 10) expect(progressPhases.size).toBeGreaterThan(0);
      figure('native.build_tensorrt_warnings', expectTensorRTWarningsReported(report).length);

      const raw = engine.inspectRaw();
      expect(Array.isArray(raw.Layers)).toBe(true);
      expect(engine.io.map((io) => io.name).sort()).toEqual(['input', 'output']);

      const input = seededInput(shape.reduce((a, b) => a * b, 1));
      const context = engine.createContext();
      const outputs = await context.infer({ input });
      context.dispose();
      const session = await ort.InferenceSession.create(onnxBytes);
      const reference = (await session.run({ input: new ort.Tensor('float32', input, shape) })).output.data as Float32Array;
      const actual = outputs.output.data as Float32Array;
      expect(actual.length).toBe(reference.length);
      // TF32 is on by default for FP32 convolutions, so compare with a TF32-sized tolerance.
      let worst = 0;
      for (let index = 0; index < actual.length; index++) {
        worst = Math.max(worst, Math.abs(actual[index] - reference[index]) / (1e-2 + Math.abs(reference[index])));
      }
      figure('native.infer_worst_scaled_error', worst);
      expect(worst).toBeLessThan(2e-2);

      const bench = await engine.benchmark({ iterations: 20, duration: 0.5, warmUp: 50, exportTimes: true });
      expect(bench.estimated).toBe(false);
      expect(bench.iterations).toBeGreaterThanOrEqual(20);
      expect(bench.gpuCompute.mean).toBeGreaterThan(0);
      expect(bench.latency.mean).toBeGreaterThanOrEqual(bench.gpuCompute.mean);
      for (const record of bench.times ?? []) {
        expect(record.endH2dMs).toBeGreaterThanOrEqual(record.startH2dMs);
        expect(record.endComputeMs).toBeGreaterThanOrEqual(record.startComputeMs);
        expect(record.endD2hMs).toBeGreaterThanOrEqual(record.startD2hMs);
      }
      figure('native.gpu_compute_median_ms', bench.gpuCompute.median, 'ms');

      const graphBench = await engine.benchmark({ iterations: 20, duration: 0.3, warmUp: 20, useCudaGraph: true, noDataTransfers: true });
      expect(graphBench.h2d.max).toBeLessThan(0.05);

      const profile = await engine.profile({ iterations: 10, duration: 0.2, warmUp: 20 });
      expect(profile.iterations).toBeGreaterThanOrEqual(10);
      expect(profile.layers.length).toBeGreaterThan(0);
      const percentages = profile.layers.reduce((sum, layer) => sum + layer.percentage, 0);
      expect(percentages).toBeCloseTo(100, 3);
    } finally {
      engine.dispose();
    }
  });

  it('records tactics and replays them into the same per-layer choices', async () => {
    const first = await buildEngine(onnxBytes, { backend: 'tensorrt', recordTactics: true });
    const tacticsByLayer = new Map(first.report.layers.map((layer) => [layer.name, layer.tacticValue ?? layer.tacticName]));
    first.engine.dispose();
    expect(first.report.tactics.length).toBeGreaterThan(0);
    expect(first.report.tactics.some((layer) => layer.chosen)).toBe(true);
    const second = await buildEngine(onnxBytes, { backend: 'tensorrt', replayTactics: first.report.tactics });
    second.engine.dispose();
    const replayed = new Map(second.report.layers.map((layer) => [layer.name, layer.tacticValue ?? layer.tacticName]));
    const compared = [...tacticsByLayer.keys()].filter((name) => replayed.has(name) && tacticsByLayer.get(name));
    expect(compared.length).toBeGreaterThan(0);
    for (const name of compared) expect(replayed.get(name)).toBe(tacticsByLayer.get(name));
    expect(second.report.warnings.filter((warning) => /Replay/.test(warning))).toEqual([]);
  });

  it("reports TensorRT's warnings of a build: examples/seed003.onnx in FP16 (8.6 warns of its subnormal FP16 weights)", async () => {
    // trtexec 8.6 on the H200 warned '3 weights are affected by this issue: Detected subnormal FP16 values' for this
    // model with --fp16 (test/fixtures/real/trt8.6-h200/seed003-default/trtexec-verbose.log.gz); trtexec 10.6 did not.
    const { engine, report } = await buildEngine(readFileSync(join(repo, 'examples', 'seed003.onnx')), { backend: 'tensorrt', fp16: true, profileLayers: false });
    engine.dispose();
    const logged = expectTensorRTWarningsReported(report);
    figure('native.seed003_fp16_tensorrt_warnings', logged.length);
    if (Number.parseInt(report.versions.tensorrt ?? '0', 10) === 8) expect(report.warnings.some((warning) => /^TensorRT: .*subnormal FP16/.test(warning))).toBe(true);
  });

  it('cancels a build through its AbortSignal (TensorRT 10+)', async () => {
    const controller = new AbortController();
    const promise = buildEngine(writeOnnx(buildSeed003Model({ channels: 64, height: 256, width: 256, layers: 8 })), {
      backend: 'tensorrt',
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const loaded = loadNativeBackend();
    const major = loaded.ok ? Number.parseInt(loaded.backend.info().tensorrtVersion ?? '0', 10) : 0;
    if (major >= 10) await expectCode(promise, ['ERR_ABORTED']);
    else await promise.then((result) => result.engine.dispose(), () => undefined);
  });

  it('rejects truncated and corrupted plans with ERR_ENGINE_FORMAT or ERR_ENGINE_VERSION', async () => {
    const { engine } = await buildEngine(onnxBytes, { backend: 'tensorrt', recordTactics: false });
    const plan = engine.serialize();
    engine.dispose();
    await expectCode(loadEngine(plan.slice(0, Math.floor(plan.byteLength / 2)), { backend: 'tensorrt' }), ['ERR_ENGINE_FORMAT', 'ERR_ENGINE_VERSION']);
    const corrupted = plan.slice();
    for (let index = 64; index < corrupted.byteLength; index += 97) corrupted[index] ^= 0xff;
    await expectCode(loadEngine(corrupted, { backend: 'tensorrt' }), ['ERR_ENGINE_FORMAT', 'ERR_ENGINE_VERSION']);
  });

  it('disposes idempotently and refuses use after dispose', async () => {
    const { engine } = await buildEngine(onnxBytes, { backend: 'tensorrt', recordTactics: false });
    const context = engine.createContext();
    engine.dispose();
    engine.dispose();
    await expectCode(context.infer({ input: new Float32Array(16 * 64 * 64) }), ['ERR_DISPOSED']);
  });
});
