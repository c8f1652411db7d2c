import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateLibraryDirs, defaultAddonDirs, loadNativeBackend, loadNativeBackendAsync, resetNativeBackendCache } from '../../lib/native/loader.js';
import type { ProbeAddon } from '../../lib/native/addon.js';
import { prefetchNativeLoad, takePrefetchedLoad } from '../../lib/native/loader-core.js';

const release = resolve(__dirname, '../../build/Release');
const probeBuilt = existsSync(join(release, 'trtn_probe.node'));
const backendBuilt = [8, 10, 11].some((major) => existsSync(join(release, `trtn_trt${major}.node`)));
// This machine class (CI, the dev box) has no NVIDIA driver; on a GPU box the "unavailable" expectations differ.
const noDriver = !existsSync('/dev/nvidiactl');

describe('loadNativeBackend without TensorRT', () => {
  it("hands a prefetched load (the CLI's, started before the package loads) to loadNativeBackendAsync, once; a reset drops it", async () => {
    const before = process.env.TRTN_BACKEND;
    process.env.TRTN_BACKEND = 'mock';
    try {
      resetNativeBackendCache();
      prefetchNativeLoad();
      prefetchNativeLoad(); // a no-op: one load
      const result = await loadNativeBackendAsync();
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.info.reasons.map((reason) => reason.code)).toEqual(['DISABLED']);
      // Taken: nothing left for anyone else.
      expect(takePrefetchedLoad()).toBeUndefined();
      resetNativeBackendCache();
      prefetchNativeLoad();
      resetNativeBackendCache();
      expect(takePrefetchedLoad()).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.TRTN_BACKEND;
      else process.env.TRTN_BACKEND = before;
      resetNativeBackendCache();
    }
  });

  it('is disabled by TRTN_BACKEND=mock before anything is loaded', () => {
    const probe: ProbeAddon = { abiVersion: 1, probe: () => { throw new Error('must not be called'); } };
    const result = loadNativeBackend({ env: { TRTN_BACKEND: 'mock' }, probe });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.info.reasons.map((reason) => reason.code)).toEqual(['DISABLED']);
      expect(result.info.possibleSolutions[0]).toMatch(/TRTN_BACKEND/);
    }
  });

  it('reports NO_NATIVE_BUILD when no addon directory holds the probe', () => {
    const empty = mkdtempSync(join(tmpdir(), 'trtn-empty-'));
    const result = loadNativeBackend({ env: {}, addonDirs: [empty] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.info.reasons[0].code).toBe('NO_NATIVE_BUILD');
      expect(result.info.reasons[0].message).toContain(empty);
      expect(result.info.possibleSolutions.join(' ')).toMatch(/build:native/);
    }
  });

  it.skipIf(!probeBuilt)('reports NO_NATIVE_BUILD when only the probe was built (no TensorRT headers at install)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trtn-probe-only-'));
    copyFileSync(join(release, 'trtn_probe.node'), join(dir, 'trtn_probe.node'));
    const result = loadNativeBackend({ env: {}, addonDirs: [dir] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.info.reasons[0].message).toMatch(/Only the probe/);
  });

  it.skipIf(!probeBuilt || !backendBuilt || !noDriver)('loads the real probe here and explains NO_CUDA_DRIVER and NO_LIBNVINFER with the paths tried', () => {
    const result = loadNativeBackend({ env: { TRTN_TENSORRT_LIB_DIR: '/nonexistent/trt/lib' }, addonDirs: [release] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const codes = result.info.reasons.map((reason) => reason.code);
    expect(codes).toContain('NO_CUDA_DRIVER');
    expect(codes).toContain('NO_LIBNVINFER');
    expect(codes.indexOf('NO_CUDA_DRIVER')).toBeLessThan(codes.indexOf('NO_LIBNVINFER'));
    const libnvinfer = result.info.reasons.find((reason) => reason.code === 'NO_LIBNVINFER')!;
    expect(libnvinfer.message).toContain('/nonexistent/trt/lib/libnvinfer.so.');
    expect(result.info.reasons.find((reason) => reason.code === 'NO_CUDA_DRIVER')!.message).toContain('libcuda.so.1');
    expect(result.info.nativeAddonPath).toBe(join(release, 'trtn_probe.node'));
  });

  it('caches the default load and keeps returning the same answer', () => {
    expect(loadNativeBackend()).toBe(loadNativeBackend());
  });
});

describe('loadNativeBackendAsync', () => {
  it('answers as the synchronous load does, before anything is loaded and without a native build', async () => {
    const probe: ProbeAddon = { abiVersion: 1, probe: () => { throw new Error('must not be called'); } };
    const disabled = await loadNativeBackendAsync({ env: { TRTN_BACKEND: 'mock' }, probe });
    expect(disabled).toEqual(loadNativeBackend({ env: { TRTN_BACKEND: 'mock' }, probe }));
    const empty = mkdtempSync(join(tmpdir(), 'trtn-empty-'));
    expect(await loadNativeBackendAsync({ env: {}, addonDirs: [empty] })).toEqual(loadNativeBackend({ env: {}, addonDirs: [empty] }));
  });

  it.skipIf(!probeBuilt || !backendBuilt || !noDriver)('classifies a machine without TensorRT as the synchronous load does', async () => {
    const options = { env: { TRTN_TENSORRT_LIB_DIR: '/nonexistent/trt/lib' }, addonDirs: [release] };
    expect(await loadNativeBackendAsync(options)).toEqual(loadNativeBackend(options));
  });

  it.skipIf(!backendBuilt)('asks the probe on its worker (probeAsync) and classifies its answer', async () => {
    const probe: ProbeAddon = {
      abiVersion: 1,
      probe: () => {
        throw new Error('the synchronous probe must not be called');
      },
      probeAsync: async ({ libraryDirs = [] } = {}) => ({
        cuda: { loaded: true, driverVersion: 13000, initResult: 0, deviceCount: 1, devices: [{ index: 0, name: 'NVIDIA H200', computeCapability: '9.0' }] },
        tensorrt: libraryDirs.map((directory) => ({ candidate: `${directory}/libnvinfer.so.10`, directory, major: 10, ok: false, error: `${directory}/libnvinfer.so.10: cannot open shared object file: No such file or directory` })),
      }),
    };
    const result = await loadNativeBackendAsync({ env: { TRTN_TENSORRT_LIB_DIR: '/nowhere' }, addonDirs: [release], probe });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.info.reasons.map((reason) => reason.code)).toEqual(['NO_LIBNVINFER']);
  });

  it('falls back to the synchronous probe when the one on the worker fails', async () => {
    let synchronous = 0;
    const probe: ProbeAddon = {
      abiVersion: 1,
      probe: () => {
        synchronous++;
        return { cuda: { loaded: false, error: 'libcuda.so.1: cannot open shared object file' }, tensorrt: [] };
      },
      probeAsync: () => Promise.reject(new Error('worker failed')),
    };
    const result = await loadNativeBackendAsync({ env: {}, addonDirs: [backendBuilt ? release : mkdtempSync(join(tmpdir(), 'trtn-none-'))], probe });
    expect(result.ok).toBe(false);
    expect(synchronous).toBe(backendBuilt ? 1 : 0);
  });

  it('shares one cache with the synchronous load, whichever runs first, and forgets it on reset', async () => {
    resetNativeBackendCache();
    const first = loadNativeBackendAsync();
    expect(loadNativeBackendAsync()).toBe(first);
    const asynchronous = await first;
    expect(loadNativeBackend()).toBe(asynchronous);
    expect(await loadNativeBackendAsync()).toBe(asynchronous);
    resetNativeBackendCache();
    const synchronous = loadNativeBackend();
    expect(synchronous).not.toBe(asynchronous);
    expect(await loadNativeBackendAsync()).toBe(synchronous);
  });
});

describe('candidateLibraryDirs', () => {
  it('puts the explicit directory first, then the loader path, and finds pip tensorrt_libs in a virtualenv', () => {
    const venv = mkdtempSync(join(tmpdir(), 'trtn-venv-'));
    const wheelDir = join(venv, 'lib', 'python3.12', 'site-packages', 'tensorrt_libs');
    mkdirSync(wheelDir, { recursive: true });
    const dirs = candidateLibraryDirs({ env: { VIRTUAL_ENV: venv, TRTN_TENSORRT_LIB_DIR: '/from/env' }, libraryDir: '/from/option' });
    expect(dirs.slice(0, 3)).toEqual(['/from/option', '/from/env', '']);
    expect(dirs).toContain(wheelDir);
    expect(dirs).not.toContain(join(venv, 'lib', 'python3.12', 'dist-packages', 'tensorrt_libs'));
  });

  it('searches prebuilds/<platform>-<arch> before build/Release for addons', () => {
    expect(defaultAddonDirs('/pkg')).toEqual([`/pkg/prebuilds/${process.platform}-${process.arch}`, '/pkg/build/Release']);
  });

  it('loads the prebuilt probe when both a prebuild and a local build exist, unless TRTN_ADDON_DIR pins a folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'trtn-package-'));
    const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
    const local = join(root, 'build', 'Release');
    for (const dir of [prebuilt, local]) {
      mkdirSync(dir, { recursive: true });
      // Not loadable: the load failure names the file the loader chose.
      writeFileSync(join(dir, 'trtn_probe.node'), 'not an ELF file');
    }
    const result = loadNativeBackend({ env: {}, addonDirs: defaultAddonDirs(root) });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.info.reasons[0].code).toBe('LOAD_FAILED');
      expect(result.info.reasons[0].candidate).toBe(join(prebuilt, 'trtn_probe.node'));
    }
    const pinned = loadNativeBackend({ env: { TRTN_ADDON_DIR: local } });
    if (!pinned.ok) expect(pinned.info.reasons[0].candidate).toBe(join(local, 'trtn_probe.node'));
    expect(pinned.ok).toBe(false);
    rmSync(join(prebuilt, 'trtn_probe.node'));
    const fallback = loadNativeBackend({ env: {}, addonDirs: defaultAddonDirs(root) });
    if (!fallback.ok) expect(fallback.info.reasons[0].candidate).toBe(join(local, 'trtn_probe.node'));
    expect(fallback.ok).toBe(false);
  });
});

describe('defaultAddonDirs', () => {
  it('resolves the package root from lib/native/ (two levels up): prebuilds/<platform>-<arch>, then build/Release', () => {
    const root = join(import.meta.dirname, '..', '..');
    expect(defaultAddonDirs()).toEqual([join(root, 'prebuilds', `${process.platform}-${process.arch}`), join(root, 'build', 'Release')]);
  });
});
