/**
 * The probe addon and the loader on a real GPU: the parts of the native code that need a CUDA driver but not
 * TensorRT. Checks the driver-API answers against nvidia-smi's, and that without TensorRT the loader names
 * libnvinfer (not the driver or the GPU) as the missing piece.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { backendInfo, resetBackends } from '../../lib/select.js';
import { loadNativeBackend, resetNativeBackendCache } from '../../lib/native/loader.js';
import type { ProbeAddon } from '../../lib/native/addon.js';
import { figure, gpuAvailable, tensorrtAvailable } from './helpers.js';

const require = createRequire(import.meta.url);
const probePath = new URL('../../build/Release/trtn_probe.node', import.meta.url).pathname;
const ready = gpuAvailable() && existsSync(probePath);

function smi(field: string): string[] {
  return execFileSync('nvidia-smi', [`--query-gpu=${field}`, '--format=csv,noheader,nounits'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim());
}

describe.skipIf(!ready)('probe addon on a GPU', () => {
  const probe = (require(probePath) as ProbeAddon).probe({ libraryDirs: [], majors: [11, 10, 8] });

  it('loads the CUDA driver and initialises it', () => {
    expect(probe.cuda.loaded).toBe(true);
    expect(probe.cuda.initResult).toBe(0);
    expect(probe.cuda.driverVersion).toBeGreaterThanOrEqual(12000);
    figure('cuda driver API version', probe.cuda.driverVersion ?? 0);
  });

  it('sees the same GPUs as nvidia-smi', () => {
    const names = smi('name');
    expect(probe.cuda.deviceCount).toBe(names.length);
    const device = probe.cuda.devices?.[0];
    expect(device?.name).toBe(names[0]);
    const capability = smi('compute_cap')[0];
    expect(device?.computeCapability).toBe(capability);
    const memoryMiB = Number(smi('memory.total')[0]);
    // nvidia-smi rounds to MiB and may hide a reserved sliver; allow 2%.
    expect(Math.abs((device?.memoryBytes ?? 0) / 2 ** 20 - memoryMiB) / memoryMiB).toBeLessThan(0.02);
    expect(device?.smCount).toBeGreaterThan(0);
    figure('gpu', device?.name ?? '?');
    figure('sm count', device?.smCount ?? 0);
    figure('compute capability', device?.computeCapability ?? '?');
  });

  it('records every TensorRT attempt with the loader error', () => {
    expect(probe.tensorrt.length).toBeGreaterThan(0);
    for (const attempt of probe.tensorrt) {
      if (!attempt.ok) expect(attempt.error ?? '').toMatch(/libnvinfer|cannot open|No such file/);
    }
  });
});

describe.skipIf(!ready)('loader on a GPU without TensorRT', async () => {
  const haveTensorRT = await tensorrtAvailable();
  it.skipIf(haveTensorRT)('blames libnvinfer, not the driver or the GPU, and falls back to the mock', () => {
    const saved = process.env.TRTN_BACKEND;
    delete process.env.TRTN_BACKEND;
    try {
      resetNativeBackendCache();
      resetBackends();
      const loaded = loadNativeBackend();
      expect(loaded.ok).toBe(false);
      if (loaded.ok) return;
      const codes = loaded.info.reasons.map((reason) => reason.code);
      expect(codes).toContain('NO_LIBNVINFER');
      expect(codes).not.toContain('NO_CUDA_DRIVER');
      expect(codes).not.toContain('NO_GPU');
      const info = backendInfo();
      expect(info.active).toBe('mock');
      figure('loader reasons', codes.join(','));
    } finally {
      if (saved !== undefined) process.env.TRTN_BACKEND = saved;
    }
  });
});
