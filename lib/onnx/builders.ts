/**
 * Synthetic models with deterministic weights, for tests, examples and the mock backend: the 3-layer 3x3 conv
 * model of the Tensor Core efficiency question (seed 003) and a small ResNet-like model with Conv + BN + Add +
 * Relu blocks at 160 and 288 channels (seed 000).
 */
import { TensorRTError } from '../errors.js';
import { packageVersion } from '../version.js';
import { OnnxDataType, type OnnxModel, type OnnxNode, type OnnxTensor } from './model.js';

/** mulberry32: tiny, fast, and the same sequence on every platform. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function uniformTensor(name: string, dims: number[], low: number, high: number, random: () => number): OnnxTensor {
  const count = dims.reduce((product, dim) => product * dim, 1);
  const data = new Float32Array(count);
  for (let index = 0; index < count; index++) data[index] = low + (high - low) * random();
  return { name, dataType: OnnxDataType.FLOAT, dims, data };
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TensorRTError('ERR_INVALID_OPTION', `expected a positive integer for \`${name}\`, got ${JSON.stringify(value)}`);
  }
  return value;
}

function baseModel(name: string, nodes: OnnxNode[], initializers: OnnxTensor[], inputShape: number[], outputShape: number[]): OnnxModel {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'tensorrt-node',
    producerVersion: packageVersion,
    graph: {
      name,
      nodes,
      initializers,
      inputs: [{ name: 'input', elemType: OnnxDataType.FLOAT, shape: inputShape }],
      outputs: [{ name: 'output', elemType: OnnxDataType.FLOAT, shape: outputShape }],
      valueInfo: [],
    },
    metadataProps: [],
  };
}

/**
 * The model of seed 003: `layers` Conv k x k (padding k/2, with bias) with `channels` in and out, as
 * `torch.onnx.export` writes `TestModel(n_feats=16, kernel_size=3)` for `torch.randn(1, 16, 1920, 1080)`.
 * Weights are uniform in ±1/sqrt(fan_in), PyTorch's default initialisation range.
 *
 * @param options.channels - in/out channels. Defaults to 16.
 * @param options.height - input dim 2. Defaults to 1920 (the seed's `size_x`).
 * @param options.width - input dim 3. Defaults to 1080.
 * @param options.layers - number of convolutions. Defaults to 3.
 * @param options.kernel - odd kernel size. Defaults to 3.
 * @param options.seed - PRNG seed for the weights. Defaults to 3.
 * @returns a model with input `input` [1, C, H, W] and output `output` of the same shape
 */
export function buildSeed003Model(
  options: { channels?: number; height?: number; width?: number; layers?: number; kernel?: number; seed?: number } = {},
): OnnxModel {
  const channels = positiveInteger(options.channels, 'channels', 16);
  const height = positiveInteger(options.height, 'height', 1920);
  const width = positiveInteger(options.width, 'width', 1080);
  const layers = positiveInteger(options.layers, 'layers', 3);
  const kernel = positiveInteger(options.kernel, 'kernel', 3);
  if (kernel % 2 === 0) throw new TensorRTError('ERR_INVALID_OPTION', `expected an odd \`kernel\` so that padding k/2 keeps the size, got ${kernel}`);
  const random = createRandom(options.seed ?? 3);
  const bound = 1 / Math.sqrt(channels * kernel * kernel);
  const pad = Math.floor(kernel / 2);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let current = 'input';
  for (let layer = 1; layer <= layers; layer++) {
    const weight = uniformTensor(`conv${layer}.weight`, [channels, channels, kernel, kernel], -bound, bound, random);
    const bias = uniformTensor(`conv${layer}.bias`, [channels], -bound, bound, random);
    initializers.push(weight, bias);
    const output = layer === layers ? 'output' : `/conv${layer}/Conv_output_0`;
    nodes.push({
      name: `/conv${layer}/Conv`,
      opType: 'Conv',
      domain: '',
      inputs: [current, weight.name, bias.name],
      outputs: [output],
      attributes: {
        dilations: { type: 'ints', value: [1, 1] },
        group: { type: 'int', value: 1 },
        kernel_shape: { type: 'ints', value: [kernel, kernel] },
        pads: { type: 'ints', value: [pad, pad, pad, pad] },
        strides: { type: 'ints', value: [1, 1] },
      },
    });
    current = output;
  }
  const shape = [1, channels, height, width];
  return baseModel('seed003_conv3x3', nodes, initializers, shape, [...shape]);
}

/**
 * A small ResNet-like CNN: a 3x3 stem Conv + BatchNormalization + Relu, then per stage a stride-2 1x1
 * projection (for every stage after the first) and `blocksPerStage` residual blocks of
 * `Conv1x1 + BN + Relu -> Conv1x1 + BN -> Add(residual) -> Relu` (the "Conv + Add + Relu" pattern of seed
 * 000), then GlobalAveragePool, Flatten and a Gemm classifier with 32 outputs (transB = 1). Convolutions have
 * no bias (BatchNormalization follows each), so a builder has BN to fold.
 *
 * @param options.channels - channels per stage. Defaults to `[160, 288]`.
 * @param options.height - input height. Defaults to 88.
 * @param options.width - input width. Defaults to 64.
 * @param options.batch - batch size. Defaults to 1.
 * @param options.blocksPerStage - residual blocks per stage. Defaults to 2.
 * @param options.seed - PRNG seed for the weights. Defaults to 0.
 * @returns a model with input `input` [batch, channels[0], height, width] and output `output` [batch, 32]
 */
export function buildResNetLikeModel(
  options: { channels?: number[]; height?: number; width?: number; batch?: number; blocksPerStage?: number; seed?: number } = {},
): OnnxModel {
  const stages = options.channels ?? [160, 288];
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new TensorRTError('ERR_INVALID_OPTION', `expected a non-empty array for \`channels\`, got ${JSON.stringify(stages)}`);
  }
  stages.forEach((value, index) => positiveInteger(value, `channels[${index}]`, 1));
  const height = positiveInteger(options.height, 'height', 88);
  const width = positiveInteger(options.width, 'width', 64);
  const batch = positiveInteger(options.batch, 'batch', 1);
  const blocksPerStage = positiveInteger(options.blocksPerStage, 'blocksPerStage', 2);
  const classes = 32;
  const random = createRandom(options.seed ?? 0);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];

  const conv = (prefix: string, input: string, inChannels: number, outChannels: number, kernel: number, stride: number): string => {
    const bound = 1 / Math.sqrt(inChannels * kernel * kernel);
    const parameter = prefix.slice(1).replaceAll('/', '.');
    const weight = uniformTensor(`${parameter}.conv.weight`, [outChannels, inChannels, kernel, kernel], -bound, bound, random);
    initializers.push(weight);
    const output = `${prefix}/conv/Conv_output_0`;
    const pad = Math.floor(kernel / 2);
    nodes.push({
      name: `${prefix}/conv/Conv`,
      opType: 'Conv',
      domain: '',
      inputs: [input, weight.name],
      outputs: [output],
      attributes: {
        dilations: { type: 'ints', value: [1, 1] },
        group: { type: 'int', value: 1 },
        kernel_shape: { type: 'ints', value: [kernel, kernel] },
        pads: { type: 'ints', value: [pad, pad, pad, pad] },
        strides: { type: 'ints', value: [stride, stride] },
      },
    });
    const tensors = [
      uniformTensor(`${parameter}.bn.weight`, [outChannels], 0.5, 1.5, random),
      uniformTensor(`${parameter}.bn.bias`, [outChannels], -0.1, 0.1, random),
      uniformTensor(`${parameter}.bn.running_mean`, [outChannels], -0.1, 0.1, random),
      uniformTensor(`${parameter}.bn.running_var`, [outChannels], 0.5, 1.5, random),
    ];
    initializers.push(...tensors);
    const normalised = `${prefix}/bn/BatchNormalization_output_0`;
    nodes.push({
      name: `${prefix}/bn/BatchNormalization`,
      opType: 'BatchNormalization',
      domain: '',
      inputs: [output, ...tensors.map((tensor) => tensor.name)],
      outputs: [normalised],
      // ONNX float attributes are float32; storing the rounded values keeps read(write(m)) identical to m.
      attributes: { epsilon: { type: 'float', value: Math.fround(1e-5) }, momentum: { type: 'float', value: Math.fround(0.9) } },
    });
    return normalised;
  };
  const relu = (prefix: string, input: string): string => {
    const output = `${prefix}/Relu_output_0`;
    nodes.push({ name: `${prefix}/Relu`, opType: 'Relu', domain: '', inputs: [input], outputs: [output], attributes: {} });
    return output;
  };

  let current = relu('/stem/relu', conv('/stem', 'input', stages[0], stages[0], 3, 1));
  let channels = stages[0];
  stages.forEach((stageChannels, stage) => {
    if (stage > 0) {
      current = relu(`/stage${stage}/down/relu`, conv(`/stage${stage}/down`, current, channels, stageChannels, 1, 2));
      channels = stageChannels;
    }
    for (let block = 0; block < blocksPerStage; block++) {
      const prefix = `/stage${stage}/block${block}`;
      const inner = relu(`${prefix}/relu1`, conv(`${prefix}/conv1`, current, channels, channels, 1, 1));
      const second = conv(`${prefix}/conv2`, inner, channels, channels, 1, 1);
      const sum = `${prefix}/Add_output_0`;
      nodes.push({ name: `${prefix}/Add`, opType: 'Add', domain: '', inputs: [second, current], outputs: [sum], attributes: {} });
      current = relu(`${prefix}/relu2`, sum);
    }
  });

  const pooled = '/head/GlobalAveragePool_output_0';
  nodes.push({ name: '/head/GlobalAveragePool', opType: 'GlobalAveragePool', domain: '', inputs: [current], outputs: [pooled], attributes: {} });
  const flat = '/head/Flatten_output_0';
  nodes.push({ name: '/head/Flatten', opType: 'Flatten', domain: '', inputs: [pooled], outputs: [flat], attributes: { axis: { type: 'int', value: 1 } } });
  const bound = 1 / Math.sqrt(channels);
  const fcWeight = uniformTensor('fc.weight', [classes, channels], -bound, bound, random);
  const fcBias = uniformTensor('fc.bias', [classes], -bound, bound, random);
  initializers.push(fcWeight, fcBias);
  nodes.push({
    name: '/fc/Gemm',
    opType: 'Gemm',
    domain: '',
    inputs: [flat, fcWeight.name, fcBias.name],
    outputs: ['output'],
    attributes: { alpha: { type: 'float', value: 1 }, beta: { type: 'float', value: 1 }, transB: { type: 'int', value: 1 } },
  });
  return baseModel('resnet_like', nodes, initializers, [batch, stages[0], height, width], [batch, classes]);
}
