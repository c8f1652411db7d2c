import { describe, expect, test } from 'vitest';
import { OnnxDataType, buildResNetLikeModel, float32ToFloat16, sparsify, weightSparsity, type OnnxTensor } from '../../lib/onnx/index.js';
import { floatInput, floatTensor, model, node } from './helpers.js';

/** Indices of the four elements of each group along the reduction axis, computed from first principles. */
function groupsOf(dims: number[], axis: number): number[][] {
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const total = dims.reduce((a, b) => a * b, 1);
  const groups: number[][] = [];
  for (let flat = 0; flat < total; flat++) {
    const coordinate = Math.floor(flat / strides[axis]) % dims[axis];
    if (coordinate % 4 !== 0) continue;
    groups.push([0, 1, 2, 3].map((j) => flat + j * strides[axis]));
  }
  return groups;
}

describe('sparsify (2:4 magnitude pruning)', () => {
  test('ResNet-like: every pruned tensor is exactly 2:4 along the reduction axis and keeps the two largest of every four', () => {
    const original = buildResNetLikeModel();
    const { model: pruned, report } = sparsify(original);
    const before = new Map(original.graph.initializers.map((t) => [t.name, t]));
    const after = new Map(pruned.graph.initializers.map((t) => [t.name, t]));
    const convs = original.graph.nodes.filter((n) => n.opType === 'Conv');
    expect(report.filter((r) => r.opType === 'Conv')).toHaveLength(convs.length);
    expect(report.find((r) => r.opType === 'Gemm')).toMatchObject({ tensor: 'fc.weight', shape: [32, 288] });
    for (const entry of report) {
      expect(entry.skipped).toBeUndefined();
      const old = before.get(entry.tensor)!;
      const now = after.get(entry.tensor)!;
      // Conv KCRS: axis 1 (C); Gemm with transB=1, B is [N, K]: axis 1 (K).
      const groups = groupsOf(old.dims, 1);
      expect(entry.prunedGroups).toBe(groups.length);
      // Plain counting here: one expect per group would make this test take seconds.
      let wrongCount = 0;
      let changedKept = 0;
      let notLargest = 0;
      for (const group of groups) {
        const kept = group.filter((i) => now.data[i] !== 0);
        if (kept.length !== 2) wrongCount++;
        for (const i of kept) if (now.data[i] !== old.data[i]) changedKept++;
        const magnitudes = group.map((i) => Math.abs(old.data[i] as number)).sort((a, b) => b - a);
        const keptMagnitudes = kept.map((i) => Math.abs(old.data[i] as number)).sort((a, b) => b - a);
        if (keptMagnitudes[0] !== magnitudes[0] || keptMagnitudes[1] !== magnitudes[1]) notLargest++;
      }
      expect({ tensor: entry.tensor, wrongCount, changedKept, notLargest }).toEqual({ tensor: entry.tensor, wrongCount: 0, changedKept: 0, notLargest: 0 });
      expect(weightSparsity(now, entry.opType as 'Conv' | 'Gemm', { transB: true })).toMatchObject({ isTwoFour: true, violatingGroups: 0, zeroFraction: 0.5 });
      expect(weightSparsity(old, entry.opType as 'Conv' | 'Gemm', { transB: true }).isTwoFour).toBe(false);
    }
    // BN parameters and the input model are untouched.
    expect(after.get('stem.bn.weight')!.data).toEqual(before.get('stem.bn.weight')!.data);
    expect(weightSparsity(before.get('stem.conv.weight')!, 'Conv').violatingGroups).toBeGreaterThan(0);
  });

  test('ties keep the lower index; already-zero groups are not counted as pruned', () => {
    const w = floatTensor('w', [1, 8, 1, 1], [1, -1, 1, 1, 0, 0, 0, 0.5]);
    const m = model([node('Conv', ['x', 'w'], ['y'])], [floatInput('x', [1, 8, 2, 2])], [floatInput('y', undefined)], [w]);
    const { model: pruned, report } = sparsify(m);
    expect(Array.from(pruned.graph.initializers[0].data as Float32Array)).toEqual([1, -1, 0, 0, 0, 0, 0, 0.5]);
    expect(report[0].prunedGroups).toBe(1);
  });

  test('MatMul constant B [K, N] is pruned along K (axis 0); Gemm without transB too', () => {
    const b = floatTensor('b', [8, 3]);
    const c = floatTensor('c', [8, 2]);
    const m = model([node('MatMul', ['x', 'b'], ['y']), node('Gemm', ['x2', 'c'], ['z'])], [floatInput('x', [2, 8]), floatInput('x2', [2, 8])], [floatInput('y', undefined), floatInput('z', undefined)], [b, c]);
    const { model: pruned, report } = sparsify(m);
    expect(report.map((r) => [r.tensor, r.prunedGroups, r.skipped])).toEqual([['b', 6, undefined], ['c', 4, undefined]]);
    for (const [name, op] of [['b', 'MatMul'], ['c', 'Gemm']] as const) {
      const t = pruned.graph.initializers.find((x) => x.name === name)!;
      for (const group of groupsOf(t.dims, 0)) expect(group.filter((i) => t.data[i] !== 0).length).toBe(2);
      expect(weightSparsity(t, op).isTwoFour).toBe(true);
      // Read along the wrong axis it is not 2:4 (N is not even a multiple of 4 here).
      if (op === 'Gemm') expect(weightSparsity(t, op, { transB: true }).isTwoFour).toBe(false);
    }
  });

  test('skips C not divisible by 4, minChannels, MatMul with constant A, and says why', () => {
    const m = model(
      [
        node('Conv', ['x', 'w3'], ['a']),
        node('Conv', ['a', 'w8'], ['b']),
        node('MatMul', ['k', 'x2'], ['c']),
        node('Conv', ['b', 'w16'], ['d']),
      ],
      [floatInput('x', [1, 3, 4, 4]), floatInput('x2', [4, 2])],
      [floatInput('d', undefined), floatInput('c', undefined)],
      [floatTensor('w3', [8, 3, 3, 3]), floatTensor('w8', [16, 8, 1, 1]), floatTensor('k', [2, 4]), floatTensor('w16', [16, 16, 1, 1])],
    );
    const { model: pruned, report } = sparsify(m, { minChannels: 16 });
    expect(report.map((r) => r.tensor)).toEqual(['w3', 'w8', 'k', 'w16']);
    expect(report[0].skipped).toMatch(/3 elements, not a multiple of 4/);
    expect(report[1].skipped).toMatch(/fewer than minChannels=16/);
    expect(report[2].skipped).toMatch(/first MatMul input/);
    expect(report[3].skipped).toBeUndefined();
    expect(pruned.graph.initializers[0].data).toEqual(m.graph.initializers[0].data);
    expect(pruned.graph.initializers[1].data).toEqual(m.graph.initializers[1].data);
    expect(weightSparsity(pruned.graph.initializers[0], 'Conv').isTwoFour).toBe(false);
  });

  test('FLOAT16 weights are pruned by magnitude of their half values', () => {
    const values = [0.1, -3, 2, 0.5, 65504, -1e-7, 1e-3, -2];
    const w: OnnxTensor = { name: 'w', dataType: OnnxDataType.FLOAT16, dims: [1, 8, 1, 1], data: float32ToFloat16(values) };
    const m = model([node('Conv', ['x', 'w'], ['y'])], [{ name: 'x', elemType: OnnxDataType.FLOAT16, shape: [1, 8, 1, 1] }], [floatInput('y', undefined)], [w]);
    const pruned = sparsify(m).model.graph.initializers[0];
    const nonZero = Array.from(pruned.data as Uint16Array, (bits, i) => (bits & 0x7fff ? i : -1)).filter((i) => i >= 0);
    expect(nonZero).toEqual([1, 2, 4, 7]);
    expect(weightSparsity(pruned, 'Conv').isTwoFour).toBe(true);
  });

  test('bad options are ERR_INVALID_OPTION', () => {
    const m = buildResNetLikeModel({ channels: [8], blocksPerStage: 1, height: 4, width: 4 });
    expect(() => sparsify(m, { pattern: '1:4' as '2:4' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => sparsify(m, { minChannels: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});
