import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const packScript = path.join(repoRoot, 'scripts/bundle/pack.mjs');
const KIB = 1024;

interface Manifest {
  id: string;
  compression: string;
  archive: { name: string; size: number; sha256: string };
  partSize: number;
  parts: Array<{ index: number; name: string; size: number; sha256: string }>;
  node: { version: string; path: string } | null;
  tensorrt: Array<{ version: string; lib: string; include: string | null }>;
  includes: Array<{ source: string; dest: string; kind: string; files: number; bytes: number }>;
  contents: Array<{ path: string; size: number; symlink?: string }>;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function pack(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [packScript, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function unpack(partDir: string, dest: string, env: Record<string, string> = {}): { status: number | null; output: string } {
  const result = spawnSync('bash', [path.join(partDir, 'unpack.sh'), partDir, dest], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function listTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const stat = fs.lstatSync(abs);
      const key = rel ? `${rel}/${name}` : name;
      if (stat.isSymbolicLink()) files.set(key, `-> ${fs.readlinkSync(abs)}`);
      else if (stat.isDirectory()) visit(abs, key);
      else files.set(key, `${sha256(fs.readFileSync(abs))} ${(stat.mode & 0o777).toString(8)}`);
    }
  };
  visit(root, '');
  return files;
}

let work: string;
let source: string;
let trtRoot: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'trtn-bundle-test-'));
  source = path.join(work, 'source');
  fs.mkdirSync(path.join(source, 'nested/deeper'), { recursive: true });
  // Random bytes do not compress, so ~300 KiB of them must span several 64 KiB parts.
  fs.writeFileSync(path.join(source, 'random.bin'), randomBytes(300 * KIB));
  fs.writeFileSync(path.join(source, 'nested/deeper/text.txt'), 'hello from the box\n'.repeat(100));
  fs.writeFileSync(path.join(source, 'nested/tool.sh'), '#!/bin/sh\necho ok\n', { mode: 0o755 });
  fs.writeFileSync(path.join(source, 'nested/skip-me.map'), 'excluded');
  fs.symlinkSync('deeper/text.txt', path.join(source, 'nested/link.txt'));
  // A TensorRT-shaped tree: versioned library with the usual relative symlinks, and headers.
  trtRoot = path.join(work, 'TensorRT-10.99.1');
  fs.mkdirSync(path.join(trtRoot, 'lib'), { recursive: true });
  fs.mkdirSync(path.join(trtRoot, 'include'), { recursive: true });
  fs.writeFileSync(path.join(trtRoot, 'lib/libnvinfer.so.10.99.1'), randomBytes(10 * KIB));
  fs.symlinkSync('libnvinfer.so.10.99.1', path.join(trtRoot, 'lib/libnvinfer.so.10'));
  fs.symlinkSync('libnvinfer.so.10', path.join(trtRoot, 'lib/libnvinfer.so'));
  fs.writeFileSync(path.join(trtRoot, 'include/NvInferVersion.h'), '#define X 1\n');
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('pack.mjs + unpack.sh round trip', () => {
  let out: string;
  let manifest: Manifest;
  const partSize = 64 * KIB;

  beforeAll(() => {
    out = path.join(work, 'out');
    const result = pack(
      ['--no-node', '--include', `${source}=files/source`, '--tensorrt', `10.99=${trtRoot}`, '--exclude', '**/*.map', '--out', out, '--part-size', '64K', '--dest', '/opt/x'],
      { TRTN_BUNDLE_ALLOW_SMALL_PARTS: '1' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
  });

  it('splits into parts no larger than the part size, each with its own verified copy of the manifest', () => {
    expect(manifest.parts.length).toBeGreaterThanOrEqual(5);
    expect(manifest.partSize).toBe(partSize);
    const joined: Buffer[] = [];
    for (const part of manifest.parts) {
      const dir = path.join(out, `part-${String(part.index).padStart(3, '0')}`);
      const bytes = fs.readFileSync(path.join(dir, part.name));
      expect(bytes.length).toBeLessThanOrEqual(partSize);
      expect(bytes.length).toBe(part.size);
      expect(sha256(bytes)).toBe(part.sha256);
      expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
      expect(fs.existsSync(path.join(dir, 'unpack.sh'))).toBe(true);
      joined.push(bytes);
    }
    // Every part but the last is full: no wasted calls.
    expect(manifest.parts.slice(0, -1).every((part) => part.size === partSize)).toBe(true);
    const whole = Buffer.concat(joined);
    expect(whole.length).toBe(manifest.archive.size);
    expect(sha256(whole)).toBe(manifest.archive.sha256);
  });

  it('lists contents with sizes, the TensorRT version, and leaves excluded files out', () => {
    const byPath = new Map(manifest.contents.map((entry) => [entry.path, entry]));
    expect(byPath.get('files/source/random.bin')?.size).toBe(300 * KIB);
    expect(byPath.get('files/source/nested/link.txt')?.symlink).toBe('deeper/text.txt');
    expect(byPath.has('files/source/nested/skip-me.map')).toBe(false);
    expect(byPath.get('tensorrt/10.99/lib/libnvinfer.so.10.99.1')?.size).toBe(10 * KIB);
    expect(manifest.tensorrt).toEqual([{ version: '10.99', lib: 'tensorrt/10.99/lib', include: 'tensorrt/10.99/include' }]);
    expect(manifest.node).toBeNull();
    expect(manifest.includes.map((include) => include.kind).sort()).toEqual(['path', 'tensorrt-include', 'tensorrt-lib']);
    const plan = fs.readFileSync(path.join(out, 'carry-plan.txt'), 'utf8');
    for (const part of manifest.parts) {
      const folder = `part-${String(part.index).padStart(3, '0')}`;
      expect(plan).toContain(`unpack.sh`);
      expect(plan).toMatch(new RegExp(`carry: +\\S*${folder}\\n +command: bash \\S*${folder}/unpack.sh \\S*${folder} /opt/x`));
    }
  });

  it('reports PARTIAL part by part, rejects a corrupt part, then extracts a byte-identical tree on COMPLETE', () => {
    const dest = path.join(work, 'dest');
    const dirs = manifest.parts.map((part) => path.join(out, `part-${String(part.index).padStart(3, '0')}`));
    const n = dirs.length;
    // Out of order, and the first one twice: order must not matter and re-running must be harmless.
    const order = [n - 1, ...dirs.slice(0, -1).map((_, index) => index)];
    const first = unpack(dirs[order[0]], dest);
    expect(first.status).toBe(0);
    expect(first.output).toContain(`BUNDLE PARTIAL 1/${n}`);
    expect(first.output).toContain('missing: bundle.part-000');
    expect(unpack(dirs[order[0]], dest).output).toContain(`BUNDLE PARTIAL 1/${n}`);

    // A flipped byte in a carried part: rejected, nothing stored, still partial.
    const corruptDir = path.join(work, 'corrupt');
    fs.cpSync(dirs[0], corruptDir, { recursive: true });
    const corruptFile = path.join(corruptDir, manifest.parts[0].name);
    const bytes = fs.readFileSync(corruptFile);
    bytes[1000] ^= 0xff;
    fs.writeFileSync(corruptFile, bytes);
    const rejected = unpack(corruptDir, dest);
    expect(rejected.status).toBe(1);
    expect(rejected.output).toContain(`REJECTED ${manifest.parts[0].name}`);
    expect(rejected.output).toContain(`BUNDLE PARTIAL 1/${n}`);

    for (const [step, index] of order.slice(1).entries()) {
      // Alternate the python3 and the sed/grep manifest readers: both must agree.
      const result = unpack(dirs[index], dest, step % 2 === 0 ? { TRTN_UNPACK_NO_PYTHON: '1' } : {});
      expect(result.status, result.output).toBe(0);
      if (step < n - 2) expect(result.output).toContain(`BUNDLE PARTIAL ${step + 2}/${n}`);
      else expect(result.output).toContain(`BUNDLE COMPLETE ${manifest.id}`);
    }
    const extracted = path.join(dest, 'current');
    const expected = listTree(source);
    expected.delete('nested/skip-me.map');
    expect(listTree(path.join(extracted, 'files/source'))).toEqual(expected);
    expect(listTree(path.join(extracted, 'tensorrt/10.99/lib'))).toEqual(listTree(path.join(trtRoot, 'lib')));
    expect(fs.realpathSync(path.join(extracted, 'tensorrt/10.99/lib/libnvinfer.so'))).toBe(fs.realpathSync(path.join(extracted, 'tensorrt/10.99/lib/libnvinfer.so.10.99.1')));

    // Complete is sticky and idempotent; a corrupt re-carry is still reported.
    expect(unpack(dirs[0], dest).output).toContain(`BUNDLE COMPLETE ${manifest.id}`);
    expect(unpack(corruptDir, dest).status).toBe(1);
  });
});

describe('pack.mjs options', () => {
  it('refuses parts over 60 MiB and tiny parts outside tests', () => {
    const over = pack(['--no-node', '--include', `${source}=x`, '--out', path.join(work, 'o1'), '--part-size', '61M'], { TRTN_BUNDLE_ALLOW_SMALL_PARTS: '' });
    expect(over.status).toBe(2);
    expect(over.stderr).toMatch(/over the 60 MiB/);
    const tiny = pack(['--no-node', '--include', `${source}=x`, '--out', path.join(work, 'o2'), '--part-size', '64K'], { TRTN_BUNDLE_ALLOW_SMALL_PARTS: '' });
    expect(tiny.status).toBe(2);
    expect(tiny.stderr).toMatch(/tests only/);
  });

  it('packs with gzip (the fallback when xz is missing) and unpacks in one part', () => {
    const out = path.join(work, 'gz');
    const result = pack(['--no-node', '--include', `${source}=g`, '--out', out, '--compression', 'gzip', '--id', 'gz-test']);
    expect(result.status, result.stderr).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.compression).toBe('gzip');
    expect(manifest.parts).toHaveLength(1);
    const dest = path.join(work, 'gz-dest');
    expect(unpack(path.join(out, 'part-000'), dest).output).toContain('BUNDLE COMPLETE gz-test');
    expect(sha256(fs.readFileSync(path.join(dest, 'current/g/random.bin')))).toBe(sha256(fs.readFileSync(path.join(source, 'random.bin'))));
  });

  it('resolves a runtime node_modules closure: vitest brings vite and its native rolldown binding, not type-only packages', async () => {
    const { nodeModulesClosure } = await import('../../scripts/bundle/pack.mjs');
    const names = nodeModulesClosure(['vitest'], repoRoot).map((entry) => entry.package.replace(/@[^@]+$/, ''));
    expect(names).toContain('vitest');
    expect(names).toContain('vite');
    expect(names.some((name) => name.startsWith('@rolldown/binding-'))).toBe(true);
    expect(names.some((name) => name.startsWith('@types/'))).toBe(false);
    expect(names).not.toContain('typescript');
    const prod = nodeModulesClosure(['@prod'], repoRoot).map((entry) => entry.package.replace(/@[^@]+$/, ''));
    const declared = Object.keys((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    for (const name of declared) expect(prod).toContain(name);
    expect(prod).not.toContain('vitest');
  });

  it('list mode includes the node binary by default and packs nothing', () => {
    const out = path.join(work, 'list');
    const result = pack(['--include', `${source}=s`, '--include', `${path.join(work, 'absent')}?`, '--out', out, '--list']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/optional include .*absent, skipped/);
    expect(pack(['--include', path.join(work, 'absent'), '--out', out, '--list']).status).toBe(2);
    expect(result.stdout).toContain('node/bin/node  (node)');
    expect(fs.existsSync(out)).toBe(false);
  });
});
