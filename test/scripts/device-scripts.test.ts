/**
 * The scripts that run on the lent GPU machine are checked here first, because a mistake found there costs device
 * time that cannot be bought back: shell syntax, the bench's refusal without TensorRT, and box-session's refusals.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
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

  it.skipIf(!existsSync(join(repo, 'dist', 'index.js')))('bench/diagnose-parity.mjs --dry-run runs its timing and build parts on the mock against a stand-in trtexec', () => {
    const out = join(scratch, 'parity');
    const run = spawnSync(process.execPath, [join(repo, 'bench', 'diagnose-parity.mjs'), '--dry-run', '--trtexec', join(repo, 'test', 'support', 'fake-trtexec.mjs'), '--cpus', '0', '--rounds', '1', '--build-rounds', '1', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout.slice(-2000) + run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'diagnose-parity.json'), 'utf8'));
    expect(result.dryRun).toBe(true);
    // Nine variants in transfers+graph, two with spin-wait, seven in transfers, four in no-transfers: one round each.
    expect(result.timing).toHaveLength(22);
    // Each run keeps the mode it was timed in; trtn's own description of its mode is beside it.
    expect(new Set(result.timing.map((entry: { mode: string }) => entry.mode))).toEqual(new Set(['transfers+graph', 'transfers+graph spin', 'transfers', 'no-transfers']));
    expect(result.timing.filter((entry: { variant: string; trtnMode?: string }) => entry.variant.startsWith('trtn') && typeof entry.trtnMode === 'string')).toHaveLength(14);
    expect(Object.keys(result.summary['transfers+graph'])).toEqual(['trtexec', 'trtn', 'trtn waited', 'trtn own thread', 'trtn loop pinned', 'trtexec 32 connections', 'trtn 32 connections', 'trtexec split', 'trtn split']);
    // trtn's default with a graph records trtexec's six blocking events; the 'waited' variant one (mode words).
    const graphRun = (variant: string) => result.timing.find((entry: { mode: string; variant: string }) => entry.mode === 'transfers+graph' && entry.variant === variant);
    expect(graphRun('trtn').trtnMode).toContain('blocking sync on every event');
    expect(graphRun('trtn waited').trtnMode).toContain('blocking sync on the awaited event');
    expect(result.summary.transfers.trtexec).toBeGreaterThan(0);
    expect(result.exports.map((entry: { variant: string }) => entry.variant)).toEqual(['trtexec', 'trtn']);
    expect(result.builds.map((entry: { variant: string }) => entry.variant)).toEqual(['trtexec', 'trtn', 'trtn one malloc arena']);
    // The trtn CLI's build steps came through the preloaded subscriber, from its start to its exit.
    expect(result.builds[1].steps.map((step: { step: string }) => step.step)).toEqual(expect.arrayContaining(['preload', 'model read', 'engine ready', 'exit']));
  }, 120_000);

  it.skipIf(!existsSync(join(repo, 'dist', 'index.js')))('bench/vs-trtexec.mjs refuses clearly without trtexec and without TensorRT', () => {
    const noTrtexec = spawnSync(process.execPath, [join(repo, 'bench', 'vs-trtexec.mjs')], { encoding: 'utf8' });
    expect(noTrtexec.status).toBe(2);
    expect(noTrtexec.stderr).toMatch(/--trtexec/);
    const noTensorRT = spawnSync(process.execPath, [join(repo, 'bench', 'vs-trtexec.mjs'), '--trtexec', '/bin/true'], { encoding: 'utf8', env: { ...process.env, TRTN_BACKEND: 'mock' } });
    expect(noTensorRT.status).toBe(2);
    expect(noTensorRT.stderr).toMatch(/TensorRT backend did not load/);
  });

  it.skipIf(!existsSync(join(repo, 'dist', 'index.js')))(
    'bench/vs-trtexec.mjs --dry-run runs the whole protocol (models in rounds, builds, every diagnostic, --models-only then --resume) on the mock against a stand-in trtexec',
    () => {
      const bench = join(repo, 'bench', 'vs-trtexec.mjs');
      const fake = join(repo, 'test', 'support', 'fake-trtexec.mjs');
      const out = join(scratch, 'dry', 'vs-trtexec.json');
      const common = ['--dry-run', '--trtexec', fake, '--duration', '0.1', '--repeats', '3', '--out', out];
      const first = spawnSync(process.execPath, [bench, ...common, '--models', 'resnet-like-2of4', '--models-only', '--build-pairs', '2', '--diagnose'], { encoding: 'utf8', timeout: 120_000 });
      expect(first.status, first.stdout.slice(-2000) + first.stderr).toBe(0);
      expect(first.stdout).toMatch(/DRY RUN on the mock backend/);
      expect(existsSync(`${out}.partial.json`)).toBe(true);
      // A resume without --models keeps the first part's selection: no model is added behind the caller's back.
      const kept = join(scratch, 'dry', 'kept.json');
      copyFileSync(`${out}.partial.json`, `${kept}.partial.json`);
      const keptRun = spawnSync(process.execPath, [bench, ...common.slice(0, -1), kept, '--resume'], { encoding: 'utf8', timeout: 120_000 });
      expect(keptRun.status, keptRun.stdout.slice(-2000) + keptRun.stderr).toBe(0);
      expect(JSON.parse(readFileSync(kept, 'utf8')).models.map((model: { name: string }) => model.name)).toEqual(['resnet-like-2of4']);
      const second = spawnSync(process.execPath, [bench, ...common, '--models', 'resnet-like-2of4,seed003-hwc8', '--resume'], { encoding: 'utf8', timeout: 120_000 });
      expect(second.status, second.stdout.slice(-2000) + second.stderr).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8'));
      expect(result.dryRun).toBe(true);
      expect(result.models.map((model: { name: string }) => model.name)).toEqual(['resnet-like-2of4', 'seed003-hwc8']);
      for (const model of result.models) {
        expect(model.modes.map((mode: { mode: string }) => mode.mode)).toEqual(['transfers', 'transfers+graph', 'no-transfers', 'no-transfers+graph']);
        for (const mode of model.modes) expect(mode.trtexec.runs.length).toBeGreaterThanOrEqual(2);
      }
      expect(result.models[0].buildWallS.runs.trtn).toHaveLength(2);
      for (const key of ['gpuComputeMedianMax', 'throughputMin', 'buildWallMax']) expect(Number.isFinite(result.ratios[key])).toBe(true);
      expect(Number.isFinite(result.timingCacheSpeedup)).toBe(true);
      expect(result.diagnostics.length).toBeGreaterThan(0);
      expect(existsSync(`${out}.partial.json`)).toBe(false);
      // Never a dry run's figures where the measured ones live.
      const refused = spawnSync(process.execPath, [bench, '--dry-run', '--trtexec', fake], { encoding: 'utf8' });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/--dry-run writes no figures under bench\/results/);
    },
    180_000,
  );

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
