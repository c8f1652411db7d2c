import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const runSuite = path.join(repoRoot, 'test/gpu/run-suite.sh');
const smiDump = path.join(repoRoot, 'test/fixtures/gpu/h100-nvidia-smi-q.txt');

describe('run-suite.sh --smi-summary', () => {
  it('reads GPU, driver, CUDA and clocks from a real nvidia-smi -q dump', () => {
    const result = spawnSync('bash', [runSuite, '--smi-summary', smiDump], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const fields = Object.fromEntries(result.stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
    // Values read off the fixture by eye: Product Name, Driver/CUDA Version, the "Clocks" and "Max Clocks" sections.
    expect(fields).toMatchObject({ gpu: 'NVIDIA H100 80GB HBM3', driver: '580.159.04', cuda: '13.0', count: '1', pstate: 'P0', sm: '345 MHz', sm_max: '1980 MHz', mem: '2619 MHz' });
  });
});

describe('run-suite.sh on a fake box', () => {
  let work: string;
  let box: string;
  let out: string;
  let result: { status: number | null; stdout: string; stderr: string };

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'trtn-run-suite-'));
    // A tree as the box gets it: tracked files only, no node_modules; the bundle provides node and node_modules.
    box = path.join(work, 'repo');
    for (const file of ['vitest.gpu.config.ts', 'package.json', 'test/support/summary-reporter.ts', 'test/gpu/run-suite.sh', 'test/gpu/helpers.ts']) {
      fs.mkdirSync(path.dirname(path.join(box, file)), { recursive: true });
      fs.copyFileSync(path.join(repoRoot, file), path.join(box, file));
    }
    fs.writeFileSync(
      path.join(box, 'test/gpu/smoke.test.ts'),
      [
        "import { expect, it } from 'vitest';",
        "import { describeGpu, figure } from './helpers.js';",
        "await describeGpu('needs TensorRT', 'tensorrt', () => { it('cannot run here', () => { expect(true).toBe(false); }); });",
        "it('sees the library folder', () => { figure('lib dir', process.env.TRTN_TENSORRT_LIB_DIR ?? 'unset'); figure('ld path has it', String((process.env.LD_LIBRARY_PATH ?? '').includes(process.env.TRTN_TENSORRT_LIB_DIR ?? '@'))); figure('ld path', process.env.LD_LIBRARY_PATH ?? ''); });",
        '',
      ].join('\n'),
    );
    const current = path.join(work, 'opt/bundles/test');
    fs.mkdirSync(path.join(current, 'node/bin'), { recursive: true });
    fs.symlinkSync(process.execPath, path.join(current, 'node/bin/node'));
    fs.mkdirSync(path.join(current, 'repo'), { recursive: true });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(current, 'repo/node_modules'));
    fs.mkdirSync(path.join(current, 'tensorrt/10.99/lib'), { recursive: true });
    fs.writeFileSync(path.join(current, 'tensorrt/10.99/lib/libnvinfer.so.10.99.1'), '');
    fs.symlinkSync('bundles/test', path.join(work, 'opt/current'));
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'nvidia-smi'), `#!/bin/sh\ncase "$1" in -L) echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-x)";; -q) cat '${smiDump}';; esac\n`, { mode: 0o755 });
    out = path.join(work, 'out');
    // A second TensorRT given by the caller: two runs, each seeing only its own library folder.
    fs.mkdirSync(path.join(work, 'trt11/lib'), { recursive: true });
    fs.writeFileSync(path.join(work, 'trt11/lib/libnvinfer.so.11.1.0'), '');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, TRTN_BUNDLE_DIR: path.join(work, 'opt'), OUT: out, TRTN_TENSORRT_LIB_DIR: path.join(work, 'trt11/lib') };
    delete env.VITEST;
    delete env.VITEST_POOL_ID;
    delete env.VITEST_WORKER_ID;
    delete env.NODE_ENV;
    result = spawnSync('bash', [path.join(box, 'test/gpu/run-suite.sh')], { cwd: work, encoding: 'utf8', env });
  }, 120_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('runs once per TensorRT version (caller\'s and bundled) with only that library folder exported, and writes result files', () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(fs.lstatSync(path.join(box, 'node_modules')).isSymbolicLink()).toBe(true);
    const files = fs.readdirSync(out);
    const md = files.find((name) => /^\d{4}-\d{2}-\d{2}-\d{4}-trt-10\.99\.1-nvidia-h100-80gb-hbm3\.md$/.test(name));
    expect(md, files.join(', ')).toBeDefined();
    expect(files).toContain(md!.replace(/\.md$/, '.log'));
    expect(fs.existsSync(path.join(box, 'test/gpu/results', md!))).toBe(true);
    const text = fs.readFileSync(path.join(out, md!), 'utf8');
    expect(text).toContain('| TensorRT | 10.99.1 (libraries: ');
    expect(text).toContain('| result | 1 passed, 0 failed, 1 skipped (vitest exit 0) |');
    expect(text).toContain('| driver | 580.159.04 |');
    expect(text).toMatch(/- lib dir = \S+\/tensorrt\/10\.99\/lib\n/);
    expect(text).toContain('- ld path has it = true');
    expect(text).toMatch(/- needs TensorRT: no TensorRT: /);
    // The fake box has no scripts/install-native.mjs, so the build step must say so rather than pretend.
    expect(text).toContain('native addon | not built: scripts/install-native.mjs not in the tree');
    expect(text).not.toContain('trt11');
    const other = files.find((name) => /-trt-11\.1\.0-nvidia-h100-80gb-hbm3\.md$/.test(name));
    expect(other, files.join(', ')).toBeDefined();
    const otherText = fs.readFileSync(path.join(out, other!), 'utf8');
    expect(otherText).toMatch(/- lib dir = \S+\/trt11\/lib\n/);
    expect(otherText).not.toContain('tensorrt/10.99');
    expect(result.stdout).toMatch(/run-suite: TensorRT 11\.1\.0: 1 passed, 0 failed, 1 skipped/);
  });
});
