import { describe, expect, it } from 'vitest';
import { findDeviceProfile, type DeviceProfile } from '../../lib/devices/profiles.js';
import type { OnnxModel, OnnxNode, OnnxTensor } from '../../lib/onnx/model.js';
import {
  DENSE_EFFICIENCY,
  MEMORY_EFFICIENCY,
  SPARSE_EFFICIENCY,
  estimateDenseMatrix,
  estimateMemoryBound,
  estimateSparseMatrix,
  fuseGraph,
  paddedMatrixFlops,
  sparseShapeEligible,
} from '../../lib/mock/cost-model.js';
import { formatText, paddedElementCount } from '../../lib/mock/formats.js';

function node(name: string, opType: string, inputs: string[], outputs: string[]): OnnxNode {
  return { name, opType, domain: '', inputs, outputs, attributes: {} };
}
function tensor(name: string, dims: number[]): OnnxTensor {
  return { name, dataType: 1, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
}

/** Hand-made graph exercising every fusion rule and its guards. */
function fusionModel(): OnnxModel {
  const nodes = [
    node('Conv_1', 'Conv', ['x', 'W1'], ['a']),
    node('BatchNormalization_2', 'BatchNormalization', ['a', 's', 'b', 'm', 'v'], ['b1']),
    node('Add_3', 'Add', ['b1', 'x'], ['c']),
    node('Relu_4', 'Relu', ['c'], ['d']),
    node('Conv_5', 'Conv', ['d', 'W1'], ['e']),
    node('Relu_6', 'Relu', ['e'], ['f']),
    // g has two consumers, so Conv_7 cannot absorb either
    node('Conv_7', 'Conv', ['f', 'W1'], ['g']),
    node('Relu_8', 'Relu', ['g'], ['h']),
    node('Add_9', 'Add', ['g', 'h'], ['i']),
    node('Shape_10', 'Shape', ['i'], ['shape']),
    node('Reshape_11', 'Reshape', ['i', 'shape'], ['j']),
    node('MatMul_12', 'MatMul', ['j', 'W2'], ['k']),
    node('Add_13', 'Add', ['k', 'bias'], ['l']),
    node('Sigmoid_14', 'Sigmoid', ['l'], ['y']),
  ];
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '0',
    metadataProps: [],
    graph: {
      name: 'g',
      nodes,
      initializers: [tensor('W1', [8, 8, 1, 1]), tensor('s', [8]), tensor('b', [8]), tensor('m', [8]), tensor('v', [8]), tensor('W2', [8, 4]), tensor('bias', [4])],
      inputs: [{ name: 'x', elemType: 1, shape: [1, 8, 2, 2] }],
      outputs: [{ name: 'y', elemType: 1, shape: [1, 4] }],
      valueInfo: [],
    },
  };
}

describe('fuseGraph', () => {
  const groups = fuseGraph(fusionModel());
  const names = groups.map((group) => group.name);

  it('folds BN, the residual Add and the activation into the Conv, named with " + "', () => {
    expect(names[0]).toBe('Conv_1 + BatchNormalization_2 + Add_3 + Relu_4');
    expect(groups[0].residualInput).toBe('x');
    expect(groups[0].inputs).toEqual(['x', 'x']);
    expect(names[1]).toBe('Conv_5 + Relu_6');
  });
  it('does not fuse through a tensor with several consumers', () => {
    expect(names).toContain('Conv_7');
    expect(names).toContain('Relu_8');
    expect(names).toContain('Add_9');
  });
  it('folds Shape away, makes Reshape a NoOp and fuses MatMul + bias Add + activation', () => {
    expect(names.some((name) => name.includes('Shape_10'))).toBe(false);
    expect(groups.find((group) => group.name === 'Reshape_11')?.kind).toBe('noop');
    expect(names).toContain('MatMul_12 + Add_13 + Sigmoid_14');
    expect(groups.find((group) => group.name.startsWith('MatMul_12'))?.biasAdd).toBe(true);
  });
  it('accounts for every non-constant node exactly once', () => {
    const covered = groups.flatMap((group) => group.nodes.map((item) => item.name));
    expect(new Set(covered).size).toBe(covered.length);
    expect(covered).toHaveLength(13);
  });
});

describe('padding and tiles', () => {
  it('pads K = 16*9 = 144 to the 32 granule (160) and 12 output channels to 16', () => {
    const shape = { m: 1280, n: 16, k: 144, groups: 1, kernelArea: 9 };
    expect(paddedMatrixFlops(shape, 'dense')).toBe(2 * 1280 * 16 * 160);
    expect(paddedMatrixFlops({ ...shape, n: 12 }, 'dense')).toBe(2 * 1280 * 16 * 160);
    // sparse kernels: N tile >= 64, K granule 64 (144 -> 192)
    expect(paddedMatrixFlops(shape, 'sparse')).toBe(2 * 1280 * 64 * 192);
  });
  it('pads 3 input channels to 8 on Tensor Cores but not in FP32', () => {
    const shape = { m: 128, n: 64, k: 27, groups: 1, kernelArea: 9 };
    // FP16: C 3 -> 8, K = 72 -> 96; FP32: K 27 -> 32 (granule 8)
    expect(paddedMatrixFlops(shape, 'dense')).toBe(2 * 128 * 64 * 96);
    expect(paddedMatrixFlops(shape, 'fp32')).toBe(2 * 128 * 64 * 32);
  });
  it('rounds M up to the 128-row tile', () => {
    expect(paddedMatrixFlops({ m: 129, n: 128, k: 128, groups: 1, kernelArea: 1 }, 'dense')).toBe(2 * 256 * 128 * 128);
  });
});

describe('estimates', () => {
  // Round numbers so the expected times can be computed by hand.
  const device: DeviceProfile = {
    id: 'test', name: 'test', computeCapability: '0', smCount: 1, clockMHz: 1,
    fp16DenseTflops: 100, fp16SparseTflops: 200, fp32Tflops: 10, memoryBandwidthGBs: 1000, kernelOverheadUs: 2, sources: [], measured: false,
  };
  it('takes the larger of compute and memory time plus the kernel overhead', () => {
    const shape = { m: 4096, n: 1024, k: 1024, groups: 1, kernelArea: 1 };
    const bytes = 1e6;
    const estimate = estimateDenseMatrix(shape, bytes, device, 'fp16');
    const computeMs = ((2 * 4096 * 1024 * 1024) / (100e12 * DENSE_EFFICIENCY)) * 1e3;
    const memoryMs = (bytes / (1000e9 * MEMORY_EFFICIENCY)) * 1e3;
    expect(computeMs).toBeGreaterThan(memoryMs);
    expect(estimate.timeMs).toBeCloseTo(computeMs + 0.002, 12);
    expect(estimate.bound).toBe('compute');
  });
  it('makes large compute-bound layers faster sparse and small memory-bound ones faster dense', () => {
    const big = { m: 4096, n: 1024, k: 1024, groups: 1, kernelArea: 1 };
    const weightBytes = 1024 * 1024 * 2;
    const bigBytes = 4096 * 1024 * 2 * 2 + weightBytes;
    const dense = estimateDenseMatrix(big, bigBytes, device, 'fp16');
    const sparse = estimateSparseMatrix(big, bigBytes, weightBytes, device);
    expect(sparse.computeMs).toBeCloseTo(dense.computeMs * (DENSE_EFFICIENCY / (2 * SPARSE_EFFICIENCY)), 12);
    expect(sparse.timeMs).toBeLessThan(dense.timeMs);

    const small = { m: 65536, n: 16, k: 144, groups: 1, kernelArea: 9 };
    const smallWeights = 16 * 144 * 2;
    const smallBytes = 65536 * 16 * 2 * 2 + smallWeights;
    const smallDense = estimateDenseMatrix(small, smallBytes, device, 'fp16');
    const smallSparse = estimateSparseMatrix(small, smallBytes, smallWeights, device);
    expect(smallSparse.paddedFlops).toBeGreaterThan(smallDense.paddedFlops);
    expect(smallSparse.timeMs).toBeGreaterThan(smallDense.timeMs);
  });
  it('compresses sparse weights to 9/16 of their bytes', () => {
    const shape = { m: 128, n: 128, k: 128, groups: 1, kernelArea: 1 };
    expect(estimateSparseMatrix(shape, 1600, 1600, device).bytes).toBe(900);
  });
  it('finds the seed-003 layer (16 channels, 3x3, 1920x1080) memory-bound on the H100 and Orin profiles', () => {
    const shape = { m: 1920 * 1080, n: 16, k: 144, groups: 1, kernelArea: 9 };
    const bytes = 1920 * 1080 * 16 * 2 * 2 + 16 * 144 * 2;
    for (const id of ['h100-sxm', 'orin-agx-32gb-816mhz']) {
      expect(estimateDenseMatrix(shape, bytes, findDeviceProfile(id)!, 'fp16').bound).toBe('memory');
    }
  });
  it('treats memory-bound layers as bytes over bandwidth plus overhead', () => {
    const estimate = estimateMemoryBound(8.5e6, 0, device);
    expect(estimate.timeMs).toBeCloseTo(0.01 + 0.002, 12);
  });
});

describe('sparse eligibility by shape', () => {
  it('needs groups 1, reduction channels % 4 and output channels % 8', () => {
    expect(sparseShapeEligible({ m: 1, n: 16, k: 16 * 9, groups: 1, kernelArea: 9 }).eligible).toBe(true);
    expect(sparseShapeEligible({ m: 1, n: 16, k: 6 * 9, groups: 1, kernelArea: 9 }).eligible).toBe(false);
    expect(sparseShapeEligible({ m: 1, n: 12, k: 16, groups: 1, kernelArea: 1 }).eligible).toBe(false);
    expect(sparseShapeEligible({ m: 1, n: 16, k: 16, groups: 2, kernelArea: 1 }).eligible).toBe(false);
  });
});

describe('formats', () => {
  it('uses TensorRT inspector wording', () => {
    expect(formatText('float16', 'hwc8')).toBe('Channel major FP16 format where channel % 8 == 0');
    expect(formatText('float16', 'hwc16')).toBe('Channel major FP16 format where channel % 16 == 0');
    expect(formatText('float32', 'chw')).toBe('Row major linear FP32');
    expect(formatText('float16', 'chw')).toBe('Row major linear FP16 format');
    expect(formatText('float16', 'chw16')).toBe('Sixteen wide channel vectorized row major FP16 format');
    expect(formatText('float16', 'chw2')).toBe('Two wide channel vectorized row major FP16 format');
  });
  it('pads the channel dimension of vectorised formats', () => {
    expect(paddedElementCount([1, 3, 4, 4], 'hwc8')).toBe(8 * 16);
    expect(paddedElementCount([1, 3, 4, 4], 'chw')).toBe(3 * 16);
    expect(paddedElementCount([2, 20, 1, 1], 'chw16')).toBe(2 * 32);
  });
});
