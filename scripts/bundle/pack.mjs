#!/usr/bin/env node
/**
 * Packs a node binary, built outputs, a node_modules subset and (optionally) TensorRT libraries into one
 * compressed tar split into parts small enough to carry one per transfer to an offline GPU box, where
 * `unpack.sh` (no node needed) verifies and reassembles them.
 *
 * Usage: node scripts/bundle/pack.mjs [--manifest pack.json] [--node PATH | --no-node]
 *          [--include SRC[=DEST][?]]... [--node-modules PKG|@prod]... [--tensorrt VERSION=DIR]...
 *          [--exclude GLOB]... [--out .bundle] [--part-size 60M] [--compression auto|xz|zstd|gzip]
 *          [--dest /opt/trtn-bundle] [--list]
 * Only node's standard library and the system `tar` (plus `xz`/`zstd` when present) are used.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const MIB = 1024 * 1024;
/** One transfer to the box carries at most this much; a part must never be larger. */
export const MAX_PART_SIZE = 60 * MIB;
/** Below this, parts are only allowed for tests (TRTN_BUNDLE_ALLOW_SMALL_PARTS=1): thousands of calls is a mistake. */
const MIN_PART_SIZE = 1 * MIB;
const HERE = path.dirname(fileURLToPath(import.meta.url));

class UsageError extends Error {}

/** Parses `60M`, `64K`, `1G` or a plain byte count (binary units). */
export function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?$/i.exec(String(text).trim());
  if (!match) throw new UsageError(`expected a size like 60M or 65536 for --part-size, got ${JSON.stringify(text)}`);
  const unit = { '': 1, K: 1024, M: MIB, G: 1024 * MIB }[match[2].toUpperCase()];
  return Math.floor(Number(match[1]) * unit);
}

function parseArgs(argv) {
  const options = { include: [], nodeModules: [], tensorrt: [], exclude: [] };
  const takesValue = new Set(['--manifest', '--node', '--include', '--node-modules', '--tensorrt', '--exclude', '--out', '--part-size', '--compression', '--dest', '--repo-root', '--id']);
  for (let index = 0; index < argv.length; index += 1) {
    let flag = argv[index];
    let value;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0 && takesValue.has(flag.slice(0, eq))) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    } else if (takesValue.has(flag)) {
      value = argv[++index];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
    }
    switch (flag) {
      case '--manifest': options.manifest = value; break;
      case '--node': options.node = value; break;
      case '--no-node': options.node = null; break;
      case '--include': options.include.push(value); break;
      case '--node-modules': options.nodeModules.push(value); break;
      case '--tensorrt': options.tensorrt.push(value); break;
      case '--exclude': options.exclude.push(value); break;
      case '--out': options.out = value; break;
      case '--part-size': options.partSize = value; break;
      case '--compression': options.compression = value; break;
      case '--dest': options.dest = value; break;
      case '--repo-root': options.repoRoot = value; break;
      case '--id': options.id = value; break;
      case '--list': options.list = true; break;
      case '--help': case '-h': options.help = true; break;
      default: throw new UsageError(`unknown argument ${JSON.stringify(flag)} (see --help)`);
    }
  }
  return options;
}

/** Merges a JSON manifest (`{node, include, nodeModules, tensorrt, exclude, out, partSize, compression, dest}`) under the flags. */
function mergeManifest(options) {
  if (!options.manifest) return options;
  const file = path.resolve(options.manifest);
  let json;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read --manifest ${file}: ${error.message}`);
  }
  const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const trt = Array.isArray(json.tensorrt)
    ? json.tensorrt
    : Object.entries(json.tensorrt ?? {}).map(([version, dir]) => `${version}=${dir}`);
  return {
    ...options,
    node: options.node !== undefined ? options.node : json.node,
    include: [...list(json.include), ...options.include],
    nodeModules: [...list(json.nodeModules), ...options.nodeModules],
    tensorrt: [...trt, ...options.tensorrt],
    exclude: [...list(json.exclude), ...options.exclude],
    out: options.out ?? json.out,
    partSize: options.partSize ?? json.partSize,
    compression: options.compression ?? json.compression,
    dest: options.dest ?? json.dest,
  };
}

/** Turns a glob (`*` within a segment, `**` across segments, `?`) into an anchored RegExp. */
export function globToRegExp(glob) {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index];
    if (char === '*' && glob[index + 1] === '*') {
      source += '.*';
      index += 1;
      if (glob[index + 1] === '/') index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function resolvePackageDir(name, fromDir, repoRoot) {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (dir === repoRoot || path.dirname(dir) === dir) return undefined;
    dir = path.dirname(dir);
  }
}

/**
 * The runtime closure of packages: `dependencies` and installed `optionalDependencies`/`peerDependencies`,
 * resolved as node would from each package's own folder. Type-only `@types/*` packages are never loaded at
 * run time and are left out.
 */
export function nodeModulesClosure(roots, repoRoot) {
  const rootPackage = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const names = roots.flatMap((root) => (root === '@prod' ? Object.keys(rootPackage.dependencies ?? {}) : [root]));
  const found = new Map();
  const missing = [];
  const queue = names.map((name) => ({ name, from: repoRoot, required: true }));
  while (queue.length > 0) {
    const { name, from, required } = queue.shift();
    if (name.startsWith('@types/')) continue;
    const dir = resolvePackageDir(name, from, repoRoot);
    if (!dir) {
      if (required) missing.push(name);
      continue;
    }
    if (found.has(dir)) continue;
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    found.set(dir, `${pkg.name}@${pkg.version}`);
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, required: true });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, required: false });
    for (const dep of Object.keys(pkg.peerDependencies ?? {})) queue.push({ name: dep, from: dir, required: false });
  }
  if (missing.length > 0) throw new UsageError(`not installed in node_modules: ${[...new Set(missing)].join(', ')} (run npm ci first)`);
  // A package nested inside another included package travels with it.
  const dirs = [...found.keys()].sort();
  const top = dirs.filter((dir) => !dirs.some((other) => other !== dir && dir.startsWith(`${other}${path.sep}`)));
  return top.map((dir) => ({ dir, package: found.get(dir) }));
}

/** Lists files, symlinks and directories under `source` as bundle paths under `dest`, skipping excluded ones. */
function walk(source, dest, excludes) {
  const entries = [];
  const visit = (abs, rel) => {
    if (excludes.some((re) => re.test(rel))) return;
    const stat = fs.lstatSync(abs);
    if (stat.isSymbolicLink()) entries.push({ abs, rel, type: 'symlink', size: 0, target: fs.readlinkSync(abs) });
    else if (stat.isDirectory()) {
      entries.push({ abs, rel, type: 'dir', size: 0 });
      for (const name of fs.readdirSync(abs).sort()) visit(path.join(abs, name), `${rel}/${name}`);
    } else if (stat.isFile()) entries.push({ abs, rel, type: 'file', size: stat.size, mode: stat.mode });
  };
  visit(source, dest);
  return entries;
}

function isInside(child, parent) {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Decides every include: where it comes from, where it lands in the bundle, and what it is. */
function planIncludes(options, repoRoot) {
  const includes = [];
  if (options.node !== null) {
    const nodePath = fs.realpathSync(options.node ?? process.execPath);
    includes.push({ source: nodePath, dest: 'node/bin/node', kind: 'node' });
  }
  for (const given of options.include) {
    // A trailing '?' marks an optional include (e.g. dist/ before the first build): skipped when absent.
    const optional = given.endsWith('?');
    const spec = optional ? given.slice(0, -1) : given;
    const eq = spec.indexOf('=');
    const source = path.resolve(repoRoot, eq > 0 ? spec.slice(0, eq) : spec);
    if (!fs.existsSync(source)) {
      if (optional) {
        process.stderr.write(`pack: optional include ${spec} is absent, skipped\n`);
        continue;
      }
      throw new UsageError(`--include ${spec}: ${source} does not exist (append ? to make it optional)`);
    }
    const dest = eq > 0 ? spec.slice(eq + 1) : isInside(source, repoRoot) ? `repo/${path.relative(repoRoot, source).split(path.sep).join('/')}` : `extra/${path.basename(source)}`;
    includes.push({ source, dest, kind: 'path' });
  }
  if (options.nodeModules.length > 0) {
    for (const { dir, package: pkg } of nodeModulesClosure(options.nodeModules, repoRoot)) {
      includes.push({ source: dir, dest: `repo/${path.relative(repoRoot, dir).split(path.sep).join('/')}`, kind: 'node-modules', package: pkg });
    }
  }
  const tensorrt = [];
  for (const spec of options.tensorrt) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected VERSION=DIR for --tensorrt, got ${JSON.stringify(spec)}`);
    const version = spec.slice(0, eq);
    if (!/^[0-9A-Za-z._-]+$/.test(version)) throw new UsageError(`--tensorrt version ${JSON.stringify(version)} may only contain letters, digits, '.', '_' and '-'`);
    const dir = path.resolve(spec.slice(eq + 1));
    if (!fs.existsSync(dir)) throw new UsageError(`--tensorrt ${spec}: ${dir} does not exist`);
    // Either a TensorRT root (lib/ and include/ inside) or a bare library folder (e.g. a wheel's tensorrt_libs/).
    const libDir = fs.existsSync(path.join(dir, 'lib')) ? path.join(dir, 'lib') : dir;
    const includeDir = fs.existsSync(path.join(dir, 'include')) ? path.join(dir, 'include') : undefined;
    includes.push({ source: libDir, dest: `tensorrt/${version}/lib`, kind: 'tensorrt-lib' });
    if (includeDir) includes.push({ source: includeDir, dest: `tensorrt/${version}/include`, kind: 'tensorrt-include' });
    tensorrt.push({ version, lib: `tensorrt/${version}/lib`, include: includeDir ? `tensorrt/${version}/include` : null });
  }
  const seen = new Set();
  for (const include of includes) {
    if (seen.has(include.dest)) throw new UsageError(`two includes land on the same bundle path ${include.dest}; give one a destination with SRC=DEST`);
    seen.add(include.dest);
  }
  return { includes, tensorrt };
}

function has(command, args = ['--version']) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

function pickCompression(requested) {
  const choice = requested ?? 'auto';
  if (!['auto', 'xz', 'zstd', 'gzip'].includes(choice)) throw new UsageError(`expected auto, xz, zstd or gzip for --compression, got ${JSON.stringify(choice)}`);
  // xz by default: the box may lack the xz tool but python3's lzma module can always read it; zstd it cannot.
  if (choice === 'auto') return has('xz') ? 'xz' : 'gzip';
  if (choice !== 'gzip' && !has(choice)) throw new UsageError(`--compression ${choice}: the ${choice} command is not installed here`);
  return choice;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr?.toString().trim()}`);
  return result;
}

/** Writes the uncompressed tar: one append per include so each lands at its own bundle path. */
function writeTar(tarPath, includes, entriesByInclude) {
  run('tar', ['--create', '--file', tarPath, '--files-from', '/dev/null']);
  includes.forEach((include, index) => {
    const parent = path.dirname(include.source);
    const base = path.basename(include.source);
    const listFile = `${tarPath}.list-${index}`;
    const names = entriesByInclude[index].map((entry) => base + entry.rel.slice(include.dest.length));
    fs.writeFileSync(listFile, `${names.join('\n')}\n`);
    const escaped = base.replace(/[.[\]*^$\\,]/g, '\\$&');
    // 'S': leave symlink targets alone (libnvinfer.so -> libnvinfer.so.10 stays relative and valid).
    const transform = `s,^${escaped}\\(/\\|$\\),${include.dest}\\1,S`;
    run('tar', ['--append', '--file', tarPath, '--owner=0', '--group=0', '--numeric-owner', '--no-recursion', '-C', parent, `--transform=${transform}`, '--files-from', listFile]);
    fs.rmSync(listFile);
  });
}

/** A writable that cuts the stream into parts of at most `partSize` bytes, hashing each part and the whole. */
class PartWriter extends Writable {
  constructor(outDir, partSize) {
    super();
    this.outDir = outDir;
    this.partSize = partSize;
    this.parts = [];
    this.total = createHash('sha256');
    this.totalSize = 0;
    this.current = undefined;
  }

  #open() {
    const index = this.parts.length;
    const name = `bundle.part-${String(index).padStart(3, '0')}`;
    const dir = path.join(this.outDir, `part-${String(index).padStart(3, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    this.current = { index, name, dir, fd: fs.openSync(path.join(dir, name), 'w'), hash: createHash('sha256'), size: 0 };
  }

  #close() {
    const { index, name, dir, fd, hash, size } = this.current;
    fs.closeSync(fd);
    this.parts.push({ index, name, dir, size, sha256: hash.digest('hex') });
    this.current = undefined;
  }

  _write(chunk, _encoding, callback) {
    try {
      this.total.update(chunk);
      this.totalSize += chunk.length;
      let offset = 0;
      while (offset < chunk.length) {
        if (!this.current) this.#open();
        const take = Math.min(chunk.length - offset, this.partSize - this.current.size);
        const slice = chunk.subarray(offset, offset + take);
        fs.writeSync(this.current.fd, slice);
        this.current.hash.update(slice);
        this.current.size += take;
        offset += take;
        if (this.current.size === this.partSize) this.#close();
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  _final(callback) {
    if (this.current) this.#close();
    if (this.parts.length === 0) {
      this.#open();
      this.#close();
    }
    callback();
  }
}

async function compressInto(tarPath, compression, writer) {
  if (compression === 'gzip') {
    await pipeline(fs.createReadStream(tarPath), zlib.createGzip({ level: 9 }), writer);
    return;
  }
  const args = compression === 'xz' ? ['-T0', '-6', '-c', tarPath] : ['-T0', '-12', '-q', '-c', tarPath];
  const child = spawn(compression, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data) => { stderr += data; });
  const exited = new Promise((resolve) => child.on('close', resolve));
  await pipeline(child.stdout, writer);
  const code = await exited;
  if (code !== 0) throw new Error(`${compression} failed (${code}): ${stderr.trim()}`);
}

function formatSize(bytes) {
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function shellQuote(text) {
  return /^[\w./=:@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Packs according to `argv`; returns the manifest. Exported for tests. */
export async function pack(argv) {
  const options = mergeManifest(parseArgs(argv));
  if (options.help) {
    process.stdout.write(`${fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]}*/\n`);
    return undefined;
  }
  const repoRoot = path.resolve(options.repoRoot ?? process.cwd());
  const partSize = options.partSize === undefined ? MAX_PART_SIZE : parseSize(options.partSize);
  if (partSize > MAX_PART_SIZE) throw new UsageError(`--part-size ${formatSize(partSize)} is over the 60 MiB a transfer can carry; use 60M or less`);
  if (partSize < MIN_PART_SIZE && process.env.TRTN_BUNDLE_ALLOW_SMALL_PARTS !== '1') {
    throw new UsageError(`--part-size ${formatSize(partSize)} is under 1 MiB; small parts are for tests only (TRTN_BUNDLE_ALLOW_SMALL_PARTS=1)`);
  }
  if (partSize < 1) throw new UsageError('--part-size must be at least 1 byte');
  const dest = options.dest ?? '/opt/trtn-bundle';
  const outDir = path.resolve(repoRoot, options.out ?? '.bundle');
  const excludes = options.exclude.map(globToRegExp);
  const { includes, tensorrt } = planIncludes(options, repoRoot);
  if (includes.length === 0) throw new UsageError('nothing to pack: give --include, --node-modules, --tensorrt or keep the default --node');

  const entriesByInclude = includes.map((include) => walk(include.source, include.dest, excludes));
  const contents = entriesByInclude.flat().filter((entry) => entry.type !== 'dir').map((entry) => (entry.type === 'symlink' ? { path: entry.rel, size: 0, symlink: entry.target } : { path: entry.rel, size: entry.size }));
  const includeSummary = includes.map((include, index) => ({
    source: include.source,
    dest: include.dest,
    kind: include.kind,
    ...(include.package ? { package: include.package } : {}),
    files: entriesByInclude[index].filter((entry) => entry.type === 'file').length,
    bytes: entriesByInclude[index].reduce((sum, entry) => sum + entry.size, 0),
  }));
  const uncompressedSize = contents.reduce((sum, entry) => sum + entry.size, 0);

  if (options.list) {
    for (const include of includeSummary) process.stdout.write(`${formatSize(include.bytes).padStart(10)}  ${include.dest}  (${include.kind}${include.package ? ` ${include.package}` : ''})\n`);
    process.stdout.write(`${formatSize(uncompressedSize).padStart(10)}  total, ${contents.length} files, before compression\n`);
    return { includes: includeSummary, uncompressedSize };
  }

  const compression = pickCompression(options.compression);
  // Old parts in the out folder would be carried by mistake: remove only what a previous pack wrote.
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of fs.readdirSync(outDir)) {
    if (/^part-\d{3}$/.test(name) || ['manifest.json', 'unpack.sh', 'carry-plan.txt', 'bundle.tar'].includes(name)) fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
  }
  const tarPath = path.join(outDir, 'bundle.tar');
  writeTar(tarPath, includes, entriesByInclude);
  const writer = new PartWriter(outDir, partSize);
  await compressInto(tarPath, compression, writer);
  fs.rmSync(tarPath);
  const totalSha = writer.total.digest('hex');

  const created = new Date();
  const id = options.id ?? `${created.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${totalSha.slice(0, 8)}`;
  if (!/^[0-9A-Za-z._-]+$/.test(id)) throw new UsageError(`--id may only contain letters, digits, '.', '_' and '-'`);
  const extension = { xz: 'tar.xz', zstd: 'tar.zst', gzip: 'tar.gz' }[compression];
  const nodeVersion = includes.some((include) => include.kind === 'node')
    ? spawnSync(includes.find((include) => include.kind === 'node').source, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown'
    : null;
  const manifest = {
    format: 'trtn-bundle/1',
    id,
    created: created.toISOString(),
    compression,
    archive: { name: `bundle.${extension}`, size: writer.totalSize, sha256: totalSha },
    uncompressedSize,
    partSize,
    parts: writer.parts.map(({ index, name, size, sha256 }) => ({ index, name, size, sha256 })),
    node: nodeVersion ? { version: nodeVersion, path: 'node/bin/node', platform: process.platform, arch: process.arch } : null,
    tensorrt,
    includes: includeSummary,
    exclude: options.exclude,
    contents,
  };
  // One part per line keeps the manifest readable with grep/sed where python3 is missing.
  const body = JSON.stringify({ ...manifest, archive: '@ARCHIVE@', parts: '@PARTS@' }, null, 1)
    .replace('"@ARCHIVE@"', JSON.stringify(manifest.archive))
    .replace('"@PARTS@"', `[\n${manifest.parts.map((part) => `  ${JSON.stringify(part)}`).join(',\n')}\n ]`);
  const unpackScript = fs.readFileSync(path.join(HERE, 'unpack.sh'));
  for (const dir of [outDir, ...writer.parts.map((part) => part.dir)]) {
    fs.writeFileSync(path.join(dir, 'manifest.json'), `${body}\n`);
    fs.writeFileSync(path.join(dir, 'unpack.sh'), unpackScript, { mode: 0o755 });
  }

  const relOut = path.relative(repoRoot, outDir).split(path.sep).join('/') || '.';
  const plan = [
    `# Carry plan for bundle ${id}: ${manifest.parts.length} call(s), one part each, in any order.`,
    `# Each call carries one folder (git-ignored, inside the repo) and runs its command on the box.`,
    `# The last call prints BUNDLE COMPLETE ${id}; then run: bash test/gpu/run-suite.sh`,
    '',
    ...writer.parts.flatMap((part) => {
      const carry = `${relOut}/part-${String(part.index).padStart(3, '0')}`;
      const folderSize = part.size + unpackScript.length + Buffer.byteLength(body) + 1;
      return [
        `call ${part.index + 1}/${manifest.parts.length}  (${formatSize(folderSize)})`,
        // The manifest and script ride along with each part; say so when they push a folder past 60 MiB.
        ...(folderSize > MAX_PART_SIZE ? [`  note: this folder is over 60 MiB with its manifest and unpack.sh; pack with --part-size 59M if the limit is strict`] : []),
        `  carry:   ${carry}`,
        `  command: bash ${carry}/unpack.sh ${carry} ${shellQuote(dest)}`,
        '',
      ];
    }),
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'carry-plan.txt'), plan);

  const lines = [
    `bundle ${id}`,
    `  ${contents.length} files, ${formatSize(uncompressedSize)} before compression, ${formatSize(writer.totalSize)} as ${compression}`,
    ...includeSummary.map((include) => `  ${formatSize(include.bytes).padStart(10)}  ${include.dest}  (${include.kind}${include.package ? ` ${include.package}` : ''})`),
    `  ${manifest.parts.length} part(s) of at most ${formatSize(partSize)}:`,
    ...manifest.parts.map((part) => `    ${part.name}  ${formatSize(part.size)}  sha256 ${part.sha256.slice(0, 16)}…`),
    '',
    plan,
    `(written to ${path.join(relOut, 'carry-plan.txt')})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return manifest;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  pack(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`pack: ${error instanceof UsageError ? '' : 'failed: '}${error.message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
