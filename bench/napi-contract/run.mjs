/**
 * What infer()'s JS <-> native contract costs per call, without CUDA (see contract.cc): each form awaited N times,
 * µs per call, best of 3 rounds, with the cost of an empty promise-returning call beside. Builds contract.cc with g++
 * into a temporary folder first.
 *
 *   node bench/napi-contract/run.mjs [--calls 300000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const callsAt = process.argv.indexOf('--calls');
const calls = callsAt > 0 ? Number(process.argv[callsAt + 1]) : 300_000;
if (!Number.isInteger(calls) || calls < 1) {
  console.error(`napi-contract: --calls takes a whole number above 0, got '${process.argv[callsAt + 1]}'`);
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'trtn-napi-contract-'));
const addonPath = join(scratch, 'contract.node');
try {
  execFileSync('g++', ['-O2', '-shared', '-fPIC', '-std=c++17', `-I${join(root, 'node_modules', 'node-addon-api')}`, `-I${join(root, 'node_modules', 'node-api-headers', 'include')}`, join(here, 'contract.cc'), '-o', addonPath], { stdio: 'inherit' });
} catch {
  console.error('napi-contract: g++ could not build contract.cc (it needs g++ and npm ci for node-addon-api)');
  process.exit(1);
}
const addon = createRequire(import.meta.url)(addonPath);
rmSync(scratch, { recursive: true, force: true });

const data = new Float32Array(3 * 224 * 224);
const named = { input: { data, shape: [1, 3, 224, 224] } };
const positional = [data];
const forms = [
  ['empty promise-returning call', () => addon.empty(named, 200)],
  ['named in and out (today)', () => addon.named(named, 200)],
  ['named in only', () => addon.readOnly(named, 200)],
  ['named in, no shape read', () => addon.readWithoutShape(named, 200)],
  ['named out only', () => addon.outputsOnly()],
  ['named out, no shape made', () => addon.outputsWithoutShape()],
  ['positional in, a number out', () => addon.positional(positional, 200)],
];
const figures = {};
for (const [label, call] of forms) {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let index = 0; index < calls; index++) await call();
    best = Math.min(best, ((performance.now() - started) * 1000) / calls);
  }
  figures[label] = best;
}
const empty = figures['empty promise-returning call'];
for (const [label, us] of Object.entries(figures)) console.log(`${label.padEnd(32)} ${us.toFixed(3)} us/call${label.startsWith('empty') ? '' : `  (+${(us - empty).toFixed(3)})`}`);
console.log(`node ${process.version}, ${calls} calls a round, best of 3`);
