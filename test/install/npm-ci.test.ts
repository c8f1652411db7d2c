// A fresh install must need nothing beyond the npm registry and print no npm config warning (issue 10, item 7).
// onnxruntime-node's postinstall downloads CUDA binaries from outside the registry on linux-x64; package.json's
// `allowScripts` denies it (the CPU build we use ships inside the package). The install runs offline from npm's
// cache, with every outside download pointed at a closed port, so a postinstall that tries to download fails here.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');
const closedPort = 'http://127.0.0.1:9';

/** The caller's environment without what an outer `npm test` passes down (npm_config_*, npm_lifecycle_*, …). */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.toLowerCase().startsWith('npm_') && key.toLowerCase() !== 'npm_config_cache') continue;
    if (key.startsWith('ONNXRUNTIME_NODE_INSTALL')) continue;
    env[key] = value;
  }
  // onnxruntime-node's installer uses global-agent, which reads GLOBAL_AGENT_HTTPS_PROXY.
  return { ...env, GLOBAL_AGENT_HTTPS_PROXY: closedPort, HTTPS_PROXY: closedPort, https_proxy: closedPort };
}

describe('npm ci of the dependency tree, offline', () => {
  let project: string;
  let result: ReturnType<typeof spawnSync>;
  let output: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'trtn-npm-ci-'));
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    // The project's own install and prepare steps (native build, tsc) are tested elsewhere; what is tested here is
    // the dependencies' install scripts and npm's reading of the project's config.
    delete manifest.scripts.install;
    delete manifest.scripts.prepare;
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    copyFileSync(join(repo, 'package-lock.json'), join(project, 'package-lock.json'));
    if (existsSync(join(repo, '.npmrc'))) copyFileSync(join(repo, '.npmrc'), join(project, '.npmrc'));
    result = spawnSync('npm', ['ci', '--offline', '--foreground-scripts', '--no-audit', '--no-fund'], {
      cwd: project,
      env: cleanEnvironment(),
      encoding: 'utf8',
      timeout: 170_000,
    });
    output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  }, 180_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('succeeds with outside downloads blocked', () => {
    expect(result.error, String(result.error)).toBeUndefined();
    expect(result.status, output.slice(-3000)).toBe(0);
  });

  it('prints no config warning and leaves no install script unreviewed', () => {
    expect(output).not.toMatch(/Unknown (project|user|global|env|cli) config/i);
    expect(output).not.toMatch(/not yet covered by allowScripts/i);
  });

  it('skipped onnxruntime-node\'s download yet its bundled CPU build loads', () => {
    const binaries = join(project, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch);
    expect(existsSync(join(binaries, 'libonnxruntime_providers_cuda.so'))).toBe(false);
    const load = spawnSync(process.execPath, ['-e', "const ort = require('onnxruntime-node'); console.log(typeof ort.InferenceSession.create)"], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(`${load.stdout}${load.stderr}`.trim()).toBe('function');
  });
});
