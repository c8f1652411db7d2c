import { describe, expect, it } from 'vitest';
import { TensorRTError } from '../../lib/errors.js';
import { parseIOFormats, parseMemorySize, parseTacticSources, resolveBenchmarkOptions, resolveBuildOptions } from '../../lib/options.js';

function errorOf(work: () => unknown): TensorRTError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(TensorRTError);
    return error as TensorRTError;
  }
  throw new Error('expected a TensorRTError');
}

describe('resolveBuildOptions', () => {
  it('defaults like trtexec and keeps the result plain data', () => {
    const resolved = resolveBuildOptions(undefined);
    expect(resolved).toMatchObject({ fp16: false, sparsity: 'disable', builderOptimizationLevel: 3, profilingVerbosity: 'detailed', avgTiming: 8, device: 0, backend: 'auto' });
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });

  it('maps sparsity true to enable and false to disable', () => {
    expect(resolveBuildOptions({ sparsity: true }).sparsity).toBe('enable');
    expect(resolveBuildOptions({ sparsity: false }).sparsity).toBe('disable');
    expect(resolveBuildOptions({ sparsity: 'force' }).sparsity).toBe('force');
  });

  it('names the closest valid option for a misspelling', () => {
    const error = errorOf(() => resolveBuildOptions({ sparsty: true } as never));
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).toContain('`sparsty`');
    expect(error.message).toContain('Did you mean `sparsity`?');
  });

  it('does not suggest something unrelated', () => {
    const error = errorOf(() => resolveBuildOptions({ zzzzzzzzzz: 1 } as never));
    expect(error.message).not.toContain('Did you mean');
  });

  it('says what was expected for a wrong type or range', () => {
    expect(errorOf(() => resolveBuildOptions({ fp16: 'yes' } as never)).message).toMatch(/Expected a boolean \(true or false\) for `fp16`, got string "yes"\./);
    expect(errorOf(() => resolveBuildOptions({ builderOptimizationLevel: 9 })).message).toMatch(/<= 5 for `builderOptimizationLevel`/);
    expect(errorOf(() => resolveBuildOptions({ sparsity: 'on' } as never)).code).toBe('ERR_INVALID_OPTION');
    expect(errorOf(() => resolveBuildOptions([] as never)).message).toContain('an object');
  });

  it('says in words what a union or a type expects, never zod\'s "Invalid input"', () => {
    const sparsity = errorOf(() => resolveBuildOptions({ sparsity: 'yes' as never }));
    expect(sparsity.message).toBe('Expected a boolean (true or false) or one of "disable", "enable", "force" for `sparsity`, got string "yes".');
    expect(errorOf(() => resolveBenchmarkOptions({ iterations: 1.5 })).message).toBe('Expected an integer for `iterations`, got number 1.5.');
    expect(errorOf(() => resolveBuildOptions({ timingCache: '' })).message).toBe('Expected a non-empty string for `timingCache`, got string "".');
    for (const error of [sparsity, errorOf(() => resolveBuildOptions({ fp16: 1 as never }))]) {
      expect(error.message).not.toMatch(/Invalid input|\.\.$/);
      expect(error.details).toMatchObject({ option: expect.any(String), expected: expect.any(String), got: expect.any(String) });
    }
  });

  it('refuses an empty IO format spec and IO types with no quantisation path', () => {
    expect(errorOf(() => resolveBuildOptions({ inputIOFormats: '' })).details.option).toBe('inputIOFormats');
    expect(errorOf(() => resolveBuildOptions({ inputIOFormats: 'fp16:hwc8,' })).code).toBe('ERR_INVALID_OPTION');
    const int8 = errorOf(() => resolveBuildOptions({ outputIOFormats: 'int8:chw32' }));
    expect(int8.code).toBe('ERR_UNSUPPORTED');
    expect(int8.details.option).toBe('outputIOFormats');
    expect(int8.message).toMatch(/INT8 IO \('int8:chw32' for `outputIOFormats`\)/);
    expect(errorOf(() => resolveBuildOptions({ inputIOFormats: 'fp8:chw' })).code).toBe('ERR_UNSUPPORTED');
    expect(resolveBuildOptions({ inputIOFormats: 'fp16:hwc8' }).inputIOFormats).toEqual([{ dataType: 'fp16', formats: ['hwc8'] }]);
  });

  it('refuses shapes no GPU could hold', () => {
    const huge = errorOf(() => resolveBuildOptions({ shapes: { input: { min: [99999999, 16, 99999, 99999], opt: [99999999, 16, 99999, 99999], max: [99999999, 16, 99999, 99999] } } }));
    expect(huge.code).toBe('ERR_INVALID_OPTION');
    expect(huge.details.option).toBe('shapes.input');
    expect(huge.message).toMatch(/at most 2\^38 elements per input/);
    const axis = errorOf(() => resolveBuildOptions({ shapes: { input: { min: [1], opt: [1], max: [2 ** 31] } } }));
    expect(axis.message).toMatch(/<= 2147483647 for `shapes\.input\.max\.0`/);
    expect(resolveBuildOptions({ shapes: { input: { min: [1, 16, 1920, 1080], opt: [1, 16, 1920, 1080], max: [8, 16, 1920, 1080] } } }).shapes.input.max[0]).toBe(8);
  });

  it('checks shape ranges', () => {
    expect(resolveBuildOptions({ shapes: { input: { min: [1, 3], opt: [4, 3], max: [8, 3] } } }).shapes.input.opt).toEqual([4, 3]);
    expect(errorOf(() => resolveBuildOptions({ shapes: { input: { min: [4, 3], opt: [1, 3], max: [8, 3] } } })).message).toContain('min <= opt <= max');
    expect(errorOf(() => resolveBuildOptions({ shapes: { input: { min: [1], opt: [1, 3], max: [8, 3] } } })).message).toContain('same rank');
  });

  it('converts memory pools to bytes and rejects unknown pools', () => {
    expect(resolveBuildOptions({ memPoolSize: { workspace: 1024 } }).memPoolSize.workspace).toBe(1024 * 1024 * 1024);
    expect(resolveBuildOptions({ memPoolSize: { workspace: '2G' } }).memPoolSize.workspace).toBe(2 * 1024 ** 3);
    expect(errorOf(() => resolveBuildOptions({ memPoolSize: { workspce: 1 } as never })).message).toContain('Did you mean `workspace`?');
  });
});

describe('IO formats and tactic sources', () => {
  it('parses trtexec and TensorRT 11 style IO format specs', () => {
    expect(parseIOFormats('inputIOFormats', 'fp16:hwc8')).toEqual([{ dataType: 'fp16', formats: ['hwc8'] }]);
    expect(parseIOFormats('inputIOFormats', 'fp16:chw+hwc8,fp32:chw')).toEqual([
      { dataType: 'fp16', formats: ['chw', 'hwc8'] },
      { dataType: 'fp32', formats: ['chw'] },
    ]);
    expect(parseIOFormats('inputIOFormats', 'hwc8')).toEqual([{ formats: ['hwc8'] }]);
  });

  it('rejects unknown formats with a suggestion', () => {
    expect(errorOf(() => parseIOFormats('inputIOFormats', 'fp16:hcw8')).message).toContain("Did you mean 'hwc8'?");
    expect(errorOf(() => parseIOFormats('inputIOFormats', 'fpp16:hwc8')).message).toContain("Did you mean 'fp16'?");
    expect(errorOf(() => parseIOFormats('inputIOFormats', 'a:b:c')).code).toBe('ERR_INVALID_OPTION');
  });

  it('parses tactic sources by name', () => {
    expect(parseTacticSources('-CUBLAS,+cudnn')).toEqual({ enable: ['CUDNN'], disable: ['CUBLAS'] });
    expect(errorOf(() => parseTacticSources('CUBLAS')).message).toContain("'+' or '-'");
    expect(errorOf(() => parseTacticSources('-CUBLASS')).message).toContain("Did you mean 'CUBLAS'?");
  });

  it('parses memory sizes with units', () => {
    expect(parseMemorySize('x', 1)).toBe(1024 * 1024);
    expect(parseMemorySize('x', '512K')).toBe(512 * 1024);
    expect(parseMemorySize('x', '64')).toBe(64 * 1024 * 1024);
    expect(errorOf(() => parseMemorySize('x', 'lots')).code).toBe('ERR_INVALID_OPTION');
  });
});

describe('resolveBenchmarkOptions', () => {
  it("uses trtexec's defaults", () => {
    expect(resolveBenchmarkOptions({})).toMatchObject({ iterations: 10, duration: 3, warmUp: 200, useCudaGraph: false, useSpinWait: false, noDataTransfers: false, covThresholdPercent: 2.5 });
  });
  it("blockingEvents: 'auto' by default ('all' with a CUDA graph, 'waited' without), either one when asked; anything else is ERR_INVALID_OPTION naming the choices", () => {
    expect(resolveBenchmarkOptions({}).blockingEvents).toBe('waited');
    expect(resolveBenchmarkOptions({ useCudaGraph: true }).blockingEvents).toBe('all');
    expect(resolveBenchmarkOptions({ blockingEvents: 'auto', useCudaGraph: true, noDataTransfers: true }).blockingEvents).toBe('all');
    expect(resolveBenchmarkOptions({ blockingEvents: 'auto' }).blockingEvents).toBe('waited');
    // 11.x's trtexec times with a graph unless told not to: 'auto' follows the graph the run will use.
    expect(resolveBenchmarkOptions({}, 11).blockingEvents).toBe('all');
    expect(resolveBenchmarkOptions({ useCudaGraph: false }, 11).blockingEvents).toBe('waited');
    expect(resolveBenchmarkOptions({ blockingEvents: 'all' }).blockingEvents).toBe('all');
    expect(resolveBenchmarkOptions({ blockingEvents: 'waited', useCudaGraph: true }).blockingEvents).toBe('waited');
    const error = errorOf(() => resolveBenchmarkOptions({ blockingEvents: 'some' } as never));
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).toContain('blockingEvents');
    expect(error.message).toMatch(/waited/);
  });
  it('rejects unknown benchmark options', () => {
    expect(errorOf(() => resolveBenchmarkOptions({ iteration: 5 } as never)).message).toContain('Did you mean `iterations`?');
  });
});
