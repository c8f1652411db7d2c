/** Models written by writeOnnx run in onnxruntime-node (CPU) and match independent float64 references. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import {
  OnnxDataType,
  buildResNetLikeModel,
  buildSeed003Model,
  checkSupported,
  float16ToFloat32,
  float32ToFloat16,
  inferShapes,
  loadOnnxFile,
  toFp16,
  writeOnnx,
  type OnnxModel,
} from '../../lib/onnx/index.js';
import { maxAbsDiff, randomValues, referenceConv, referenceRun, type Nd } from './helpers.js';

async function run(m: OnnxModel, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(writeOnnx(m), { graphOptimizationLevel: 'disabled' });
  return session.run(feeds);
}

function nd(dims: number[], seed: number): Nd {
  return { dims, data: Float64Array.from(randomValues(dims.reduce((a, b) => a * b, 1), seed)) };
}

describe('onnxruntime accepts what writeOnnx produces', () => {
  test('seed-003 model (tiny) matches a naive convolution', async () => {
    const m = buildSeed003Model({ channels: 4, height: 7, width: 5, layers: 2, seed: 11 });
    checkSupported(m);
    const x = nd([1, 4, 7, 5], 3);
    let expected = x;
    for (let layer = 1; layer <= 2; layer++) {
      const w = m.graph.initializers.find((t) => t.name === `conv${layer}.weight`)!;
      const b = m.graph.initializers.find((t) => t.name === `conv${layer}.bias`)!;
      expected = referenceConv(expected, { dims: w.dims, data: Float64Array.from(w.data as Float32Array) }, { dims: b.dims, data: Float64Array.from(b.data as Float32Array) }, [1, 1], [1, 1, 1, 1], 1);
    }
    const out = await run(m, { input: new ort.Tensor('float32', Float32Array.from(x.data), x.dims) });
    expect(out.output.dims).toEqual([1, 4, 7, 5]);
    expect(inferShapes(m).get('output')!.shape).toEqual([...out.output.dims]);
    expect(maxAbsDiff(out.output.data as Float32Array, expected.data)).toBeLessThan(1e-5);
  });

  test('ResNet-like model (small) matches a float64 reference of Conv/BN/Relu/Add/GAP/Gemm', async () => {
    const m = buildResNetLikeModel({ channels: [8, 12], height: 9, width: 6, batch: 2, seed: 5 });
    const x = nd([2, 8, 9, 6], 4);
    const expected = referenceRun(m, { input: x }).get('output')!;
    const out = await run(m, { input: new ort.Tensor('float32', Float32Array.from(x.data), x.dims) });
    expect([...out.output.dims]).toEqual([2, 32]);
    expect(inferShapes(m).get('output')!.shape).toEqual([2, 32]);
    expect(maxAbsDiff(out.output.data as Float32Array, expected.data)).toBeLessThan(1e-4);
    // Intermediate shapes agree with the reference too (stride-2 projection: 9x6 -> 5x3).
    const shapes = inferShapes(m);
    const reference = referenceRun(m, { input: x });
    for (const node of m.graph.nodes) expect(shapes.get(node.outputs[0])!.shape).toEqual(reference.get(node.outputs[0])!.dims);
  });

  test('fixture exports re-encoded by writeOnnx give identical outputs and inferred shapes', async () => {
    const dir = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
    } catch {
      files = [];
    }
    for (const file of files) {
      const m = await loadOnnxFile(join(dir, file));
      const shapes = inferShapes(m);
      const input = m.graph.inputs[0];
      const dims = shapes.get(input.name)!.shape;
      const count = dims.reduce((a, b) => a * b, 1);
      if (count > 2_000_000 || m.graph.inputs.length !== 1) continue; // keep the suite fast
      const feed = { [input.name]: new ort.Tensor('float32', randomValues(count, 9), dims) };
      const original = await (await ort.InferenceSession.create(join(dir, file), { graphOptimizationLevel: 'disabled' })).run(feed);
      const ours = await run(m, feed);
      const half = await run(toFp16(m, { keepIoTypes: true }), feed);
      for (const output of m.graph.outputs) {
        expect(ours[output.name].data, `${file} ${output.name}`).toEqual(original[output.name].data);
        expect(shapes.get(output.name)!.shape, `${file} ${output.name}`).toEqual([...original[output.name].dims]);
        // The FP16 conversion of a real export (Resize, ConvTranspose, Softmax, Reshape...) still runs and agrees.
        const reference = original[output.name].data as Float32Array;
        const scale = reference.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
        expect(maxAbsDiff(half[output.name].data as Float32Array, reference), `${file} fp16`).toBeLessThan(scale * 2e-2);
      }
    }
  });
});

describe('toFp16', () => {
  test('keepIoTypes: FP32 IO, FP16 inside, matches FP32 within FP16 tolerance', async () => {
    const m = buildResNetLikeModel({ channels: [8, 16], height: 8, width: 8, seed: 2 });
    const half = toFp16(m, { keepIoTypes: true });
    expect(half.graph.inputs[0].elemType).toBe(OnnxDataType.FLOAT);
    expect(half.graph.outputs[0].elemType).toBe(OnnxDataType.FLOAT);
    expect(half.graph.initializers.every((t) => t.dataType === OnnxDataType.FLOAT16)).toBe(true);
    expect(half.graph.nodes.filter((n) => n.opType === 'Cast')).toHaveLength(2);
    // The input model is untouched.
    expect(m.graph.initializers.every((t) => t.dataType === OnnxDataType.FLOAT)).toBe(true);
    expect(inferShapes(half).get('output')).toEqual({ elemType: OnnxDataType.FLOAT, shape: [1, 32] });
    const x = randomValues(8 * 8 * 8, 6);
    const feed = { input: new ort.Tensor('float32', x, [1, 8, 8, 8]) };
    const full = (await run(m, feed)).output.data as Float32Array;
    const reduced = await run(half, feed);
    expect(reduced.output.type).toBe('float32');
    const scale = Math.max(...Array.from(full, Math.abs));
    const error = maxAbsDiff(reduced.output.data as Float32Array, full);
    expect(error).toBeLessThan(scale * 1e-2);
    expect(error).toBeGreaterThan(0); // it really ran in half precision
  });

  test('without keepIoTypes the IO is float16', async () => {
    const m = buildSeed003Model({ channels: 4, height: 6, width: 6, layers: 2 });
    const half = toFp16(m);
    expect(half.graph.inputs[0].elemType).toBe(OnnxDataType.FLOAT16);
    const x = randomValues(4 * 36, 8);
    const full = (await run(m, { input: new ort.Tensor('float32', x, [1, 4, 6, 6]) })).output.data as Float32Array;
    const out = await run(half, { input: new ort.Tensor('float16', float32ToFloat16(x), [1, 4, 6, 6]) });
    expect(out.output.type).toBe('float16');
    const bits = out.output.data as Uint16Array;
    expect(maxAbsDiff(float16ToFloat32(bits), full)).toBeLessThan(5e-3);
  });
});
