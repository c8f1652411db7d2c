/**
 * The scripts that run on the lent GPU machine are checked here first, because a mistake found there costs device
 * time that cannot be bought back: shell syntax, the bench's refusal without TensorRT, and box-session's refusals.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'trtn-device-scripts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('device scripts', () => {
  it('every shell script under scripts/ and test/gpu/ parses (bash -n)', () => {
    const scripts = ['scripts/device', 'scripts/trtexec', 'scripts/bundle', 'test/gpu']
      .flatMap((folder) => readdirSync(join(repo, folder)).filter((name) => name.endsWith('.sh')).map((name) => join(repo, folder, name)));
    expect(scripts.length).toBeGreaterThan(3);
    for (const script of scripts) {
      const run = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
      expect(run.status, `${script}: ${run.stderr}`).toBe(0);
    }
  });

  it('every script under bench/ and scripts/ compiles (node --check): a syntax error found on the GPU box costs its lease', () => {
    const scripts = ['bench', 'scripts', 'scripts/bundle']
      .flatMap((folder) => readdirSync(join(repo, folder)).filter((name) => name.endsWith('.mjs')).map((name) => join(repo, folder, name)));
    expect(scripts.length).toBeGreaterThan(5);
    for (const script of scripts) {
      const run = spawnSync(process.execPath, ['--check', script], { encoding: 'utf8' });
      expect(run.status, `${script}: ${run.stderr}`).toBe(0);
    }
  });

  it('bench/diagnose-parity.mjs refuses without trtexec, saying which flag', () => {
    const run = spawnSync(process.execPath, [join(repo, 'bench', 'diagnose-parity.mjs')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--trtexec/);
  });

  it.skipIf(!existsSync(join(repo, 'dist', 'index.js')))('bench/vs-trtexec.mjs refuses clearly without trtexec and without TensorRT', () => {
    const noTrtexec = spawnSync(process.execPath, [join(repo, 'bench', 'vs-trtexec.mjs')], { encoding: 'utf8' });
    expect(noTrtexec.status).toBe(2);
    expect(noTrtexec.stderr).toMatch(/--trtexec/);
    const noTensorRT = spawnSync(process.execPath, [join(repo, 'bench', 'vs-trtexec.mjs'), '--trtexec', '/bin/true'], { encoding: 'utf8', env: { ...process.env, TRTN_BACKEND: 'mock' } });
    expect(noTensorRT.status).toBe(2);
    expect(noTensorRT.stderr).toMatch(/TensorRT backend did not load/);
  });

  it('box-session.sh refuses without a node bundle, without the TensorRT folder, and an unknown step', () => {
    const box = join(repo, 'scripts', 'device', 'box-session.sh');
    const noBundle = spawnSync('bash', [box, 'suite', '10.6.0'], { encoding: 'utf8', cwd: scratch, env: { ...process.env, TRTN_BUNDLE_DIR: join(scratch, 'none') } });
    expect(noBundle.status).toBe(2);
    expect(noBundle.stderr).toMatch(/no node bundle/);
    // A bundle whose node is this one, and no TensorRT folder.
    const bundle = join(scratch, 'bundle', 'current');
    mkdirSync(join(bundle, 'node', 'bin'), { recursive: true });
    mkdirSync(join(bundle, 'repo', 'dist'), { recursive: true });
    mkdirSync(join(bundle, 'repo', 'build'), { recursive: true });
    symlinkSync(process.execPath, join(bundle, 'node', 'bin', 'node'));
    const env = { ...process.env, TRTN_BUNDLE_DIR: join(scratch, 'bundle'), TRTN_TENSORRT_ROOT: join(scratch, 'trt') };
    const noTensorRT = spawnSync('bash', [box, 'suite', '10.6.0'], { encoding: 'utf8', cwd: scratch, env });
    expect(noTensorRT.status).toBe(2);
    expect(noTensorRT.stderr).toMatch(/carry the TensorRT 10\.6\.0 parts first/);
    mkdirSync(join(scratch, 'trt', '10.6.0', 'lib'), { recursive: true });
    const unknown = spawnSync('bash', [box, 'sweep', '10.6.0'], { encoding: 'utf8', cwd: scratch, env });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown step sweep/);
  });
});
