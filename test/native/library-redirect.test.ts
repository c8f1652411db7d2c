/**
 * binding/library_redirect.cc without a GPU: a library that dlopens a sibling by bare name fails until its
 * dlopen/dlmopen slots are redirected, then finds the sibling in its folder. Built with the system C/C++ compiler
 * (full RELRO and BIND_NOW, as TensorRT's libraries are linked); skipped where there is none.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const hasCompiler = (() => {
  try {
    execFileSync('g++', ['--version'], { stdio: 'ignore' });
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return process.platform === 'linux';
  } catch {
    return false;
  }
})();
const binding = resolve(__dirname, '..', '..', 'binding');
const scratch = mkdtempSync(join(tmpdir(), 'trtn-redirect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!hasCompiler)('library_redirect: TensorRT-style dlopen of a sibling by bare name', () => {
  it('fails before the redirect and finds the sibling after it, for dlopen and dlmopen', () => {
    const libs = join(scratch, 'libs');
    mkdirSync(libs);
    writeFileSync(join(scratch, 'caller.c'), [
      '#define _GNU_SOURCE',
      '#include <dlfcn.h>',
      'void* open_sibling(void) { return dlopen("libsibling.so", RTLD_NOW); }',
      'void* mopen_sibling(void) { return dlmopen(LM_ID_BASE, "libsibling.so", RTLD_NOW); }',
      'void* open_missing(void) { return dlopen("libnot-there.so", RTLD_NOW); }',
    ].join('\n'));
    writeFileSync(join(scratch, 'sibling.c'), 'int sibling_value(void) { return 42; }\n');
    writeFileSync(join(scratch, 'main.cc'), `
#include <dlfcn.h>
#include <cstdio>
#include "library_redirect.h"
int main() {
  void* caller = dlopen("${libs}/libcaller.so", RTLD_NOW | RTLD_LOCAL);
  if (!caller) return 10;
  auto open_sibling = reinterpret_cast<void* (*)()>(dlsym(caller, "open_sibling"));
  auto mopen_sibling = reinterpret_cast<void* (*)()>(dlsym(caller, "mopen_sibling"));
  auto open_missing = reinterpret_cast<void* (*)()>(dlsym(caller, "open_missing"));
  std::printf("before=%d\\n", open_sibling() != nullptr);
  std::string error;
  for (const std::string& name : trtn::RedirectSiblingLoads(caller, "${libs}", error)) std::printf("redirected=%s\\n", name.c_str());
  std::printf("error=%s\\n", error.c_str());
  void* sibling = open_sibling();
  auto value = sibling ? reinterpret_cast<int (*)()>(dlsym(sibling, "sibling_value")) : nullptr;
  std::printf("dlopen=%d value=%d\\n", sibling != nullptr, value ? value() : -1);
  std::printf("dlmopen=%d\\n", mopen_sibling() != nullptr);
  std::printf("missing=%d\\n", open_missing() != nullptr);
  return 0;
}
`);
    execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-z,relro,-z,now', '-o', join(libs, 'libcaller.so'), join(scratch, 'caller.c')]);
    execFileSync('gcc', ['-shared', '-fPIC', '-o', join(libs, 'libsibling.so'), join(scratch, 'sibling.c')]);
    execFileSync('g++', ['-std=c++17', `-I${binding}`, join(scratch, 'main.cc'), join(binding, 'library_redirect.cc'), '-ldl', '-o', join(scratch, 'harness')]);
    const env = { ...process.env };
    delete env.LD_LIBRARY_PATH;
    const run = spawnSync(join(scratch, 'harness'), { encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('before=0');
    expect(lines).toContain('redirected=dlopen');
    expect(lines).toContain('redirected=dlmopen');
    expect(lines).toContain('error=');
    expect(lines).toContain('dlopen=1 value=42');
    expect(lines).toContain('dlmopen=1');
    // Names that are not in the folder pass through unchanged (and still fail).
    expect(lines).toContain('missing=0');
  });
});
