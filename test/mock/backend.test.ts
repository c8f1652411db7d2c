import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineHandle } from '../../lib/backend/types.js';
import { createMockBackend, MOCK_PLAN_MAGIC } from '../../lib/mock/index.js';
import { buildResNetLikeModel, buildSeed003Model, float16ToFloat32, float32ToFloat16, writeOnnx } from '../../lib/onnx/index.js';
import { resolveBenchmarkOptions, resolveBuildOptions } from '../../lib/options.js';
import type { BuildOptions, BuildReport } from '../../lib/types/index.js';

const backend = createMockBackend({ reason: 'libnvinfer.so.10 not found' });
const seedBytes = writeOnnx(buildSeed003Model({ height: 32, width: 24 }));
const seedInputLength = 16 * 32 * 24;

async function build(bytes: Uint8Array, options: BuildOptions = {}) {
  const { signal, onProgress, ...plain } = options;
  return backend.build(bytes, resolveBuildOptions(plain), { signal, onProgress });
}

function listFromLog(report: BuildReport, prefix: string): string[] | undefined {
  const line = report.log.find((entry) => entry.message.startsWith(prefix));
  return line?.message.slice(prefix.length).split(', ');
}

describe('sparsity on the ResNet-like model (Orin profile)', () => {
  let report: BuildReport;
  beforeAll(async () => {
    // Batch 8 makes the 288-channel 1x1 convolutions compute-heavy on Orin; the 16-channel stage stays small.
    const bytes = writeOnnx(buildResNetLikeModel({ channels: [16, 288], batch: 8 }));
    report = (await build(bytes, { fp16: true, sparsity: 'force', recordTactics: true, mockDevice: 'orin-agx-32gb-816mhz' })).report;
  });

  it('makes every pruned Conv and the Gemm eligible', () => {
    const matrixLayers = report.layers.filter((layer) => layer.layerType === 'CaskConvolution' || layer.layerType === 'CaskGemmMatrixMultiply');
    expect(matrixLayers.length).toBeGreaterThan(5);
    expect([...report.sparsity.eligible].sort()).toEqual(matrixLayers.map((layer) => layer.name).sort());
  });
  it('picks sparse exactly where the sparse estimate beats the dense one', () => {
    expect(report.sparsity.picked.length).toBeGreaterThan(0);
    for (const estimate of report.estimates!) {
      const picked = report.sparsity.picked.includes(estimate.layer);
      if (estimate.sparseTimeMs === undefined) expect(picked).toBe(false);
      else expect(picked).toBe(estimate.sparseTimeMs < estimate.denseTimeMs);
      expect(estimate.chosenTimeMs).toBe(picked ? estimate.sparseTimeMs : estimate.denseTimeMs);
    }
  });
  it('keeps a 16-channel layer dense although it is eligible', () => {
    const small = report.layers.find((layer) => layer.convolution?.outMaps === 16 && layer.inputs[0].dimensions[1] === 16);
    expect(small).toBeDefined();
    expect(report.sparsity.eligible).toContain(small!.name);
    expect(report.sparsity.picked).not.toContain(small!.name);
    expect(small!.convolution!.hasSparseWeights).toBe(false);
    expect(small!.tacticName).toMatch(/^mock_fp16_hwc8_conv_dense$/);
  });
  it('marks picked layers with sparse tactics and HasSparseWeights', () => {
    for (const name of report.sparsity.picked) {
      const layer = report.layers.find((item) => item.name === name)!;
      expect(layer.tacticName).toMatch(/^mock_fp16_sparse_/);
      if (layer.convolution) expect(layer.convolution.hasSparseWeights).toBe(true);
      const tactics = report.tactics.find((item) => item.layer === name)!;
      expect(tactics.chosen?.sparse).toBe(true);
      expect(tactics.candidates.map((candidate) => candidate.sparse)).toEqual([false, true]);
    }
  });
  it('writes the builder sparsity lines so log analysis sees the same lists', () => {
    expect(report.log[0].message).toMatch(/^\[MOCK\]/);
    expect(listFromLog(report, '(Sparsity) Layers eligible for sparse math: ')).toEqual(report.sparsity.eligible);
    expect(listFromLog(report, '(Sparsity) TRT inference plan picked sparse implementation for layers: ')).toEqual(report.sparsity.picked);
  });
  it('gives a Conv with folded BatchNormalization a per-channel bias', () => {
    const folded = report.layers.filter((layer) => layer.onnxNodes.some((name) => /BatchNormalization$/.test(name)));
    expect(folded.length).toBeGreaterThan(0);
    for (const layer of folded) expect(layer.convolution!.bias).toEqual({ type: 'Half', count: layer.convolution!.outMaps });
  });
  it('names fused layers after their ONNX nodes joined with " + "', () => {
    const residual = report.layers.filter((layer) => layer.convolution?.hasResidual);
    expect(residual.length).toBeGreaterThan(0);
    for (const layer of residual) {
      expect(layer.name).toBe(layer.onnxNodes.join(' + '));
      expect(layer.onnxNodes[0]).toMatch(/Conv$/);
      expect(layer.onnxNodes.some((name) => /BatchNormalization$/.test(name))).toBe(true);
      expect(layer.onnxNodes.at(-2)).toMatch(/Add$/);
      expect(layer.onnxNodes.at(-1)).toMatch(/Relu$/);
      expect(layer.inputs).toHaveLength(2);
    }
  });
});

describe('sparsity without pruning', () => {
  it('finds random weights not 2:4, and prints nothing with sparsity disabled', async () => {
    const bytes = writeOnnx(buildResNetLikeModel({ channels: [16, 32] }));
    const enabled = (await build(bytes, { fp16: true, sparsity: 'enable' })).report;
    expect(enabled.sparsity).toEqual({ eligible: [], picked: [] });
    expect(enabled.log.some((line) => /not 2:4/.test(line.message))).toBe(true);
    const disabled = (await build(bytes, { fp16: true })).report;
    expect(disabled.log.some((line) => line.message.startsWith('(Sparsity)'))).toBe(false);
  });
  it('never makes an FP32 build eligible', async () => {
    const bytes = writeOnnx(buildResNetLikeModel({ channels: [16, 32] }));
    const report = (await build(bytes, { sparsity: 'force' })).report;
    expect(report.sparsity.eligible).toEqual([]);
    expect(report.warnings.join()).toMatch(/TF32/);
  });
});

describe('formats and reformats on the seed-003 model', () => {
  it('adds input and output reformats around FP16 hwc8 convolutions with default IO', async () => {
    const { report } = await build(seedBytes, { fp16: true });
    const first = report.layers[0];
    const last = report.layers.at(-1)!;
    expect(first.isReformat).toBe(true);
    expect(first.layerType).toBe('Reformat');
    expect(first.name).toBe(`Reformatting CopyNode for Input Tensor 0 to ${report.layers[1].name}`);
    expect(first.inputs[0].formatText).toBe('Row major linear FP32');
    expect(first.outputs[0].formatText).toBe('Channel major FP16 format where channel % 8 == 0');
    expect(last.isReformat).toBe(true);
    expect(last.name).toMatch(/^Reformatting CopyNode for Output Tensor 0 to /);
    const convs = report.layers.filter((layer) => layer.layerType === 'CaskConvolution');
    expect(convs).toHaveLength(3);
    for (const conv of convs) {
      expect(conv.inputs[0].format).toBe('hwc8');
      expect(conv.precision).toBe('float16');
      expect(conv.tacticName).toBe('mock_fp16_hwc8_conv_dense');
    }
    const reformatEstimates = report.estimates!.filter((estimate) => estimate.layer.startsWith('Reformatting'));
    expect(reformatEstimates).toHaveLength(2);
    for (const estimate of reformatEstimates) expect(estimate.chosenTimeMs).toBeGreaterThan(0);
  });
  it('drops both reformats with fp16:hwc8 IO and reports the vectorised IO', async () => {
    const { report, plan } = await build(seedBytes, { fp16: true, inputIOFormats: 'fp16:hwc8', outputIOFormats: 'fp16:hwc8' });
    expect(report.layers.some((layer) => layer.isReformat)).toBe(false);
    const engine = await backend.deserialize(plan, 0);
    for (const tensor of engine.io) {
      expect(tensor).toMatchObject({ dataType: 'float16', format: 'hwc8', componentsPerElement: 8, vectorizedDim: 1 });
    }
    engine.dispose();
  });
  it('still reformats when fp16 IO is linear (format change only)', async () => {
    const { report } = await build(seedBytes, { fp16: true, inputIOFormats: 'fp16:chw' });
    expect(report.layers[0].isReformat).toBe(true);
    expect(report.layers[0].precision).toBe('float16');
  });
  it('has no reformats in an FP32 build with default IO', async () => {
    const { report } = await build(seedBytes);
    expect(report.layers.some((layer) => layer.isReformat)).toBe(false);
    expect(report.layers.every((layer) => layer.inputs[0].formatText === 'Row major linear FP32')).toBe(true);
  });
  it('rejects hwc8 IO on an fp32 tensor and an unknown device profile', async () => {
    await expect(build(seedBytes, { fp16: true, inputIOFormats: 'fp32:hwc8' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(build(seedBytes, { mockDevice: 'gtx-480' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('h100-sxm') });
  });
});

describe('engine', () => {
  let engine: EngineHandle;
  let report: BuildReport;
  let plan: Uint8Array;
  beforeAll(async () => {
    ({ report, plan } = await build(seedBytes, { fp16: true }));
    engine = await backend.deserialize(plan, 0);
  });
  afterAll(() => engine.dispose());

  it('marks every figure as an estimate', async () => {
    expect(report.backend).toBe('mock');
    expect(report.estimated).toBe(true);
    expect(report.estimates!.every((estimate) => estimate.estimated)).toBe(true);
    expect(report.tactics.flatMap((item) => item.candidates).every((candidate) => candidate.estimated && item(candidate))).toBe(true);
    expect(report.tactics.every((entry) => entry.source === 'mock')).toBe(true);
    expect(report.warnings[0]).toMatch(/estimate/);
    expect(report.environment.deviceProfile).toBe('h100-sxm');
    expect(report.environment.gpu).toBeUndefined();
    const bench = await engine.benchmark(resolveBenchmarkOptions({ duration: 0.01, warmUp: 0 }));
    expect(bench).toMatchObject({ backend: 'mock', estimated: true });
    const profile = await engine.profile(resolveBenchmarkOptions({ iterations: 5 }));
    expect(profile).toMatchObject({ backend: 'mock', estimated: true, iterations: 5 });
    function item(candidate: { tactic: string }): boolean {
      return /^0x[0-9a-f]{16}$/.test(candidate.tactic);
    }
  });
  it('benchmarks from the estimates without inventing noise', async () => {
    const sum = report.estimates!.reduce((total, estimate) => total + estimate.chosenTimeMs, 0);
    const bench = await engine.benchmark(resolveBenchmarkOptions({ iterations: 50, duration: 0, warmUp: 0, exportTimes: true }));
    expect(bench.gpuCompute.mean).toBeCloseTo(sum, 12);
    expect(bench.gpuCompute.stdDev).toBe(0);
    expect(bench.iterations).toBe(50);
    expect(bench.times).toHaveLength(50);
    expect(bench.latency.median).toBeCloseTo(bench.h2d.median + bench.gpuCompute.median + bench.d2h.median, 12);
    const noCopies = await engine.benchmark(resolveBenchmarkOptions({ iterations: 10, duration: 0, noDataTransfers: true }));
    expect(noCopies.h2d.max).toBe(0);
    expect(noCopies.latency.mean).toBeCloseTo(noCopies.gpuCompute.mean, 12);
  });
  it('profiles per layer with the estimates', async () => {
    const profile = await engine.profile(resolveBenchmarkOptions({ iterations: 4 }));
    expect(profile.layers.map((layer) => layer.name)).toEqual(report.layers.map((layer) => layer.name));
    const conv = report.estimates!.find((estimate) => estimate.layer === report.layers[1].name)!;
    expect(profile.layers[1].averageMs).toBeCloseTo(conv.chosenTimeMs, 12);
    expect(profile.layers[1].timeMs).toBeCloseTo(conv.chosenTimeMs * 4, 12);
    expect(profile.layers.reduce((total, layer) => total + layer.percentage, 0)).toBeCloseTo(100, 9);
  });
  it('exports inspector JSON with trtexec key names', () => {
    const raw = engine.inspectRaw() as { Layers: Record<string, unknown>[]; Bindings: string[] };
    expect(raw.Bindings).toEqual(['input', 'output']);
    const conv = raw.Layers.find((layer) => layer.LayerType === 'CaskConvolution')!;
    for (const key of ['Name', 'LayerType', 'Inputs', 'Outputs', 'ParameterType', 'Kernel', 'Stride', 'OutMaps', 'Groups', 'Weights', 'HasSparseWeights', 'TacticName', 'TacticValue', 'Estimated']) {
      expect(conv).toHaveProperty(key);
    }
    expect(conv.Kernel).toEqual([3, 3]);
    expect((conv.Inputs as Record<string, unknown>[])[0]).toHaveProperty('Format/Datatype', 'Channel major FP16 format where channel % 8 == 0');
    expect(engine.inspect().map((layer) => layer.name)).toEqual(report.layers.map((layer) => layer.name));
  });
  it('round-trips through serialize/deserialize', async () => {
    const bytes = engine.serialize();
    expect(backend.recognizes(bytes)).toBe(true);
    expect([...bytes.subarray(0, 8)]).toEqual([...MOCK_PLAN_MAGIC]);
    const again = await backend.deserialize(bytes, 0);
    expect(again.inspect()).toEqual(engine.inspect());
    expect(again.io).toEqual(engine.io);
    expect(again.serialize()).toEqual(bytes);
    again.dispose();
  });
  it('rejects truncated, damaged and foreign bytes with ERR_ENGINE_FORMAT', async () => {
    await expect(backend.deserialize(plan.subarray(0, plan.length - 10), 0)).rejects.toMatchObject({ code: 'ERR_ENGINE_FORMAT' });
    await expect(backend.deserialize(plan.subarray(0, 12), 0)).rejects.toMatchObject({ code: 'ERR_ENGINE_FORMAT' });
    const damaged = plan.slice();
    damaged[damaged.length - 5] ^= 0xff;
    await expect(backend.deserialize(damaged, 0)).rejects.toMatchObject({ code: 'ERR_ENGINE_FORMAT', message: expect.stringContaining('checksum') });
    const badHeader = plan.slice();
    badHeader[17] = 0x7b; // inside the JSON header
    badHeader[18] = 0x7b;
    await expect(backend.deserialize(badHeader, 0)).rejects.toMatchObject({ code: 'ERR_ENGINE_FORMAT' });
    expect(backend.recognizes(seedBytes)).toBe(false);
    await expect(backend.deserialize(seedBytes, 0)).rejects.toMatchObject({ code: 'ERR_ENGINE_FORMAT' });
  });
});

describe('inference', () => {
  const input = Float32Array.from({ length: seedInputLength }, (_, index) => Math.sin(index));

  it('returns what onnxruntime returns for the same model', async () => {
    const { plan } = await build(seedBytes, { fp16: true });
    const engine = await backend.deserialize(plan, 0);
    const context = engine.createContext();
    const outputs = await context.infer({ input });
    const session = await ort.InferenceSession.create(seedBytes);
    const reference = await session.run({ input: new ort.Tensor('float32', input, [1, 16, 32, 24]) });
    await session.release();
    expect(outputs.output.shape).toEqual([1, 16, 32, 24]);
    expect(outputs.output.data).toBeInstanceOf(Float32Array);
    expect(Array.from(outputs.output.data as Float32Array)).toEqual(Array.from(reference.output.data as Float32Array));
    engine.dispose();
  });
  it('takes and returns fp16 bits for fp16 IO', async () => {
    const { plan } = await build(seedBytes, { fp16: true, inputIOFormats: 'fp16:chw', outputIOFormats: 'fp16:chw' });
    const engine = await backend.deserialize(plan, 0);
    const context = engine.createContext();
    const half = float32ToFloat16(input);
    const outputs = await context.infer({ input: half });
    expect(outputs.output.data).toBeInstanceOf(Uint16Array);
    const fp32Engine = await backend.deserialize((await build(seedBytes)).plan, 0);
    const reference = (await fp32Engine.createContext().infer({ input: float16ToFloat32(half) })).output.data as Float32Array;
    const got = float16ToFloat32(outputs.output.data as Uint16Array);
    for (let index = 0; index < got.length; index += 97) expect(got[index]).toBeCloseTo(reference[index], 2);
    await expect(context.infer({ input })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('Uint16Array') });
    engine.dispose();
    fp32Engine.dispose();
  });
  it('inputBuffer: an ordinary typed array of the right type and size that infer() takes', async () => {
    const engine = await backend.deserialize((await build(seedBytes)).plan, 0);
    const context = engine.createContext();
    const tensor = engine.io.find((io) => io.mode === 'input')!;
    const buffer = context.inputBuffer(tensor, seedInputLength * 4);
    expect(buffer).toBeInstanceOf(Float32Array);
    expect(buffer.length).toBe(seedInputLength);
    (buffer as Float32Array).set(input);
    const viaBuffer = await context.infer({ input: buffer });
    const direct = await context.infer({ input });
    expect(Array.from(viaBuffer.output.data as Float32Array)).toEqual(Array.from(direct.output.data as Float32Array));
    engine.dispose();
  });
  it('rejects bad inputs with ERR_INPUT saying what was expected', async () => {
    const engine = await backend.deserialize((await build(seedBytes)).plan, 0);
    const context = engine.createContext();
    await expect(context.infer({})).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringMatching(/Missing input 'input'.*Float32Array.*\[1,16,32,24\]/) });
    await expect(context.infer({ input, extra: input })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining("Unknown input 'extra'") });
    await expect(context.infer({ input: input.subarray(1) })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining(`needs ${seedInputLength}`) });
    await expect(context.infer({ input: new Int32Array(seedInputLength) })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('Float32Array') });
    await expect(context.infer({ input: { data: input, shape: [1, 16, 24, 32] } })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('axis 2') });
    await expect(context.infer({ input: { data: input, shape: [16, 32, 24] } })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('rank 4') });
    const ok = await context.infer({ input: { data: input, shape: [1, 16, 32, 24] } });
    expect(ok.output.shape).toEqual([1, 16, 32, 24]);
    engine.dispose();
  });
});

describe('lifetime', () => {
  it('disposes idempotently and refuses use afterwards', async () => {
    const engine = await backend.deserialize((await build(seedBytes)).plan, 0);
    const context = engine.createContext();
    const other = engine.createContext();
    other.dispose();
    other.dispose();
    await expect(other.infer({ input: new Float32Array(seedInputLength) })).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    await context.infer({ input: new Float32Array(seedInputLength) });
    engine.dispose();
    engine.dispose();
    expect(() => engine.createContext()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    expect(() => engine.inspect()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    expect(() => engine.serialize()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    await expect(engine.benchmark(resolveBenchmarkOptions({}))).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    // disposing the engine disposed its contexts
    await expect(context.infer({ input: new Float32Array(seedInputLength) })).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
  });
});

describe('build progress and cancellation', () => {
  it('reports per-layer progress and yields to the event loop', async () => {
    const events: { phase: string; step: number; steps: number }[] = [];
    let immediateRan = false;
    const seenAtStep: boolean[] = [];
    setImmediate(() => (immediateRan = true));
    await build(seedBytes, {
      fp16: true,
      onProgress: (progress) => {
        events.push(progress);
        if (progress.phase === 'Building engine') seenAtStep[progress.step] = immediateRan;
      },
    });
    const building = events.filter((event) => event.phase === 'Building engine');
    expect(building.map((event) => event.step)).toEqual([0, 1, 2, 3]);
    expect(building.every((event) => event.steps === 3)).toBe(true);
    // Nothing yielded before the first layer finished; by the second layer the build had let other work run.
    expect(seenAtStep[1]).toBe(false);
    expect(seenAtStep[2]).toBe(true);
  });
  it('stops with ERR_ABORTED when the signal fires between layers', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const promise = build(writeOnnx(buildResNetLikeModel({ channels: [16, 32] })), {
      fp16: true,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.phase !== 'Building engine') return;
        steps.push(progress.step);
        if (progress.step === 2) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(Math.max(...steps)).toBe(2);
  });
});

describe('backend info', () => {
  it('reports the mock as active with the reason TensorRT is unavailable', () => {
    const info = backend.info();
    expect(info).toMatchObject({ active: 'mock', tensorrtAvailable: false });
    expect(info.reasons[0].message).toBe('libnvinfer.so.10 not found');
    const environment = backend.environment(0);
    expect(environment.gpu).toBeUndefined();
    expect(environment.deviceProfile).toBe('h100-sxm');
    expect(environment.host.cpus).toBeGreaterThan(0);
  });
});

describe('real torch exports', () => {
  it('fuses a torchscript Conv + Add + Relu and reformats both of its inputs, as in seed 000 log', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/onnx/resnet-like-torchscript.onnx', import.meta.url)));
    const { report, plan } = await build(bytes, { fp16: true });
    const fused = report.layers.find((layer) => layer.convolution?.hasResidual)!;
    expect(fused.name).toBe(fused.onnxNodes.join(' + '));
    expect(fused.onnxNodes.map((name) => name.split('/').at(-1))).toEqual(['Conv', 'Add', 'Relu']);
    const reformats = report.layers.filter((layer) => layer.isReformat && layer.name.endsWith(` to ${fused.name}`)).map((layer) => layer.name);
    expect(reformats).toEqual([`Reformatting CopyNode for Input Tensor 0 to ${fused.name}`, `Reformatting CopyNode for Input Tensor 1 to ${fused.name}`]);
    const engine = await backend.deserialize(plan, 0);
    const input = engine.io.find((tensor) => tensor.mode === 'input')!;
    const outputs = await engine.createContext().infer({ [input.name]: new Float32Array(input.shape.reduce((a, b) => a * b, 1)).fill(0.25) });
    expect(Object.keys(outputs)).toEqual(engine.io.filter((tensor) => tensor.mode === 'output').map((tensor) => tensor.name));
    engine.dispose();
  });
});

describe('dynamic shapes', () => {
  const model = buildSeed003Model({ height: 8, width: 8, layers: 1 });
  model.graph.inputs[0].shape = ['batch', 16, 8, 8];
  model.graph.outputs[0].shape = ['batch', 16, 8, 8];
  const bytes = writeOnnx(model);

  it('needs a shape range, reports -1 and accepts shapes inside the range only', async () => {
    await expect(build(bytes)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('shapes') });
    const { plan, report } = await build(bytes, { shapes: { input: { min: [1, 16, 8, 8], opt: [2, 16, 8, 8], max: [4, 16, 8, 8] } } });
    expect(report.layers[0].inputs[0].dimensions).toEqual([2, 16, 8, 8]);
    const engine = await backend.deserialize(plan, 0);
    expect(engine.io[0].shape).toEqual([-1, 16, 8, 8]);
    const context = engine.createContext();
    const three = await context.infer({ input: { data: new Float32Array(3 * 16 * 64), shape: [3, 16, 8, 8] } });
    expect(three.output.shape).toEqual([3, 16, 8, 8]);
    await expect(context.infer({ input: new Float32Array(2 * 16 * 64) })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('dynamic') });
    await expect(context.infer({ input: { data: new Float32Array(5 * 16 * 64), shape: [5, 16, 8, 8] } })).rejects.toMatchObject({ code: 'ERR_INPUT', message: expect.stringContaining('1..4') });
    engine.dispose();
  });
});
