import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { figure, formatFigure, gpuAvailable, probeGpu, probeTensorRT, resetProbes, skipReason } from '../gpu/helpers.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'trtn-gpu-helpers-'));
const originalPath = process.env.PATH;

function fakeNvidiaSmi(name: string, script: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'nvidia-smi'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

afterEach(() => {
  process.env.PATH = originalPath;
  resetProbes();
  vi.restoreAllMocks();
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('GPU probe', () => {
  it('finds the GPUs nvidia-smi -L lists, and caches the answer', () => {
    process.env.PATH = `${fakeNvidiaSmi('two', 'echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-a)"; echo "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-b)"')}:${originalPath}`;
    expect(gpuAvailable()).toBe(true);
    expect(probeGpu().details).toHaveLength(2);
    process.env.PATH = path.join(work, 'nowhere');
    expect(gpuAvailable()).toBe(true);
  });

  it('says why when nvidia-smi fails, lists nothing, or is missing', () => {
    process.env.PATH = `${fakeNvidiaSmi('broken', "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\"; exit 9")}:${originalPath}`;
    expect(probeGpu()).toMatchObject({ available: false, reason: expect.stringContaining("couldn't communicate with the NVIDIA driver") });
    resetProbes();
    process.env.PATH = `${fakeNvidiaSmi('empty', 'echo "No devices were found"')}:${originalPath}`;
    expect(probeGpu()).toMatchObject({ available: false, reason: 'nvidia-smi lists no GPU' });
    resetProbes();
    process.env.PATH = path.join(work, 'nowhere');
    expect(probeGpu().reason).toMatch(/not on PATH/);
  });

  it('skipReason names the missing piece', async () => {
    process.env.PATH = path.join(work, 'nowhere');
    expect(await skipReason('gpu')).toMatch(/^no GPU: nvidia-smi is not on PATH/);
    expect(await skipReason('tensorrt')).toMatch(/^no GPU: /);
    process.env.PATH = `${fakeNvidiaSmi('one', 'echo "GPU 0: Fake (UUID: GPU-a)"')}:${originalPath}`;
    resetProbes();
    expect(await skipReason('gpu')).toBeUndefined();
    const tensorrt = await probeTensorRT();
    // No TensorRT on a CI machine: the loader (or its absence) must say why.
    if (!tensorrt.available) expect(await skipReason('tensorrt')).toBe(`no TensorRT: ${tensorrt.reason}`);
    if (!tensorrt.available) expect(tensorrt.reason?.length).toBeGreaterThan(10);
  });
});

describe('figure', () => {
  it('prints FIGURE lines that run-suite.sh collects', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    figure('build time', 12.3456789, 's');
    figure('layers', 42);
    expect(write.mock.calls.map((call) => call[0])).toEqual(['FIGURE: build time = 12.3457 s\n', 'FIGURE: layers = 42\n']);
    expect(formatFigure('p99', '0.5', 'ms')).toBe('FIGURE: p99 = 0.5 ms');
  });
});
