import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import {
  OnnxDataType,
  buildResNetLikeModel,
  buildSeed003Model,
  checkSupported,
  loadOnnxFile,
  readOnnx,
  saveOnnxFile,
  writeOnnx,
} from '../../lib/onnx/index.js';
import { errorCode, expectSameModel, floatInput, floatTensor, model, node } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));


/** Hand-encodes protobuf with protobufjs' low-level Writer, independently of the package's schema. */
class Proto {
  writer = protobuf.Writer.create();
  varint(field: number, value: number): this {
    this.writer.uint32((field << 3) | 0).int64(value);
    return this;
  }
  string(field: number, value: string): this {
    this.writer.uint32((field << 3) | 2).string(value);
    return this;
  }
  bytes(field: number, value: Uint8Array): this {
    this.writer.uint32((field << 3) | 2).bytes(value);
    return this;
  }
  message(field: number, inner: Proto): this {
    return this.bytes(field, inner.finish());
  }
  packedFloats(field: number, values: number[]): this {
    this.writer.uint32((field << 3) | 2).fork();
    for (const v of values) this.writer.float(v);
    this.writer.ldelim();
    return this;
  }
  packedVarints(field: number, values: number[]): this {
    this.writer.uint32((field << 3) | 2).fork();
    for (const v of values) this.writer.int64(v);
    this.writer.ldelim();
    return this;
  }
  finish(): Uint8Array {
    return this.writer.finish();
  }
}

function valueInfo(name: string, elemType: number, dims: number[]): Proto {
  const shape = new Proto();
  for (const d of dims) shape.message(1, new Proto().varint(1, d));
  return new Proto().string(1, name).message(2, new Proto().message(1, new Proto().varint(1, elemType).message(2, shape)));
}

/** y = x[2,3] @ w[3,2] + b, with w in float_data, b in raw_data, and an unused int64_data / int32_data tensor. */
function handEncodedModel(extra?: (graph: Proto) => void): Uint8Array {
  const w = new Proto().varint(1, 3).varint(1, 2).varint(2, OnnxDataType.FLOAT).packedFloats(4, [1, 2, 3, 4, 5, 6]).string(8, 'w');
  const b = new Proto().varint(1, 2).varint(2, OnnxDataType.FLOAT).string(8, 'b').bytes(9, new Uint8Array(new Float32Array([0.5, -0.5]).buffer));
  const shapeConst = new Proto().varint(1, 2).varint(2, OnnxDataType.INT64).packedVarints(7, [-1, 7]).string(8, 'ints64');
  const halfConst = new Proto().varint(1, 2).varint(2, OnnxDataType.FLOAT16).packedVarints(5, [0x3c00, 0xc000]).string(8, 'halves');
  const matmul = new Proto().string(1, 'x').string(1, 'w').string(2, 'xw').string(3, 'mm').string(4, 'MatMul');
  const add = new Proto().string(1, 'xw').string(1, 'b').string(2, 'y').string(3, 'add').string(4, 'Add');
  const graph = new Proto()
    .message(1, matmul)
    .message(1, add)
    .string(2, 'hand')
    .message(5, w)
    .message(5, b)
    .message(5, shapeConst)
    .message(5, halfConst)
    .message(11, valueInfo('x', OnnxDataType.FLOAT, [2, 3]))
    .message(12, valueInfo('y', OnnxDataType.FLOAT, [2, 2]));
  extra?.(graph);
  return new Proto()
    .varint(1, 8)
    .string(2, 'hand')
    .message(7, graph)
    .message(8, new Proto().string(1, '').varint(2, 13))
    .message(14, new Proto().string(1, 'author').string(2, 'test'))
    .finish();
}

describe('readOnnx / writeOnnx', () => {
  test('round trip of the seed-003 and ResNet-like builders is exact', () => {
    for (const original of [buildSeed003Model({ height: 32, width: 24 }), buildResNetLikeModel()]) {
      const bytes = writeOnnx(original);
      const decoded = readOnnx(bytes);
      expectSameModel(decoded, original);
      expect(Buffer.from(writeOnnx(decoded)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  const fixtureFiles = (() => {
    try {
      return readdirSync(fixtures).filter((file) => file.endsWith('.onnx'));
    } catch {
      return [];
    }
  })();
  test.each(fixtureFiles.length ? fixtureFiles : ['(none)'])('fixture %s round-trips', async (file) => {
    if (file === '(none)') return;
    const original = await loadOnnxFile(join(fixtures, file));
    const decoded = readOnnx(writeOnnx(original));
    expectSameModel(decoded, original);
    // onnxruntime must accept our re-encoding of a real export.
    await ort.InferenceSession.create(writeOnnx(original));
  });

  test('decodes float_data, raw_data, int64_data, int32_data (float16 bits) and metadata from hand-encoded bytes', async () => {
    const bytes = handEncodedModel();
    const m = readOnnx(bytes);
    expect(m.irVersion).toBe(8);
    expect(m.opsetImports).toEqual([{ domain: '', version: 13 }]);
    expect(m.metadataProps).toEqual([{ key: 'author', value: 'test' }]);
    const byName = new Map(m.graph.initializers.map((t) => [t.name, t]));
    expect(byName.get('w')!.data).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(byName.get('w')!.dims).toEqual([3, 2]);
    expect(byName.get('b')!.data).toEqual(new Float32Array([0.5, -0.5]));
    expect(byName.get('ints64')!.data).toEqual(new BigInt64Array([-1n, 7n]));
    expect(byName.get('halves')!.data).toEqual(new Uint16Array([0x3c00, 0xc000]));
    expect(m.graph.inputs[0]).toEqual({ name: 'x', elemType: OnnxDataType.FLOAT, shape: [2, 3] });
    // Our re-encoding runs in onnxruntime with the same result as the hand-encoded original.
    const x = new ort.Tensor('float32', new Float32Array([1, 0, 0, 0, 1, 1]), [2, 3]);
    const fromHand = await (await ort.InferenceSession.create(bytes)).run({ x });
    const fromOurs = await (await ort.InferenceSession.create(writeOnnx(m))).run({ x });
    expect(Array.from(fromHand.y.data as Float32Array)).toEqual([1.5, 1.5, 8.5, 9.5]);
    expect(fromOurs.y.data).toEqual(fromHand.y.data);
  });

  test('attributes of every supported type, symbolic dims, doc strings and domains survive a round trip', () => {
    const m = model(
      [
        {
          ...node('Custom', ['x'], ['y'], {
            f: { type: 'float', value: 0.25 },
            i: { type: 'int', value: -3 },
            big: { type: 'int', value: 2 ** 40 },
            s: { type: 'string', value: 'héllo' },
            t: { type: 'tensor', value: floatTensor('', [2], [1, 2]) },
            g: { type: 'graph', value: { name: 'sub', nodes: [node('Relu', ['a'], ['b'])], initializers: [], inputs: [floatInput('a', [1])], outputs: [floatInput('b', [1])], valueInfo: [] } },
            fs: { type: 'floats', value: [0.5, -1] },
            is: { type: 'ints', value: [1, -1, 9007199254740991] },
            ss: { type: 'strings', value: ['a', 'b'] },
          }),
          domain: 'com.example',
          docString: 'custom node',
        },
      ],
      [floatInput('x', ['batch', 3, undefined])],
      [{ name: 'y', elemType: OnnxDataType.FLOAT }],
    );
    m.docString = 'doc';
    m.modelVersion = 5;
    m.domain = 'example';
    m.opsetImports.push({ domain: 'com.example', version: 1 });
    expectSameModel(readOnnx(writeOnnx(m)), m);
  });

  test('saveOnnxFile / loadOnnxFile write and read the same model; unreadable paths give ERR_IO', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trtn-onnx-'));
    try {
      const m = buildSeed003Model({ height: 8, width: 8, layers: 1 });
      const path = join(dir, 'm.onnx');
      await saveOnnxFile(path, m);
      expect(await readFile(path)).toEqual(Buffer.from(writeOnnx(m)));
      expectSameModel(await loadOnnxFile(path), m);
      await expect(loadOnnxFile(join(dir, 'missing.onnx'))).rejects.toMatchObject({ code: 'ERR_IO' });
      await expect(saveOnnxFile(join(dir, 'no', 'such', 'dir.onnx'), m)).rejects.toMatchObject({ code: 'ERR_IO' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input', () => {
  const good = writeOnnx(buildSeed003Model({ height: 8, width: 8 }));

  test('empty, truncated and random bytes give ERR_ONNX_PARSE with advice', () => {
    expect(errorCode(() => readOnnx(new Uint8Array()))).toBe('ERR_ONNX_PARSE');
    for (const cut of [good.length - 1, Math.floor(good.length / 2), 10, 3]) {
      expect(errorCode(() => readOnnx(good.subarray(0, cut)))).toBe('ERR_ONNX_PARSE');
    }
    let state = 7;
    for (let trial = 0; trial < 20; trial++) {
      const random = new Uint8Array(256).map(() => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 24));
      expect(errorCode(() => readOnnx(random))).toBe('ERR_ONNX_PARSE');
    }
    try {
      readOnnx(good.subarray(0, 100));
    } catch (error) {
      expect((error as Error).message).toMatch(/re-export|complete/);
    }
  });

  test('valid protobuf without a graph, or without ir_version, gives ERR_ONNX_PARSE', () => {
    const noGraph = new Proto().varint(1, 8).string(2, 'x').finish();
    expect(errorCode(() => readOnnx(noGraph))).toBe('ERR_ONNX_PARSE');
    const noIr = new Proto().message(7, new Proto().string(2, 'g')).finish();
    expect(errorCode(() => readOnnx(noIr))).toBe('ERR_ONNX_PARSE');
  });

  test('external data gives ERR_ONNX_UNSUPPORTED naming the tensor', () => {
    const bytes = handEncodedModel((graph) => {
      graph.message(
        5,
        new Proto().varint(1, 4).varint(2, OnnxDataType.FLOAT).string(8, 'big_weight').message(13, new Proto().string(1, 'location').string(2, 'w.bin')).varint(14, 1),
      );
    });
    expect(errorCode(() => readOnnx(bytes))).toBe('ERR_ONNX_UNSUPPORTED');
    expect(() => readOnnx(bytes)).toThrow(/big_weight.*external/);
  });

  test('unknown op and opset 99 give ERR_ONNX_UNSUPPORTED naming node, op and the supported list', () => {
    const m = model([node('Relu', ['x'], ['r']), node('FancyAttention', ['r'], ['y'], {}, 'attn_0')], [floatInput('x', [1, 4])], [floatInput('y', [1, 4])]);
    const parsed = readOnnx(writeOnnx(m));
    expect(errorCode(() => checkSupported(parsed))).toBe('ERR_ONNX_UNSUPPORTED');
    expect(() => checkSupported(parsed)).toThrow(/'attn_0' \(FancyAttention\).*Supported.*Conv/);
    const future = model([node('Relu', ['x'], ['y'])], [floatInput('x', [1, 4])], [floatInput('y', [1, 4])], [], 99);
    expect(errorCode(() => checkSupported(readOnnx(writeOnnx(future))))).toBe('ERR_ONNX_UNSUPPORTED');
    expect(() => checkSupported(future)).toThrow(/opset 99.*7 to 23/);
    const old = model([node('Relu', ['x'], ['y'])], [floatInput('x', [1, 4])], [floatInput('y', [1, 4])], [], 6);
    expect(errorCode(() => checkSupported(old))).toBe('ERR_ONNX_UNSUPPORTED');
    expect(errorCode(() => checkSupported(buildResNetLikeModel()))).toBeUndefined();
  });
});
