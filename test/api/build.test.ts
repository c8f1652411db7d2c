import { readFile } from 'node:fs/promises';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, buildEngine, loadEngine, TensorRTError } from '../../lib/index.js';
import { buildResNetLikeModel, buildSeed003Model, float32ToFloat16, readOnnx, weightSparsity, writeOnnx } from '../../lib/onnx/index.js';

// CI has no TensorRT; pin the mock so these tests mean the same everywhere.
process.env.TRTN_BACKEND = 'mock';

const small003 = writeOnnx(buildSeed003Model({ height: 32, width: 24 }));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trtn-api-'));
});

async function rejection(promise: Promise<unknown>): Promise<TensorRTError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(TensorRTError);
  return error as TensorRTError;
}

describe('backendInfo without TensorRT', () => {
  it('reports the mock as active and says why TensorRT is not', () => {
    const info = backendInfo();
    expect(info.active).toBe('mock');
    expect(info.tensorrtAvailable).toBe(false);
    expect(info.reasons.length).toBeGreaterThan(0);
    for (const reason of info.reasons) expect(reason.message.length).toBeGreaterThan(10);
  });
});

describe('buildEngine on the mock backend', () => {
  it('builds the seed-003 model with FP16 and sparsity and labels every figure as estimated', async () => {
    const { engine, report } = await buildEngine('examples/seed003.onnx', { fp16: true, sparsity: true });
    try {
      expect(report.backend).toBe('mock');
      expect(report.estimated).toBe(true);
      expect(report.options.sparsity).toBe('enable');
      expect(report.estimates?.length).toBeGreaterThan(0);
      for (const estimate of report.estimates ?? []) expect(estimate.estimated).toBe(true);
      for (const record of report.tactics) for (const candidate of record.candidates) expect(candidate.estimated).toBe(true);
      expect(report.model.inputs[0].shape).toEqual([1, 16, 1920, 1080]);
      // Dense random weights are not 2:4: nothing may be eligible, whatever the flag says.
      expect(report.sparsity.eligible).toEqual([]);
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
      expect(engine.backend).toBe('mock');
    } finally {
      engine.dispose();
    }
  });

  it("prunes with sparsity 'force' so layers become eligible", async () => {
    const onnx = writeOnnx(buildResNetLikeModel());
    const forced = await buildEngine(onnx, { fp16: true, sparsity: 'force' });
    const dense = await buildEngine(onnx, { fp16: true, sparsity: 'enable' });
    try {
      expect(forced.report.sparsity.eligible.length).toBeGreaterThan(0);
      expect(forced.report.warnings.join(' ')).toMatch(/pruned [1-9]\d* weight tensor\(s\) to 2:4/);
      expect(forced.report.warnings.join(' ')).not.toMatch(/pruned the weights of 0/);
      expect(dense.report.sparsity.eligible).toEqual([]);
    } finally {
      forced.engine.dispose();
      dense.engine.dispose();
    }
  });

  it('round-trips the engine through save and loadEngine', async () => {
    const { engine } = await buildEngine(small003, { fp16: true });
    const path = join(dir, 'seed003.plan');
    await engine.save(path);
    const loaded = await loadEngine(path);
    expect(loaded.io).toEqual(engine.io);
    expect(loaded.inspect().map((layer) => layer.name)).toEqual(engine.inspect().map((layer) => layer.name));
    engine.dispose();
    loaded.dispose();
  });

  it('runs inference that matches onnxruntime on the same model', async () => {
    const { engine } = await buildEngine(small003);
    const input = Float32Array.from({ length: 16 * 32 * 24 }, (_, index) => Math.sin(index * 0.37));
    using context = engine.createContext();
    const outputs = await context.infer({ input });
    const session = await ort.InferenceSession.create(small003);
    const reference = await session.run({ input: new ort.Tensor('float32', input, [1, 16, 32, 24]) });
    const expected = reference.output.data as Float32Array;
    const actual = outputs.output.data as Float32Array;
    expect(outputs.output.shape).toEqual([1, 16, 32, 24]);
    expect(actual.length).toBe(expected.length);
    let maxError = 0;
    for (let index = 0; index < expected.length; index += 1) maxError = Math.max(maxError, Math.abs(actual[index] - expected[index]));
    expect(maxError).toBeLessThan(1e-5);
    await session.release();
    engine.dispose();
  });

  it('takes a Float32Array for an fp16 input, rounded to fp16, the same as passing the fp16 bits', async () => {
    const { engine } = await buildEngine(small003, { inputIOFormats: 'fp16:hwc8' });
    expect(engine.io.find((io) => io.name === 'input')?.dataType).toBe('float16');
    const input = Float32Array.from({ length: 16 * 32 * 24 }, (_, index) => Math.sin(index * 0.37));
    using context = engine.createContext();
    const fromFloats = (await context.infer({ input })).output.data as Float32Array;
    const fromBits = (await context.infer({ input: float32ToFloat16(input) })).output.data as Float32Array;
    const fromExplicit = (await context.infer({ input: { data: input, shape: [1, 16, 32, 24] } })).output.data as Float32Array;
    expect(Array.from(fromFloats)).toEqual(Array.from(fromBits));
    expect(Array.from(fromExplicit)).toEqual(Array.from(fromBits));
    // The caller's array is not rewritten in place.
    expect(input[1]).toBe(Math.fround(Math.sin(0.37)));
    // Other array types are still refused for an fp16 input.
    expect((await rejection(context.infer({ input: new Int32Array(16 * 32 * 24) }))).code).toBe('ERR_INPUT');
    engine.dispose();
  });

  it('benchmarks with estimated figures only', async () => {
    const { engine } = await buildEngine(small003, { fp16: true });
    const result = await engine.benchmark({ iterations: 20, duration: 0 });
    expect(result.estimated).toBe(true);
    expect(result.backend).toBe('mock');
    expect(result.gpuCompute.median).toBeGreaterThan(0);
    expect(result.warnings.join(' ')).toMatch(/estimate/i);
    const profile = await engine.profile({ iterations: 5, duration: 0 });
    expect(profile.estimated).toBe(true);
    expect(profile.layers.length).toBeGreaterThan(0);
    engine.dispose();
  });
});

describe('lifetime', () => {
  it('disposing an engine disposes its contexts and later use throws ERR_DISPOSED', async () => {
    const { engine } = await buildEngine(small003);
    const context = engine.createContext();
    engine.dispose();
    engine.dispose(); // idempotent
    expect(context.disposed).toBe(true);
    expect(() => engine.createContext()).toThrowError(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    expect((await rejection(context.infer({ input: new Float32Array(1) }))).code).toBe('ERR_DISPOSED');
  });

  it('supports using-declarations', async () => {
    const { engine } = await buildEngine(small003);
    {
      using scoped = engine;
      expect(scoped.disposed).toBe(false);
    }
    expect(engine.disposed).toBe(true);
  });
});

describe('bad input', () => {
  it('refuses malformed and truncated ONNX with ERR_ONNX_PARSE', async () => {
    expect((await rejection(buildEngine(new Uint8Array([1, 2, 3, 4, 5])))).code).toBe('ERR_ONNX_PARSE');
    expect((await rejection(buildEngine(small003.subarray(0, small003.length / 2)))).code).toBe('ERR_ONNX_PARSE');
  });

  it('refuses a missing file with ERR_IO and wrong arguments with ERR_INVALID_ARGUMENT', async () => {
    expect((await rejection(buildEngine(join(dir, 'missing.onnx')))).code).toBe('ERR_IO');
    expect((await rejection(buildEngine(42 as never))).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('refuses unknown options before doing any work', async () => {
    const error = await rejection(buildEngine(small003, { fp61: true } as never));
    expect(error.code).toBe('ERR_INVALID_OPTION');
  });

  it('refuses bytes that are not an engine with ERR_ENGINE_FORMAT', async () => {
    expect((await rejection(loadEngine(new Uint8Array(64).fill(7)))).code).toBe('ERR_ENGINE_FORMAT');
    expect((await rejection(loadEngine(small003))).code).toBe('ERR_ENGINE_FORMAT');
  });

  it('refuses a TensorRT plan here with ERR_BACKEND_UNAVAILABLE naming the reasons', async () => {
    const plan = new Uint8Array(256);
    plan.set([0x66, 0x74, 0x72, 0x74]); // 'ftrt'
    const error = await rejection(loadEngine(plan));
    expect(error.code).toBe('ERR_BACKEND_UNAVAILABLE');
  });

  it('refuses wrong inputs to infer with ERR_INPUT', async () => {
    const { engine } = await buildEngine(small003);
    using context = engine.createContext();
    expect((await rejection(context.infer({ wrong: new Float32Array(16 * 32 * 24) }))).code).toBe('ERR_INPUT');
    expect((await rejection(context.infer({ input: new Float32Array(5) }))).code).toBe('ERR_INPUT');
    expect((await rejection(context.infer({ input: new Int32Array(16 * 32 * 24) }))).code).toBe('ERR_INPUT');
    expect((await rejection(context.infer([] as never))).code).toBe('ERR_INPUT');
    engine.dispose();
  });

  it('cancels a build through its AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(buildEngine(small003, { signal: controller.signal }))).code).toBe('ERR_ABORTED');
    const late = new AbortController();
    const pending = buildEngine(writeOnnx(buildResNetLikeModel()), { signal: late.signal, onProgress: () => late.abort() });
    expect((await rejection(pending)).code).toBe('ERR_ABORTED');
  });
});

describe('the shipped example model', () => {
  it('is the real torch export of seed 003', async () => {
    const model = readOnnx(new Uint8Array(await readFile('examples/seed003.onnx')));
    expect(model.producerName).toBe('pytorch');
    expect(model.graph.nodes.filter((node) => node.opType === 'Conv')).toHaveLength(3);
    const weights = model.graph.initializers.filter((tensor) => tensor.dims.length === 4);
    for (const tensor of weights) expect(weightSparsity(tensor, 'Conv').isTwoFour).toBe(false);
  });
});

afterAll(async () => {
  await writeFile(join(dir, 'done'), '');
});

describe('measureInferOverhead', () => {
  it('is refused on the mock backend with ERR_UNSUPPORTED (a host overhead cannot be estimated)', async () => {
    const { engine } = await buildEngine(writeOnnx(buildSeed003Model({ channels: 4, height: 8, width: 8, layers: 1 })), { backend: 'mock' });
    try {
      await expect(engine.measureInferOverhead()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
      await expect(engine.measureInferOverhead({ iterations: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    } finally {
      engine.dispose();
    }
  });
});
