/**
 * Engine layers shaped like the normalised inspector output of seed 003's model (3 × Conv 3x3, 16 → 16 channels,
 * bias, input 1x16x1920x1080) built with --fp16 --inputIOFormats=fp16:chw --outputIOFormats=fp16:chw: TensorRT
 * runs the convs in hwc8 and inserts a reformat at the input and at the output.
 */
import type { DataTypeName, LayerInfo, LayerTensor, TensorFormatName } from '../../lib/types/index.js';

export const H = 1920;
export const W = 1080;

const FORMAT_TEXT: Record<string, string> = {
  chw: 'Row major linear FP16 format (kLINEAR)',
  hwc8: 'Channel major FP16 format where channel % 8 == 0',
  chw16: 'Sixteen wide channel vectorized row major FP16 format',
  chw32: 'Thirty-two wide channel vectorized row major FP16 format',
};

export function tensor(name: string, channels: number, format: TensorFormatName, dataType: DataTypeName = 'float16', height = H, width = W): LayerTensor {
  const alignment = ({ hwc8: 8, chw16: 16, chw32: 32, chw4: 4 } as Record<string, number>)[format] ?? 1;
  return { name, location: 'Device', dimensions: [1, channels, height, width], formatText: FORMAT_TEXT[format] ?? format, dataType, format, channelAlignment: alignment };
}

export function conv(name: string, input: LayerTensor, output: LayerTensor, options: { sparse?: boolean; tactic?: string; precision?: DataTypeName } = {}): LayerInfo {
  const inChannels = input.dimensions[1];
  const outChannels = output.dimensions[1];
  return {
    name,
    layerType: 'CaskConvolution',
    parameterType: 'Convolution',
    onnxNodes: [name],
    inputs: [input],
    outputs: [output],
    tacticName:
      options.tactic ??
      (options.sparse
        ? 'sm80_xmma_fprop_sparse_conv_f16f16_f16f16_f16_nhwckrsc_nhwc_tilesize128x64x64_stage3_warpsize2x2x1_g1_sptensor16x8x32'
        : 'sm80_xmma_fprop_implicit_gemm_f16f16_f16f16_f16_nhwckrsc_nhwc_tilesize64x32x64_stage5_warpsize2x1x1_g1_tensor16x8x16_t1r3s3'),
    tacticValue: options.sparse ? '0x5e3f1a2b3c4d5e6f' : '0x1a2b3c4d5e6f7081',
    isReformat: false,
    precision: options.precision ?? 'float16',
    convolution: {
      kernel: [3, 3],
      stride: [1, 1],
      prePadding: [1, 1],
      postPadding: [1, 1],
      dilation: [1, 1],
      groups: 1,
      outMaps: outChannels,
      weights: { type: 'Half', count: outChannels * inChannels * 9 },
      bias: { type: 'Half', count: outChannels },
      hasSparseWeights: options.sparse === true,
      hasResidual: false,
      activation: 'NONE',
    },
  };
}

export function reformat(name: string, input: LayerTensor, output: LayerTensor): LayerInfo {
  return {
    name,
    layerType: 'Reformat',
    parameterType: 'Reformat',
    onnxNodes: [],
    inputs: [input],
    outputs: [output],
    tacticValue: '0x0000000000000000',
    isReformat: true,
    precision: input.dataType,
  };
}

/** Seed 003's engine with chw IO (two IO reformats) or with hwc8 IO (none). */
export function seed003Layers(io: 'chw' | 'hwc8' = 'chw', options: { sparse?: boolean; channels?: number } = {}): LayerInfo[] {
  const channels = options.channels ?? 16;
  const layers: LayerInfo[] = [];
  const inside = (name: string): LayerTensor => tensor(name, channels, 'hwc8');
  let current: LayerTensor;
  if (io === 'chw') {
    const networkInput = tensor('input', channels, 'chw');
    current = inside('Reformatted Input Tensor 0 to /conv1/Conv');
    layers.push(reformat('Reformatting CopyNode for Input Tensor 0 to /conv1/Conv', networkInput, current));
  } else {
    current = inside('input');
  }
  for (const index of [1, 2, 3]) {
    const last = index === 3;
    const output = last && io === 'hwc8' ? inside('output') : inside(`/conv${index}/Conv_output_0`);
    layers.push(conv(`/conv${index}/Conv`, current, output, { sparse: options.sparse }));
    current = output;
  }
  if (io === 'chw') {
    layers.push(reformat('Reformatting CopyNode for Output Tensor 0 to /conv3/Conv', current, tensor('output', channels, 'chw')));
  }
  return layers;
}
