import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePeaks, type CalibrationResult } from '../../lib/analysis/peaks.js';
import { calibrationPath, defaultCalibrationDir, loadCalibration, saveCalibration } from '../../lib/measure/calibration-cache.js';
import { isTensorRTError } from '../../lib/errors.js';
import type { EnvironmentInfo } from '../../lib/types/index.js';

const host = { platform: 'linux', arch: 'x64', cpus: 16, node: 'v20.0.0' };

// Figures measured on the lent H100 with PyTorch (bench/results/2026-11-21-h100-torch-ceilings.json).
const h100Calibration: CalibrationResult = {
  gpuName: 'NVIDIA H100 80GB HBM3',
  tensorrtVersion: '10.16.0',
  measuredAt: '2026-11-21T17:30:00Z',
  copyBandwidthGBs: 2948.5,
  fp16DenseTflops: 682.1,
  fp16SparseTflops: 752.4,
  method: 'device copy of 1 GiB; 8192^3 FP16 GEMM; 2:4 semi-structured GEMM',
};

describe('resolvePeaks', () => {
  it('matches a datasheet profile from the GPU name and says it is a datasheet figure', () => {
    const environment: EnvironmentInfo = { host, gpu: { index: 0, name: 'NVIDIA H100 80GB HBM3' } };
    const peaks = resolvePeaks({ environment });
    expect(peaks.source).toBe('datasheet');
    expect(peaks.profile.id).toBe('h100-sxm');
    expect(peaks.profile.measured).toBe(false);
    expect(peaks.notes.join(' ')).toMatch(/Datasheet peaks/);
  });

  it('warns when deviceProfileId overrides the device the times were estimated for or measured on', () => {
    const mock: EnvironmentInfo = { host, deviceProfile: 'h100-sxm' };
    expect(resolvePeaks({ environment: mock, deviceProfileId: 'h100-sxm' }).warnings).toEqual([]);
    const override = resolvePeaks({ environment: mock, deviceProfileId: 'orin-agx-32gb-816mhz' });
    expect(override.profile.id).toBe('orin-agx-32gb-816mhz');
    expect(override.warnings.join(' ')).toMatch(/deviceProfileId orin-agx-32gb-816mhz overrides h100-sxm, the device profile these times were estimated for/);
    const real: EnvironmentInfo = { host, gpu: { index: 0, name: 'NVIDIA H100 80GB HBM3' } };
    expect(resolvePeaks({ environment: real, deviceProfileId: 'orin-agx-32gb-816mhz' }).warnings.join(' ')).toMatch(/not the GPU these times were measured on \("NVIDIA H100 80GB HBM3"\)/);
    expect(resolvePeaks({ environment: real, deviceProfileId: 'h100-sxm' }).warnings).toEqual([]);
    // Without a choice nothing was "chosen explicitly".
    expect(resolvePeaks({ environment: mock }).notes.join(' ')).not.toMatch(/chosen/);
  });

  it('prefers a calibration of the same GPU and reports measured/datasheet ratios', () => {
    const environment: EnvironmentInfo = { host, gpu: { index: 0, name: 'NVIDIA H100 80GB HBM3' } };
    const peaks = resolvePeaks({ environment, calibration: h100Calibration });
    expect(peaks.source).toBe('calibrated');
    expect(peaks.profile.measured).toBe(true);
    expect(peaks.profile.fp16DenseTflops).toBe(682.1);
    expect(peaks.profile.memoryBandwidthGBs).toBe(2948.5);
    expect(peaks.profile.fp16SparseTflops).toBe(752.4);
    // 682.1 / 989.4 = 0.69; 2948.5 / 3350 = 0.88.
    expect(peaks.notes.join(' ')).toContain('0.69 and 0.88');
  });

  it('ignores a calibration of another GPU', () => {
    const environment: EnvironmentInfo = { host, gpu: { index: 0, name: 'NVIDIA A100-SXM4-80GB' } };
    const peaks = resolvePeaks({ environment, calibration: h100Calibration });
    expect(peaks.source).toBe('datasheet');
    expect(peaks.profile.id).toBe('a100-sxm-80gb');
    expect(peaks.notes.join(' ')).toMatch(/ignored/);
  });

  it('takes twice the measured dense peak as the sparse one when sparsity was not measured, with a note', () => {
    const { fp16SparseTflops: _ignored, ...dense } = h100Calibration;
    const peaks = resolvePeaks({ calibration: dense });
    expect(peaks.profile.fp16SparseTflops).toBeCloseTo(2 * 682.1, 9);
    expect(peaks.notes.join(' ')).toMatch(/twice the measured dense/);
  });

  it('scales datasheet compute peaks (not bandwidth) to the GPU\'s reported maximum clock', () => {
    const environment: EnvironmentInfo = { host, gpu: { index: 0, name: 'Orin', clocks: { maxSmMHz: 612 } } };
    const peaks = resolvePeaks({ environment, deviceProfileId: 'orin-agx-32gb-816mhz' });
    expect(peaks.profile.fp16DenseTflops).toBeCloseTo(23.7 * (612 / 816), 9);
    expect(peaks.profile.memoryBandwidthGBs).toBe(204.8);
    expect(peaks.notes.join(' ')).toMatch(/612 MHz/);
  });

  it('notes a Jetson power mode other than MAXN and unlocked clocks', () => {
    const environment: EnvironmentInfo = { host, gpu: { index: 0, name: 'Orin' }, jetson: { nvpmodelMode: 'MODE_30W', clocksLocked: false, notes: [] } };
    const notes = resolvePeaks({ environment }).notes.join(' ');
    expect(notes).toMatch(/nvpmodel mode MODE_30W/);
    expect(notes).toMatch(/not locked/);
    expect(resolvePeaks({ environment: { ...environment, jetson: { nvpmodelMode: 'MAXN', clocksLocked: true, notes: [] } } }).notes.join(' ')).not.toMatch(/nvpmodel|not locked/);
  });

  it('uses the mock backend\'s profile id and fails clearly when nothing identifies the GPU', () => {
    expect(resolvePeaks({ environment: { host, deviceProfile: 'rtx-3080' } }).profile.id).toBe('rtx-3080');
    try {
      resolvePeaks({});
      expect.unreachable();
    } catch (error) {
      expect(isTensorRTError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toMatch(/deviceProfileId.*h100-sxm/);
    }
    expect(() => resolvePeaks({ deviceProfileId: 'h200' })).toThrow(/Known ids/);
    expect(() => resolvePeaks({ environment: { host, gpu: { index: 0, name: 'Tesla T4' } } })).toThrow(/trtn calibrate/);
  });

  it('approximates a GPU without a profile from what the driver reports, with a warning, instead of refusing', () => {
    // Tesla T4 as the CUDA runtime describes it: 40 SMs, 1590 MHz max SM clock, 5001 MHz memory clock, 256-bit bus.
    const gpu = { index: 0, name: 'Tesla T4', computeCapability: '7.5', smCount: 40, memoryBusWidthBits: 256, clocks: { maxSmMHz: 1590, maxMemoryMHz: 5001 } };
    const peaks = resolvePeaks({ environment: { host, gpu } });
    expect(peaks.source).toBe('approximate');
    expect(peaks.profile.measured).toBe(false);
    expect(peaks.warnings).toHaveLength(1);
    expect(peaks.warnings[0]).toMatch(/No built-in device profile matches the GPU "Tesla T4": using approximate peaks/);
    // NVIDIA's T4 datasheet: 65 TFLOPS mixed-precision FP16/FP32, 320 GB/s.
    expect(peaks.profile.fp16DenseTflops).toBeCloseTo(65.1, 0);
    expect(peaks.profile.memoryBandwidthGBs).toBe(320);
    expect(peaks.profile.sources[0]).toMatch(/^Approximate, not a datasheet/);
  });
});

describe('calibration cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trtn-cal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves and loads per GPU, case- and space-insensitively', () => {
    const path = saveCalibration(dir, h100Calibration);
    expect(path).toBe(calibrationPath(dir, h100Calibration.gpuName));
    expect(loadCalibration(dir, 'nvidia  h100 80gb hbm3')).toEqual(h100Calibration);
    expect(loadCalibration(dir, 'NVIDIA A100-SXM4-80GB')).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8')).schemaVersion).toBe(1);
  });

  it('refuses a corrupt cache file and names it', () => {
    writeFileSync(calibrationPath(dir, 'Broken GPU'), '{"calibration": {"gpuName": "Broken GPU"}}');
    expect(() => loadCalibration(dir, 'Broken GPU')).toThrow(/Delete the file/);
    writeFileSync(calibrationPath(dir, 'Bad JSON'), '{');
    expect(() => loadCalibration(dir, 'Bad JSON')).toThrow(/not valid JSON/);
  });

  it('refuses to save an invalid record', () => {
    expect(() => saveCalibration(dir, { ...h100Calibration, copyBandwidthGBs: -1 })).toThrow(/copyBandwidthGBs/);
  });

  it('picks the cache folder from TRTN_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultCalibrationDir({ TRTN_CACHE_DIR: '/x', XDG_CACHE_HOME: '/y' })).toBe('/x');
    expect(defaultCalibrationDir({ XDG_CACHE_HOME: '/y' })).toBe(join('/y', 'tensorrt-node'));
    expect(defaultCalibrationDir({})).toMatch(/\.cache[/\\]tensorrt-node$/);
  });
});
