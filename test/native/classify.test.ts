import { describe, expect, it } from 'vitest';
import { classifyProbe } from '../../lib/native/loader.js';
import type { ProbeResult } from '../../lib/native/addon.js';

const notFound = (candidate: string) => `${candidate}: cannot open shared object file: No such file or directory`;
const missing = (dir: string, major: number) => {
  const candidate = dir ? `${dir}/libnvinfer.so.${major}` : `libnvinfer.so.${major}`;
  return { candidate, directory: dir, major, ok: false, error: notFound(candidate) };
};
const gpu = { loaded: true, driverVersion: 12040, initResult: 0, deviceCount: 1, devices: [{ index: 0, name: 'H100', computeCapability: '9.0' }] };

describe('classifyProbe', () => {
  it('reports a missing driver and a missing libnvinfer, driver first, with every candidate named', () => {
    const result: ProbeResult = { cuda: { loaded: false, error: notFound('libcuda.so.1') }, tensorrt: [missing('', 10), missing('/opt/trt/lib', 10)] };
    const { reasons, possibleSolutions, found } = classifyProbe(result, [10]);
    expect(reasons.map((reason) => reason.code)).toEqual(['NO_CUDA_DRIVER', 'NO_LIBNVINFER']);
    expect(reasons[1].message).toContain('/opt/trt/lib/libnvinfer.so.10');
    expect(possibleSolutions).toHaveLength(2);
    expect(found).toBeUndefined();
  });

  it('uses the attempt whose major has a backend', () => {
    const result: ProbeResult = {
      cuda: gpu,
      tensorrt: [missing('', 11), { candidate: 'libnvinfer.so.10', directory: '', major: 10, ok: true, version: 100160, resolvedPath: '/usr/lib/x86_64-linux-gnu/libnvinfer.so.10', parserFound: true }],
    };
    const { reasons, found } = classifyProbe(result, [10, 11]);
    expect(reasons).toEqual([]);
    expect(found?.resolvedPath).toBe('/usr/lib/x86_64-linux-gnu/libnvinfer.so.10');
  });

  it('calls a TensorRT without a matching backend a version mismatch', () => {
    const result: ProbeResult = { cuda: gpu, tensorrt: [{ candidate: 'libnvinfer.so.8', directory: '', major: 8, ok: true, version: 8601, resolvedPath: '/usr/lib/libnvinfer.so.8', parserFound: true }] };
    const { reasons, found } = classifyProbe(result, [10, 11]);
    expect(reasons.map((reason) => reason.code)).toEqual(['VERSION_MISMATCH']);
    expect(reasons[0].message).toContain('TensorRT 8');
    expect(found).toBeUndefined();
  });

  it('distinguishes a missing CUDA runtime from a missing libnvinfer', () => {
    const result: ProbeResult = {
      cuda: gpu,
      tensorrt: [{ candidate: '/venv/tensorrt_libs/libnvinfer.so.10', directory: '/venv/tensorrt_libs', major: 10, ok: false, error: notFound('libcudart.so.12') }],
    };
    expect(classifyProbe(result, [10]).reasons.map((reason) => reason.code)).toEqual(['NO_LIBCUDART']);
  });

  it('reports a present but unloadable file as LOAD_FAILED with its dlerror', () => {
    const error = '/x/libnvinfer.so.10: wrong ELF class: ELFCLASS32';
    const result: ProbeResult = { cuda: gpu, tensorrt: [{ candidate: '/x/libnvinfer.so.10', directory: '/x', major: 10, ok: false, error }] };
    const { reasons } = classifyProbe(result, [10]);
    expect(reasons[0].code).toBe('LOAD_FAILED');
    expect(reasons[0].message).toContain('wrong ELF class');
  });

  it('maps cuInit failures: no device → NO_GPU, driver/runtime mismatch → DRIVER_TOO_OLD', () => {
    const base = { tensorrt: [{ candidate: 'libnvinfer.so.10', directory: '', major: 10, ok: true, version: 100160, resolvedPath: '/l/libnvinfer.so.10', parserFound: true }] };
    expect(classifyProbe({ ...base, cuda: { loaded: true, initResult: 100, initError: 'CUDA_ERROR_NO_DEVICE' } }, [10]).reasons[0].code).toBe('NO_GPU');
    expect(classifyProbe({ ...base, cuda: { loaded: true, initResult: 803 } }, [10]).reasons[0].code).toBe('DRIVER_TOO_OLD');
    expect(classifyProbe({ ...base, cuda: { loaded: true, initResult: 0, deviceCount: 0 } }, [10]).reasons[0].code).toBe('NO_GPU');
    expect(classifyProbe({ ...base, cuda: { loaded: true, initResult: 100 } }, [10]).found).toBeUndefined();
  });

  it('requires the ONNX parser next to libnvinfer', () => {
    const result: ProbeResult = {
      cuda: gpu,
      tensorrt: [{ candidate: 'libnvinfer.so.10', directory: '', major: 10, ok: true, version: 100160, resolvedPath: '/l/libnvinfer.so.10', parserFound: false, parserError: notFound('/l/libnvonnxparser.so.10') }],
    };
    const { reasons, found } = classifyProbe(result, [10]);
    expect(reasons[0].code).toBe('LOAD_FAILED');
    expect(reasons[0].message).toContain('libnvonnxparser.so.10');
    expect(found).toBeUndefined();
  });
});
