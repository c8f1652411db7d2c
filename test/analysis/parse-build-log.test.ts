import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseBuildLog } from '../../lib/analysis/index.js';
import { isTensorRTError } from '../../lib/errors.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/logs/${name}`, import.meta.url), 'utf8');

/** The list after a marker, split the way a reader of the issue would: by ", " up to the end of that line. */
function rawList(text: string, marker: string): string[] {
  const line = text.split('\n').find((item) => item.includes(marker))!;
  return line.slice(line.indexOf(marker) + marker.length).trim().split(', ');
}

describe('parseBuildLog on the seed-000 lines (TensorRT 8.5.2)', () => {
  const text = fixture('seed000-trt85.log');
  const log = parseBuildLog(text);

  test('reads both sparsity lists whole, keeping " + " and " || " inside names', () => {
    const eligible = rawList(text, 'Layers eligible for sparse math:');
    const picked = rawList(text, 'picked sparse implementation for layers:');
    expect(log.sparsity.eligible).toEqual(eligible);
    expect(log.sparsity.picked).toEqual(picked);
    expect(log.sparsity.eligible).toContain('Conv_663 + Add_664 + Relu_665');
    expect(log.sparsity.eligible).toContain('Conv_763 || Conv_759 || Conv_757 || Conv_755');
    expect(log.sparsityListsFound).toEqual({ eligible: true, picked: true });
  });

  test('parses the CudnnConvolution block of Conv_663: 15 timed tactics, fastest 0x…01 at 0.488091 ms', () => {
    const record = log.tactics.find((entry) => entry.layer === 'Conv_663 + Add_664 + Relu_665')!;
    expect(record.candidates).toHaveLength(15);
    expect(record.candidates.every((candidate) => candidate.implementation === 'CudnnConvolution')).toBe(true);
    expect(record.candidates[0].formats).toBe('Float(1622016,5632,64,1), Float(1622016,5632,64,1) -> Float(1622016,5632,64,1)');
    // 8.5 prints no kernel names for these, so sparse-or-dense is unknown rather than guessed.
    expect(record.candidates.every((candidate) => candidate.sparse === undefined)).toBe(true);
    const fastest = log.fastest.find((entry) => entry.layer === 'Conv_663 + Add_664 + Relu_665')!;
    expect(fastest).toMatchObject({ tactic: '0x0000000000000001', timeMs: 0.488091, implementation: 'CudnnConvolution' });
    const slowest = Math.max(...record.candidates.map((candidate) => candidate.timeMs ?? 0));
    expect(slowest).toBe(899.604);
    // The engine line names a CaskConvolution tactic the excerpt never timed.
    expect(record.chosen).toEqual({ tactic: '0xd80cb0f3373aef38', implementation: 'CaskConvolution', timeMs: null });
  });

  test('parses the prefix-less maintainer block and the runners that had no valid tactics', () => {
    const record = log.tactics.find((entry) => entry.layer === '/fpe/conv_reduce/Conv + /fpe/act1/Relu')!;
    expect(record.candidates.map((candidate) => candidate.timeMs)).toEqual([1.12616, 0.909769, 1.20569, 56.6324, 2.21428, 1.12753, 1.19835, 56.6038, 2.2058]);
    const conv276Skips = log.skippedRunners.filter((entry) => entry.layer === 'Conv_276 + Add_277 + Relu_278');
    expect(conv276Skips).toHaveLength(9);
    expect(new Set(conv276Skips.map((entry) => entry.implementation))).toEqual(new Set(['CublasConvolution', 'CaskConvolution', 'CaskFlattenConvolution']));
  });

  test('reads engine Layer() lines with vectorised formats and reformat copies', () => {
    expect(log.engineLayers.map((layer) => layer.layerType)).toEqual(['CaskConvolution', 'NoOp', 'NoOp', 'CaskConvolution']);
    const conv276 = log.formatsByLayer['Conv_276 + Add_277 + Relu_278'];
    expect(conv276.inputs.map((tensor) => tensor.name)).toEqual(['onnx::Conv_1244', 'onnx::Conv_1238']);
    expect(conv276.inputs[0]).toMatchObject({ dimensions: [2, 160, 16, 30], dataType: 'float16', channelAlignment: 16 });
    const conv663 = log.formatsByLayer['Conv_663 + Add_664 + Relu_665'];
    expect(conv663.inputs[0]).toMatchObject({ name: 'Reformatted Input Tensor 0 to Conv_663 + Add_664 + Relu_665', channelAlignment: 8, format: 'hwc8' });
    expect(conv663.outputs[0]).toMatchObject({ name: 'onnx::Conv_1910', dimensions: [1, 288, 88, 64] });
    const reformat = log.formatsByLayer['Reformatting CopyNode for Input Tensor 0 to Conv_663 + Add_664 + Relu_665'];
    expect([reformat.inputs[0].channelAlignment, reformat.outputs[0].channelAlignment]).toEqual([16, 8]);
  });
});

describe('parseBuildLog on TensorRT 10.8+/11 editable-timing-cache tables (synthetic)', () => {
  const log = parseBuildLog(fixture('trt11-editable-cache.log'));

  test('reads each op, its cache key, every row and the selected tactic', () => {
    expect(log.tensorrtVersion).toBe('11.0.0');
    expect(log.tactics.map((entry) => [entry.layer, entry.candidates.length, entry.source])).toEqual([
      ['/backbone/conv1/Conv', 4, 'editable-timing-cache'],
      ['/backbone/conv2/Conv', 3, 'editable-timing-cache'],
      ['/head/fc/MatMul', 2, 'editable-timing-cache'],
    ]);
    const conv1 = log.tactics[0];
    expect(conv1.cacheKey).toBe('0x4c0b62d7a1e93f5a8d2b7c61e0f49a13');
    expect(conv1.chosen).toMatchObject({ tactic: '0x3f1a9c2e7b4d1', timeMs: 0.02113, sparse: true });
    expect(conv1.candidates.map((candidate) => candidate.sparse)).toEqual([true, true, false, false]);
    expect(log.tactics[1].chosen).toMatchObject({ tactic: '0x2ad3a182fb05c', sparse: false });
  });
});

describe('parseBuildLog on other line shapes', () => {
  test('8.6-style "Set Tactic Name" lines name the next timed tactic; Python logger prefix order', () => {
    const log = parseBuildLog([
      '[12/21/2023-13:05:21] [TRT] [V] --------------- Timing Runner: conv5 (CaskConvolution)',
      '[12/21/2023-13:05:21] [TRT] [V] conv5 Set Tactic Name: sm80_xmma_fprop_sparse_conv_f16f16_f16f16_f16_nhwckrsc_nhwc_sptensor16x8x32 Tactic: 0x18fd395d26b83e59',
      '[12/21/2023-13:05:21] [TRT] [V] Tactic: 0x18fd395d26b83e59 Time: 0.453339',
      '[12/21/2023-13:05:21] [TRT] [V] Tactic: 0x5efe566ea68f6f0c Time: 0.574025',
    ]);
    expect(log.tactics[0].candidates).toEqual([
      { tactic: '0x18fd395d26b83e59', implementation: 'CaskConvolution', timeMs: 0.453339, kernelName: 'sm80_xmma_fprop_sparse_conv_f16f16_f16f16_f16_nhwckrsc_nhwc_sptensor16x8x32', sparse: true },
      { tactic: '0x5efe566ea68f6f0c', implementation: 'CaskConvolution', timeMs: 0.574025, sparse: undefined },
    ]);
  });

  test('untimeable tactics are kept with a null time', () => {
    const log = parseBuildLog(['--------------- Timing Runner: c (CaskConvolution)', 'Tactic: 0x0000000000000004 Time: inf', 'Tactic: 0x0000000000000005 skipped. Scratch requested: 301989888, available: 16777216']);
    expect(log.tactics[0].candidates.map((candidate) => [candidate.tactic, candidate.timeMs])).toEqual([['0x0000000000000004', null], ['0x0000000000000005', null]]);
  });

  test('decimal tactic ids of old versions become 64-bit hex', () => {
    const log = parseBuildLog(['--------------- Timing Runner: c (CaskConvolution)', 'Tactic: -9018593586369639207 Time: 10.8774', 'Tactic: 1 Time: 11.7']);
    expect(log.tactics[0].candidates.map((candidate) => candidate.tactic)).toEqual([`0x${BigInt.asUintN(64, -9018593586369639207n).toString(16)}`, '0x0000000000000001']);
  });

  test('a sparsity list wrapped by a terminal is joined back; separate messages are not', () => {
    const lines = [
      '[08/05/2024-12:06:54] [I] [TRT] (Sparsity) Layers eligible for sparse math: Conv_1 + Relu_2, Conv_3,',
      'Conv_4 || Conv_5, Conv_6',
      '[08/05/2024-12:06:54] [I] [TRT] (Sparsity) TRT inference plan picked sparse implementation for layers: Conv_3',
      'Engine Layer Information:',
    ];
    const log = parseBuildLog(lines.join('\r\n'));
    expect(log.sparsity.eligible).toEqual(['Conv_1 + Relu_2', 'Conv_3', 'Conv_4 || Conv_5', 'Conv_6']);
    expect(log.sparsity.picked).toEqual(['Conv_3']);
    const messages = parseBuildLog(['(Sparsity) Layers eligible for sparse math: Conv_1, Conv_3', 'Engine Layer Information:']);
    expect(messages.sparsity.eligible).toEqual(['Conv_1', 'Conv_3']);
  });

  test('garbage is ERR_ANALYSIS_INPUT with what was expected', () => {
    const attempts = [() => parseBuildLog('hello\nworld\n'), () => parseBuildLog(42 as unknown as string), () => parseBuildLog([1, 2] as unknown as string[])];
    for (const attempt of attempts) {
      try {
        attempt();
        expect.unreachable();
      } catch (error) {
        expect(isTensorRTError(error, 'ERR_ANALYSIS_INPUT')).toBe(true);
        expect((error as Error).message).toMatch(/log/);
      }
    }
  });
});
