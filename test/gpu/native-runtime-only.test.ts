/**
 * A TensorRT that can run plans here but not build them (11.2 from Maven has no sm_90 builder resource): the
 * build says so with ERR_BUILDER_UNAVAILABLE, and loading, refusing and versioning still work afterwards.
 * Skipped where the builder works (the build tests run there instead).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEngine, loadEngine } from '../../lib/build.js';
import { loadNativeBackend } from '../../lib/native/loader.js';
import { buildSeed003Model } from '../../lib/onnx/builders.js';
import { writeOnnx } from '../../lib/onnx/codec.js';
import { figure, gpuAvailable, probeBuilder, tensorrtAvailable } from './helpers.js';
import { expectCode, freeDeviceBytes } from './native-fixtures.js';

const loads = gpuAvailable() && (await tensorrtAvailable());
const runtimeOnly = loads && !(await probeBuilder()).available;

describe.skipIf(!runtimeOnly)('runtime-only TensorRT (no builder resource for this GPU)', () => {
  it('loads and reports its version, library and folder handling', () => {
    const loaded = loadNativeBackend();
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const info = loaded.backend.info();
    expect(info.tensorrtVersion).toMatch(/^\d+\.\d+\.\d+$/);
    figure('runtime_only.tensorrt', info.tensorrtVersion ?? '');
    expect(info.libraryLoading?.redirectedLoads).toContain('dlopen');
  });

  it('a build is refused with ERR_BUILDER_UNAVAILABLE naming the missing library', async () => {
    const error = await expectCode(buildEngine(writeOnnx(buildSeed003Model({ channels: 8, height: 8, width: 8, layers: 1 })), { backend: 'tensorrt' }), ['ERR_BUILDER_UNAVAILABLE']);
    expect(error.message).toMatch(/libnvinfer_builder_resource/);
    expect(error.message).toMatch(/runtime-only/);
    figure('runtime_only.builder_error', error.message.split(':')[0]);
  });

  it('after the refused build the runtime still answers: garbage is ERR_ENGINE_FORMAT', async () => {
    await expectCode(loadEngine(new Uint8Array(4096).fill(7), { backend: 'tensorrt' }), ['ERR_ENGINE_FORMAT']);
    expect(freeDeviceBytes()).toBeGreaterThan(0);
  });

  it('a plan from another TensorRT version (TRTN_TEST_FOREIGN_PLAN) is refused with ERR_ENGINE_VERSION', async (ctx) => {
    const foreign = process.env.TRTN_TEST_FOREIGN_PLAN;
    if (!foreign || !existsSync(foreign)) ctx.skip();
    await expectCode(loadEngine(foreign!, { backend: 'tensorrt' }), ['ERR_ENGINE_VERSION']);
  });
});
