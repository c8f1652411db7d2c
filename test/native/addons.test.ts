import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TensorRTError } from '../../lib/errors.js';
import type { BackendAddon } from '../../lib/native/addon.js';

const release = resolve(__dirname, '../../build/Release');
const require = createRequire(import.meta.url);
const built = [8, 10, 11].filter((major) => existsSync(join(release, `trtn_trt${major}.node`)));
const hasReadelf = (() => {
  try {
    execFileSync('readelf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(built.length === 0)('backend addons', () => {
  it.skipIf(!hasReadelf).each(built)('trtn_trt%i.node has no link-time dependency on TensorRT, CUDA runtime or driver', (major) => {
    const dynamic = execFileSync('readelf', ['-d', join(release, `trtn_trt${major}.node`)], { encoding: 'utf8' });
    const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((match) => match[1]);
    expect(needed.length).toBeGreaterThan(0);
    for (const library of needed) expect(library).not.toMatch(/nvinfer|nvonnxparser|cudart|libcuda|nvidia-ml/);
  });

  it.each(built)('trtn_trt%i.node loads without libnvinfer and reports its compile-time capabilities', (major) => {
    const addon = require(join(release, `trtn_trt${major}.node`)) as BackendAddon;
    expect(addon.capabilities.major).toBe(major);
    expect(addon.capabilities.headerVersion.startsWith(`${major}.`)).toBe(true);
    // TensorRT 11 removed the algorithm selector and the precision flags; 8.6 has no progress monitor.
    expect(addon.capabilities.algorithmSelector).toBe(major <= 10);
    expect(addon.capabilities.precisionFlags).toBe(major <= 10);
    expect(addon.capabilities.progressMonitor).toBe(major >= 10);
    // The editable timing cache arrived in 10.8: it follows the headers' minor, not just the major.
    const minor = Number(addon.capabilities.headerVersion.split('.')[1]);
    expect(addon.capabilities.editableTimingCache).toBe(major >= 11 || (major === 10 && minor >= 8));
  });

  it.skipIf(existsSync('/dev/nvidiactl')).each(built)('trtn_trt%i.node throws TensorRTError ERR_BACKEND_UNAVAILABLE from load() here', (major) => {
    const addon = require(join(release, `trtn_trt${major}.node`)) as BackendAddon;
    addon.init(TensorRTError as unknown as Parameters<BackendAddon['init']>[0]);
    let caught: unknown;
    try {
      addon.load('/nonexistent');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TensorRTError);
    expect((caught as TensorRTError).code).toBe('ERR_BACKEND_UNAVAILABLE');
    // Entry points that need the libraries refuse cleanly instead of crashing.
    expect(() => addon.deserializeEngine(new Uint8Array(8))).toThrow(TensorRTError);
    expect(() => addon.environment(0)).toThrow(/not loaded/);
  });
});
