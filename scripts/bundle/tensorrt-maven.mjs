#!/usr/bin/env node
/**
 * TensorRT from Maven Central, carried to an offline GPU machine in parts.
 *
 *   node scripts/bundle/tensorrt-maven.mjs fetch <version>            # mvn dependency:copy into deps/jars/
 *   node scripts/bundle/tensorrt-maven.mjs split <version> [--part-size 60M] [--out .bundle/tensorrt-<version>] [--xz]
 *   node scripts/bundle/tensorrt-maven.mjs resplit <version> --part-size 50M [--out .bundle/tensorrt-<version>]
 *   node scripts/bundle/tensorrt-maven.mjs list                       # the known artifacts and what they hold
 *
 * The JavaCPP presets' `org.bytedeco:tensorrt:<artifact>:jar:linux-x86_64-redist` jars hold NVIDIA's plain .so
 * files. They are already deflate-compressed and the builder resource does not compress further, so `split`
 * copies the jar, drops the entries the GPU suite does not need with `zip -d` (no recompression) and cuts the
 * result raw into parts of at most --part-size. Each part folder holds the part and a manifest; on the GPU
 * machine `python3 scripts/bundle/unpack-tensorrt.py <part-folder>` keeps it and, once all are there, checks the
 * whole file's sha256 and extracts the libraries into /opt/trtn/tensorrt/<version>/lib (python3's zipfile: the
 * box has no unzip). With --xz the kept libraries are re-compressed as one tar.xz first (about half the deflate
 * size for the builder resources, so about half the parts and the device time to carry them; minutes of CPU here).
 * `resplit` joins the parts already under --out (each part's and the whole file's sha256 checked against their
 * manifest) and cuts them again at a new size, so a tree that has grown past what a call can carry beside a part
 * needs no second xz pass.
 * Nothing fetched here is ever committed: deps/ and .bundle/ are git-ignored.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * What each artifact is, checked on an H200 (see issue 7). `keep` lists the jar entries the suite needs;
 * everything else (JNI glue, other plugins) is dropped before splitting.
 */
export const ARTIFACTS = {
  '10.6.0': {
    artifact: '10.6-1.5.11',
    sha256: 'e7979693541f996bc284335b05f5e890a82b8b3aba50d680e1343a139cf291c4',
    keep: ['libnvinfer.so.10', 'libnvinfer_builder_resource.so.10.6.0', 'libnvonnxparser.so.10'],
    note: 'full builder and runtime (builder resource for every SM)',
  },
  '8.6.1': {
    artifact: '8.6-1.5.10',
    keep: ['libnvinfer.so.8', 'libnvinfer_builder_resource.so.8.6.1', 'libnvonnxparser.so.8', 'libnvinfer_plugin.so.8'],
    note: 'full builder and runtime; the parser NEEDs libnvinfer_plugin.so.8, which NEEDs cuBLAS 12 and cuDNN 8',
  },
  '11.2.1': {
    artifact: '11.2-1.5.14',
    keep: ['libnvinfer.so.11', 'libnvonnxparser.so.11'],
    note: 'runtime only: the jar has just libnvinfer_builder_resource_ptx, no sm_90 builder resource',
  },
};

class UsageError extends Error {}

function parseSize(text) {
  const match = /^(\d+)([KMG]?)$/i.exec(text);
  if (!match) throw new UsageError(`expected a size like 60M for --part-size, got ${JSON.stringify(text)}`);
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2].toUpperCase()];
  const size = Number(match[1]) * scale;
  if (size > 60 * 1024 ** 2) throw new UsageError('--part-size above 60M is refused: a carried call holds at most 64 MiB with the tree');
  return size;
}

function artifactOf(version) {
  const entry = ARTIFACTS[version];
  if (!entry) throw new UsageError(`unknown TensorRT version ${version}; known: ${Object.keys(ARTIFACTS).join(', ')}`);
  return entry;
}

/** Where `fetch` puts the redist jar of a known TensorRT version (deps/jars/, git-ignored). */
export function jarPath(version) {
  return join(root, 'deps', 'jars', `tensorrt-${artifactOf(version).artifact}-linux-x86_64-redist.jar`);
}

function sha256File(file) {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 22);
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function fetchJar(version) {
  const entry = artifactOf(version);
  const jar = jarPath(version);
  if (!existsSync(jar)) {
    mkdirSync(dirname(jar), { recursive: true });
    execFileSync('mvn', ['-q', 'dependency:copy', `-Dartifact=org.bytedeco:tensorrt:${entry.artifact}:jar:linux-x86_64-redist`, `-DoutputDirectory=${dirname(jar)}`], { stdio: 'inherit' });
  }
  if (entry.sha256) {
    const actual = sha256File(jar);
    if (actual !== entry.sha256) throw new Error(`${jar}: sha256 ${actual} is not the checked ${entry.sha256}; delete it and fetch again`);
  }
  console.log(`${jar} (${(statSync(jar).size / 2 ** 20).toFixed(1)} MiB) ${entry.sha256 ? 'sha256 verified' : ''}`);
  return jar;
}

function listEntries(jar) {
  const out = execFileSync('python3', ['-c', 'import sys,zipfile\nfor n in zipfile.ZipFile(sys.argv[1]).namelist(): print(n)', jar], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return out.split('\n').filter(Boolean);
}

function split(version, options) {
  const entry = artifactOf(version);
  const jar = existsSync(jarPath(version)) ? jarPath(version) : fetchJar(version);
  const out = resolve(options.out ?? join(root, '.bundle', `tensorrt-${version}`));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const subset = join(out, 'subset.jar');
  copyFileSync(jar, subset);
  const names = listEntries(subset);
  const base = (name) => name.split('/').pop();
  const missing = entry.keep.filter((wanted) => !names.some((name) => base(name) === wanted));
  if (missing.length) throw new Error(`${jar} lacks ${missing.join(', ')}`);
  const drop = names.filter((name) => !entry.keep.includes(base(name)));
  // zip -d takes many names at once; chunks keep the command line short.
  for (let index = 0; index < drop.length; index += 200) execFileSync('zip', ['-q', '-d', subset, ...drop.slice(index, index + 200)]);
  let format = 'jar';
  if (options.xz) {
    // The kept libraries re-compressed with xz -9: the builder resource comes to about half its deflate size (a 64
    // MiB sample: 0.36 of raw against 0.70), so fewer parts to carry. Slow here (minutes per version), fast to undo.
    // On the first 200 MiB of 10.6's builder resource (2 cores, 2026-12-03): -9e 57.83 MB in 141 s, -9 57.90 MB in
    // 111 s, -6 69.6 MB in 38 s; -9 keeps the parts (9 for 10.6) for a fifth less time.
    const scratch = join(out, 'libs');
    mkdirSync(scratch, { recursive: true });
    execFileSync('python3', ['-c', 'import sys,zipfile,os,shutil\nz=zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n  n=os.path.basename(i.filename)\n  if n:\n    with z.open(i) as s, open(os.path.join(sys.argv[2],n),"wb") as t: shutil.copyfileobj(s,t,1<<22)', subset, scratch]);
    const tarball = join(out, 'subset.tar.xz');
    execFileSync('bash', ['-c', `tar -C "${scratch}" -cf - ${entry.keep.map((name) => `"${name}"`).join(' ')} | xz -9 -T0 > "${tarball}"`], { stdio: 'inherit' });
    rmSync(scratch, { recursive: true, force: true });
    rmSync(subset);
    copyFileSync(tarball, subset);
    rmSync(tarball);
    format = 'tar.xz';
  }
  cut({ version, artifact: `org.bytedeco:tensorrt:${entry.artifact}:jar:linux-x86_64-redist`, format, keep: entry.keep }, subset, out, options.partSize);
}

/**
 * Cuts `file` raw into part folders under `out`, each with the whole file's manifest (`about`: version, artifact,
 * format and kept libraries, plus the sizes and sha256s found here); removes `file`.
 */
function cut(about, file, out, partSizeText) {
  const { version, keep } = about;
  const size = statSync(file).size;
  const total = sha256File(file);
  const partSize = parseSize(partSizeText ?? '60M');
  const count = Math.ceil(size / partSize);
  const parts = [];
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(partSize);
  try {
    for (let index = 0; index < count; index++) {
      const read = readSync(fd, buffer, 0, partSize, index * partSize);
      const name = `tensorrt.part-${String(index).padStart(3, '0')}`;
      const folder = join(out, `part-${String(index).padStart(3, '0')}`);
      mkdirSync(folder, { recursive: true });
      const partFd = openSync(join(folder, name), 'w');
      writeSync(partFd, buffer, 0, read);
      closeSync(partFd);
      parts.push({ index, name, size: read, sha256: createHash('sha256').update(buffer.subarray(0, read)).digest('hex') });
    }
  } finally {
    closeSync(fd);
  }
  const manifest = { ...about, size, sha256: total, parts };
  for (const part of parts) writeFileSync(join(out, `part-${String(part.index).padStart(3, '0')}`, 'manifest.json'), JSON.stringify(manifest, null, 1));
  rmSync(file);
  const plan = parts.map((part) => `python3 scripts/bundle/unpack-tensorrt.py ${join('.bundle', `tensorrt-${version}`, `part-${String(part.index).padStart(3, '0')}`)}`);
  writeFileSync(join(out, 'carry-plan.txt'), `${plan.join('\n')}\n`);
  console.log(`tensorrt ${version}: ${(size / 2 ** 20).toFixed(1)} MiB kept (${keep.join(', ')}) in ${count} part(s) of at most ${(partSize / 2 ** 20).toFixed(0)} MiB under ${out}`);
}

/** Joins the parts under `out` (every sha256 checked against the manifest) and cuts them again at --part-size. */
function resplit(version, options) {
  artifactOf(version);
  if (!options.partSize) throw new UsageError('resplit needs --part-size (e.g. 50M): the size the parts should have now');
  const out = resolve(options.out ?? join(root, '.bundle', `tensorrt-${version}`));
  const first = join(out, 'part-000', 'manifest.json');
  if (!existsSync(first)) throw new UsageError(`no parts under ${out}; run split ${version} first`);
  const manifest = JSON.parse(readFileSync(first, 'utf8'));
  if (manifest.version !== version) throw new UsageError(`${first} is for TensorRT ${manifest.version}, not ${version}`);
  const joined = join(out, `joined.${manifest.format}`);
  const target = openSync(joined, 'w');
  try {
    for (const part of manifest.parts) {
      const file = join(out, `part-${String(part.index).padStart(3, '0')}`, part.name);
      if (!existsSync(file)) throw new Error(`${file} is missing; run split ${version} again`);
      const data = readFileSync(file);
      const actual = createHash('sha256').update(data).digest('hex');
      if (data.length !== part.size || actual !== part.sha256) throw new Error(`${file} does not match its manifest (size or sha256); run split ${version} again`);
      writeSync(target, data);
    }
  } finally {
    closeSync(target);
  }
  const actual = sha256File(joined);
  if (actual !== manifest.sha256) {
    rmSync(joined);
    throw new Error(`the joined parts' sha256 ${actual} is not the manifest's ${manifest.sha256}; run split ${version} again`);
  }
  for (const part of manifest.parts) rmSync(join(out, `part-${String(part.index).padStart(3, '0')}`), { recursive: true, force: true });
  cut({ version, artifact: manifest.artifact, format: manifest.format, keep: manifest.keep }, joined, out, options.partSize);
}

function main(argv) {
  const [command, version, ...rest] = argv;
  const options = {};
  for (let index = 0; index < rest.length; index++) {
    if (rest[index] === '--part-size') options.partSize = rest[++index];
    else if (rest[index] === '--out') options.out = rest[++index];
    else if (rest[index] === '--xz') options.xz = true;
    else throw new UsageError(`unknown argument ${rest[index]}`);
  }
  if (command === 'list') {
    for (const [name, entry] of Object.entries(ARTIFACTS)) console.log(`${name}\torg.bytedeco:tensorrt:${entry.artifact}\t${entry.note}`);
  } else if (command === 'fetch' && version) fetchJar(version);
  else if (command === 'split' && version) split(version, options);
  else if (command === 'resplit' && version) resplit(version, options);
  else throw new UsageError('usage: tensorrt-maven.mjs fetch|split <version> [--part-size 60M] [--out DIR] [--xz] | resplit <version> --part-size 50M [--out DIR] | list');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`tensorrt-maven: ${error.message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
