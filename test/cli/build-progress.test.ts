/**
 * `trtn build` hands the library a progress callback only when it shows progress: with --no-progress or --json
 * every event would still cross from the builder into JS for nothing (trtexec attaches no monitor at all).
 */
import { describe, expect, it, vi } from 'vitest';
import type { BuildOptions } from '../../lib/types/index.js';

const seen: BuildOptions[] = [];
vi.mock('../../lib/build.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/build.js')>();
  return {
    ...actual,
    buildEngine: (model: Parameters<typeof actual.buildEngine>[0], options?: BuildOptions) => {
      seen.push({ ...options });
      return actual.buildEngine(model, options);
    },
  };
});

const { runCli } = await import('./run-cli.js');

describe('trtn build progress', () => {
  it('passes no onProgress with --no-progress or --json, and one otherwise', async () => {
    seen.length = 0;
    expect((await runCli(['build', 'examples/seed003.onnx', '--fp16', '--no-progress'])).code).toBe(0);
    expect((await runCli(['build', 'examples/seed003.onnx', '--fp16', '--json'])).code).toBe(0);
    expect((await runCli(['build', 'examples/seed003.onnx', '--fp16'])).code).toBe(0);
    expect(seen.map((options) => typeof options.onProgress)).toEqual(['undefined', 'undefined', 'function']);
    // The abort signal is there either way (SIGINT cancels the build).
    expect(seen.every((options) => options.signal instanceof AbortSignal)).toBe(true);
  });
});
