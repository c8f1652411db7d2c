#!/usr/bin/env node
// `npm run prebuild`: makes the prebuilt addons that `npm install` uses instead of compiling (issue 10, item 9), in
// prebuilds/<platform>-<arch>/ (ignored by git, shipped by `npm pack` through package.json "files").
//
//   npm run prebuild                        # this machine's arch (linux-x64 or linux-arm64)
//   npm run prebuild -- --arch arm64        # Jetson/arm64 from x64, with Debian's aarch64 cross toolchain
//   npm run prebuild -- --arch x64,arm64
//
// prebuildify drives the build; it knows node-gyp only, so `--node-gyp` points it at scripts/prebuild-cmake.mjs,
// which runs cmake-js. prebuildify keeps one addon per run (it renames the first .node it finds): it gets the probe,
// and the backends (trtn_trt<major>.node, one per TensorRT major whose headers are found, as install-native.mjs
// finds them: TRTN_TENSORRT_INCLUDE_8/_10/_11, TRTN_TENSORRT_INCLUDE, deps/tensorrt-*/include) come along as its
// "artifacts". Refuses clearly when no TensorRT headers are found, or a cross compiler is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch as hostArch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCudaInclude, findTensorrtIncludes } from './install-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = 'tensorrt-node prebuild:';

/** Per target arch: the GNU triple of its toolchain and the ELF e_machine its binaries must carry. */
export const TARGETS = {
  x64: { triple: 'x86_64-linux-gnu', processor: 'x86_64', elfMachine: 0x3e },
  arm64: { triple: 'aarch64-linux-gnu', processor: 'aarch64', elfMachine: 0xb7 },
};

/** The ELF e_machine of a file (bytes 18-19, little-endian), or undefined when it is not an ELF file. */
export function elfMachine(file) {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return header.readUInt16LE(18);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * What building for `arch` on this host needs, or why it cannot: a native build uses the default compiler, a cross
 * build `<triple>-g++` and `<triple>-strip` (Debian: `apt-get install g++-aarch64-linux-gnu`).
 */
export function toolchainFor(arch, host = hostArch(), hasCommand = onPath) {
  const target = TARGETS[arch];
  if (!target) return { error: `unsupported arch '${arch}' (prebuilds are made for ${Object.keys(TARGETS).join(', ')})` };
  if (process.platform !== 'linux') return { error: `prebuilds are made on Linux only (this is ${process.platform})` };
  if (arch === host) return { cross: false, strip: 'strip', defines: [] };
  const compiler = `${target.triple}-g++`;
  const strip = `${target.triple}-strip`;
  if (!hasCommand(compiler) || !hasCommand(strip)) {
    const debianPackage = `g++-${target.triple.replace(/_/g, '-')}`;
    return { error: `cross-compiling for linux-${arch} needs ${compiler} and ${strip}: install Debian's cross toolchain (apt-get install ${debianPackage}) and run again` };
  }
  return {
    cross: true,
    strip,
    defines: [`--CDCMAKE_SYSTEM_NAME=Linux`, `--CDCMAKE_SYSTEM_PROCESSOR=${target.processor}`, `--CDCMAKE_CXX_COMPILER=${compiler}`],
  };
}

function parseArches(argv) {
  const index = argv.indexOf('--arch');
  const value = index >= 0 ? argv[index + 1] : argv.find((arg) => arg.startsWith('--arch='))?.slice('--arch='.length);
  return (value ?? hostArch()).split(',').map((name) => name.trim()).filter(Boolean);
}

async function prebuildOne(arch, includes, cuda) {
  const toolchain = toolchainFor(arch);
  if (toolchain.error) throw new Error(toolchain.error);
  const work = join(root, 'build', `prebuild-linux-${arch}`);
  const stage = join(work, 'stage');
  const artifacts = join(work, 'artifacts');
  const output = join(root, 'prebuilds', `linux-${arch}`);
  // A backend left over from an earlier run would ship without having been rebuilt.
  for (const dir of [stage, artifacts, output]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(stage, { recursive: true });

  const defines = [...toolchain.defines, ...Object.entries(includes).map(([major, dir]) => `--CDTRTN_TENSORRT_INCLUDE_${major}=${dir}`)];
  if (cuda) defines.push(`--CDTRTN_CUDA_INCLUDE=${cuda}`);
  const require = createRequire(join(root, 'package.json'));
  const prebuildify = require('prebuildify');
  // prebuildify hands a copy of this environment to the "node-gyp" it runs; these tell the wrapper what to build.
  Object.assign(process.env, {
    TRTN_PREBUILD_ROOT: root,
    TRTN_PREBUILD_WORK: work,
    TRTN_PREBUILD_ARTIFACTS: artifacts,
    TRTN_PREBUILD_STRIP: toolchain.strip,
    TRTN_PREBUILD_DEFINES: JSON.stringify(defines),
  });
  await new Promise((settle, fail) => {
    prebuildify(
      {
        cwd: stage,
        out: root,
        name: 'trtn_probe',
        napi: true,
        platform: 'linux',
        arch,
        targets: [{ runtime: 'node', target: process.versions.node }],
        nodeGyp: join(root, 'scripts', 'prebuild-cmake.mjs'),
        artifacts,
      },
      (error) => (error ? fail(error) : settle()),
    );
  });

  const files = existsSync(output) ? readdirSync(output).filter((name) => name.endsWith('.node')).sort() : [];
  for (const name of files) {
    const machine = elfMachine(join(output, name));
    if (machine !== TARGETS[arch].elfMachine) {
      throw new Error(`${join(output, name)} is not a linux-${arch} binary (ELF machine ${machine === undefined ? 'none' : `0x${machine.toString(16)}`})`);
    }
  }
  if (!files.includes('trtn_probe.node') || !files.some((name) => /^trtn_trt\d+\.node$/.test(name))) {
    throw new Error(`prebuilds/linux-${arch} lacks the probe or every backend (has ${files.join(', ') || 'nothing'}); see the build output above`);
  }
  return files;
}

async function main() {
  const arches = parseArches(process.argv.slice(2));
  const includes = findTensorrtIncludes();
  const cuda = findCudaInclude();
  if (Object.keys(includes).length === 0 || !cuda) {
    // A probe-only prebuild would stop `npm install` from compiling the backends a user's headers allow.
    console.error(`${prefix} refused: ${Object.keys(includes).length === 0 ? 'no TensorRT headers found' : 'no CUDA headers (cuda_runtime_api.h) found'}. ` +
      'Set TRTN_TENSORRT_INCLUDE_8/_10/_11 (dirs with NvInfer.h) and TRTN_CUDA_INCLUDE, then run again.');
    return 1;
  }
  for (const arch of arches) {
    const problem = toolchainFor(arch).error;
    if (problem) {
      console.error(`${prefix} refused: ${problem}.`);
      return 1;
    }
  }
  for (const arch of arches) {
    const files = await prebuildOne(arch, includes, cuda);
    console.log(`${prefix} prebuilds/linux-${arch}: ${files.join(', ')} (TensorRT ${Object.keys(includes).join(', ')} headers).`);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`${prefix} failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
