import { describe, expect, it } from 'vitest';
import { fromPhysicalLayout, needsRelayout, physicalVolume, toPhysicalLayout } from '../../lib/tensors/layout.js';

// Logical value of (n, c, h, w) encodes its coordinates, so any misplaced element is visible.
function logical(shape: number[]): Float32Array {
  const [n, c, h, w] = shape;
  const data = new Float32Array(n * c * h * w);
  let index = 0;
  for (let a = 0; a < n; a += 1) for (let b = 0; b < c; b += 1) for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) data[index++] = a * 1000 + b * 100 + y * 10 + x + 1;
  return data;
}

describe('IO re-layout', () => {
  it('leaves linear formats alone', () => {
    const data = logical([1, 3, 2, 2]);
    expect(needsRelayout('chw')).toBe(false);
    expect(toPhysicalLayout(data, [1, 3, 2, 2], 'chw')).toBe(data);
  });

  it('puts hwc8 channels innermost, padded to 8 with zeros', () => {
    const shape = [1, 3, 2, 2];
    const physical = toPhysicalLayout(logical(shape), shape, 'hwc8');
    expect(physical.length).toBe(physicalVolume(shape, 'hwc8'));
    expect(physical.length).toBe(1 * 8 * 2 * 2);
    // Pixel (y=1, x=0) is the third pixel: channels 0..2 then five zeros.
    expect(Array.from(physical.subarray(2 * 8, 3 * 8))).toEqual([11, 111, 211, 0, 0, 0, 0, 0]);
  });

  it('groups chw16 channels in vectors of 16 after the spatial dims', () => {
    const shape = [2, 20, 1, 2];
    const physical = toPhysicalLayout(logical(shape), shape, 'chw16');
    expect(physical.length).toBe(2 * 32 * 1 * 2);
    // batch 1, channel 17: group 1, lane 1, pixel x=1 -> ((1*2 + 1) * 2 + 1) * 16 + 1
    expect(physical[((1 * 2 + 1) * 2 + 1) * 16 + 1]).toBe(1000 + 1700 + 0 + 1 + 1);
  });

  it('round-trips every vectorised format exactly', () => {
    for (const format of ['hwc', 'hwc8', 'hwc16', 'chw2', 'chw4', 'chw16', 'chw32'] as const) {
      const shape = [2, 5, 3, 4];
      const data = logical(shape);
      expect(Array.from(fromPhysicalLayout(toPhysicalLayout(data, shape, format), shape, format))).toEqual(Array.from(data));
    }
  });

  it('keeps the typed-array type (fp16 bits stay Uint16Array)', () => {
    const data = new Uint16Array(1 * 3 * 2 * 2).map((_, index) => index + 1);
    expect(toPhysicalLayout(data, [1, 3, 2, 2], 'hwc8')).toBeInstanceOf(Uint16Array);
  });

  it('refuses data that does not match the shape with ERR_INPUT', () => {
    expect(() => toPhysicalLayout(new Float32Array(5), [1, 3, 2, 2], 'hwc8')).toThrowError(expect.objectContaining({ code: 'ERR_INPUT' }));
    expect(() => fromPhysicalLayout(new Float32Array(5), [1, 3, 2, 2], 'hwc8')).toThrowError(expect.objectContaining({ code: 'ERR_INFERENCE' }));
  });
});
