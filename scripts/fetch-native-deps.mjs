#!/usr/bin/env node
// Fetches the headers the native backends compile against into deps/ (git-ignored), reproducibly:
//   - TensorRT headers per major from a local git clone/mirror of NVIDIA/TensorRT (tags v8.6.1, v10.16, v11.1),
//     given with --tensorrt-repo <git dir> or TRTN_TENSORRT_REPO;
//   - CUDA headers from the PyPI wheels nvidia-cuda-runtime and nvidia-cuda-crt (pinned), via `pip download`.
// Nothing from deps/ is ever committed. Usage: node scripts/fetch-native-deps.mjs [--tensorrt-repo DIR] [--skip-cuda]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const deps = join(root, 'deps');
const TENSORRT_TAGS = { 'tensorrt-8.6.1': 'v8.6.1', 'tensorrt-10.16': 'v10.16', 'tensorrt-11.1': 'v11.1' };
// cuda_runtime_api.h is in nvidia-cuda-runtime; since CUDA 13 the crt/ headers it includes are in nvidia-cuda-crt.
const CUDA_WHEELS = ['nvidia-cuda-runtime==13.0.96', 'nvidia-cuda-crt==13.0.88'];
// scripts/trtexec/build.sh takes <nv/target> (cuda_fp16.h needs it) from CCCL's wheel in deps/wheels/.
const CCCL_WHEEL = 'nvidia-cuda-cccl==13.0.85';

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const repo = option('--tensorrt-repo') ?? process.env.TRTN_TENSORRT_REPO;

mkdirSync(deps, { recursive: true });

if (repo) {
  for (const [folder, tag] of Object.entries(TENSORRT_TAGS)) {
    const target = join(deps, folder);
    if (existsSync(join(target, 'include', 'NvInfer.h'))) {
      console.log(`deps/${folder}: present`);
      continue;
    }
    mkdirSync(target, { recursive: true });
    const archive = execFileSync('git', ['-C', repo, 'archive', tag, 'include'], { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', target], { input: archive });
    console.log(`deps/${folder}: extracted ${tag}:include`);
  }
} else {
  console.log('TensorRT headers: skipped (give --tensorrt-repo <git dir of NVIDIA/TensorRT> or TRTN_TENSORRT_REPO).');
}

if (!args.includes('--skip-cuda')) {
  const cudaInclude = join(deps, 'cuda', 'include');
  if (existsSync(join(cudaInclude, 'cuda_runtime_api.h')) && existsSync(join(cudaInclude, 'crt', 'host_defines.h'))) {
    console.log('deps/cuda/include: present');
  } else {
    const wheels = join(deps, 'wheels');
    mkdirSync(wheels, { recursive: true });
    execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', wheels, ...CUDA_WHEELS], { stdio: 'inherit' });
    mkdirSync(cudaInclude, { recursive: true });
    for (const wheel of readdirSync(wheels).filter((name) => name.endsWith('.whl'))) {
      const scratch = mkdtempSync(join(tmpdir(), 'trtn-wheel-'));
      execFileSync('python3', ['-m', 'zipfile', '-e', join(wheels, wheel), scratch]);
      for (const candidate of [join(scratch, 'nvidia', 'cu13', 'include'), join(scratch, 'nvidia', 'cuda_runtime', 'include')]) {
        if (existsSync(candidate)) cpSync(candidate, cudaInclude, { recursive: true });
      }
      rmSync(scratch, { recursive: true, force: true });
    }
    if (!existsSync(join(cudaInclude, 'cuda_runtime_api.h'))) {
      console.error('deps/cuda/include: the wheels did not contain cuda_runtime_api.h');
      process.exit(1);
    }
    console.log('deps/cuda/include: extracted from', CUDA_WHEELS.join(', '));
  }
  const wheels = join(deps, 'wheels');
  mkdirSync(wheels, { recursive: true });
  if (readdirSync(wheels, { withFileTypes: true }).some((entry) => entry.name.startsWith('nvidia_cuda_cccl-13'))) {
    console.log('deps/wheels: CCCL present');
  } else {
    execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', wheels, CCCL_WHEEL], { stdio: 'inherit' });
  }
}
