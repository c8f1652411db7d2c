import { describe, expect, test } from 'vitest';
import { OnnxDataType, float16BitsToFloat32, float32ToFloat16Bits, toFp16 } from '../../lib/onnx/index.js';
import { floatInput, floatTensor, model, node } from './helpers.js';

describe('float32 -> float16 conversion', () => {
  test('known bit patterns (IEEE 754 binary16)', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest finite half
      [65520, 0x7c00], // halfway to the next binade: rounds to even, which is infinity
      [65519.99, 0x7bff],
      [1e6, 0x7c00],
      [-1e6, 0xfc00],
      [Infinity, 0x7c00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // exactly half the smallest subnormal: ties to even (0)
      [1.5 * 2 ** -25, 0x0001],
      [3 * 2 ** -25, 0x0002], // 1.5 ulp: ties to even (2)
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and next: even stays
      [1 + 3 * 2 ** -11, 0x3c02], // halfway between 0x3c01 and 0x3c02: rounds to even 0x3c02
      [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above halfway rounds up
      [0.1, 0x2e66],
      [1 / 3, 0x3555],
    ];
    for (const [value, bits] of cases) expect([value, float32ToFloat16Bits(value)]).toEqual([value, bits]);
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(float32ToFloat16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  test('every half value converts back to itself', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16BitsToFloat32(bits);
      if (Number.isNaN(value)) continue;
      if (float32ToFloat16Bits(value) !== bits) throw new Error(`bits ${bits.toString(16)} -> ${value} -> ${float32ToFloat16Bits(value).toString(16)}`);
    }
  });

  test('rounding error is at most half an ulp over a sweep of values', () => {
    for (let i = 1; i < 20000; i++) {
      const value = Math.fround(Math.exp((i - 10000) / 1000));
      const back = float16BitsToFloat32(float32ToFloat16Bits(value));
      if (value > 65504) continue;
      const exponent = Math.max(Math.floor(Math.log2(value)), -14);
      const ulp = 2 ** (exponent - 10);
      expect(Math.abs(back - value)).toBeLessThanOrEqual(ulp / 2 + 1e-30);
    }
  });
});

describe('toFp16 graph rewrite', () => {
  test('Resize scales stay float32; Constants and Cast-to-float become float16', () => {
    const m = model(
      [
        node('Constant', [], ['k'], { value_float: { type: 'float', value: 2 } }),
        node('Mul', ['x', 'k'], ['m']),
        node('Resize', ['m', '', 'scales'], ['r'], { mode: { type: 'string', value: 'nearest' } }),
        node('Cast', ['r'], ['c'], { to: { type: 'int', value: OnnxDataType.FLOAT } }),
      ],
      [floatInput('x', [1, 1, 2, 2])],
      [floatInput('c', [1, 1, 4, 4])],
      [floatTensor('scales', [4], [1, 1, 2, 2])],
    );
    const half = toFp16(m);
    expect(half.graph.initializers[0].dataType).toBe(OnnxDataType.FLOAT);
    const constant = half.graph.nodes[0].attributes.value;
    expect(constant?.type === 'tensor' && constant.value.dataType).toBe(OnnxDataType.FLOAT16);
    expect(constant?.type === 'tensor' && Array.from(constant.value.data as ArrayLike<number>)).toEqual([0x4000]);
    expect(half.graph.nodes[3].attributes.to).toEqual({ type: 'int', value: OnnxDataType.FLOAT16 });
    expect(half.graph.outputs[0].elemType).toBe(OnnxDataType.FLOAT16);
  });
});
