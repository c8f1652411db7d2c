import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script without type declarations
import { findCudaInclude, findTensorrtIncludes, folderVersion, sortTensorrtFolders, tensorrtMajorOf } from '../../scripts/install-native.mjs';

function fakeHeaders(versionText: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trtn-headers-'));
  writeFileSync(join(dir, 'NvInfer.h'), '// placeholder\n');
  writeFileSync(join(dir, 'NvInferVersion.h'), versionText);
  return dir;
}

describe('install-native header discovery', () => {
  it('reads the major from both NvInferVersion.h styles (8.x direct define, 10+ enterprise define)', () => {
    expect(tensorrtMajorOf(fakeHeaders('#define NV_TENSORRT_MAJOR 8 //!< major\n'))).toBe(8);
    expect(tensorrtMajorOf(fakeHeaders('#define TRT_MAJOR_ENTERPRISE 11\n#define NV_TENSORRT_MAJOR TRT_MAJOR_ENTERPRISE\n'))).toBe(11);
    expect(tensorrtMajorOf(mkdtempSync(join(tmpdir(), 'trtn-none-')))).toBeUndefined();
  });

  it('takes TRTN_TENSORRT_INCLUDE_<major> and TRTN_TENSORRT_INCLUDE, one directory per major', () => {
    const ten = fakeHeaders('#define TRT_MAJOR_ENTERPRISE 10\n');
    const eleven = fakeHeaders('#define TRT_MAJOR_ENTERPRISE 11\n');
    const found = findTensorrtIncludes({ TRTN_TENSORRT_INCLUDE_10: ten, TRTN_TENSORRT_INCLUDE: eleven });
    expect(found[10]).toBe(ten);
    expect(found[11]).toBe(eleven);
  });

  it('orders deps/tensorrt-* folders by version number, newest first (10.16 before 10.6, which a string sort gets wrong)', () => {
    expect(sortTensorrtFolders(['tensorrt-10.6.0', 'tensorrt-8.6.1', 'tensorrt-10.16', 'tensorrt-11.1', 'cuda', 'tensorrt-10.15'])).toEqual([
      'tensorrt-11.1',
      'tensorrt-10.16',
      'tensorrt-10.15',
      'tensorrt-10.6.0',
      'tensorrt-8.6.1',
    ]);
    expect(folderVersion('tensorrt-10.6.0')).toEqual([10, 6, 0]);
  });

  it('finds CUDA headers from TRTN_CUDA_INCLUDE or CUDA_HOME', () => {
    const home = mkdtempSync(join(tmpdir(), 'trtn-cuda-'));
    mkdirSync(join(home, 'include'));
    writeFileSync(join(home, 'include', 'cuda_runtime_api.h'), '');
    expect(findCudaInclude({ CUDA_HOME: home })).toBe(join(home, 'include'));
  });
});
