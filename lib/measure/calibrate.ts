/**
 * `trtn calibrate`: measures this GPU's ceilings with TensorRT engines, so efficiency is reported against what
 * the GPU actually reaches rather than a datasheet:
 * - copy bandwidth: a Relu over a 256 Mi-element FP16 tensor (reads and writes every element once);
 * - dense FP16 matrix throughput: a 1x1 convolution 2048 -> 2048 channels over 8x128x128 pixels (an implicit
 *   GEMM of M = 131072, N = K = 2048; 1.1 TFLOP, arithmetic intensity ~1000 FLOP/B, well above any ridge point);
 * - 2:4 sparse FP16 throughput: the same convolution with magnitude-pruned weights, built with sparsity enabled.
 * Median GPU compute time of CUDA-graph launches without data transfers. Needs the TensorRT backend.
 */
import type { CalibrationResult } from '../analysis/index.js';
import { defaultCalibrationDir, saveCalibration } from './calibration-cache.js';
import { buildEngine } from '../build.js';
import { TensorRTError } from '../errors.js';
import { OnnxDataType, sparsify, writeOnnx, type OnnxModel } from '../onnx/index.js';

function singleNodeModel(name: string, node: OnnxModel['graph']['nodes'][number], input: number[], output: number[], initializers: OnnxModel['graph']['initializers']): OnnxModel {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'tensorrt-node calibrate',
    producerVersion: '1',
    metadataProps: [],
    graph: {
      name,
      nodes: [node],
      initializers,
      inputs: [{ name: 'input', elemType: OnnxDataType.FLOAT, shape: input }],
      outputs: [{ name: 'output', elemType: OnnxDataType.FLOAT, shape: output }],
      valueInfo: [],
    },
  };
}

/** The bandwidth probe: one Relu over `elements` values. */
export function bandwidthModel(elements = 256 * 1024 * 1024): OnnxModel {
  const shape = [1, 16, elements / 16 / 4096, 4096];
  return singleNodeModel('relu_bandwidth', { name: 'relu', opType: 'Relu', domain: '', inputs: ['input'], outputs: ['output'], attributes: {} }, shape, shape, []);
}

/** The GEMM probe: a 1x1 convolution `channels` -> `channels` over batch x size x size pixels. */
export function gemmModel(channels = 2048, batch = 8, size = 128, seed = 1): OnnxModel {
  const weights = new Float32Array(channels * channels);
  let state = seed >>> 0;
  for (let index = 0; index < weights.length; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    weights[index] = (state / 2 ** 32 - 0.5) * 0.1;
  }
  return singleNodeModel(
    'conv_gemm',
    { name: 'conv', opType: 'Conv', domain: '', inputs: ['input', 'weight'], outputs: ['output'], attributes: { kernel_shape: { type: 'ints', value: [1, 1] } } },
    [batch, channels, size, size],
    [batch, channels, size, size],
    [{ name: 'weight', dataType: OnnxDataType.FLOAT, dims: [channels, channels, 1, 1], data: weights }],
  );
}

async function medianComputeMs(model: OnnxModel, sparse: boolean): Promise<{ ms: number; sparsePicked: boolean; gpuName: string; tensorrtVersion: string }> {
  const { engine, report } = await buildEngine(writeOnnx(model), {
    backend: 'tensorrt',
    fp16: true,
    sparsity: sparse ? 'enable' : 'disable',
    inputIOFormats: 'fp16:chw',
    outputIOFormats: 'fp16:chw',
  });
  try {
    const result = await engine.benchmark({ iterations: 50, duration: 1, warmUp: 200, useCudaGraph: true, noDataTransfers: true });
    return {
      ms: result.gpuCompute.median,
      sparsePicked: report.sparsity.picked.length > 0,
      gpuName: report.environment.gpu?.name ?? 'unknown GPU',
      tensorrtVersion: report.versions.tensorrt ?? 'unknown',
    };
  } finally {
    engine.dispose();
  }
}

/** Measures and caches the ceilings of GPU 0. Throws ERR_BACKEND_UNAVAILABLE without TensorRT. */
export async function calibrate(options: { dir?: string; onProgress?: (line: string) => void } = {}): Promise<CalibrationResult> {
  const say = options.onProgress ?? (() => undefined);
  say('measuring copy bandwidth (Relu over 256 Mi FP16 values)…');
  const elements = 256 * 1024 * 1024;
  const copy = await medianComputeMs(bandwidthModel(elements), false);
  say('measuring dense FP16 throughput (1x1 conv 2048->2048, 8x128x128)…');
  const channels = 2048;
  const pixels = 8 * 128 * 128;
  const flops = 2 * pixels * channels * channels;
  const dense = await medianComputeMs(gemmModel(channels), false);
  say('measuring 2:4 sparse FP16 throughput (same conv, pruned)…');
  const sparse = await medianComputeMs(sparsify(gemmModel(channels), { pattern: '2:4' }).model, true);
  if (!(copy.ms > 0 && dense.ms > 0)) {
    throw new TensorRTError('ERR_INTERNAL', 'Calibration measured a zero time; the benchmark did not run. Please report this with `trtn env --json`.');
  }
  const result: CalibrationResult = {
    gpuName: dense.gpuName,
    tensorrtVersion: dense.tensorrtVersion,
    measuredAt: new Date().toISOString(),
    copyBandwidthGBs: (2 * elements * 2) / (copy.ms * 1e-3) / 1e9,
    fp16DenseTflops: flops / (dense.ms * 1e-3) / 1e12,
    // Only a measurement where TensorRT actually picked a sparse kernel counts as a sparse peak.
    ...(sparse.sparsePicked ? { fp16SparseTflops: flops / (sparse.ms * 1e-3) / 1e12 } : {}),
    method: 'TensorRT engines: Relu over 256Mi fp16 (bytes read+written), 1x1 conv 2048->2048 over 8x128x128 fp16 dense and 2:4; median GPU compute, CUDA graph, no transfers',
  };
  saveCalibration(options.dir ?? defaultCalibrationDir(), result);
  return result;
}
