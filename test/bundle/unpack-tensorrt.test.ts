// scripts/bundle/unpack-tensorrt.py, the GPU machine's side of `tensorrt-maven.mjs split`: parts are checked one by
// one, the joined file by its sha256, and the kept libraries come out of a jar (zip) or, with split --xz, a tar.xz.
// The "libraries" here are small stand-in files: what is tested is the carrying, not TensorRT.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, '..', '..', 'scripts', 'bundle', 'unpack-tensorrt.py');
const maven = resolve(import.meta.dirname, '..', '..', 'scripts', 'bundle', 'tensorrt-maven.mjs');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const haveXz = spawnSync('xz', ['--version']).status === 0;

/** Stand-in libraries, archived as `format`, cut into parts of `partSize` bytes with split's manifest. */
function carried(format: 'jar' | 'tar.xz', partSize: number, trailingZeros = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'trtn-unpack-'));
  const libs = join(dir, 'libs');
  mkdirSync(libs);
  const files = { 'libnvinfer.so.10': randomBytes(40_000), 'libnvonnxparser.so.10': randomBytes(9_000), 'libjnitensorrt.so': randomBytes(100) };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(libs, name), bytes);
  const archive = join(dir, 'whole');
  const made =
    format === 'jar'
      ? spawnSync('python3', ['-c', 'import sys,zipfile,os\nz=zipfile.ZipFile(sys.argv[1],"w")\nfor n in sys.argv[3:]: z.write(os.path.join(sys.argv[2],n),"org/bytedeco/tensorrt/linux-x86_64/"+n)\nz.close()', archive, libs, ...Object.keys(files)])
      : spawnSync('bash', ['-c', `{ tar -C "${libs}" -cf - ${Object.keys(files).join(' ')}; head -c ${trailingZeros} /dev/zero; } | xz -6 > "${archive}"`]);
  expect(made.status, String(made.stderr)).toBe(0);
  const whole = readFileSync(archive);
  const parts = [];
  for (let index = 0; index * partSize < whole.length; index++) {
    const bytes = whole.subarray(index * partSize, (index + 1) * partSize);
    parts.push({ index, name: `tensorrt.part-${String(index).padStart(3, '0')}`, size: bytes.length, sha256: sha256(bytes), bytes });
  }
  const manifest = { version: '10.6.0', format, keep: ['libnvinfer.so.10', 'libnvonnxparser.so.10'], size: whole.length, sha256: sha256(whole), parts: parts.map(({ bytes: _bytes, ...part }) => part) };
  const folders = parts.map((part) => {
    const folder = join(dir, `part-${String(part.index).padStart(3, '0')}`);
    mkdirSync(folder);
    writeFileSync(join(folder, part.name), part.bytes);
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
    return folder;
  });
  return { dir, files, folders, dest: join(dir, 'opt') };
}

/** Flips one byte of `file`, as a damaged transfer would. */
function damage(file: string, at: number) {
  const bytes = readFileSync(file);
  bytes[at] ^= 0xff;
  writeFileSync(file, bytes);
}

const unpack = (folder: string, dest: string, env: NodeJS.ProcessEnv = process.env) => spawnSync('python3', [script, folder, dest], { encoding: 'utf8', env });

describe('unpack-tensorrt.py', () => {
  for (const format of ['jar', 'tar.xz'] as const) {
    it.skipIf(format === 'tar.xz' && !haveXz)(`${format}: PARTIAL part by part, then COMPLETE with the kept libraries byte-identical and nothing else`, () => {
      const { files, folders, dest } = carried(format, 16_000);
      expect(folders.length).toBeGreaterThan(1);
      for (const [index, folder] of folders.entries()) {
        const result = unpack(folder, dest);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toContain(index < folders.length - 1 ? `TENSORRT PARTIAL ${index + 1}/${folders.length}` : 'TENSORRT COMPLETE 10.6.0');
      }
      const lib = join(dest, '10.6.0', 'lib');
      expect(readFileSync(join(lib, 'libnvinfer.so.10')).equals(files['libnvinfer.so.10'])).toBe(true);
      expect(readFileSync(join(lib, 'libnvonnxparser.so.10')).equals(files['libnvonnxparser.so.10'])).toBe(true);
      expect(existsSync(join(lib, 'libjnitensorrt.so'))).toBe(false);
    });
  }

  it.skipIf(!haveXz)('tar.xz: the xz tool and python3 alone (TRTN_UNPACK_DECODER=python) extract the same bytes, and say which ran', () => {
    for (const [decoder, env] of [['xz -T0', process.env], ['python3 lzma', { ...process.env, TRTN_UNPACK_DECODER: 'python' }]] as const) {
      // 1 MiB of zeros after the archive's end (as a tar padded to a large blocking factor): the xz path must read
      // past where tar stops, or xz dies of SIGPIPE (it did on the real 10.6 split before the drain).
      const { files, folders, dest } = carried('tar.xz', 16_000, 1 << 20);
      let last;
      for (const folder of folders) last = unpack(folder, dest, env);
      expect(last!.status, last!.stderr).toBe(0);
      expect(last!.stdout).toContain(`TENSORRT COMPLETE 10.6.0 ${join(dest, '10.6.0', 'lib')} (${decoder})`);
      const lib = join(dest, '10.6.0', 'lib');
      expect(readFileSync(join(lib, 'libnvinfer.so.10')).equals(files['libnvinfer.so.10'])).toBe(true);
      expect(readFileSync(join(lib, 'libnvonnxparser.so.10')).equals(files['libnvonnxparser.so.10'])).toBe(true);
      expect(existsSync(join(lib, 'libjnitensorrt.so'))).toBe(false);
    }
  });

  it('rejects a damaged part and says to carry it again', () => {
    const { folders, dest } = carried('jar', 16_000);
    damage(join(folders[0], 'tensorrt.part-000'), 10);
    const result = unpack(folders[0], dest);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/REJECTED tensorrt\.part-000: sha256 .* carry it again/);
  });

  it('resplit (tensorrt-maven.mjs) cuts carried parts again at a new size, and the new parts unpack to the same bytes', () => {
    const { dir, files, folders, dest } = carried('jar', 16_000);
    const result = spawnSync(process.execPath, [maven, 'resplit', '10.6.0', '--part-size', '10K', '--out', dir], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'part-000', 'manifest.json'), 'utf8'));
    expect(manifest.parts.length).toBeGreaterThan(folders.length);
    expect(Math.max(...manifest.parts.map((part: { size: number }) => part.size))).toBe(10 * 1024);
    expect(readFileSync(join(dir, 'carry-plan.txt'), 'utf8').trim().split('\n')).toHaveLength(manifest.parts.length);
    let last = '';
    for (const part of manifest.parts) last = unpack(join(dir, `part-${String(part.index).padStart(3, '0')}`), dest).stdout;
    expect(last).toContain('TENSORRT COMPLETE 10.6.0');
    expect(readFileSync(join(dest, '10.6.0', 'lib', 'libnvinfer.so.10')).equals(files['libnvinfer.so.10'])).toBe(true);
  });

  it('resplit refuses damaged parts, leaves them where they were and says to split again', () => {
    const { dir, folders } = carried('jar', 16_000);
    damage(join(folders[1], 'tensorrt.part-001'), 0);
    const result = spawnSync(process.execPath, [maven, 'resplit', '10.6.0', '--part-size', '10K', '--out', dir], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/tensorrt\.part-001 does not match its manifest .*run split 10\.6\.0 again/);
    for (const folder of folders) expect(existsSync(folder)).toBe(true);
    const usage = spawnSync(process.execPath, [maven, 'resplit', '10.6.0', '--out', dir], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('resplit needs --part-size');
  });
});
