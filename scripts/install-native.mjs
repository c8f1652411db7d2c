#!/usr/bin/env node
// npm `install` script: uses the prebuilt addons in prebuilds/<platform>-<arch> when they match (`npm run prebuild`
// makes them; `npm pack` ships them); otherwise builds the native addons with cmake-js when it can. Never fails the install.
// Prints one line saying what was built, or why the native build was skipped and how to point at headers.
//
// Headers are searched in: TRTN_TENSORRT_INCLUDE (any major), TRTN_TENSORRT_INCLUDE_8/_10/_11,
// /usr/include/{x86_64,aarch64}-linux-gnu, /usr/include, deps/tensorrt-*/include; CUDA in TRTN_CUDA_INCLUDE,
// CUDA_HOME/include, /usr/local/cuda/include, deps/cuda/include. `--force` (npm run build:native) fails loudly.
// TRTN_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const prefix = 'tensorrt-node native:';

/** TensorRT major of an include directory, from NvInferVersion.h; undefined when it is not one. */
export function tensorrtMajorOf(includeDir) {
  const file = join(includeDir, 'NvInferVersion.h');
  if (!existsSync(file) || !existsSync(join(includeDir, 'NvInfer.h'))) return undefined;
  const text = readFileSync(file, 'utf8');
  const direct = /#define\s+NV_TENSORRT_MAJOR\s+(\d+)/.exec(text);
  const enterprise = /#define\s+TRT_MAJOR_ENTERPRISE\s+(\d+)/.exec(text);
  const match = direct ?? enterprise;
  return match ? Number(match[1]) : undefined;
}

/** Numeric version parts of a `deps/tensorrt-<version>` folder name (`tensorrt-10.16` → [10, 16]); [] if none. */
export function folderVersion(name) {
  const match = /^tensorrt-(\d+(?:\.\d+)*)/.exec(name);
  return match ? match[1].split('.').map(Number) : [];
}

/** `deps/tensorrt-*` folder names, newest version first by number (10.16 before 10.6, which a string sort gets wrong). */
export function sortTensorrtFolders(names) {
  const newestFirst = (a, b) => {
    const left = folderVersion(a);
    const right = folderVersion(b);
    for (let index = 0; index < Math.max(left.length, right.length); index++) {
      const difference = (right[index] ?? 0) - (left[index] ?? 0);
      if (difference !== 0) return difference;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return names.filter((name) => name.startsWith('tensorrt-')).sort(newestFirst);
}

/** Finds one include directory per supported major (8, 10, 11); the first found wins. */
export function findTensorrtIncludes(env = process.env) {
  const candidates = [];
  for (const major of [8, 10, 11]) if (env[`TRTN_TENSORRT_INCLUDE_${major}`]) candidates.push(env[`TRTN_TENSORRT_INCLUDE_${major}`]);
  if (env.TRTN_TENSORRT_INCLUDE) candidates.push(env.TRTN_TENSORRT_INCLUDE);
  candidates.push('/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include');
  const depsDir = join(root, 'deps');
  if (existsSync(depsDir)) {
    for (const name of sortTensorrtFolders(readdirSync(depsDir))) candidates.push(join(depsDir, name, 'include'));
  }
  const found = {};
  for (const dir of candidates) {
    const major = tensorrtMajorOf(dir);
    if (major !== undefined && [8, 10, 11].includes(major) && !found[major]) found[major] = dir;
  }
  return found;
}

export function findCudaInclude(env = process.env) {
  const candidates = [env.TRTN_CUDA_INCLUDE, env.CUDA_HOME && join(env.CUDA_HOME, 'include'), env.CUDA_PATH && join(env.CUDA_PATH, 'include'),
    '/usr/local/cuda/include', '/usr/include', join(root, 'deps', 'cuda', 'include')];
  return candidates.find((dir) => dir && existsSync(join(dir, 'cuda_runtime_api.h')));
}

/**
 * The prebuilt addons (`npm run prebuild`) for this platform and arch, when there is a usable set: the probe and at
 * least one backend. The loader tries prebuilds/<platform>-<arch> before build/Release.
 */
export function matchingPrebuild(packageRoot = root, platform = process.platform, arch = process.arch) {
  const dir = join(packageRoot, 'prebuilds', `${platform}-${arch}`);
  if (!existsSync(join(dir, 'trtn_probe.node'))) return undefined;
  const backends = readdirSync(dir).filter((name) => /^trtn_trt\d+\.node$/.test(name)).sort();
  return backends.length > 0 ? { dir, files: ['trtn_probe.node', ...backends] } : undefined;
}

function main() {
  const prebuild = matchingPrebuild();
  if (prebuild && !force) {
    console.log(`${prefix} using the prebuilt ${prebuild.files.join(', ')} in ${prebuild.dir}; nothing to compile.`);
    return 0;
  }
  if (prebuild) console.log(`${prefix} note: ${prebuild.dir} holds prebuilt addons, which are loaded before build/Release; set TRTN_ADDON_DIR=build/Release (or delete it) to use this build.`);
  if (process.env.TRTN_SKIP_NATIVE === '1' && !force) {
    console.log(`${prefix} skipped (TRTN_SKIP_NATIVE=1); the mock backend will be used.`);
    return 0;
  }
  const require = createRequire(join(root, 'package.json'));
  let cmakeJs;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js');
    require.resolve('node-api-headers/package.json');
    require.resolve('node-addon-api/package.json');
  } catch {
    console.log(`${prefix} skipped: cmake-js, node-api-headers or node-addon-api is not installed (they are devDependencies/dependencies); the mock backend will be used.`);
    return force ? 1 : 0;
  }
  if (spawnSync('cmake', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.log(`${prefix} skipped: cmake is not on PATH; install cmake and a C++17 compiler, then run npm run build:native.`);
    return force ? 1 : 0;
  }
  const includes = findTensorrtIncludes();
  const cuda = findCudaInclude();
  const defines = Object.entries(includes).map(([major, dir]) => `--CDTRTN_TENSORRT_INCLUDE_${major}=${dir}`);
  if (cuda) defines.push(`--CDTRTN_CUDA_INCLUDE=${cuda}`);
  const out = join(root, 'build');
  const configure = spawnSync(process.execPath, [cmakeJs, 'configure', '--out', out, ...defines], { cwd: root, encoding: 'utf8' });
  const build = configure.status === 0 ? spawnSync('cmake', ['--build', out, '--config', 'Release', '--parallel', '2'], { cwd: root, encoding: 'utf8' }) : undefined;
  if (configure.status !== 0 || !build || build.status !== 0) {
    const output = `${configure.stdout ?? ''}${configure.stderr ?? ''}${build?.stdout ?? ''}${build?.stderr ?? ''}`;
    const firstError = output.split('\n').find((line) => /error/i.test(line)) ?? 'see `npm run build:native`';
    console.log(`${prefix} build failed (${firstError.trim()}); the mock backend will be used.`);
    if (force) process.stderr.write(output);
    return force ? 1 : 0;
  }
  const backends = Object.keys(includes).map((major) => `trtn_trt${major}`);
  // CMake skips a backend whose headers lack NvOnnxParser.h (10+) or CUDA headers; report what really exists.
  const built = ['trtn_probe', ...backends.filter((name) => existsSync(join(out, 'Release', `${name}.node`)))];
  const skipped = backends.filter((name) => !built.includes(name));
  let line = `${prefix} built ${built.join(', ')} in build/Release.`;
  for (const name of skipped) {
    const major = name.slice('trtn_trt'.length);
    const reason = Number(major) >= 10 && !existsSync(join(includes[major], 'NvOnnxParser.h'))
      ? `${includes[major]} has no NvOnnxParser.h (install the ONNX parser headers, e.g. libnvonnxparsers-dev)`
      : 'see `npm run build:native`';
    line += ` Skipped ${name}: ${reason}.`;
  }
  if (backends.length === 0) {
    line += ' No TensorRT headers found: set TRTN_TENSORRT_INCLUDE (dir with NvInfer.h) and TRTN_CUDA_INCLUDE, then run npm run build:native.';
  } else if (!cuda) {
    line += ' TensorRT headers found but no CUDA headers (cuda_runtime_api.h): set TRTN_CUDA_INCLUDE or CUDA_HOME, then run npm run build:native.';
  }
  console.log(line);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let code = 0;
  try {
    code = main();
  } catch (error) {
    console.log(`${prefix} skipped after an unexpected error (${error instanceof Error ? error.message : String(error)}); the mock backend will be used.`);
    code = force ? 1 : 0;
  }
  process.exitCode = code;
}
