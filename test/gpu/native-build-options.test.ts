/**
 * Every BuildOptions field reaching TensorRT, read back from TensorRT itself: the builder config's getters
 * (report.builderConfig), the engine's IO descriptions and the engine inspector. Runs on a GPU with a TensorRT
 * that can build here; a runtime-only install skips it (native-runtime-only.test.ts covers that case).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEngine } from '../../lib/build.js';
import { float16ToFloat32, float32ToFloat16 } from '../../lib/onnx/fp16.js';
import { buildSeed003Model } from '../../lib/onnx/builders.js';
import { writeOnnx } from '../../lib/onnx/codec.js';
import { sparsify } from '../../lib/onnx/sparsity.js';
import { figure, gpuAvailable, probeBuilder, tensorrtAvailable } from './helpers.js';
import { expectCode, ortReference, runtimeMajor, seededInput, withDynamicBatch, worstScaledError } from './native-fixtures.js';

const ready = gpuAvailable() && (await tensorrtAvailable()) && (await probeBuilder()).available;
const small = buildSeed003Model({ channels: 16, height: 32, width: 32, layers: 2 });
const smallOnnx = writeOnnx(small);
const smallShape = [1, 16, 32, 32];
const scratch = mkdtempSync(join(tmpdir(), 'trtn-gpu-options-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!ready)('BuildOptions reach TensorRT (read back from TensorRT)', () => {
  it('defaults: the config TensorRT holds matches the documented defaults', async () => {
    const { engine, report } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    engine.dispose();
    const config = report.builderConfig;
    expect(config, 'report.builderConfig (read back from IBuilderConfig)').toBeDefined();
    expect(config!.flags).not.toContain('FP16');
    expect(config!.flags).not.toContain('SPARSE_WEIGHTS');
    expect(config!.builderOptimizationLevel).toBe(3);
    expect(config!.avgTiming).toBe(8);
    expect(config!.profilingVerbosity).toBe('detailed');
    expect(config!.optimizationProfiles).toBe(0);
    expect(config!.tacticSources).toContain('EDGE_MASK_CONVOLUTIONS');
    expect(report.tactics).toEqual([]);
    figure('options.default_build_ms', report.buildTimeMs, 'ms');
    // Measured layer times right after the build (profileLayers defaults to true), named as the inspector names them.
    expect(report.layerTimes?.measured).toBe(true);
    expect(report.layerTimes!.layers.length).toBeGreaterThan(0);
    const inspected = new Set(report.layers.map((layer) => layer.name));
    expect(report.layerTimes!.layers.filter((layer) => inspected.has(layer.name)).length).toBeGreaterThan(0);
    expect(report.layerTimes!.layers.every((layer) => layer.medianMs >= 0)).toBe(true);
    const skipped = await buildEngine(smallOnnx, { backend: 'tensorrt', profileLayers: false });
    skipped.engine.dispose();
    expect(skipped.report.layerTimes).toBeUndefined();
  });

  it('fp16: the FP16 flag is set and, where FP16 wins, the inspector shows half-precision layers', async () => {
    // 16 channels at 32x32 ran FP32 kernels with the flag set (TensorRT's choice on the H200); 64 channels at
    // 128x128 is large enough for FP16 tensor-core kernels to win.
    const wide = writeOnnx(buildSeed003Model({ channels: 64, height: 128, width: 128, layers: 3 }));
    const { engine, report } = await buildEngine(wide, { backend: 'tensorrt', fp16: true });
    try {
      if (runtimeMajor() <= 10) expect(report.builderConfig!.flags).toContain('FP16');
      const tensors = engine.inspect().flatMap((layer) => [...layer.inputs, ...layer.outputs]);
      figure('options.fp16_tensor_types', [...new Set(tensors.map((tensor) => tensor.dataType))].join(','));
      expect(tensors.some((tensor) => tensor.dataType === 'float16'), JSON.stringify(tensors.map((t) => t.formatText))).toBe(true);
    } finally {
      engine.dispose();
    }
  });

  it("inputIOFormats/outputIOFormats 'fp16:hwc8': the engine's IO is HWC8 fp16 and infer matches onnxruntime", async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt', fp16: true, inputIOFormats: 'fp16:hwc8', outputIOFormats: 'fp16:hwc8' });
    try {
      const input = engine.io.find((io) => io.mode === 'input')!;
      const output = engine.io.find((io) => io.mode === 'output')!;
      for (const io of [input, output]) {
        expect(io.dataType).toBe('float16');
        expect(io.format).toBe('hwc8');
        expect(io.componentsPerElement).toBe(8);
      }
      // The inspector, read through an execution context as trtexec does, names each tensor's layout.
      const layerTensors = engine.inspect().flatMap((layer) => [...layer.inputs, ...layer.outputs]);
      figure('options.hwc8_inspector_format_texts', [...new Set(layerTensors.map((tensor) => tensor.formatText))].join(' | '));
      expect(layerTensors.some((tensor) => tensor.format === 'hwc8'), JSON.stringify(layerTensors.map((tensor) => tensor.formatText))).toBe(true);
      const data = seededInput(smallShape.reduce((a, b) => a * b, 1));
      const context = engine.createContext();
      const result = await context.infer({ input: float32ToFloat16(data) });
      context.dispose();
      expect(result.output.data).toBeInstanceOf(Uint16Array);
      const worst = worstScaledError(float16ToFloat32(result.output.data as Uint16Array), await ortReference(smallOnnx, data, smallShape), 5e-2);
      figure('options.hwc8_worst_scaled_error', worst);
      expect(worst).toBeLessThan(0.1);
    } finally {
      engine.dispose();
    }
  });

  it("outputIOFormats 'fp16:chw16': the output is CHW16 fp16", async () => {
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt', fp16: true, outputIOFormats: 'fp16:chw16' });
    try {
      const output = engine.io.find((io) => io.mode === 'output')!;
      expect(output.format).toBe('chw16');
      expect(output.dataType).toBe('float16');
      expect(engine.io.find((io) => io.mode === 'input')!.format).toBe('chw');
    } finally {
      engine.dispose();
    }
  });

  it('sparsity enable on a 2:4-pruned model: SPARSE_WEIGHTS is set and TensorRT lists eligible layers', async () => {
    const pruned = sparsify(buildSeed003Model({ channels: 64, height: 64, width: 64, layers: 3 })).model;
    const { engine, report } = await buildEngine(writeOnnx(pruned), { backend: 'tensorrt', fp16: true, sparsity: 'enable' });
    engine.dispose();
    expect(report.builderConfig!.flags).toContain('SPARSE_WEIGHTS');
    figure('options.sparsity_eligible', report.sparsity.eligible.length);
    figure('options.sparsity_picked', report.sparsity.picked.length);
    // 10.x prints "(Sparsity) Found N layer(s) eligible…" at INFO, so even a default (non-verbose) build has it.
    if (runtimeMajor() >= 10) expect(report.sparsity.eligible.length).toBeGreaterThan(0);
    expect(report.warnings.filter((warning) => /could not be read/.test(warning))).toEqual([]);
  });

  it('shapes: one optimization profile, a dynamic batch in the engine, and infer at two batch sizes', async () => {
    const dynamic = withDynamicBatch(small);
    const onnx = writeOnnx(dynamic);
    const { engine, report } = await buildEngine(onnx, {
      backend: 'tensorrt',
      shapes: { input: { min: [1, 16, 32, 32], opt: [2, 16, 32, 32], max: [4, 16, 32, 32] } },
    });
    try {
      expect(report.builderConfig!.optimizationProfiles).toBe(1);
      expect(engine.io.find((io) => io.mode === 'input')!.shape[0]).toBe(-1);
      const context = engine.createContext();
      for (const batch of [1, 3]) {
        const shape = [batch, 16, 32, 32];
        const data = seededInput(shape.reduce((a, b) => a * b, 1), batch);
        const result = await context.infer({ input: { data, shape } });
        expect(result.output.shape).toEqual(shape);
        expect(worstScaledError(result.output.data as Float32Array, await ortReference(onnx, data, shape))).toBeLessThan(2e-2);
      }
      await expectCode(context.infer({ input: { data: seededInput(5 * 16 * 32 * 32), shape: [5, 16, 32, 32] } }), ['ERR_INPUT']);
      context.dispose();
    } finally {
      engine.dispose();
    }
  });

  it('builderOptimizationLevel, avgTiming, memPoolSize and profilingVerbosity are what TensorRT holds', async () => {
    const { engine, report } = await buildEngine(smallOnnx, {
      backend: 'tensorrt',
      builderOptimizationLevel: 1,
      avgTiming: 2,
      memPoolSize: { workspace: 64 },
      profilingVerbosity: 'layer_names_only',
    });
    try {
      const config = report.builderConfig!;
      expect(config.builderOptimizationLevel).toBe(1);
      expect(config.avgTiming).toBe(2);
      expect(config.memoryPools.workspace).toBe(64 * 1024 * 1024);
      expect(config.profilingVerbosity).toBe('layer_names_only');
      // With layer names only, the inspector has no tactic or format details.
      const raw = engine.inspectRaw() as { Layers?: unknown[] };
      expect(Array.isArray(raw.Layers)).toBe(true);
      expect(raw.Layers!.every((layer) => typeof layer === 'string' || (typeof layer === 'object' && layer !== null && !('TacticName' in layer)))).toBe(true);
    } finally {
      engine.dispose();
    }
  });

  it('tacticSources: a disabled source is gone from the config TensorRT holds', async () => {
    const { engine, report } = await buildEngine(smallOnnx, { backend: 'tensorrt', tacticSources: '-EDGE_MASK_CONVOLUTIONS' });
    engine.dispose();
    expect(report.builderConfig!.tacticSources).not.toContain('EDGE_MASK_CONVOLUTIONS');
    expect(report.options.tacticSources.disable).toContain('EDGE_MASK_CONVOLUTIONS');
  });

  it('timing cache: written after a build, reused by the next (no miss with errorOnTimingCacheMiss)', async () => {
    const cachePath = join(scratch, 'cache.bin');
    const first = await buildEngine(smallOnnx, { backend: 'tensorrt', timingCache: cachePath });
    first.engine.dispose();
    const size = statSync(cachePath).size;
    expect(size).toBeGreaterThan(0);
    if (runtimeMajor() < 10) {
      // 8.6 has no kERROR_ON_TIMING_CACHE_MISS: asking for it is refused with a code; a build from the cache works.
      await expectCode(buildEngine(smallOnnx, { backend: 'tensorrt', timingCache: cachePath, errorOnTimingCacheMiss: true }), ['ERR_UNSUPPORTED']);
      const again = await buildEngine(smallOnnx, { backend: 'tensorrt', timingCache: cachePath });
      again.engine.dispose();
      expect(readFileSync(cachePath).byteLength).toBeGreaterThanOrEqual(size);
      figure('options.timing_cache_bytes', size, 'B');
      return;
    }
    const second = await buildEngine(smallOnnx, { backend: 'tensorrt', timingCache: cachePath, errorOnTimingCacheMiss: true });
    second.engine.dispose();
    expect(second.report.builderConfig!.flags).toContain('ERROR_ON_TIMING_CACHE_MISS');
    const missLines = (report: typeof second.report) => report.log.filter((line) => (line.severity === 'error' || line.severity === 'internal_error') && /cache/i.test(line.message));
    expect(missLines(second.report)).toEqual([]);
    expect(readFileSync(cachePath).byteLength).toBeGreaterThanOrEqual(size);
    figure('options.timing_cache_bytes', size, 'B');
    figure('options.timing_cache_first_build_ms', first.report.buildTimeMs, 'ms');
    figure('options.timing_cache_second_build_ms', second.report.buildTimeMs, 'ms');
    // The same flag with an empty cache must miss: TensorRT fails the build or logs the misses as errors.
    let third: Awaited<ReturnType<typeof buildEngine>> | undefined;
    let failure: unknown;
    try {
      third = await buildEngine(smallOnnx, { backend: 'tensorrt', timingCache: join(scratch, 'empty.bin'), errorOnTimingCacheMiss: true });
    } catch (error) {
      failure = error;
    }
    third?.engine.dispose();
    if (third) expect(missLines(third.report).length, 'an empty cache with errorOnTimingCacheMiss logs misses').toBeGreaterThan(0);
    else expect((failure as { code?: string }).code).toBe('ERR_BUILD_FAILED');
  });

  it('recordTactics: candidates per layer only when asked, with the recording named', async () => {
    const { engine, report } = await buildEngine(smallOnnx, { backend: 'tensorrt', recordTactics: true });
    engine.dispose();
    expect(report.tactics.length).toBeGreaterThan(0);
    expect(report.tactics.some((layer) => layer.candidates.length > 1)).toBe(true);
    figure('options.record_tactics_build_ms', report.buildTimeMs, 'ms');
  });

  it('malformed ONNX: garbage bytes and an operator TensorRT does not know get coded errors', async () => {
    await expectCode(buildEngine(new Uint8Array(1000).fill(0x5a), { backend: 'tensorrt' }), ['ERR_ONNX_PARSE']);
    const unknownOp = structuredClone(small);
    unknownOp.graph.nodes[0].opType = 'NoSuchOperatorInOnnx';
    await expectCode(buildEngine(writeOnnx(unknownOp), { backend: 'tensorrt' }), ['ERR_ONNX_UNSUPPORTED', 'ERR_ONNX_PARSE']);
    // The process and the builder are still fine afterwards.
    const { engine } = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    engine.dispose();
  });
});

describe.skipIf(!ready)('keepBuilder: one builder for repeated builds', () => {
  it('keeps the builder between builds, logs each build to its own report, and releaseBuilders frees it', async () => {
    const { releaseBuilders } = await import('../../lib/select.js');
    const { freeDeviceBytes, MiB } = await import('./native-fixtures.js');
    const first = await buildEngine(smallOnnx, { backend: 'tensorrt', keepBuilder: true });
    first.engine.dispose();
    const second = await buildEngine(smallOnnx, { backend: 'tensorrt', keepBuilder: true, fp16: true, sparsity: 'enable' });
    second.engine.dispose();
    // Each build's log went to its own report, not to the first build's logger.
    expect(second.report.log.length).toBeGreaterThan(0);
    expect(second.report.builderConfig!.flags).toContain('SPARSE_WEIGHTS');
    figure('keep_builder.first_build_ms', first.report.buildTimeMs, 'ms');
    figure('keep_builder.second_build_ms', second.report.buildTimeMs, 'ms');
    const before = freeDeviceBytes();
    expect(releaseBuilders()).toBe(1);
    figure('keep_builder.device_freed', (freeDeviceBytes() - before) / MiB, 'MiB');
    expect(releaseBuilders()).toBe(0);
    const after = await buildEngine(smallOnnx, { backend: 'tensorrt' });
    after.engine.dispose();
  });
});
