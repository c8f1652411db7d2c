/**
 * `tryVariants` (trtn explain model.onnx --try) on the GPU: the variants are built and timed here, the figures are
 * measurements (never labelled estimates) and the advice names this GPU.
 */
import { describe, expect, it } from 'vitest';
import { tryVariants } from '../../lib/measure/experiments.js';
import { buildSeed003Model } from '../../lib/onnx/builders.js';
import { writeOnnx } from '../../lib/onnx/codec.js';
import { figure, gpuAvailable, probeBuilder, tensorrtAvailable } from './helpers.js';

const ready = gpuAvailable() && (await tensorrtAvailable()) && (await probeBuilder()).available;

describe.skipIf(!ready)('explain --try on the GPU', () => {
  it('times the baseline and the HWC8-IO variant of a seed-003-like model and says what changed, measured', async () => {
    const onnx = writeOnnx(buildSeed003Model({ channels: 16, height: 512, width: 512, layers: 3 }));
    const result = await tryVariants(onnx, { fp16: true, backend: 'tensorrt' }, { variants: ['hwc8-io'], duration: 0.5 });
    expect(result.backend).toBe('tensorrt');
    expect(result.estimated).toBe(false);
    expect(result.device).toBeTruthy();
    const hwc8 = result.variants[0];
    expect(hwc8.error).toBeUndefined();
    expect(hwc8.gpuComputeMedianMs).toBeGreaterThan(0);
    expect(result.baseline.gpuComputeMedianMs).toBeGreaterThan(0);
    expect(hwc8.deltaPercent).toBeDefined();
    figure('try.baseline_gpu_compute_ms', result.baseline.gpuComputeMedianMs!, 'ms');
    figure('try.hwc8_gpu_compute_ms', hwc8.gpuComputeMedianMs!, 'ms');
    figure('try.hwc8_delta_percent', hwc8.deltaPercent!, '%');
    figure('try.reformats', `${result.baseline.reformats?.count} -> ${hwc8.reformats?.count}`);
    for (const line of result.advice.filter((text) => /ms →/.test(text))) {
      expect(line).toMatch(new RegExp(`measured on ${result.device}`));
      expect(line).not.toMatch(/estimated/);
    }
  });
});
