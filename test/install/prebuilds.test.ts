// Install like sharp (issue 10, item 9): `npm run prebuild` puts addons in prebuilds/<platform>-<arch>/, `npm pack`
// ships them, `npm install` compiles nothing when they match, and the loader takes them before build/Release.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAddonDirs, loadNativeBackend } from '../../lib/native/loader.js';
// @ts-expect-error — plain .mjs scripts without type declarations
import { matchingPrebuild } from '../../scripts/install-native.mjs';
// @ts-expect-error — plain .mjs scripts without type declarations
import { TARGETS, elfMachine, toolchainFor } from '../../scripts/prebuild.mjs';

const repo = resolve(import.meta.dirname, '..', '..');
const hostFolder = `${process.platform}-${process.arch}`;
const realPrebuilds = join(repo, 'prebuilds', hostFolder);
const havePrebuilds = existsSync(join(realPrebuilds, 'trtn_probe.node'));

/** npm without what an outer `npm test` passes down. */
function npmEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || key.toLowerCase() === 'npm_config_cache'));
}

/** A package folder with the repo's package.json and .gitignore, and placeholder addons for linux-x64 and linux-arm64. */
function fakePackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trtn-pack-'));
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  copyFileSync(join(repo, '.gitignore'), join(dir, '.gitignore'));
  for (const folder of ['linux-x64', 'linux-arm64']) {
    mkdirSync(join(dir, 'prebuilds', folder), { recursive: true });
    for (const name of ['trtn_probe.node', 'trtn_trt10.node']) writeFileSync(join(dir, 'prebuilds', folder, name), 'placeholder');
  }
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'build', 'Release', 'trtn_probe.node'), 'local build, must not ship');
  return dir;
}

describe('prebuilds in the package', () => {
  it('are ignored by git', () => {
    const check = spawnSync('git', ['check-ignore', '-q', 'prebuilds/linux-x64/trtn_probe.node'], { cwd: repo });
    expect(check.status).toBe(0);
  });

  it('are in the tarball npm pack writes, and build/ is not', () => {
    const dir = fakePackage();
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: dir, encoding: 'utf8', env: npmEnvironment() });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(dir, JSON.parse(pack.stdout)[0].filename);
    const listing = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    for (const folder of ['linux-x64', 'linux-arm64']) {
      expect(listing).toContain(`package/prebuilds/${folder}/trtn_probe.node`);
      expect(listing).toContain(`package/prebuilds/${folder}/trtn_trt10.node`);
    }
    expect(listing.filter((path) => path.startsWith('package/build/'))).toEqual([]);
  });

  it.skipIf(!havePrebuilds)('of this checkout (after npm run prebuild) are listed by npm pack --dry-run', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: repo, encoding: 'utf8', env: npmEnvironment() });
    expect(pack.status, pack.stderr).toBe(0);
    const paths = (JSON.parse(pack.stdout)[0].files as { path: string }[]).map((file) => file.path);
    expect(paths).toContain(`prebuilds/${hostFolder}/trtn_probe.node`);
  });
});

describe('npm install with a matching prebuild', () => {
  it('compiles nothing and says which prebuilt addons it uses', () => {
    const dir = fakePackage();
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(repo, 'scripts', 'install-native.mjs'), join(dir, 'scripts', 'install-native.mjs'));
    const install = spawnSync(process.execPath, [join(dir, 'scripts', 'install-native.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, TRTN_SKIP_NATIVE: '' } });
    if (hostFolder === 'linux-x64' || hostFolder === 'linux-arm64') {
      expect(install.stdout).toMatch(/using the prebuilt trtn_probe\.node, trtn_trt10\.node in .*prebuilds/);
      expect(existsSync(join(dir, 'build', 'CMakeCache.txt'))).toBe(false);
    }
    expect(install.status).toBe(0);
  });

  it('does not count a probe without any backend as a match', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trtn-probe-only-'));
    mkdirSync(join(dir, 'prebuilds', 'linux-x64'), { recursive: true });
    writeFileSync(join(dir, 'prebuilds', 'linux-x64', 'trtn_probe.node'), '');
    expect(matchingPrebuild(dir, 'linux', 'x64')).toBeUndefined();
    writeFileSync(join(dir, 'prebuilds', 'linux-x64', 'trtn_trt11.node'), '');
    expect(matchingPrebuild(dir, 'linux', 'x64')?.files).toEqual(['trtn_probe.node', 'trtn_trt11.node']);
    expect(matchingPrebuild(dir, 'linux', 'arm64')).toBeUndefined();
  });
});

describe('npm run prebuild', () => {
  it('refuses an arch it cannot build, naming the missing cross toolchain and its Debian package', () => {
    expect(toolchainFor('riscv64', 'x64').error).toMatch(/unsupported arch 'riscv64'/);
    const missing = toolchainFor('arm64', 'x64', () => false);
    expect(missing.error).toMatch(/aarch64-linux-gnu-g\+\+.*apt-get install g\+\+-aarch64-linux-gnu/);
    const present = toolchainFor('arm64', 'x64', () => true);
    expect(present.defines).toContain('--CDCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++');
    expect(toolchainFor('x64', 'x64').cross).toBe(false);
  });

  // Only where the checkout has no deps/ (searched for headers too): with it, the script would really build prebuilds
  // into this checkout, which then shadow build/Release.
  it.skipIf(existsSync(join(repo, 'deps')))('refuses to run without TensorRT headers', () => {
    const run = spawnSync(process.execPath, [join(repo, 'scripts', 'prebuild.mjs')], {
      cwd: repo,
      encoding: 'utf8',
      // No header directory anywhere it looks.
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/refused: no TensorRT headers found/);
  });

  it.skipIf(!havePrebuilds)('made binaries of the folder\'s arch, and the loader takes the prebuilt probe', () => {
    const arch = process.arch as keyof typeof TARGETS;
    expect(elfMachine(join(realPrebuilds, 'trtn_probe.node'))).toBe(TARGETS[arch].elfMachine);
    const arm = join(repo, 'prebuilds', 'linux-arm64', 'trtn_probe.node');
    if (existsSync(arm)) expect(elfMachine(arm)).toBe(TARGETS.arm64.elfMachine);
    const result = loadNativeBackend({ env: { TRTN_TENSORRT_LIB_DIR: '/nonexistent/trt/lib' }, addonDirs: defaultAddonDirs(repo) });
    if (!result.ok) expect(result.info.nativeAddonPath).toBe(join(realPrebuilds, 'trtn_probe.node'));
  });
});
