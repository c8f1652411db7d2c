#!/usr/bin/env node
// The "node-gyp" that scripts/prebuild.mjs gives prebuildify (`prebuildify --node-gyp`): prebuildify calls it as
// `<this> rebuild --target=<node> --arch=<arch> --release` in a staging folder and then takes the first .node in
// <staging>/build/Release. This builds every addon with cmake-js instead, puts the probe there and the backends in
// the artifacts folder prebuildify copies next to it. What to build comes from TRTN_PREBUILD_* (set by prebuild.mjs).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = process.env;
for (const name of ['TRTN_PREBUILD_ROOT', 'TRTN_PREBUILD_WORK', 'TRTN_PREBUILD_ARTIFACTS', 'TRTN_PREBUILD_STRIP', 'TRTN_PREBUILD_DEFINES']) {
  if (!env[name]) {
    console.error(`prebuild-cmake: ${name} is not set; run \`npm run prebuild\`, not this script`);
    process.exit(2);
  }
}
const root = env.TRTN_PREBUILD_ROOT;
const cmakeDir = join(env.TRTN_PREBUILD_WORK, 'cmake');
const cmakeJs = createRequire(join(root, 'package.json')).resolve('cmake-js/bin/cmake-js');

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`prebuild-cmake: ${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

run(process.execPath, [cmakeJs, 'configure', '--out', cmakeDir, ...JSON.parse(env.TRTN_PREBUILD_DEFINES)], root);
run('cmake', ['--build', cmakeDir, '--config', 'Release', '--parallel', '2'], root);

const built = join(cmakeDir, 'Release');
const release = join(process.cwd(), 'build', 'Release');
mkdirSync(release, { recursive: true });
for (const name of readdirSync(built).filter((file) => /^trtn_(probe|trt\d+)\.node$/.test(file))) {
  const destination = name === 'trtn_probe.node' ? join(release, name) : join(env.TRTN_PREBUILD_ARTIFACTS, name);
  copyFileSync(join(built, name), destination);
  run(env.TRTN_PREBUILD_STRIP, ['--strip-unneeded', destination], root);
}
if (!existsSync(join(release, 'trtn_probe.node'))) {
  console.error(`prebuild-cmake: cmake built no trtn_probe.node in ${built}`);
  process.exit(1);
}
