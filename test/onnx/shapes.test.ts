import { describe, expect, test } from 'vitest';
import {
  OnnxDataType,
  buildResNetLikeModel,
  buildSeed003Model,
  inferShapes,
  nodeCosts,
  summarizeModel,
  type OnnxModel,
} from '../../lib/onnx/index.js';
import { errorCode, floatInput, floatTensor, int64Tensor, model, node } from './helpers.js';

function shapeOf(m: OnnxModel, name: string, inputShapes?: Record<string, number[]>): number[] {
  return inferShapes(m, inputShapes).get(name)!.shape;
}


/** One node applied to x [1, 8, 10, 12] with a weight tensor. */
function convModel(attributes: Parameters<typeof node>[3], weightDims = [16, 8, 3, 3], op = 'Conv', xDims = [1, 8, 10, 12]): OnnxModel {
  return model([node(op, ['x', 'w'], ['y'], attributes)], [floatInput('x', xDims)], [floatInput('y', undefined)], [floatTensor('w', weightDims)]);
}

describe('inferShapes', () => {
  test('Conv: pads, strides, dilations, groups and every auto_pad mode (hand-computed)', () => {
    // floor((10 + 2 - 3) / 1) + 1 = 10, floor((12 + 2 - 3) / 1) + 1 = 12
    expect(shapeOf(convModel({ pads: { type: 'ints', value: [1, 1, 1, 1] } }), 'y')).toEqual([1, 16, 10, 12]);
    // floor((10 - 3) / 2) + 1 = 4, floor((12 - 3) / 2) + 1 = 5
    expect(shapeOf(convModel({ strides: { type: 'ints', value: [2, 2] } }), 'y')).toEqual([1, 16, 4, 5]);
    // dilation 2: extent 5; floor((10 - 5)/1) + 1 = 6, 8
    expect(shapeOf(convModel({ dilations: { type: 'ints', value: [2, 2] } }), 'y')).toEqual([1, 16, 6, 8]);
    // SAME_*: ceil(10/3) = 4, ceil(12/3) = 4
    for (const mode of ['SAME_UPPER', 'SAME_LOWER']) {
      expect(shapeOf(convModel({ auto_pad: { type: 'string', value: mode }, strides: { type: 'ints', value: [3, 3] } }), 'y')).toEqual([1, 16, 4, 4]);
    }
    // VALID: floor((10 - 3)/3) + 1 = 3, floor((12 - 3)/3) + 1 = 4
    expect(shapeOf(convModel({ auto_pad: { type: 'string', value: 'VALID' }, strides: { type: 'ints', value: [3, 3] } }), 'y')).toEqual([1, 16, 3, 4]);
    // group 4: weight [16, 2, 1, 1]
    expect(shapeOf(convModel({ group: { type: 'int', value: 4 } }, [16, 2, 1, 1]), 'y')).toEqual([1, 16, 10, 12]);
    // Asymmetric pads [top, left, bottom, right] = [0, 1, 2, 3]: 10 + 2 - 3 + 1 = 10, 12 + 4 - 3 + 1 = 14
    expect(shapeOf(convModel({ pads: { type: 'ints', value: [0, 1, 2, 3] } }), 'y')).toEqual([1, 16, 10, 14]);
  });

  test('Conv channel mismatch and bad kernel_shape are ERR_ONNX_SHAPE', () => {
    expect(errorCode(() => inferShapes(convModel({}, [16, 4, 3, 3])))).toBe('ERR_ONNX_SHAPE');
    expect(errorCode(() => inferShapes(convModel({ kernel_shape: { type: 'ints', value: [5, 5] } })))).toBe('ERR_ONNX_SHAPE');
    expect(errorCode(() => inferShapes(convModel({}, [16, 8, 11, 11])))).toBe('ERR_ONNX_SHAPE');
    expect(() => inferShapes(convModel({}, [16, 4, 3, 3]))).toThrow(/8 channels/);
  });

  test('ConvTranspose: stride 2, pads, output_padding', () => {
    // W [C=8, M/g=4, 3, 3]; out = 2*(10-1) + 1 + 3 - 2 = 20, 2*(12-1) + 1 + 3 - 2 = 24
    const m = convModel({ strides: { type: 'ints', value: [2, 2] }, pads: { type: 'ints', value: [1, 1, 1, 1] }, output_padding: { type: 'ints', value: [1, 1] } }, [8, 4, 3, 3], 'ConvTranspose');
    expect(shapeOf(m, 'y')).toEqual([1, 4, 20, 24]);
  });

  test('pools: ceil_mode, global pools', () => {
    const pool = (attributes: Parameters<typeof node>[3], op = 'MaxPool') =>
      model([node(op, ['x'], ['y'], attributes)], [floatInput('x', [1, 3, 7, 7])], [floatInput('y', undefined)]);
    const k2s2 = { kernel_shape: { type: 'ints' as const, value: [2, 2] }, strides: { type: 'ints' as const, value: [2, 2] } };
    expect(shapeOf(pool(k2s2), 'y')).toEqual([1, 3, 3, 3]);
    expect(shapeOf(pool({ ...k2s2, ceil_mode: { type: 'int', value: 1 } }), 'y')).toEqual([1, 3, 4, 4]);
    expect(shapeOf(pool({ kernel_shape: { type: 'ints', value: [3, 3] }, pads: { type: 'ints', value: [1, 1, 1, 1] } }, 'AveragePool'), 'y')).toEqual([1, 3, 7, 7]);
    expect(shapeOf(pool({}, 'GlobalAveragePool'), 'y')).toEqual([1, 3, 1, 1]);
  });

  test('numpy broadcasting for Add/Mul and its failure', () => {
    const m = model([node('Add', ['a', 'b'], ['y'])], [floatInput('a', [2, 1, 5]), floatInput('b', [3, 1])], [floatInput('y', undefined)]);
    expect(shapeOf(m, 'y')).toEqual([2, 3, 5]);
    const bad = model([node('Mul', ['a', 'b'], ['y'])], [floatInput('a', [2, 4]), floatInput('b', [3])], [floatInput('y', undefined)]);
    expect(errorCode(() => inferShapes(bad))).toBe('ERR_ONNX_SHAPE');
  });

  test('MatMul with batch broadcast and 1-D operands; Gemm with transB; Concat; Transpose', () => {
    const mm = model([node('MatMul', ['a', 'b'], ['y']), node('MatMul', ['v', 'b2'], ['z'])], [floatInput('a', [4, 1, 3, 5]), floatInput('b', [2, 5, 7]), floatInput('v', [5]), floatInput('b2', [5, 6])], [floatInput('y', undefined), floatInput('z', undefined)]);
    expect(shapeOf(mm, 'y')).toEqual([4, 2, 3, 7]);
    expect(shapeOf(mm, 'z')).toEqual([6]);
    const gemm = model([node('Gemm', ['a', 'w', 'c'], ['y'], { transB: { type: 'int', value: 1 } })], [floatInput('a', [3, 5])], [floatInput('y', [3, 7])], [floatTensor('w', [7, 5]), floatTensor('c', [7])]);
    expect(shapeOf(gemm, 'y')).toEqual([3, 7]);
    const cat = model([node('Concat', ['a', 'b'], ['y'], { axis: { type: 'int', value: -3 } }), node('Transpose', ['y'], ['t'], { perm: { type: 'ints', value: [0, 2, 3, 1] } })], [floatInput('a', [1, 2, 4, 4]), floatInput('b', [1, 5, 4, 4])], [floatInput('t', undefined)]);
    expect(shapeOf(cat, 'y')).toEqual([1, 7, 4, 4]);
    expect(shapeOf(cat, 't')).toEqual([1, 4, 4, 7]);
  });

  test('torch-style flatten: Shape -> Gather -> Unsqueeze -> Concat -> Reshape folds to [N, C*H*W]', () => {
    const nodes = [
      node('Shape', ['x'], ['s']),
      node('Constant', [], ['zero'], { value: { type: 'tensor', value: int64Tensor('', [0], []) } }),
      node('Gather', ['s', 'zero'], ['n'], { axis: { type: 'int', value: 0 } }),
      node('Constant', [], ['axes'], { value: { type: 'tensor', value: int64Tensor('', [0]) } }),
      node('Unsqueeze', ['n', 'axes'], ['n1']),
      node('Concat', ['n1', 'minus1'], ['target'], { axis: { type: 'int', value: 0 } }),
      node('Reshape', ['x', 'target'], ['flat']),
      node('Slice', ['s', 'starts', 'ends'], ['hw']),
      node('Cast', ['hw'], ['hwf'], { to: { type: 'int', value: OnnxDataType.FLOAT } }),
      node('Squeeze', ['n1', 'axes'], ['n0']),
    ];
    const m = model(nodes, [floatInput('x', ['batch', 6, 4, 5])], [floatInput('flat', undefined)], [int64Tensor('minus1', [-1]), int64Tensor('starts', [2]), int64Tensor('ends', [9223372036854775807 as unknown as number])]);
    m.graph.initializers[2].data = BigInt64Array.from([9223372036854775807n]);
    const shapes = inferShapes(m, { x: [3, 6, 4, 5] });
    expect(shapes.get('flat')!.shape).toEqual([3, 120]);
    expect(shapes.get('hw')).toEqual({ elemType: OnnxDataType.INT64, shape: [2] });
    expect(shapes.get('hwf')!.elemType).toBe(OnnxDataType.FLOAT);
    expect(shapes.get('n0')!.shape).toEqual([]);
    // Without the override the symbolic batch is an error that says what to pass.
    expect(errorCode(() => inferShapes(m))).toBe('ERR_ONNX_SHAPE');
    expect(() => inferShapes(m)).toThrow(/symbolic \('batch'\).*inputShapes/);
  });

  test('Reshape with 0 and -1, Flatten, Resize with scales and sizes, Upsample', () => {
    const m = model(
      [
        node('Reshape', ['x', 'shape'], ['r']),
        node('Flatten', ['x'], ['f'], { axis: { type: 'int', value: 2 } }),
        node('Resize', ['x', '', 'scales'], ['up'], { mode: { type: 'string', value: 'nearest' } }),
        node('Resize', ['x', '', '', 'sizes'], ['sized'], { mode: { type: 'string', value: 'linear' } }),
      ],
      [floatInput('x', [2, 3, 4, 5])],
      [floatInput('r', undefined)],
      [int64Tensor('shape', [0, -1, 5]), floatTensor('scales', [4], [1, 1, 2, 1.5]), int64Tensor('sizes', [2, 3, 9, 10])],
    );
    const shapes = inferShapes(m);
    expect(shapes.get('r')!.shape).toEqual([2, 12, 5]);
    expect(shapes.get('f')!.shape).toEqual([6, 20]);
    expect(shapes.get('up')!.shape).toEqual([2, 3, 8, 7]);
    expect(shapes.get('sized')!.shape).toEqual([2, 3, 9, 10]);
    const upsample = model([node('Upsample', ['x', 'scales'], ['y'])], [floatInput('x', [1, 2, 3, 3])], [floatInput('y', [1, 2, 6, 6])], [floatTensor('scales', [4], [1, 1, 2, 2])], 9);
    expect(shapeOf(upsample, 'y')).toEqual([1, 2, 6, 6]);
  });

  test('declared outputs that disagree, fixed dims overridden, and unknown inputs are errors', () => {
    const m = buildSeed003Model({ height: 8, width: 8 });
    m.graph.outputs[0].shape = [1, 16, 8, 9];
    expect(errorCode(() => inferShapes(m))).toBe('ERR_ONNX_SHAPE');
    expect(errorCode(() => inferShapes(buildSeed003Model({ height: 8, width: 8 }), { input: [2, 16, 8, 8] }))).toBe('ERR_ONNX_SHAPE');
    expect(errorCode(() => inferShapes(buildSeed003Model({ height: 8, width: 8 }), { nope: [1] }))).toBe('ERR_INVALID_ARGUMENT');
    const unknownOp = model([node('Foo', ['x'], ['y'])], [floatInput('x', [1])], [floatInput('y', [1])]);
    expect(errorCode(() => inferShapes(unknownOp))).toBe('ERR_ONNX_UNSUPPORTED');
  });

  test('the builders are consistent: every value has a concrete shape', () => {
    const resnet = buildResNetLikeModel();
    const shapes = inferShapes(resnet);
    expect(shapes.get('input')!.shape).toEqual([1, 160, 88, 64]);
    expect(shapes.get('/stage1/down/conv/Conv_output_0')!.shape).toEqual([1, 288, 44, 32]);
    expect(shapes.get('output')!.shape).toEqual([1, 32]);
    for (const n of resnet.graph.nodes) expect(shapes.has(n.outputs[0])).toBe(true);
  });
});

describe('nodeCosts', () => {
  test('seed 003: 3 layers x 1920*1080*9*2*16*16 = 0.0287e12 FLOPs without bias', () => {
    const m = buildSeed003Model();
    const costs = nodeCosts(m, inferShapes(m));
    expect(costs).toHaveLength(3);
    const withoutBias = costs.reduce((sum, c) => sum + 2 * c.macs, 0);
    expect(withoutBias).toBe(3 * 1920 * 1080 * 9 * 2 * 16 * 16);
    expect((withoutBias / 1e12).toFixed(4)).toBe('0.0287');
    // Bias adds N*K*P*Q per layer.
    expect(costs[0].flops).toBe(1920 * 1080 * 9 * 2 * 16 * 16 + 16 * 1920 * 1080);
    expect(costs[0].gemm).toEqual({ m: 1920 * 1080, n: 16, k: 16 * 9 });
    expect(costs[0].conv).toEqual({ inChannels: 16, outChannels: 16, kernel: [3, 3], groups: 1, stride: [1, 1] });
    // Bytes: input + output activations at 4 bytes, weights 16*16*9 + 16.
    expect(costs[0].bytes).toEqual({ activationsIn: 16 * 1920 * 1080 * 4, weights: (16 * 16 * 9 + 16) * 4, activationsOut: 16 * 1920 * 1080 * 4, total: (2 * 16 * 1920 * 1080 + 16 * 16 * 9 + 16) * 4 });
    const fp16 = nodeCosts(m, inferShapes(m), { elementBytes: 2 });
    expect(fp16[0].bytes.total).toBe(costs[0].bytes.total / 2);
    expect(fp16[0].elementBytes).toBe(2);
  });

  test('grouped conv, Gemm, MatMul, BN, pools and elementwise counts', () => {
    const grouped = convModel({ group: { type: 'int', value: 4 }, pads: { type: 'ints', value: [1, 1, 1, 1] } }, [16, 2, 3, 3]);
    const [g] = nodeCosts(grouped, inferShapes(grouped));
    // 2 * N*K*P*Q * (C/G)*R*S = 2 * 16*10*12 * 2*9
    expect(g.flops).toBe(2 * 16 * 10 * 12 * 2 * 9);
    expect(g.gemm).toEqual({ m: 120, n: 16, k: (8 * 9) / 4 });

    const m = model(
      [
        node('Gemm', ['a', 'w', 'c'], ['g'], { transB: { type: 'int', value: 1 } }),
        node('MatMul', ['g', 'b'], ['mm']),
        node('Relu', ['mm'], ['r']),
      ],
      [floatInput('a', [3, 5])],
      [floatInput('r', undefined)],
      [floatTensor('w', [7, 5]), floatTensor('c', [7]), floatTensor('b', [7, 4])],
    );
    const [gemm, matmul, relu] = nodeCosts(m, inferShapes(m));
    expect(gemm.flops).toBe(2 * 3 * 7 * 5 + 3 * 7);
    expect(gemm.macs).toBe(3 * 7 * 5);
    expect(matmul.flops).toBe(2 * 3 * 4 * 7);
    expect(matmul.gemm).toEqual({ m: 3, n: 4, k: 7 });
    expect(relu.flops).toBe(12);
    expect(relu.macs).toBe(0);
    expect(relu.bytes).toEqual({ activationsIn: 48, weights: 0, activationsOut: 48, total: 96 });

    const resnet = buildResNetLikeModel({ channels: [8], height: 4, width: 4, blocksPerStage: 1 });
    const costs = nodeCosts(resnet, inferShapes(resnet));
    const bn = costs.find((c) => c.opType === 'BatchNormalization')!;
    expect(bn.flops).toBe(2 * 8 * 16);
    expect(bn.bytes.weights).toBe(4 * 8 * 4);
    const gap = costs.find((c) => c.opType === 'GlobalAveragePool')!;
    expect(gap.flops).toBe(8 * 16);
    expect(costs.find((c) => c.opType === 'Flatten')!.flops).toBe(0);
    expect(costs.map((c) => c.node)).toEqual(resnet.graph.nodes.map((n) => n.name));

    const pool = model([node('MaxPool', ['x'], ['y'], { kernel_shape: { type: 'ints', value: [3, 3] }, strides: { type: 'ints', value: [2, 2] } })], [floatInput('x', [1, 2, 9, 9])], [floatInput('y', undefined)]);
    expect(nodeCosts(pool, inferShapes(pool))[0].flops).toBe(2 * 4 * 4 * 9);
  });
});

describe('summarizeModel', () => {
  test('counts ops and parameters of the ResNet-like model', () => {
    const s = summarizeModel(buildResNetLikeModel({ channels: [8, 16], blocksPerStage: 1 }));
    // stem conv + down conv + 2 convs per block * 2 stages = 6 convs, each with BN
    expect(s.opCounts).toEqual({ Conv: 6, BatchNormalization: 6, Relu: 6, Add: 2, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 });
    const convParams = 8 * 8 * 9 + 8 * 8 + 8 * 8 + 16 * 8 + 16 * 16 * 2;
    const bnParams = 4 * (8 + 8 + 8 + 16 + 16 + 16);
    expect(s.parameterCount).toBe(convParams + bnParams + 32 * 16 + 32);
    expect(s.nodeCount).toBe(23);
    expect(s.opset).toBe(17);
    expect(s.inputs).toEqual([{ name: 'input', dataType: 'float32', shape: [1, 8, 88, 64] }]);
    expect(s.outputs).toEqual([{ name: 'output', dataType: 'float32', shape: [1, 32] }]);
  });
});
