#!/usr/bin/env node
/**
 * tensorrt-node against trtexec on one GPU, in one run: build wall time of both tools, then the SAME plan (the one
 * trtexec built) timed by both in four modes (transfers on/off x CUDA graph on/off), event-loop lag during an
 * in-process build, and a rebuild with the timing cache. A benchmark, never a test: it prints figures and ratios
 * and writes them to bench/results/vs-trtexec-<date>-<gpu>-trt<version>.json.
 *
 *   node bench/vs-trtexec.mjs --trtexec <path> [--models-dir <dir>] [--models a,b] [--duration 1] [--repeats 3] [--build-pairs 1] [--build-pairs-under 20] [--out <file>] [--models-only | --resume] [--dry-run] [--cpus 15] [--cpus-per-run 2] [--pinning shared|split] [--gpu-sample-ms 500] [--diagnose [host,elapsed,lag,times,aslr,malloc,events,cpus]]
 *
 * Timing runs (both tools, as processes, alternating) and the infer() overhead run pinned to the two fastest CPUs in a
 * probe of every CPU before each model (--cpus-per-run, or --cpus): unpinned, or given a slow CPU, a host-bound
 * engine's figures follow where the scheduler puts the thread more than either tool. With --pinning split (not the
 * default: it slowed both tools) the process runs on the first of them alone and CUDA's own threads on the others
 * (bench/pinned-run.mjs).
 *
 * --diagnose adds, for the host-bound resnet-like model, the runs that locate a host-side gap: no-transfers again
 * after the other modes, with --useSpinWait, the trtn CLI in its own process, and both tools pinned (taskset) to a
 * GPU-local and to a remote CPU (host); the transfers mode with event reads through cuEventElapsedTime and its _v2
 * (elapsed); and the first build of a fresh process under V8's sampling profiler, naming what the main thread ran in
 * its worst event-loop gap (lag); both tools' per-iteration host timelines from --exportTimes, in adjacent pairs
 * (times); its no-transfers runs with ASLR off and on (aslr); trtn with MALLOC_ARENA_MAX=1 and without (malloc);
 * trtexec, trtn and trtn with trtexec's six blocking-sync events per inference, each process's threads read from /proc
 * (events); both tools on the other number of CPUs, one or the two fastest of a fresh probe (cpus). A list picks
 * some (--diagnose elapsed,lag); they go under "diagnostics" and never into the ratios. --cpus-per-run 1 times every model on the single fastest.
 *
 * Needs dist/ (npm run build:ts), the native addon, TRTN_TENSORRT_LIB_DIR (and LD_LIBRARY_PATH for trtexec, which
 * finds libnvinfer by soname). trtexec is built from the NVIDIA/TensorRT samples of the same version with
 * scripts/trtexec/build.sh. Models: examples/seed003.onnx (default IO and fp16:hwc8), examples/resnet-like.onnx
 * pruned 2:4, and any <name>-2of4.onnx or <name>.onnx in --models-dir (e.g. a torchvision export).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildSeconds, buildWarnings, cliBuildPhases, ratioInterval, worstCases, describeThreads, parseGpuSamples, summarizeGpuSamples, fastestCpus, probeAllCpus, hostTimeline, medians, pairedMedianRatio, parseCpuList, parseTask, partialState, pickCpus, pinningOf, profileWindow, resumeState, timeModesInRounds, timingLauncher, trtexecFigures, trtnFigures } from './lib.mjs';

/**
 * The longest gap between ticks of a 1 ms interval (`worst.ms`, ending at `worst.endMs`, performance.now()): where
 * the event loop stalled. reset() starts the window again, stop() ends it.
 */
function watchGaps() {
  const worst = { ms: 0, endMs: 0 };
  let tick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - tick > worst.ms) Object.assign(worst, { ms: now - tick, endMs: now });
    tick = now;
  }, 1);
  return {
    worst,
    reset() {
      tick = performance.now();
      Object.assign(worst, { ms: 0, endMs: 0 });
    },
    stop: () => clearInterval(ticker),
  };
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
// --dry-run: the whole protocol on the mock backend against a stand-in for trtexec (test/support/fake-trtexec.mjs),
// to find a broken bench here instead of on a lent GPU. Its figures are estimates and fakes: the file says so
// (dryRun: true) and is never written under bench/results. The children it starts inherit TRTN_BENCH_DRY_RUN.
const dryRun = args.includes('--dry-run') || process.env.TRTN_BENCH_DRY_RUN === '1';
if (dryRun) process.env.TRTN_BENCH_DRY_RUN = '1';
const backendKind = dryRun ? 'mock' : 'tensorrt';
const overheadPlan = option('--overhead-child');
if (overheadPlan) {
  // The child the bench starts under taskset: infer() against the raw C++ loop on one plan, as JSON on stdout.
  const { loadEngine: load } = await import(join(root, 'dist', 'index.js'));
  const engine = await load(overheadPlan, { backend: backendKind });
  const figures = {
    overhead: await engine.measureInferOverhead({ iterations: 2000, io: 'pinned' }),
    overheadCopy: await engine.measureInferOverhead({ iterations: 2000, io: 'copy' }),
    overheadWorker: await engine.measureInferOverhead({ iterations: 2000, io: 'pinned', spinWaitUs: 0 }),
  };
  engine.dispose();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}
const lagChild = option('--lag-child');
if (lagChild) {
  // The child the bench starts under --diagnose: the first build of a fresh process (as in the bench's own lag
  // figure) under V8's sampling profiler, and where the main thread was during its worst event-loop gap.
  const { buildEngine: build, BUILD_STEPS_CHANNEL } = await import(join(root, 'dist', 'index.js'));
  const { subscribe } = await import('node:diagnostics_channel');
  const { Session } = await import('node:inspector');
  const steps = [];
  subscribe(BUILD_STEPS_CHANNEL, (message) => steps.push(message));
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolvePost, rejectPost) => session.post(method, params, (error, result) => (error ? rejectPost(error) : resolvePost(result))));
  // --lag-profile 0: the same first build unprofiled (the bench's fresh-process lag figure).
  const profiling = option('--lag-profile', '1') !== '0';
  if (profiling) {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 100 });
  }
  const gaps = watchGaps();
  const worst = gaps.worst;
  if (profiling) await post('Profiler.start');
  // performance.now() and the profile's clock (monotonic µs) read together, to map one onto the other.
  const startedMs = performance.now();
  const startedMonotonicUs = Number(process.hrtime.bigint() / 1000n);
  gaps.reset();
  let progressCalls = 0;
  const built = await build(readFileSync(lagChild), { backend: backendKind, fp16: true, timingCache: option('--lag-cache'), onProgress: () => progressCalls++ });
  const buildMs = performance.now() - startedMs;
  gaps.stop();
  const profile = profiling ? (await post('Profiler.stop')).profile : null;
  built.engine.dispose();
  // Both clocks are CLOCK_MONOTONIC on Linux; where the profile's start is far from ours, map by its start instead.
  const aligned = profile ? Math.abs(profile.startTime - startedMonotonicUs) < 5_000_000 : null;
  const toProfileUs = (ms) => (aligned ? startedMonotonicUs : profile.startTime) + (ms - startedMs) * 1000;
  const gapFromMs = worst.endMs - worst.ms;
  const window = profile ? profileWindow(profile, toProfileUs(gapFromMs), toProfileUs(worst.endMs)) : null;
  const stepsAfterStart = steps.map((step) => ({ step: step.step, atMs: step.atMs - startedMs }));
  process.stdout.write(`${JSON.stringify({ worstGapMs: worst.ms, gapFromMs: gapFromMs - startedMs, gapToMs: worst.endMs - startedMs, buildMs, progressCalls, clocksAligned: aligned, steps: stepsAfterStart, profile: window })}\n`);
  process.exit(0);
}
const trtexec = option('--trtexec');
if (!trtexec || !existsSync(trtexec)) {
  console.error('vs-trtexec: give --trtexec <path to a trtexec of the same TensorRT version> (scripts/trtexec/build.sh builds one)');
  process.exit(2);
}
const duration = Number(option('--duration', '1'));
// Each mode is timed 2 to `repeats` times per tool (see settled() below), alternating the order; the figures are the medians.
const repeats = Number(option('--repeats', '3'));
const modelsDir = option('--models-dir');
const buildPairs = Number(option('--build-pairs', '1'));
// Only a model whose first build took under this many seconds is built buildPairs times (a device call has a time limit).
const buildPairsUnderS = Number(option('--build-pairs-under', '20'));
const trtn = await import(join(root, 'dist', 'index.js'));
const { buildEngine, loadEngine, backendInfo, onnx } = trtn;

const info = backendInfo();
if (!dryRun && info.active !== 'tensorrt') {
  console.error(`vs-trtexec: the TensorRT backend did not load (${info.reasons.map((reason) => reason.message).join('; ')})`);
  process.exit(2);
}
if (dryRun && resolve(option('--out', join(root, 'bench', 'results', 'x'))).startsWith(join(root, 'bench', 'results'))) {
  console.error('vs-trtexec: --dry-run writes no figures under bench/results; give --out <file> elsewhere');
  process.exit(2);
}
if (dryRun) console.log('vs-trtexec: DRY RUN on the mock backend against a stand-in for trtexec: every figure is an estimate or a fake; this checks the script, not the tools');
const scratch = mkdtempSync(join(tmpdir(), 'trtn-bench-'));
const line = (text) => console.log(`vs-trtexec: ${text}`);

// The host the loops run on: a host-bound engine's figures depend on it (clocksource, CPUs, the GPU's NUMA node).
const shell = (command) => {
  try {
    return execFileSync('bash', ['-c', command], { encoding: 'utf8', timeout: 20_000 }).trim();
  } catch {
    return null;
  }
};
const system = {
  clocksource: shell('cat /sys/devices/system/clocksource/clocksource0/current_clocksource'),
  cpuModel: shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
  allowedCpus: shell("grep Cpus_allowed_list /proc/self/status | cut -f2"),
  numaNodes: shell("lscpu | grep -i '^NUMA node'"),
  gpuTopology: shell('nvidia-smi topo -m'),
  gpuLocalCpus: shell('cat /sys/bus/pci/devices/$(nvidia-smi --query-gpu=pci.bus_id --format=csv,noheader -i 0 | tr A-Z a-z | sed "s/^0000//")/local_cpulist'),
  persistenceMode: shell('nvidia-smi --query-gpu=persistence_mode --format=csv,noheader -i 0'),
  // The speculation mitigations the kernel applies to this node process (a forced store-bypass mitigation slows
  // every memory-heavy host path, the driver's included); scripts/device/driver-call-costs.cc prints a C++ process's.
  nodeSpeculation: (() => {
    try {
      return readFileSync('/proc/self/status', 'utf8').split('\n').filter((text) => text.startsWith('Speculation')).join('; ') || null;
    } catch {
      return null;
    }
  })(),
  kernelMitigations: shell('grep -r . /sys/devices/system/cpu/vulnerabilities/ 2>/dev/null | sed "s|.*/||" | tr "\\n" ";"'),
};
// CUDA's module loading as the tools inherit it (unset on the H200 box, where TensorRT 8.6 and 10.6 both log "CUDA lazy
// loading is enabled": test/fixtures/real/*/seed003-default/trtexec-verbose.log.gz), and the GPU's clocks as the bench
// starts (gpuClocksIdle: idle only in a fresh lease's first bench; after a build or suite the GPU is still at 1980 MHz).
system.cudaModuleLoading = process.env.CUDA_MODULE_LOADING ?? null;
// CUDA's JIT cache (PTX compiled for this GPU at module load): a library without SASS for sm_90 would compile there,
// and a cache too small for it (CUDA_CACHE_MAXSIZE, 256 MiB by default) would compile again on every build, a
// candidate for TensorRT 8.6's builder creation taking 8-13 s (10.6: 4-6 s) on the H200. Each build records the
// cache's size after it (buildWallS.runs.computeCacheBytes): growth means JIT compilation, none means none.
const computeCachePath = process.env.CUDA_CACHE_PATH ?? join(homedir(), '.nv', 'ComputeCache');
const computeCacheBytes = () => {
  const text = shell(`du -sb ${JSON.stringify(computeCachePath)} 2>/dev/null | cut -f1`);
  return text && /^\d+$/.test(text.trim()) ? Number(text.trim()) : 0;
};
system.cudaComputeCache = { path: computeCachePath, bytesAtStart: computeCacheBytes(), disable: process.env.CUDA_CACHE_DISABLE ?? null, maxSize: process.env.CUDA_CACHE_MAXSIZE ?? null };
system.gpuClocksIdle = shell('nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,pstate,power.draw,power.limit --format=csv -i 0');
// The GPU's clocks during every timing run (bench/gpu-sampler.py: nvidia-smi every --gpu-sample-ms, 500 by default (fewer NVML calls beside a host-bound run);
// 0 turns it off): each run keeps the readings that fell in it (run.gpu: SM clock median/min/max, memory clock,
// power, P-states, clocks event reasons), so that a run at another clock than its pair says so. Not in a dry run.
const gpuSampleMs = Number(option('--gpu-sample-ms', '500'));
if (!Number.isInteger(gpuSampleMs) || gpuSampleMs < 0) {
  console.error(`vs-trtexec: --gpu-sample-ms takes a whole number of milliseconds (0 turns the sampler off), got '${option('--gpu-sample-ms')}'`);
  process.exit(2);
}
const gpuSamplesFile = join(scratch, 'gpu-samples.csv');
let gpuSampler = null;
if (!dryRun && gpuSampleMs > 0 && shell('command -v nvidia-smi') && shell('command -v python3')) {
  gpuSampler = spawn('python3', [join(root, 'bench', 'gpu-sampler.py'), gpuSamplesFile, String(gpuSampleMs)], { detached: true, stdio: 'ignore' });
  gpuSampler.on('error', () => {
    gpuSampler = null;
  });
  gpuSampler.unref();
  process.once('exit', () => {
    try {
      if (gpuSampler?.pid) process.kill(-gpuSampler.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  });
}
system.gpuSampler = gpuSampler ? { periodMs: gpuSampleMs, tool: 'nvidia-smi --query-gpu (bench/gpu-sampler.py)' } : { off: dryRun ? 'dry run' : gpuSampleMs === 0 ? '--gpu-sample-ms 0' : 'no nvidia-smi or no python3' };
/** The sampler's file so far (undefined without a sampler, or before its first line), its field list noted once. */
const gpuSamplesText = () => {
  if (!gpuSampler) return undefined;
  let text;
  try {
    text = readFileSync(gpuSamplesFile, 'utf8');
  } catch {
    return undefined;
  }
  if (system.gpuSampler.fields === undefined) system.gpuSampler.fields = /^# fields: (.*)$/m.exec(text)?.[1] ?? /^# (.*)$/m.exec(text)?.[1];
  return text;
};
/** The GPU readings taken while `result` (run()'s) ran, or undefined without a sampler or readings. */
const gpuDuring = (result) => {
  const text = result.startedAtMs === undefined ? undefined : gpuSamplesText();
  return text === undefined ? undefined : (summarizeGpuSamples(parseGpuSamples(text), result.startedAtMs, result.endedAtMs) ?? undefined);
};
/** A run's figures with the GPU readings of its span (see gpuDuring). */
const withGpu = (figures, result) => {
  const gpu = gpuDuring(result);
  return gpu ? { ...figures, gpu } : figures;
};

// Timing runs of both tools, and the infer() overhead, run as processes pinned to the same CPU: on the H200
// box an unpinned host-bound run varied by up to 3x with where the scheduler put its thread (trtexec alone gave
// 10-36k qps on one plan; CPU 0, which takes the interrupts, was slow for both tools). --cpus overrides.
const allowedCpus = parseCpuList(system.allowedCpus);
// Without a probe (it failed): two CPUs on different physical cores (SMT siblings share one), CPU 0 last.
const siblingsOf = (cpu) => parseCpuList(shell(`cat /sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`) ?? String(cpu));
// One CPU for the timing runs of a model: the fastest in a probe of every allowed CPU just before it (a fixed integer
// loop, best of 5, in a process pinned there), unless --cpus names them. Given two CPUs, a run landed on either, and
// on the H200 box one was often twice as slow as the other (in the probe and in host-bound timing alike).
const probeCpus = () => probeAllCpus(allowedCpus);
const fixedCpus = option('--cpus');
// --cpus-per-run N: the N fastest of the probe, 2 by default (see fastestCpus): on the H200 box (2026-12-04) one CPU
// let cuda-EvtHandlr preempt the timing loop about once per inference (26k involuntary switches in a 1 s run) and
// spread a host-bound mode's runs by 11-14%; on two CPUs the loop was preempted 0-4 times a run and the spread was 5-7%.
const cpusPerRun = Number(option('--cpus-per-run', '2'));
if (!Number.isInteger(cpusPerRun) || cpusPerRun < 1) {
  console.error(`vs-trtexec: --cpus-per-run takes a whole number of CPUs (1 or more), got '${option('--cpus-per-run')}'`);
  process.exit(2);
}
// --pinning shared (the default): each timing process on all of its CPUs (taskset -c). --pinning split: the process on
// the first CPU alone, CUDA's own threads moved to the others as they appear (bench/pinned-run.mjs), the same for both
// tools. Split was the default for one lease (H200, 2026-12-04 05:2x, bench/results/vs-trtexec-2026-12-04-0519-*) and
// made both tools slower, not steadier: in diagnose-parity on the probed CPUs trtexec split ran resnet-like 2:4 at
// 0.77 (no transfers) and 0.82 (transfers) of trtexec shared, trtn split at 0.76 and 0.88 of trtn shared (the event
// handler's wake-ups crossing CPUs); and trtn's CUDA thread went unmoved in most runs (fixed since in pinned-run), so
// the bench compared a trtn sharing one CPU with its event handler against a trtexec that did not (resnet-like
// no-transfers 0.899). Kept as an option, for the record and for machines where it helps.
const pinning = option('--pinning', 'shared');
if (!['split', 'shared'].includes(pinning)) {
  console.error(`vs-trtexec: --pinning takes split or shared, got '${pinning}'`);
  process.exit(2);
}
const pinnedRun = join(root, 'bench', 'pinned-run.mjs');
/** A timing run's command line on `onCpus` (see --pinning). */
const pinned = (onCpus, command) => {
  const [program, ...rest] = [...timingLauncher(onCpus, pinning, pinnedRun), ...command];
  return [program, rest];
};
let cpus = fixedCpus ?? pickCpus(allowedCpus, siblingsOf);
/** The CPUs of a model's timing runs (a taskset list): from a fresh probe, `count` of them. */
const chooseCpus = (label, count = cpusPerRun) => {
  if (fixedCpus) return fixedCpus;
  const msByCpu = probeCpus();
  const best = fastestCpus(msByCpu, count);
  if (best.length === 0) return cpus;
  (system.cpuProbes ??= []).push({ before: label, msByCpu, chosen: best.length === 1 ? best[0] : best });
  line(`CPU probe before ${label}: ${Object.entries(msByCpu).map(([cpu, ms]) => `${cpu}:${ms.toFixed(1)}`).join(' ')} ms -> CPU ${best.join(',')}`);
  return best.join(',');
};
system.timingCpus = fixedCpus ?? (cpusPerRun === 1 ? 'one per model, from system.cpuProbes' : `${cpusPerRun} per model, the fastest of system.cpuProbes`);
system.timingPinning =
  pinning === 'split'
    ? 'split: each timing process on the first of its CPUs alone, CUDA\'s own threads (cuda-EvtHandlr and the rest) moved to the others as they appear (bench/pinned-run.mjs; every run keeps what was moved under pinning)'
    : 'shared: each timing process on all of its CPUs (taskset -c)';
line(`host: clocksource ${system.clocksource}, CPUs allowed ${system.allowedCpus}, GPU-local CPUs ${system.gpuLocalCpus}, persistence mode ${system.persistenceMode}; timing runs on ${system.timingCpus}`);

// Models: name, ONNX path, flags in trtexec spelling, the same as trtn build options.
const models = [];
const seed003 = join(root, 'examples', 'seed003.onnx');
models.push({ name: 'seed003-default', path: seed003, flags: ['--fp16'], options: { fp16: true } });
models.push({
  name: 'seed003-hwc8',
  path: seed003,
  flags: ['--fp16', '--inputIOFormats=fp16:hwc8', '--outputIOFormats=fp16:hwc8'],
  options: { fp16: true, inputIOFormats: 'fp16:hwc8', outputIOFormats: 'fp16:hwc8' },
});
const resnetLike = join(scratch, 'resnet-like-2of4.onnx');
writeFileSync(resnetLike, onnx.writeOnnx(onnx.sparsify(onnx.readOnnx(readFileSync(join(root, 'examples', 'resnet-like.onnx')))).model));
models.push({ name: 'resnet-like-2of4', path: resnetLike, flags: ['--fp16', '--sparsity=enable'], options: { fp16: true, sparsity: 'enable' } });
if (modelsDir && existsSync(modelsDir)) {
  for (const file of readdirSync(modelsDir).filter((name) => name.endsWith('-2of4.onnx'))) {
    models.push({ name: basename(file, '.onnx'), path: join(modelsDir, file), flags: ['--fp16', '--sparsity=enable'], options: { fp16: true, sparsity: 'enable' } });
  }
}
// A bench longer than one device call runs in parts: --models-only stops after the models (their figures in the
// partial file beside --out), and a later run with --resume (the same --out) keeps those models, measures the rest
// of the first part's selection and then the in-process figures.
const partialOut = option('--out') ? `${option('--out')}.partial.json` : join(root, 'bench', 'results', 'vs-trtexec-partial.json');
const earlierPartial = args.includes('--resume') && existsSync(partialOut) ? resumeState(JSON.parse(readFileSync(partialOut, 'utf8'))) : null;
// --models a,b: only these (a short diagnostic run); the ratios then cover only them. A --resume without --models
// keeps the first part's selection (a model that appeared in --models-dir since is not added).
const only = option('--models')?.split(',') ?? earlierPartial?.selectedModels ?? undefined;
if (only) {
  const unknown = only.filter((name) => !models.some((model) => model.name === name));
  if (unknown.length) {
    console.error(`vs-trtexec: unknown --models ${unknown.join(', ')}; the models are ${models.map((model) => model.name).join(', ')}`);
    process.exit(2);
  }
  models.splice(0, models.length, ...models.filter((model) => only.includes(model.name)));
}

function run(command, commandArgs, timeoutMs, env) {
  const started = performance.now();
  const startedAtMs = Date.now();
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28, ...(env ? { env: { ...process.env, ...env } } : {}) });
  return { ...result, wallS: (performance.now() - started) / 1000, startedAtMs, endedAtMs: Date.now(), text: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

const describeSteps = (steps) =>
  `before ${steps.beforeEnqueueUs.toFixed(1)}, enqueue ${steps.enqueueUs.toFixed(1)}, after ${steps.afterEnqueueUs.toFixed(1)}, wait ${steps.waitUs.toFixed(1)}, reads ${steps.timingReadsUs.toFixed(1)} (elapsed-time calls ${steps.elapsedTimeUs?.toFixed(1)} via ${steps.elapsedTimeEntry ?? "cuEventElapsedTime"}), total ${steps.perIterationUs.toFixed(1)}` +
  (steps.clockReadNs !== undefined ? `; clock read ${steps.clockReadNs.toFixed(0)} ns, CPU ${steps.cpuFirst}->${steps.cpuLast} (${steps.cpuChanges} moves), ${steps.logCalls} TensorRT log calls` : '') +
  (steps.involuntarySwitches !== undefined ? `; loop thread CPU ${steps.threadCpuUs.toFixed(1)} us/iteration, ${steps.involuntarySwitches} preemptions, ${steps.voluntarySwitches} sleeps` : '') +
  (steps.doneSeenAfterMs ? `; done seen ${((steps.doneSeenAfterMs.median - steps.doneSeenAfterMs.min) * 1000).toFixed(1)} us after its best (median; min ${(steps.doneSeenAfterMs.min * 1000).toFixed(1)} us)` : '');

/** `trtn bench` in a child process, under taskset on `cpus` (or under `launcher`, e.g. setarch + taskset): the CLI's JSON figures. */
function trtnCli(plan, flags, cpus, env, launcher = cpus ? ['taskset', '-c', cpus] : []) {
  const command = [process.execPath, join(root, 'dist', 'cli', 'bin.js'), 'bench', plan, '--json', ...flags];
  const [program, ...programArgs] = [...launcher, ...command];
  const result = run(program, programArgs, 300_000, env);
  return withGpu(withPinning(trtnFigures(result), result.text), result);
}

/** A run's figures with what bench/pinned-run.mjs moved, when it launched the run. */
function withPinning(figures, text) {
  const report = pinningOf(text);
  return report ? { ...figures, pinning: report } : figures;
}

/**
 * `command` in a child process, its threads read from /proc every 20 ms while it runs (Linux): resolves to run()'s
 * shape plus `threads`, each thread's last reading (parseTask) with its tid. What a thread did after the last reading
 * (at most 20 ms before the exit) is not in it.
 */
function runSampled(command, commandArgs, timeoutMs, env) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { ...(env ? { env: { ...process.env, ...env } } : {}) });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    const threads = new Map();
    const readOrUndefined = (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    };
    const sample = () => {
      let tids = [];
      try {
        tids = readdirSync(`/proc/${child.pid}/task`);
      } catch {
        return;
      }
      for (const tid of tids) {
        const base = `/proc/${child.pid}/task/${tid}`;
        const reading = parseTask(readOrUndefined(`${base}/stat`), readOrUndefined(`${base}/status`), readOrUndefined(`${base}/schedstat`));
        if (reading.name !== undefined) threads.set(tid, { tid: Number(tid), ...reading });
      }
    };
    const sampler = setInterval(sample, 20);
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearInterval(sampler);
      clearTimeout(killer);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      resolvePromise({ status, stdout: out, stderr: err, text: `${out}${err}`, wallS: (performance.now() - started) / 1000, threads: [...threads.values()] });
    });
  });
}

const MODES = [
  { mode: 'transfers', noDataTransfers: false, useCudaGraph: false },
  { mode: 'transfers+graph', noDataTransfers: false, useCudaGraph: true },
  { mode: 'no-transfers', noDataTransfers: true, useCudaGraph: false },
  { mode: 'no-transfers+graph', noDataTransfers: true, useCudaGraph: true },
];

/** One adjacent pair of runs, trtexec first when `trtexecFirst` (alternate it, so that neither tool always goes first). */
function pairOfRuns(trtexecFirst, timeTheirs, timeOurs) {
  if (trtexecFirst) {
    const theirs = timeTheirs();
    return { theirs, ours: timeOurs() };
  }
  const ours = timeOurs();
  return { theirs: timeTheirs(), ours };
}

const results = [];
const benchStarted = performance.now();
let overhead;
let overheadCopy;
let overheadWorker;
const diagnostics = [];
const modelsOnly = args.includes('--models-only');
let resumedFrom = null;
if (args.includes('--resume')) {
  if (earlierPartial) {
    const earlier = earlierPartial;
    results.push(...earlier.models);
    ({ overhead, overheadCopy, overheadWorker } = earlier.inferOverheadRuns);
    diagnostics.push(...earlier.diagnostics);
    for (const probe of earlier.cpuProbes) (system.cpuProbes ??= []).push(probe);
    resumedFrom = { partial: partialOut, createdAt: earlier.createdAt, models: results.map((model) => model.name), selectedModels: earlier.selectedModels };
    line(`resuming ${partialOut} (${earlier.createdAt}): ${resumedFrom.models.join(', ') || 'no models'} measured already`);
  } else {
    line(`--resume: no ${partialOut}; measuring every model`);
  }
}
const diagnose = args.includes('--diagnose');
// --diagnose [host,elapsed,lag,times,aslr,malloc]: which diagnostic runs (all without a list): host (resnet-like's
// host-side runs), elapsed (event reads through cuEventElapsedTime and _v2), lag (a profiled first build in a fresh
// process), times (both tools' per-iteration host timelines on resnet-like), aslr (its no-transfers runs with the
// address-space layout fixed and randomized), malloc (trtn with one malloc arena and with glibc's default), events
// (trtn's one blocking-sync event per inference against trtexec's six, with each process's threads from /proc), cpus
// (both tools on the other number of CPUs: two when the timing runs had one, one when they had more).
const diagnoseList = args[args.indexOf('--diagnose') + 1];
const diagnoseParts = new Set(diagnose && diagnoseList && !diagnoseList.startsWith('--') ? diagnoseList.split(',') : ['host', 'elapsed', 'lag', 'times', 'aslr', 'malloc', 'events', 'cpus']);
const diagnosing = (part) => diagnose && diagnoseParts.has(part);
for (const [modelIndex, model] of models.entries()) {
  if (results.some((done) => done.name === model.name)) continue;
  const plan = join(scratch, `${model.name}.trtexec.plan`);
  // Build and serialize only, as trtexec --skipInference: no layer-profiling run after the build (--noLayerProfile).
  const cliArgs = [join(root, 'dist', 'cli', 'bin.js'), 'build', model.path, '--backend', backendKind, '--no-progress', '--noLayerProfile', '--saveEngine', join(scratch, `${model.name}.trtn.plan`)];
  for (const flag of model.flags) cliArgs.push(...flag.replace(/=/, '\u0000').split('\u0000'));
  const buildTrtexec = () => {
    line(`${model.name}: building with trtexec`);
    return run(trtexec, [`--onnx=${model.path}`, ...model.flags, `--saveEngine=${plan}`, '--skipInference'], 600_000);
  };
  const buildTrtn = () => {
    line(`${model.name}: building with trtn (the CLI, a process like trtexec)`);
    return run(process.execPath, cliArgs, 600_000);
  };
  // Alternating which tool builds first, so that neither always meets the GPU cold (it idles at a low clock). A
  // build's wall time varies by 5-10% run to run on the H200 (tactic timing), so with --build-pairs N a model whose
  // first build took under --build-pairs-under seconds (20) is built N times by both tools, alternating the order, and the figures are the means.
  const builds = { trtexec: [], trtn: [], innerTrtexec: [], innerTrtn: [], phasesTrtn: [], warnings: { trtexec: [], trtn: [] }, computeCacheBytes: [] };
  let built;
  let trtnBuilt;
  // Each build, then the size of CUDA's JIT cache after it (see computeCachePath).
  const cached = (tool, build) => {
    const result = build();
    builds.computeCacheBytes.push({ tool, bytes: computeCacheBytes() });
    return result;
  };
  const buildPair = (trtexecFirst) => {
    if (trtexecFirst) {
      built = cached('trtexec', buildTrtexec);
      trtnBuilt = cached('trtn', buildTrtn);
    } else {
      trtnBuilt = cached('trtn', buildTrtn);
      built = cached('trtexec', buildTrtexec);
    }
    builds.trtexec.push(built.status === 0 ? built.wallS : null);
    builds.trtn.push(trtnBuilt.status === 0 ? trtnBuilt.wallS : null);
    // Each tool's own build time (the TensorRT build alone), beside the wall time of its whole process.
    builds.innerTrtexec.push(buildSeconds(built.text) ?? null);
    builds.innerTrtn.push(buildSeconds(trtnBuilt.stdout) ?? null);
    // Where the trtn build job's time went (report.buildPhases as the CLI prints them): the context, the builder's
    // kernel library, the build, the release of the builder, beside trtexec's one figure for the build alone.
    builds.phasesTrtn.push(cliBuildPhases(trtnBuilt.stdout) ?? null);
    // What each tool warned of while building (TensorRT's warnings through trtexec's [W] lines, the trtn CLI's
    // warning: lines), once each, so that a build that differs says how (subnormal FP16 weights, a missing tactic).
    for (const [tool, text] of [['trtexec', built.text], ['trtn', trtnBuilt.text]]) builds.warnings[tool] = [...new Set([...builds.warnings[tool], ...buildWarnings(text)])].slice(0, 20);
  };
  buildPair(modelIndex % 2 === 0);
  for (let pair = 1; pair < buildPairs && built.status === 0 && trtnBuilt.status === 0 && builds.trtexec[0] < buildPairsUnderS; pair++) buildPair((modelIndex + pair) % 2 === 0);
  const meanOf = (values) => (values.every((value) => value !== null) ? values.reduce((sum, value) => sum + value, 0) / values.length : null);
  if (trtnBuilt.status !== 0) line(`${model.name}: trtn build failed (exit ${trtnBuilt.status}): ${trtnBuilt.text.split('\n').slice(-5).join(' | ')}`);
  if (built.status !== 0 || !existsSync(plan)) {
    line(`${model.name}: trtexec build failed (exit ${built.status}): ${built.text.split('\n').slice(-5).join(' | ')}`);
    results.push({ name: model.name, error: 'trtexec build failed' });
    continue;
  }

  cpus = chooseCpus(model.name);
  // One timing run of a mode by each tool, as a process pinned to `onCpus` (a taskset list).
  const modeFlags = (mode) => [...(mode.noDataTransfers ? ['--noDataTransfers'] : []), ...(mode.useCudaGraph ? ['--useCudaGraph'] : [])];
  const timeTrtexecOn = (mode, onCpus) => {
    const result = run(...pinned(onCpus, [trtexec, `--loadEngine=${plan}`, `--duration=${duration}`, '--warmUp=200', '--iterations=10', ...modeFlags(mode)]), 300_000);
    return withGpu(withPinning(trtexecFigures(result.text), result.text), result);
  };
  const timeTrtnOn = (mode, onCpus) => trtnCli(plan, ['--duration', String(duration), '--warmUp', '200', '--iterations', '10', ...modeFlags(mode)], onCpus, undefined, timingLauncher(onCpus, pinning, pinnedRun));
  // Rounds across the modes: round r times every mode not yet settled once by each tool (an adjacent pair, the order
  // alternating by mode and round), so that a mode's runs are spread over the minutes the model takes. A host- or
  // latency-bound mode's level drifts at that scale on the H200 box (trtexec alone: 21.1k qps twice in a row in
  // resnet-like transfers+graph, 19.4-19.8k a few minutes later on the same CPUs, 2026-12-04); runs taken back to back
  // agree with each other and not with the next minute. Two rounds at least; the rest (up to --repeats) as
  // timeModesInRounds says: a GPU-bound mode repeats itself to a fraction of a percent, a host-bound one does not.
  const byMode = timeModesInRounds(MODES, repeats, (mode, trtexecFirst) => pairOfRuns(trtexecFirst, () => timeTrtexecOn(mode, cpus), () => timeTrtnOn(mode, cpus)));
  const modes = [];
  // What the split pinning moved in the first pair of runs (the same for every run of a model, unless CUDA's threads
  // are named otherwise on some machine: then nothing is moved, and this line says so).
  const firstPair = byMode[0];
  const movedOf = (run) => (run?.pinning ? `loop CPU ${run.pinning.loopCpu}, ${run.pinning.moved.length ? run.pinning.moved.map((thread) => `${thread.name} to ${run.pinning.helpers} after ${thread.afterMs} ms${thread.ok ? '' : ' (FAILED)'}`).join(', ') : 'no CUDA thread found to move'}` : 'taskset only');
  if (firstPair) line(`${model.name} pinning: trtexec ${movedOf(firstPair.trtexecRuns[0])}; trtn ${movedOf(firstPair.trtnRuns[0])}`);
  // Each run's median SM clock (MHz) from the GPU sampler, per tool in run order: a host-bound engine's GPU compute
  // follows the clock the GPU settled at, and a pair at different clocks is not a comparison of the tools.
  const clocksOf = (trtexecRuns, trtnRuns) => {
    const list = (runs) => runs.map((run) => run?.gpu?.smMhzMedian ?? '?').join('/');
    return trtexecRuns.concat(trtnRuns).some((run) => run?.gpu) ? `; SM clock MHz trtexec ${list(trtexecRuns)}, trtn ${list(trtnRuns)}` : '';
  };
  for (const { mode, trtexecRuns, trtnRuns } of byMode) {
    const theirs = { ...medians(trtexecRuns), runs: trtexecRuns };
    const ours = { ...medians(trtnRuns), hostSteps: trtnRuns.at(-1)?.hostSteps, mode: trtnRuns.at(-1)?.mode, runs: trtnRuns.map(({ mode: _mode, ...figures }) => figures) };
    // Beside the ratio of the medians (the ratios below): the median of the per-pair ratios (see pairedMedianRatio).
    const pairedRatios = { gpuComputeMedianMs: pairedMedianRatio(trtexecRuns, trtnRuns, 'gpuComputeMedianMs'), throughputQps: pairedMedianRatio(trtexecRuns, trtnRuns, 'throughputQps') };
    // And how far the ratio of the medians moves with these runs alone (a bootstrap of each tool's runs).
    const ratioIntervals95 = Object.fromEntries(['gpuComputeMedianMs', 'throughputQps'].map((key) => [key, ratioInterval(trtexecRuns.map((run) => run?.[key]), trtnRuns.map((run) => run?.[key]))]));
    modes.push({ mode: mode.mode, trtexec: theirs, trtn: ours, pairedRatios, ratioIntervals95 });
    if (ours.hostSteps) line(`${model.name} ${mode.mode}: trtn host us/iteration ${describeSteps(ours.hostSteps)}`);
    line(`${model.name} ${mode.mode}: GPU compute median trtexec ${theirs.gpuComputeMedianMs} ms, trtn ${ours.gpuComputeMedianMs?.toFixed(4)} ms; throughput ${theirs.throughputQps} vs ${ours.throughputQps?.toFixed(1)} qps${ours.errors ? ` (trtn failed: ${ours.errors.join('; ')})` : ''} (medians of ${trtnRuns.length})${clocksOf(trtexecRuns, trtnRuns)}`);
  }
  const engine = await loadEngine(plan, { backend: backendKind });
  if (model.name === 'resnet-like-2of4') {
    // A small model, so that the per-call host cost is not drowned by copies: infer() against a raw C++ loop, in a
    // process on the same CPUs as the timing runs. io 'pinned' (inputBuffer() arrays, pinned output views: the raw
    // loop's own data path) is the headline; io 'copy' (the caller's typed arrays copied in and out) and spinWaitUs 0
    // (all on a worker) are reported too.
    const measured = run(...pinned(cpus, [process.execPath, fileURLToPath(import.meta.url), '--overhead-child', plan, ...(dryRun ? ['--dry-run'] : [])]), 300_000);
    try {
      ({ overhead, overheadCopy, overheadWorker } = JSON.parse(measured.stdout));
    } catch {
      line(`infer() overhead measurement failed: ${measured.text.split('\n').find((text) => /^\w*Error( \[\w+\])?: /.test(text)) ?? measured.text.split('\n').slice(-4).join(' | ')}`);
    }
    for (const [label, figures] of [['pinned io', overhead], ['copied io', overheadCopy], ['pinned io, all on a worker', overheadWorker]]) {
      if (!figures) continue;
      const steps = figures.mainThread;
      const where = steps
        ? `; main thread per call: read ${steps.readUs.toFixed(1)}, launch ${steps.launchUs.toFixed(1)} (enqueueV3 ${steps.enqueueUs?.toFixed(1)}), spin ${steps.spinUs.toFixed(1)}, outputs ${steps.outputsUs.toFixed(1)}, outside the addon ${steps.outsideUs.toFixed(1)} us, ${steps.handedOffCalls} handed off`
        : '';
      const raw = figures.rawSteps;
      const rawWhere = raw ? `; raw loop per iteration: upload ${raw.uploadUs.toFixed(1)}, enqueueV3 ${raw.enqueueUs.toFixed(1)}, download ${raw.downloadUs.toFixed(1)}, sync ${raw.syncUs.toFixed(1)} us` : '';
      line(`infer() overhead on ${model.name} (${label}, spinWaitUs ${figures.spinWaitUs}): ${figures.overheadUs.toFixed(1)} us per call, median of ${figures.blocks ?? 1} block pairs (mean over all calls ${figures.overheadMeanUs?.toFixed(1) ?? figures.overheadUs.toFixed(1)}; infer ${figures.inferUs.toFixed(1)} us, raw loop ${figures.rawUs.toFixed(1)} us, ${figures.copiedBytesPerCall} bytes copied per call${where}${rawWhere})`);
    }
    const entries = [];
    let interrupts = null;
    const pinnedRuns = [];
    if (diagnosing('host')) {
      // Where a host-bound engine loses throughput: the same no-transfers mode spinning, repeated after the other
      // modes, and both tools pinned to GPU-local and to remote CPUs.
      const shortRun = [`--duration=2`, '--warmUp=200', '--iterations=10', '--noDataTransfers'];
      const add = (label, trtexecFigures, trtnFigures) => {
        entries.push({ label, trtexec: trtexecFigures, trtn: trtnFigures });
        line(`diagnose ${label}: trtexec ${JSON.stringify(trtexecFigures)} | trtn ${JSON.stringify({ ...trtnFigures, hostSteps: undefined })}${trtnFigures?.hostSteps ? ` | trtn host ${describeSteps(trtnFigures.hostSteps)}` : ''}`);
      };
      const inProcess = async (options) => {
        const bench = await engine.benchmark({ duration: 2, warmUp: 200, iterations: 10, noDataTransfers: true, ...options });
        return { gpuComputeMedianMs: bench.gpuCompute.median, throughputQps: bench.throughput, enqueueMedianMs: bench.enqueue.median, hostSteps: bench.hostSteps };
      };
      add('no-transfers again (in-process, after the other modes)', trtexecFigures(run(trtexec, [`--loadEngine=${plan}`, ...shortRun], 120_000).text), await inProcess({}));
      add('no-transfers --useSpinWait', trtexecFigures(run(trtexec, [`--loadEngine=${plan}`, ...shortRun, '--useSpinWait'], 120_000).text), await inProcess({ useSpinWait: true }));
      add('no-transfers, trtn CLI process', null, trtnCli(plan, ['--duration', '2', '--noDataTransfers']));
      const localSet = new Set(parseCpuList(system.gpuLocalCpus));
      const localCpu = allowedCpus.find((cpu) => localSet.has(cpu));
      const remoteCpu = allowedCpus.find((cpu) => !localSet.has(cpu));
      for (const [label, cpu] of [['GPU-local CPU', localCpu], ['remote CPU', remoteCpu]]) {
        if (cpu === undefined || !localSet.size) continue;
        const pair = `${cpu},${allowedCpus.find((other) => other !== cpu && localSet.has(other) === localSet.has(cpu)) ?? cpu}`;
        add(`no-transfers pinned to ${label} ${pair}`, trtexecFigures(run('taskset', ['-c', pair, trtexec, `--loadEngine=${plan}`, ...shortRun], 120_000).text), trtnCli(plan, ['--duration', '2', '--noDataTransfers'], pair));
      }
      // The same CPUs as the timing runs, and each of them alone, both tools alternating: whether a host-bound
      // figure follows the CPU the loop thread lands on (the scheduler picks one of two).
      interrupts = shell("grep -i nvidia /proc/interrupts | awk '{print $1}' | tr -d ':' | while read irq; do echo \"$irq:$(cat /proc/irq/$irq/smp_affinity_list 2>/dev/null)\"; done | tr '\\n' ' '");
      line(`diagnose: nvidia interrupts (irq:CPUs) ${interrupts}`);
      for (const set of [...new Set([cpus, ...cpus.split(',')])]) {
        for (const graph of [false, true]) {
          const trtexecFlags = [`--loadEngine=${plan}`, '--duration=1', '--warmUp=200', '--iterations=10', '--noDataTransfers', ...(graph ? ['--useCudaGraph'] : [])];
          const trtnFlags = ['--duration', '1', '--warmUp', '200', '--iterations', '10', '--noDataTransfers', ...(graph ? ['--useCudaGraph'] : [])];
          const timeTheirs = () => trtexecFigures(run('taskset', ['-c', set, trtexec, ...trtexecFlags], 120_000).text);
          const timeOurs = () => trtnCli(plan, trtnFlags, set);
          for (let repeat = 0; repeat < 2; repeat++) {
            const { theirs, ours } = pairOfRuns(repeat % 2 === 0, timeTheirs, timeOurs);
            add(`no-transfers${graph ? '+graph' : ''} on CPUs ${set} (repeat ${repeat + 1})`, theirs, ours);
            pinnedRuns.push({ cpus: set, graph, trtexec: theirs, trtn: ours });
          }
        }
      }
    }
    // The event reads through each driver entry point, with transfers (six reads per inference), alternating.
    const elapsedRuns = [];
    if (diagnosing('elapsed')) {
      for (let repeat = 0; repeat < 2; repeat++) {
        for (const entry of repeat % 2 === 0 ? ['v2', 'v1'] : ['v1', 'v2']) {
          const figures = trtnCli(plan, ['--duration', '1', '--warmUp', '200', '--iterations', '10'], cpus, entry === 'v1' ? { TRTN_CUDA_EVENT_ELAPSED: 'v1' } : undefined);
          elapsedRuns.push({ entry, throughputQps: figures.throughputQps, gpuComputeMedianMs: figures.gpuComputeMedianMs, elapsedTimeUs: figures.hostSteps?.elapsedTimeUs, elapsedTimeEntry: figures.hostSteps?.elapsedTimeEntry, perIterationUs: figures.hostSteps?.perIterationUs });
          line(`diagnose transfers, event reads via ${figures.hostSteps?.elapsedTimeEntry}: ${figures.throughputQps?.toFixed(0)} qps, reads ${figures.hostSteps?.elapsedTimeUs?.toFixed(1)} us of ${figures.hostSteps?.perIterationUs?.toFixed(1)} us per iteration`);
        }
      }
    }
    // Per-iteration host timelines of both tools (--exportTimes), in adjacent pairs: whether a gap is in the
    // enqueue itself or in the host work between enqueues.
    const timelines = [];
    if (diagnosing('times')) {
      for (const [label, extra] of [['transfers', []], ['no-transfers', ['--noDataTransfers']]]) {
        for (let repeat = 0; repeat < 3; repeat++) {
          const theirsPath = join(scratch, `times-trtexec-${label}-${repeat}.json`);
          const oursPath = join(scratch, `times-trtn-${label}-${repeat}.json`);
          const timeTheirs = () => trtexecFigures(run('taskset', ['-c', cpus, trtexec, `--loadEngine=${plan}`, `--duration=${duration}`, '--warmUp=200', '--iterations=10', ...extra, `--exportTimes=${theirsPath}`], 300_000).text);
          const timeOurs = () => trtnCli(plan, ['--duration', String(duration), '--warmUp', '200', '--iterations', '10', ...extra, '--exportTimes', oursPath], cpus);
          const { theirs, ours } = pairOfRuns(repeat % 2 === 0, timeTheirs, timeOurs);
          const timelineOf = (path) => {
            try {
              return hostTimeline(JSON.parse(readFileSync(path, 'utf8')));
            } catch {
              return null;
            }
          };
          const entry = { mode: label, repeat: repeat + 1, trtexec: { throughputQps: theirs.throughputQps, timeline: timelineOf(theirsPath) }, trtn: { throughputQps: ours.throughputQps, hostSteps: ours.hostSteps, timeline: timelineOf(oursPath) } };
          timelines.push(entry);
          const describe = (timeline) => (timeline ? `enqueue ${timeline.enqueueUs.medianUs.toFixed(1)}/${timeline.enqueueUs.meanUs.toFixed(1)}, between ${timeline.betweenEnqueuesUs.medianUs.toFixed(1)}/${timeline.betweenEnqueuesUs.meanUs.toFixed(1)}, period ${timeline.periodUs.medianUs.toFixed(1)}/${timeline.periodUs.meanUs.toFixed(1)} us (median/mean)` : 'no times');
          line(`diagnose times ${label} (pair ${repeat + 1}): trtexec ${theirs.throughputQps} qps, ${describe(entry.trtexec.timeline)} | trtn ${ours.throughputQps?.toFixed(0)} qps, ${describe(entry.trtn.timeline)}`);
        }
      }
    }
    // Whether the two levels a host-bound enqueue sits at (about 17 and 29 us on the H200) follow the process's
    // address-space layout: the same no-transfers runs with ASLR off (setarch -R) and on, both tools alternating.
    const layoutRuns = [];
    if (diagnosing('aslr')) {
      const arch = shell('uname -m');
      const setarch = shell('command -v setarch');
      if (!setarch || !arch) {
        line('diagnose aslr: no setarch here; skipped');
      } else {
        for (const randomized of [false, true]) {
          for (let repeat = 0; repeat < 3; repeat++) {
            const prefix = randomized ? ['taskset', '-c', cpus] : [setarch, arch, '-R', 'taskset', '-c', cpus];
            const timeTheirs = () => trtexecFigures(run(prefix[0], [...prefix.slice(1), trtexec, `--loadEngine=${plan}`, `--duration=${duration}`, '--warmUp=200', '--iterations=10', '--noDataTransfers'], 300_000).text);
            const timeOurs = () => trtnCli(plan, ['--duration', String(duration), '--warmUp', '200', '--iterations', '10', '--noDataTransfers'], cpus, undefined, prefix);
            const { theirs, ours } = pairOfRuns(repeat % 2 === 0, timeTheirs, timeOurs);
            layoutRuns.push({ aslr: randomized, repeat: repeat + 1, trtexec: { throughputQps: theirs.throughputQps, enqueueMedianMs: theirs.enqueueMedianMs }, trtn: { throughputQps: ours.throughputQps, enqueueMedianMs: ours.enqueueMedianMs, error: ours.error } });
            line(`diagnose aslr ${randomized ? 'on' : 'off'} (pair ${repeat + 1}): trtexec ${theirs.throughputQps} qps, enqueue ${theirs.enqueueMedianMs} ms | trtn ${ours.throughputQps?.toFixed(0)} qps, enqueue ${ours.enqueueMedianMs?.toFixed(4)} ms`);
          }
        }
      }
    }
    // Whether glibc's per-thread malloc arenas cost the enqueue: trtn with MALLOC_ARENA_MAX=1 (every thread on the main
    // arena) and without, alternating. (Both tools enqueue off their main thread: trtexec's runInference starts a
    // std::thread for its inferenceExecution even with one stream, samples/common/sampleInference.cpp; trtn a worker.)
    const arenaRuns = [];
    if (diagnosing('malloc')) {
      for (const [label, extra] of [['transfers', []], ['no-transfers', ['--noDataTransfers']]]) {
        for (let repeat = 0; repeat < 2; repeat++) {
          for (const oneArena of repeat % 2 === 0 ? [true, false] : [false, true]) {
            const figures = trtnCli(plan, ['--duration', String(duration), '--warmUp', '200', '--iterations', '10', ...extra], cpus, oneArena ? { MALLOC_ARENA_MAX: '1' } : undefined);
            arenaRuns.push({ mode: label, mallocArenaMax1: oneArena, throughputQps: figures.throughputQps, enqueueMedianMs: figures.enqueueMedianMs, hostSteps: figures.hostSteps });
            line(`diagnose malloc ${label}${oneArena ? ', MALLOC_ARENA_MAX=1' : ''}: ${figures.throughputQps?.toFixed(0)} qps, enqueue ${figures.enqueueMedianMs?.toFixed(4)} ms${figures.hostSteps ? `; host ${describeSteps(figures.hostSteps)}` : ''}`);
          }
        }
      }
    }
    // Whether recording only the waited-on event with blocking sync or all six (trtexec) moves a host-bound engine's
    // throughput, and which threads of each process switch and wait for the CPU meanwhile: trtexec, trtn (its default
    // 'auto': six with a graph, one without) and trtn with the other choice, in rotating order, each process's threads
    // read from /proc.
    const eventRuns = [];
    if (diagnosing('events')) {
      const cli = join(root, 'dist', 'cli', 'bin.js');
      for (const [label, extra] of [['transfers', []], ['transfers+graph', ['--useCudaGraph']], ['no-transfers+graph', ['--noDataTransfers', '--useCudaGraph']]]) {
        const common = ['--duration', String(duration), '--warmUp', '200', '--iterations', '10', ...extra];
        // The choice trtn's default 'auto' does not make in this mode.
        const otherEvents = extra.includes('--useCudaGraph') ? 'waited' : 'all';
        const variants = [
          ['trtexec', () => runSampled('taskset', ['-c', cpus, trtexec, `--loadEngine=${plan}`, `--duration=${duration}`, '--warmUp=200', '--iterations=10', ...extra], 120_000), (result) => trtexecFigures(result.text)],
          ['trtn', () => runSampled('taskset', ['-c', cpus, process.execPath, cli, 'bench', plan, '--json', ...common], 120_000), trtnFigures],
          [`trtn ${otherEvents === 'all' ? 'all-blocking' : 'waited'}`, () => runSampled('taskset', ['-c', cpus, process.execPath, cli, 'bench', plan, '--json', ...common, '--blockingEvents', otherEvents], 120_000), trtnFigures],
        ];
        for (let repeat = 0; repeat < 3; repeat++) {
          for (let turn = 0; turn < variants.length; turn++) {
            const [variant, start, figuresOf] = variants[(turn + repeat) % variants.length];
            const result = await start();
            const figures = figuresOf(result);
            eventRuns.push({ mode: label, repeat: repeat + 1, variant, throughputQps: figures.throughputQps, gpuComputeMedianMs: figures.gpuComputeMedianMs, hostSteps: figures.hostSteps, threads: result.threads, error: figures.error });
            const steps = figures.hostSteps;
            line(`diagnose events ${label} (round ${repeat + 1}) ${variant}: ${figures.throughputQps?.toFixed?.(0) ?? figures.throughputQps} qps${steps ? `, ${steps.blockingEventsPerInference} blocking events, host ${describeSteps(steps)}` : ''}${figures.error ? ` (failed: ${figures.error})` : ''}; threads ${describeThreads(result.threads)}`);
          }
        }
      }
    }
    // Whether the number of CPUs moves either tool's host-bound figures: the four modes, both tools alternating, on
    // the other count than the timing runs above (two CPUs, the fastest of a fresh probe, when those ran on one; one
    // when they ran on --cpus-per-run 2 or more), three pairs per mode beside the figures above.
    const cpuCountRuns = [];
    if (diagnosing('cpus')) {
      const count = cpus.split(',').length === 1 ? 2 : 1;
      const other = chooseCpus(`${model.name} (diagnose cpus: ${count} CPU${count === 1 ? '' : 's'})`, count);
      // A machine with too few CPUs (CPU 0 is never chosen) gives the same set again: nothing to compare.
      if (other === cpus) line(`diagnose cpus: no other number of CPUs than ${cpus} to time on here; skipped`);
      for (const mode of other === cpus ? [] : MODES) {
        for (let repeat = 0; repeat < 3; repeat++) {
          const { theirs, ours } = pairOfRuns(repeat % 2 === 0, () => timeTrtexecOn(mode, other), () => timeTrtnOn(mode, other));
          const kept = (figures) => ({ throughputQps: figures.throughputQps, gpuComputeMedianMs: figures.gpuComputeMedianMs, enqueueMedianMs: figures.enqueueMedianMs, ...(figures.error ? { error: figures.error } : {}) });
          cpuCountRuns.push({ mode: mode.mode, cpus: other, cpuCount: other.split(',').length, repeat: repeat + 1, trtexec: kept(theirs), trtn: { ...kept(ours), hostSteps: ours.hostSteps } });
          line(`diagnose cpus ${mode.mode} on ${other} (pair ${repeat + 1}): trtexec ${theirs.throughputQps} qps | trtn ${ours.throughputQps?.toFixed(0)} qps${ours.hostSteps ? `, loop preempted ${ours.hostSteps.involuntarySwitches} times` : ''}`);
        }
      }
    }
    if (['host', 'elapsed', 'times', 'aslr', 'malloc', 'events', 'cpus'].some(diagnosing)) diagnostics.push({ model: model.name, entries, interrupts, pinnedRuns, elapsedRuns, timelines, layoutRuns, arenaRuns, eventRuns, cpuCountRuns });
  }
  engine.dispose();
  const buildWallS = { trtexec: meanOf(builds.trtexec), trtn: meanOf(builds.trtn), runs: builds };
  results.push({ name: model.name, flags: model.flags.join(' '), modes, buildWallS });
  const seconds = (values) => values.map((value) => value?.toFixed(2)).join(', ');
  line(`${model.name}: CUDA JIT cache ${computeCachePath}: ${system.cudaComputeCache.bytesAtStart} bytes at the bench's start, after each build ${builds.computeCacheBytes.map((entry) => `${entry.tool} ${entry.bytes}`).join(', ')}`);
  line(`${model.name}: build wall trtexec ${seconds(builds.trtexec)} s, trtn ${seconds(builds.trtn)} s; TensorRT build alone trtexec ${seconds(builds.innerTrtexec)} s, trtn ${seconds(builds.innerTrtn)} s; trtn's last build job ${builds.phasesTrtn.at(-1)?.map((phase) => `${phase.phase} ${phase.ms.toFixed(0)} ms`).join(', ') ?? 'without phases'} (${((performance.now() - benchStarted) / 1000).toFixed(0)} s into the bench)`);
  // What is done so far, in case the run is cut off (a device call has a time limit): replaced by the full file.
  mkdirSync(dirname(partialOut), { recursive: true });
  const state = partialState({ createdAt: new Date().toISOString(), durationS: duration, repeats, system, models: results, selectedModels: only ?? null, inferOverheadRuns: { overhead, overheadCopy, overheadWorker }, diagnostics });
  writeFileSync(partialOut, `${JSON.stringify(state, null, 2)}\n`);
}
if (modelsOnly) {
  line(`--models-only: ${results.map((model) => model.name).join(', ')} in ${partialOut}; the in-process figures and the full file come from a run with --resume (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
}

// Event-loop lag during an in-process build, and a rebuild with the timing cache.
const lag = monitorEventLoopDelay({ resolution: 1 });
const cachePath = join(scratch, 'cache.bin');
const seedBytes = readFileSync(seed003);
// Where a stall comes from: the longest gap between 1 ms ticks, and the GC pauses in the same window.
const gcPauses = [];
// Which collector paused (a scavenge of the young generation, a full mark-compact, the end of incremental marking):
// a long pause of a small heap with the main thread in a futex wait is V8 waiting on its helper threads.
const gcKindNames = { [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ atMs: entry.startTime, ms: entry.duration, kind: gcKindNames[entry.detail?.kind] ?? entry.detail?.kind ?? null, flags: entry.detail?.flags ?? null });
});
gcObserver.observe({ entryTypes: ['gc'] });
const gaps = watchGaps();
const worstGap = gaps.worst;
const buildPhases = [];
// buildEngine()'s own steps (its diagnostics channel): which of them the worst gap fell in.
const buildSteps = [];
const { subscribe: subscribeChannel, unsubscribe: unsubscribeChannel } = await import('node:diagnostics_channel');
const onBuildStep = (message) => buildSteps.push(message);
subscribeChannel(trtn.BUILD_STEPS_CHANNEL, onBuildStep);
// A watchdog PROCESS (a thread of this process would stall with it: a 25 ms stall on the H200 left a watchdog thread
// without a single sample, as when the whole process waits on its memory-map lock). Every 2 ms it reads the main
// thread's state, syscall and kernel wait channel from /proc, and every 10 ms the states of all threads; the samples
// inside the worst event-loop gap name its cause.
const watchdog = spawn(
  process.execPath,
  [
    '-e',
    `const { readFileSync, readdirSync } = require('node:fs');
     const pid = process.argv[1];
     const read = (file) => { try { return readFileSync(file, 'utf8').trim(); } catch { return null; } };
     const stateOf = (stat) => (stat ? stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) : null);
     // A ring of the last 30000 samples (60 s): a build of any length keeps the window around its worst gap.
     const ring = new Array(30000);
     let next = 0;
     let count = 0;
     let round = 0;
     const timer = setInterval(() => {
       const atMs = performance.timeOrigin + performance.now();
       const task = '/proc/' + pid + '/task/' + pid + '/';
       const sample = { atMs, state: stateOf(read(task + 'stat')), syscall: read(task + 'syscall')?.split(' ')[0] ?? null, wchan: read(task + 'wchan'), schedstat: read(task + 'schedstat') };
       if (round++ % 5 === 0) {
         const census = {};
         // And each thread that is not idle-asleep (running, in D, or asleep anywhere but the usual waits): its name,
         // state and wait channel, so that a GC's helpers or a builder thread holding the process's memory-map lock show.
         const busy = [];
         try {
           for (const tid of readdirSync('/proc/' + pid + '/task')) {
             const stat = read('/proc/' + pid + '/task/' + tid + '/stat');
             const state = stateOf(stat);
             census[state] = (census[state] ?? 0) + 1;
             if (tid === pid) continue;
             const wchan = read('/proc/' + pid + '/task/' + tid + '/wchan');
             if (state === 'S' && /^(do_epoll_wait|futex_do_wait|futex_wait_queue|hrtimer_nanosleep|do_sys_poll|do_select|pipe_read|unix_stream_read_generic)$/.test(wchan ?? '')) continue;
             busy.push({ tid, name: stat ? stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) : null, state, wchan });
           }
         } catch {}
         sample.threads = census;
         sample.busyThreads = busy;
         sample.loadavg = read('/proc/loadavg');
       }
       ring[next] = sample;
       next = (next + 1) % ring.length;
       count = Math.min(count + 1, ring.length);
     }, 2);
     // Never outlive the bench: the end of stdin (the bench exited or failed) stops the watchdog too.
     let answering = false;
     process.stdin.on('end', () => { if (!answering) process.exit(0); });
     process.stdin.once('data', (window) => {
       answering = true;
       clearInterval(timer);
       const { fromMs, toMs } = JSON.parse(String(window));
       const samples = [];
       for (let index = 0; index < count; index++) samples.push(ring[(next - count + index + ring.length) % ring.length]);
       process.stdout.write(JSON.stringify(samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs)) + '\\n', () => process.exit(0));
     });`,
    String(process.pid),
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
await new Promise((resolveSpawned) => watchdog.once('spawn', resolveSpawned));
process.once('exit', () => watchdog.kill());
await new Promise((resolveSettled) => setTimeout(resolveSettled, 200));
lag.enable();
// The worst gap is that of the build alone (spawning the watchdog, a fork of this large process, stalls too).
gaps.reset();
let started = performance.now();
const first = await buildEngine(seedBytes, {
  backend: backendKind, fp16: true, timingCache: cachePath,
  onProgress: (event) => buildPhases.push({ atMs: performance.now(), phase: event.phase }),
});
const firstMs = performance.now() - started;
const buildEndMs = performance.now();
unsubscribeChannel(trtn.BUILD_STEPS_CHANNEL, onBuildStep);
lag.disable();
gaps.stop();
gcObserver.disconnect();
const watchdogSamples = await new Promise((resolveSamples) => {
  let text = '';
  watchdog.stdout.on('data', (chunk) => {
    text += chunk;
  });
  // 'close', not 'exit': the last of its stdout may arrive after it exits.
  watchdog.once('close', () => {
    try {
      resolveSamples(JSON.parse(text));
    } catch {
      resolveSamples([]);
    }
  });
  // The worst gap and 5 ms either side, in the epoch milliseconds both processes read.
  watchdog.stdin.end(JSON.stringify({ fromMs: performance.timeOrigin + worstGap.endMs - worstGap.ms - 5, toMs: performance.timeOrigin + worstGap.endMs + 5 }));
});
const originMs = performance.timeOrigin;
const lastPhase = buildPhases.filter((phase) => phase.atMs <= worstGap.endMs).at(-1);
// The build job's own phases (report.buildPhases: builder, engineBuild, release, …) on this clock, laid back from
// the 'native build done' step (the job's end reaches the main thread a turn of the event loop later, so each phase
// is placed that much late at most): which phase a gap or a GC pause fell in. On 2026-12-04 21:18 a 15.4 ms pause
// came 0.6 s before the job's end, where its release phase (the builder's teardown, about 1 s) was.
const nativeDoneMs = buildSteps.find((step) => step.step === 'native build done')?.atMs;
const nativePhases = [];
if (nativeDoneMs !== undefined) {
  let endMs = nativeDoneMs - started;
  for (const phase of [...(first.report.buildPhases ?? [])].reverse()) {
    nativePhases.unshift({ phase: phase.phase, fromMsAfterBuildStart: endMs - phase.ms, toMsAfterBuildStart: endMs });
    endMs -= phase.ms;
  }
}
const nativePhaseAt = (msAfterBuildStart) => nativePhases.find((phase) => msAfterBuildStart >= phase.fromMsAfterBuildStart && msAfterBuildStart <= phase.toMsAfterBuildStart)?.phase ?? null;
const stall = {
  worstGapMs: worstGap.ms,
  endedMsAfterBuildStart: worstGap.endMs - started,
  buildMs: buildEndMs - started,
  lastProgressPhaseBefore: lastPhase?.phase ?? null,
  // onProgress calls in the build and inside the worst gap (a burst of them would be main-thread work).
  progressCalls: buildPhases.length,
  progressCallsInGap: buildPhases.filter((phase) => phase.atMs >= worstGap.endMs - worstGap.ms && phase.atMs <= worstGap.endMs).length,
  gcPausesInBuild: gcPauses.filter((pause) => pause.atMs >= started && pause.atMs <= buildEndMs).map((pause) => ({ atMsAfterBuildStart: pause.atMs - started, ms: pause.ms, kind: pause.kind, flags: pause.flags, nativePhase: nativePhaseAt(pause.atMs - started) })),
  nativePhases,
  nativePhaseAtGap: nativePhaseAt(worstGap.endMs - started),
  // The main thread as /proc showed it from 5 ms before the worst gap to 5 ms after it (state R: running; S/D: in a
  // syscall, D uninterruptibly, e.g. on a lock), sampled by another process.
  // The build's steps, ms after its start; the gap began after `stepBefore` ended and ended before `stepAfter` did.
  steps: buildSteps.map((step) => ({ step: step.step, atMsAfterBuildStart: step.atMs - started })),
  stepBefore: buildSteps.filter((step) => step.atMs <= worstGap.endMs - worstGap.ms).at(-1)?.step ?? null,
  stepAfter: buildSteps.find((step) => step.atMs >= worstGap.endMs)?.step ?? null,
  mainThreadWhileStalled: watchdogSamples.map((sample) => ({ ...sample, atMs: undefined, atMsAfterBuildStart: sample.atMs - originMs - started })),
};
for (const sample of stall.mainThreadWhileStalled) {
  line(`main thread at ${sample.atMsAfterBuildStart.toFixed(1)} ms: state ${sample.state}, syscall ${sample.syscall}, wchan ${sample.wchan}, schedstat ${sample.schedstat}${sample.threads ? `, threads ${JSON.stringify(sample.threads)}, load ${sample.loadavg}` : ''}${sample.busyThreads?.length ? `; not idle: ${sample.busyThreads.map((thread) => `${thread.name} ${thread.state} ${thread.wchan}`).join(', ')}` : ''}`);
}
line(`worst event-loop gap ${stall.worstGapMs.toFixed(2)} ms, ending ${stall.endedMsAfterBuildStart.toFixed(0)} ms into a ${stall.buildMs.toFixed(0)} ms build (last progress phase before it: ${stall.lastProgressPhaseBefore}, ${stall.progressCallsInGap} of ${stall.progressCalls} onProgress calls inside it; between build steps '${stall.stepBefore}' and '${stall.stepAfter}', in the build job's ${stall.nativePhaseAtGap ?? '?'} phase); GC pauses in the build: ${stall.gcPausesInBuild.map((pause) => `${pause.ms.toFixed(1)} ms (${pause.kind ?? '?'}, ${pause.nativePhase ?? '?'} phase)`).join(', ') || 'none'}`);
line(`build steps (ms after start): ${stall.steps.map((step) => `${step.step} ${step.atMsAfterBuildStart.toFixed(1)}`).join(', ')}`);
// The same first build in a fresh process, unprofiled: what a service meets at its first build, the backend's
// load included (the in-process figure above comes after backendInfo() loaded it). Reported beside, never instead.
let freshProcessLag = null;
{
  const fresh = run(process.execPath, [fileURLToPath(import.meta.url), '--lag-child', seed003, '--lag-cache', join(scratch, 'lag-fresh-cache.bin'), '--lag-profile', '0'], 300_000);
  try {
    const found = JSON.parse(fresh.stdout.trim().split('\n').at(-1));
    freshProcessLag = { worstGapMs: found.worstGapMs, gapFromMs: found.gapFromMs, gapToMs: found.gapToMs, buildMs: found.buildMs, steps: found.steps };
    line(`event-loop lag in a fresh process's first build (backend load included): worst gap ${found.worstGapMs.toFixed(2)} ms at ${found.gapFromMs.toFixed(1)}-${found.gapToMs.toFixed(1)} ms of ${found.buildMs.toFixed(0)} ms; steps ${found.steps.map((step) => `${step.step} ${step.atMs.toFixed(1)}`).join(', ')}`);
  } catch {
    line(`fresh-process lag: the build failed: ${fresh.text.split('\n').slice(-4).join(' | ')}`);
  }
}
if (diagnosing('lag')) {
  // The same first build in a fresh process under V8's sampling profiler (100 us): what the main thread ran in its
  // worst gap. A diagnostic: the profiler's own cost makes its gap no figure for eventLoopLagMaxMs.
  const probe = run(process.execPath, [fileURLToPath(import.meta.url), '--lag-child', seed003, '--lag-cache', join(scratch, 'lag-probe-cache.bin')], 300_000);
  try {
    const found = JSON.parse(probe.stdout.trim().split('\n').at(-1));
    diagnostics.push({ lagProbe: found });
    line(`diagnose lag (profiled fresh process): worst gap ${found.worstGapMs.toFixed(2)} ms at ${found.gapFromMs.toFixed(1)}-${found.gapToMs.toFixed(1)} ms of a ${found.buildMs.toFixed(0)} ms build (clocks aligned: ${found.clocksAligned}); steps ${found.steps.map((step) => `${step.step} ${step.atMs.toFixed(1)}`).join(', ')}`);
    for (const leaf of found.profile.leaves) line(`diagnose lag: ${leaf.ms.toFixed(2)} ms in ${leaf.frame} <- ${leaf.stack.slice(-8, -1).reverse().join(' <- ')}`);
  } catch {
    line(`diagnose lag: the profiled build failed: ${probe.text.split('\n').slice(-4).join(' | ')}`);
  }
}
first.engine.dispose();
started = performance.now();
const second = await buildEngine(seedBytes, { backend: backendKind, fp16: true, timingCache: cachePath });
const secondMs = performance.now() - started;
second.engine.dispose();
// A service that rebuilds in the same process keeps its builder (keepBuilder) as well as its timing cache.
await (await buildEngine(seedBytes, { backend: backendKind, fp16: true, timingCache: cachePath, keepBuilder: true })).engine.dispose();
started = performance.now();
const kept = await buildEngine(seedBytes, { backend: backendKind, fp16: true, timingCache: cachePath, keepBuilder: true });
const keptMs = performance.now() - started;
kept.engine.dispose();
trtn.releaseBuilders();
const eventLoopLagMaxMs = lag.max / 1e6;
line(`event-loop lag max during a build ${eventLoopLagMaxMs.toFixed(2)} ms; timing cache: first ${firstMs.toFixed(0)} ms, rebuild ${secondMs.toFixed(0)} ms, rebuild with a kept builder ${keptMs.toFixed(0)} ms`);

const ratio = (pick, better) => {
  let worst;
  for (const model of results) {
    for (const mode of model.modes ?? []) {
      const theirs = pick(mode.trtexec);
      const ours = pick(mode.trtn);
      if (!(theirs > 0) || !(ours > 0)) continue;
      const value = ours / theirs;
      worst = worst === undefined ? value : better === 'low' ? Math.max(worst, value) : Math.min(worst, value);
    }
  }
  return worst ?? null;
};
const worstPaired = (key, better) => {
  const values = results.flatMap((model) => (model.modes ?? []).map((mode) => mode.pairedRatios?.[key])).filter((value) => typeof value === 'number');
  if (values.length === 0) return null;
  return better === 'low' ? Math.max(...values) : Math.min(...values);
};
const buildRatios = results.filter((model) => model.buildWallS?.trtn && model.buildWallS?.trtexec).map((model) => model.buildWallS.trtn / model.buildWallS.trtexec);
const gpu = first.report.environment.gpu?.name;
// (a --resume that timed nothing has not read the sampler's file yet: its field list)
gpuSamplesText();
const output = {
  ...(dryRun ? { dryRun: true, dryRunNote: 'the mock backend against a stand-in for trtexec: estimates and fakes, never measurements' } : {}),
  gpu: first.report.environment.gpu?.name ?? 'unknown',
  tensorrt: info.tensorrtVersion,
  createdAt: new Date().toISOString(),
  durationS: duration,
  repeats,
  buildPairs,
  buildPairsUnderS,
  ...(resumedFrom ? { resumedFrom } : {}),
  note:
    'trtn/trtexec ratios, worst over models and modes; every figure measured in this run on this GPU. Timing: both tools as processes (trtexec --loadEngine, trtn bench) on the same plan, pinned to the same CPUs (system.timingCpus: by default the two fastest in a probe of all CPUs before each model, system.cpuProbes; system.timingPinning: by default the whole process on both, with --pinning split the process on the first alone and CUDA\'s own threads on the second), trtn with its default blockingEvents \'auto\' (with a CUDA graph trtexec\'s six blocking-sync events per inference, two without transfers; without a graph only the one waited on: docs/native.md), each mode 2 to `repeats` times per tool in alternating order, in rounds across the modes so that a mode\'s runs are minutes apart (rounds after the second only for a mode whose runs of either tool differ by more than 1% and, from the fourth, whose ratios still move by more than 1% when any one pair is left out), figures the medians (every run under runs; pairedRatios per mode: the median over adjacent pairs of trtn/trtexec, beside the ratio of the medians that the ratios use); builds (trtexec --skipInference, trtn build --noLayerProfile: neither runs inference) unpinned, buildPairs times per tool in alternating orders for a model whose first build took under buildPairsUnderS seconds (buildWallS the means, runs each build). inferOverheadUs: engine.measureInferOverhead({ io: "pinned" }) on resnet-like-2of4 (awaited infer() calls on inputBuffer() arrays with pinned output views, against a C++ loop of the same copies, enqueue and sync, in 10 interleaved block pairs: the median pair difference, overheadMeanUs the mean over all calls; in a process on the same CPUs); inferOverheadCopiedIo is the same with the caller\'s own typed arrays copied in and out (copiedBytesPerCall), inferOverheadWorkerOnly with spinWaitUs 0. eventLoopLagMaxMs: monitorEventLoopDelay over the first in-process build of this process (after backendInfo() loaded the backend); eventLoopLagFreshProcess: the worst gap between 1 ms ticks in a fresh process\'s first build, the backend\'s load included. worstCases: the model and mode behind each ratio with a 95% percentile bootstrap interval of its runs (each tool\'s runs resampled on their own; builds by their means) and whether the issue\'s bound lies within it; ratioIntervals95 per mode the same for both figures. run.gpu: the GPU\'s readings (nvidia-smi every system.gpuSampler.periodMs) that fell within that timing run: SM clock median/min/max, memory clock, power, P-states, clocks event reasons.',
  models: results,
  ratios: {
    gpuComputeMedianMax: ratio((figures) => figures.gpuComputeMedianMs, 'low'),
    throughputMin: ratio((figures) => figures.throughputQps, 'high'),
    buildWallMax: buildRatios.length ? Math.max(...buildRatios) : null,
  },
  // Where each ratio came from, and the 95% bootstrap interval of that case's runs: whether the bound lies within
  // what these runs can resolve (within: true) or the tools differ beyond their run-to-run spread.
  worstCases: worstCases({ models: results }),
  // The same worst cases from each mode's pairedRatios (for comparison; the ratios above are the definition).
  ratiosPaired: {
    gpuComputeMedianMax: worstPaired('gpuComputeMedianMs', 'low'),
    throughputMin: worstPaired('throughputQps', 'high'),
  },
  inferOverheadUs: overhead ? overhead.overheadUs : null,
  inferOverhead: overhead ?? null,
  inferOverheadCopiedIo: overheadCopy ?? null,
  inferOverheadWorkerOnly: overheadWorker ?? null,
  eventLoopLagMaxMs,
  eventLoopStall: stall,
  eventLoopLagFreshProcess: freshProcessLag,
  // First build (fresh builder, empty cache) over a rebuild in the same process with the cache and a kept builder.
  timingCacheSpeedup: firstMs / keptMs,
  timingCacheSpeedupFreshBuilder: firstMs / secondMs,
  buildMs: { first: firstMs, rebuildWithCache: secondMs, rebuildWithCacheAndKeptBuilder: keptMs },
  system,
  // A resumed run keeps the first part's diagnostics even when this part ran none.
  ...(diagnostics.length ? { diagnostics } : {}),
};
const slug = String(gpu ?? 'gpu').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const out = option('--out', join(root, 'bench', 'results', `vs-trtexec-${output.createdAt.slice(0, 10)}-${slug}-trt${info.tensorrtVersion}.json`));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`);
rmSync(partialOut, { force: true });
for (const [key, entry] of Object.entries(output.worstCases)) {
  if (entry) line(`${key}: ${entry.model}${entry.mode ? ` ${entry.mode}` : ''} ${entry.ratio.toFixed(3)}, 95% interval of its runs ${entry.interval95 ? entry.interval95.map((value) => value.toFixed(3)).join('-') : 'n/a (one run per tool)'}${entry.within === null ? ` (${entry.noVerdict})` : entry.within ? `: holds the bound ${entry.bound} (these runs cannot tell which side of it the tools are)` : `: clear of the bound ${entry.bound}`}`);
}
line(`ratios ${JSON.stringify(output.ratios)}; wrote ${out} (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
rmSync(scratch, { recursive: true, force: true });
