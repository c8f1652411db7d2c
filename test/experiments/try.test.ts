/**
 * `tryVariants` / `trtn explain model.onnx --try` on the mock backend: every variant is built and timed, the
 * figures and the advice are labelled as estimates, variants that do not apply say why.
 */
import { describe, expect, it } from 'vitest';
import { tryVariants } from '../../lib/measure/experiments.js';
import { buildResNetLikeModel, buildSeed003Model } from '../../lib/onnx/builders.js';
import { writeOnnx } from '../../lib/onnx/codec.js';
import { sparsify } from '../../lib/onnx/sparsity.js';
import { runCli } from '../cli/run-cli.js';

describe('tryVariants on the mock backend', () => {
  it('seed 003: HWC8 IO removes the IO reformats; everything is labelled estimated', async () => {
    const onnx = writeOnnx(buildSeed003Model({ channels: 16, height: 256, width: 256 }));
    const result = await tryVariants(onnx, { fp16: true, backend: 'mock' }, { duration: 0.1 });
    expect(result.backend).toBe('mock');
    expect(result.estimated).toBe(true);
    const hwc8 = result.variants.find((variant) => variant.name === 'hwc8-io')!;
    expect(hwc8.options.inputIOFormats).toBe('fp16:hwc8');
    expect(result.baseline.reformats!.count).toBeGreaterThan(0);
    expect(hwc8.reformats!.count).toBeLessThan(result.baseline.reformats!.count);
    expect(hwc8.deltaPercent).toBeLessThan(0);
    expect(result.variants.find((variant) => variant.name === 'fp16')!.skipped).toMatch(/already allows FP16/);
    expect(result.variants.find((variant) => variant.name === 'sparsity')!.skipped).toMatch(/no weight is 2:4/);
    expect(result.advice.length).toBeGreaterThan(0);
    for (const line of result.advice.filter((text) => /ms →/.test(text))) expect(line).toMatch(/estimated by the mock cost model/);
  });

  it('a 2:4-pruned model gets the sparsity variant, with the sparse layers counted', async () => {
    const onnx = writeOnnx(sparsify(buildResNetLikeModel()).model);
    const result = await tryVariants(onnx, { fp16: true, backend: 'mock' }, { variants: ['sparsity'], duration: 0.1 });
    const sparse = result.variants[0];
    expect(sparse.name).toBe('sparsity');
    expect(sparse.skipped).toBeUndefined();
    expect(sparse.options.sparsity).toBe('enable');
    expect(sparse.sparseLayers).toBeGreaterThan(0);
  });

  it('refuses a bad duration with a coded error', async () => {
    const onnx = writeOnnx(buildSeed003Model({ channels: 4, height: 8, width: 8 }));
    await expect(tryVariants(onnx, { backend: 'mock' }, { duration: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});

describe('trtn explain --try', () => {
  it('prints the estimated table and refuses an unknown variant and a non-ONNX input in flag words', async () => {
    const ok = await runCli(['explain', 'examples/seed003.onnx', '--try', '--fp16', '--backend', 'mock', '--duration', '0.1', '--variants', 'hwc8-io']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ESTIMATED by the mock cost model/);
    expect(ok.stdout).toMatch(/hwc8-io/);
    const bad = await runCli(['explain', 'examples/seed003.onnx', '--try', '--variants', 'hwc9', '--backend', 'mock']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--variants/);
    const notOnnx = await runCli(['explain', 'report.json', '--try', '--backend', 'mock']);
    expect(notOnnx.code).not.toBe(0);
    expect(notOnnx.stderr).toMatch(/one \.onnx/);
  });
});
