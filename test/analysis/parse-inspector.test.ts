import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { normalizeInspectorJson, parseBuildReport, parseFormatText, parseTrtexecProfile, parseTrtexecTimes } from '../../lib/analysis/index.js';
import { inspectorSchemaGeneration } from '../../lib/analysis/parse/inspector.js';
import { isTensorRTError } from '../../lib/errors.js';

const json = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/trtexec/${name}`, import.meta.url), 'utf8'));

function expectAnalysisError(work: () => unknown, pattern: RegExp): void {
  try {
    work();
    expect.unreachable('expected ERR_ANALYSIS_INPUT');
  } catch (error) {
    expect(isTensorRTError(error, 'ERR_ANALYSIS_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(pattern);
  }
}

describe('parseFormatText', () => {
  // Wording as TensorRT prints it (TREx's activations.py lists the same sentences).
  test.each([
    ['Channel major FP16 format where channel % 8 == 0', 'hwc8', 'float16', 8],
    ['Channel major FP16 format where channel % 16 == 0', 'hwc16', 'float16', 16],
    ['Sixteen wide channel vectorized row major FP16 format', 'chw16', 'float16', 16],
    ['Two wide channel vectorized row major FP16 format', 'chw2', 'float16', 2],
    ['Four wide channel vectorized row major Int8 format', 'chw4', 'int8', 4],
    ['Thirty-two wide channel vectorized row major Int8 format', 'chw32', 'int8', 32],
    ['Thirty-two wide channel vectorized row major FP16 format with 3 spatial dimensions', 'cdhw32', 'float16', 32],
    ['Channel major FP16 format where channel % 8 == 0 with 3 spatial dimensions', 'dhwc8', 'float16', 8],
    ['Row major linear FP32', 'chw', 'float32', 1],
    ['Row major Int8 format', 'chw', 'int8', 1],
    ['Channel major FP32 format', 'hwc', 'float32', 1],
    ['Row major linear BFloat16 format', 'chw', 'bfloat16', 1],
    ['Channel major FP16 format where channel % 4 == 0', 'unknown', 'float16', 4],
    ['Channel major FP16 format where channel == 4 and column stride % 32 == 0', 'unknown', 'float16', 4],
    ['Row major linear FP32 format (kLINEAR)', 'chw', 'float32', 1],
    ['Something new in TensorRT 12', 'unknown', 'unknown', 1],
  ])('%s', (text, format, dataType, alignment) => {
    expect(parseFormatText(text)).toEqual({ format, dataType, channelAlignment: alignment });
  });

  test('11.x enum suffix wins and DataType is taken from its own key', () => {
    expect(parseFormatText('Channel major FP16 format where channel % 8 == 0 (kHWC8)', 'Half')).toEqual({ format: 'hwc8', dataType: 'float16', channelAlignment: 8 });
  });
});

describe('normalizeInspectorJson', () => {
  test('seed-000 layer info (TensorRT 8.5): formats, channels, sparse weights, reformat', () => {
    const layers = normalizeInspectorJson(json('seed000-layerinfo.json'));
    expect(layers.map((layer) => layer.name)).toEqual(['Conv_276 + Add_277 + Relu_278', 'Reformatting CopyNode for Input Tensor 0 to Conv_663 + Add_664 + Relu_665', 'Conv_663 + Add_664 + Relu_665']);
    const [conv276, reformat, conv663] = layers;
    expect(conv276.inputs.map((tensor) => [tensor.format, tensor.channelAlignment])).toEqual([['hwc16', 16], ['hwc16', 16]]);
    expect(conv276.convolution).toMatchObject({ kernel: [1, 1], outMaps: 160, groups: 1, weights: { type: 'Half', count: 25600 }, hasSparseWeights: true, hasResidual: true, activation: 'RELU' });
    expect(conv276.onnxNodes).toEqual(['Conv_276', 'Add_277', 'Relu_278']);
    expect(conv276.precision).toBe('float16');
    expect(conv276.tacticValue).toBe('0x7c131d76d207c8d1');
    expect(reformat.isReformat).toBe(true);
    expect([reformat.inputs[0].channelAlignment, reformat.outputs[0].channelAlignment]).toEqual([16, 8]);
    expect(conv663.inputs[0].format).toBe('hwc8');
    expect(conv663.convolution?.weights?.count).toBe(288 * 288);
    expect(conv663.isReformat).toBe(false);
  });

  test('TensorRT 11 schema: split Format/DataType, I/O Tensors, Myelin without TacticValue, bare names', () => {
    const value = json('trt11-layerinfo.json');
    expect(inspectorSchemaGeneration(value)).toBe('11.x');
    const layers = normalizeInspectorJson(value);
    expect(layers).toHaveLength(4);
    expect(layers[0].inputs[0]).toMatchObject({ format: 'hwc16', dataType: 'float16', channelAlignment: 16 });
    expect(layers[1].inputs[0]).toMatchObject({ format: 'hwc8', channelAlignment: 8 });
    expect(layers[2].tacticValue).toBeUndefined();
    expect(layers[2].outputs[0].dataType).toBe('float32');
    expect(layers[2].precision).toBe('mixed');
    expect(layers[3]).toMatchObject({ name: '__myl_Cast_myl0_4', layerType: 'unknown', inputs: [], outputs: [] });
  });

  test('layers given as plain names (no detailed verbosity)', () => {
    const layers = normalizeInspectorJson({ Layers: ['Conv_1 + Relu_2', 'Reformatting CopyNode for Input Tensor 0 to Conv_3'], Bindings: ['input', 'output'] });
    expect(layers.map((layer) => [layer.name, layer.onnxNodes, layer.isReformat])).toEqual([
      ['Conv_1 + Relu_2', ['Conv_1', 'Relu_2'], false],
      ['Reformatting CopyNode for Input Tensor 0 to Conv_3', [], true],
    ]);
  });

  test('garbage is ERR_ANALYSIS_INPUT naming what was expected', () => {
    expectAnalysisError(() => normalizeInspectorJson({ foo: 1 }), /Layers/);
    expectAnalysisError(() => normalizeInspectorJson('{not json'), /not valid JSON/);
    expectAnalysisError(() => normalizeInspectorJson({ Layers: [42] }), /layer 0/);
    expectAnalysisError(() => normalizeInspectorJson(null), /Layers/);
  });
});

describe('trtexec exports and build reports', () => {
  test('seed-000 --exportProfile excerpt', () => {
    const profile = parseTrtexecProfile(json('seed000-profile.json'));
    expect(profile).toHaveLength(5);
    expect(profile.find((layer) => layer.name === 'Conv_663 + Add_664 + Relu_665')?.averageMs).toBe(0.102347);
  });

  test('--exportTimes records', () => {
    const record = { startEnqMs: 0, endEnqMs: 0.1, startH2dMs: 0, endH2dMs: 0, startComputeMs: 0.1, endComputeMs: 1.1, startD2hMs: 1.1, endD2hMs: 1.1, h2dMs: 0, computeMs: 1, d2hMs: 0, latencyMs: 1 };
    expect(parseTrtexecTimes([record])[0].computeMs).toBe(1);
    expectAnalysisError(() => parseTrtexecTimes([{ computeMs: 1 }]), /startEnqMs/);
  });

  test('build reports are validated', () => {
    const report = parseBuildReport({ schemaVersion: 1, backend: 'mock', layers: [{ name: 'a' }], tactics: [], sparsity: { eligible: [], picked: [] } });
    expect(report.layers[0].inputs).toEqual([]);
    expect(report.estimated).toBe(true);
    expectAnalysisError(() => parseBuildReport({ schemaVersion: 2, backend: 'mock', layers: [] }), /schemaVersion/);
    expectAnalysisError(() => parseBuildReport({ schemaVersion: 1, backend: 'mock', layers: [{}] }), /layer 0/);
    expectAnalysisError(() => parseBuildReport([1, 2]), /array/);
    expectAnalysisError(() => parseTrtexecProfile({ Layers: [] }), /count/);
  });
});
