#!/usr/bin/env node
/**
 * tensorrt-node against trtexec on one GPU, in one run: build wall time of both tools, then the SAME plan (the one
 * trtexec built) timed by both in four modes (transfers on/off x CUDA graph on/off), event-loop lag during an
 * in-process build, and a rebuild with the timing cache. A benchmark, never a test: it prints figures and ratios
 * and writes them to bench/results/vs-trtexec-<date>-<gpu>-trt<version>.json.
 *
 *   node bench/vs-trtexec.mjs --trtexec <path> [--models-dir <dir>] [--duration 3] [--out <file>] [--cpus 14,15] [--diagnose]
 *
 * Timing runs (both tools, as processes, alternating) and the infer() overhead run pinned to the same two CPUs
 * (the last two allowed, or --cpus): unpinned, a host-bound engine's figures follow where the scheduler puts the
 * thread more than either tool.
 *
 * --diagnose adds, for the host-bound resnet-like model, the runs that locate a host-side gap: no-transfers again
 * after the other modes, with --useSpinWait, the trtn CLI in its own process, and both tools pinned (taskset) to a
 * GPU-local and to a remote CPU; they go under "diagnostics" and never into the ratios.
 *
 * Needs dist/ (npm run build:ts), the native addon, TRTN_TENSORRT_LIB_DIR (and LD_LIBRARY_PATH for trtexec, which
 * finds libnvinfer by soname). trtexec is built from the NVIDIA/TensorRT samples of the same version with
 * scripts/trtexec/build.sh. Models: examples/seed003.onnx (default IO and fp16:hwc8), examples/resnet-like.onnx
 * pruned 2:4, and any <name>-2of4.onnx or <name>.onnx in --models-dir (e.g. a torchvision export).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { medians, parseCpuList, pickCpus, trtexecFigures } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const overheadPlan = option('--overhead-child');
if (overheadPlan) {
  // The child the bench starts under taskset: infer() against the raw C++ loop on one plan, as JSON on stdout.
  const { loadEngine: load } = await import(join(root, 'dist', 'index.js'));
  const engine = await load(overheadPlan, { backend: 'tensorrt' });
  const figures = {
    overhead: await engine.measureInferOverhead({ iterations: 2000, io: 'pinned' }),
    overheadCopy: await engine.measureInferOverhead({ iterations: 2000, io: 'copy' }),
    overheadWorker: await engine.measureInferOverhead({ iterations: 2000, io: 'pinned', spinWaitUs: 0 }),
  };
  engine.dispose();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}
const trtexec = option('--trtexec');
if (!trtexec || !existsSync(trtexec)) {
  console.error('vs-trtexec: give --trtexec <path to a trtexec of the same TensorRT version> (scripts/trtexec/build.sh builds one)');
  process.exit(2);
}
const duration = Number(option('--duration', '1'));
// Each mode is timed `repeats` times per tool, alternating the order; the figures are the medians.
const repeats = Number(option('--repeats', '3'));
const modelsDir = option('--models-dir');
const trtn = await import(join(root, 'dist', 'index.js'));
const { buildEngine, loadEngine, backendInfo, onnx } = trtn;

const info = backendInfo();
if (info.active !== 'tensorrt') {
  console.error(`vs-trtexec: the TensorRT backend did not load (${info.reasons.map((reason) => reason.message).join('; ')})`);
  process.exit(2);
}
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
};
// Timing runs of both tools, and the infer() overhead, run as processes pinned to the same two CPUs: on the H200
// box an unpinned host-bound run varied by up to 3x with where the scheduler put its thread (trtexec alone gave
// 10-36k qps on one plan; CPU 0, which takes the interrupts, was slow for both tools). --cpus overrides.
const allowedCpus = parseCpuList(system.allowedCpus);
// Two CPUs on different physical cores (SMT siblings share one), CPU 0 last.
const siblingsOf = (cpu) => parseCpuList(shell(`cat /sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`) ?? String(cpu));
const cpus = option('--cpus', pickCpus(allowedCpus, siblingsOf));
system.timingCpus = cpus;
line(`host: clocksource ${system.clocksource}, CPUs allowed ${system.allowedCpus}, GPU-local CPUs ${system.gpuLocalCpus}, persistence mode ${system.persistenceMode}; timing runs on CPUs ${cpus}`);

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

function run(command, commandArgs, timeoutMs) {
  const started = performance.now();
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
  return { ...result, wallS: (performance.now() - started) / 1000, text: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

const describeSteps = (steps) =>
  `before ${steps.beforeEnqueueUs.toFixed(1)}, enqueue ${steps.enqueueUs.toFixed(1)}, after ${steps.afterEnqueueUs.toFixed(1)}, wait ${steps.waitUs.toFixed(1)}, reads ${steps.timingReadsUs.toFixed(1)}, total ${steps.perIterationUs.toFixed(1)}` +
  (steps.clockReadNs !== undefined ? `; clock read ${steps.clockReadNs.toFixed(0)} ns, CPU ${steps.cpuFirst}->${steps.cpuLast} (${steps.cpuChanges} moves), ${steps.logCalls} TensorRT log calls` : '');

/** `trtn bench` in a child process (optionally under taskset): the CLI's JSON figures. */
function trtnCli(plan, flags, cpus) {
  const command = [join(root, 'dist', 'cli', 'bin.js'), 'bench', plan, '--json', ...flags];
  const result = cpus ? run('taskset', ['-c', cpus, process.execPath, ...command], 300_000) : run(process.execPath, command, 300_000);
  try {
    const parsed = JSON.parse(result.stdout);
    const bench = parsed.benchmark ?? parsed;
    return {
      gpuComputeMedianMs: bench.gpuCompute?.median,
      throughputQps: bench.throughput,
      latencyMedianMs: bench.latency?.median,
      h2dMedianMs: bench.h2d?.median,
      enqueueMedianMs: bench.enqueue?.median,
      mode: bench.mode,
      hostSteps: bench.hostSteps,
    };
  } catch {
    return { error: result.text.split('\n').slice(-3).join(' | ') };
  }
}

const MODES = [
  { mode: 'transfers', noDataTransfers: false, useCudaGraph: false },
  { mode: 'transfers+graph', noDataTransfers: false, useCudaGraph: true },
  { mode: 'no-transfers', noDataTransfers: true, useCudaGraph: false },
  { mode: 'no-transfers+graph', noDataTransfers: true, useCudaGraph: true },
];

const results = [];
const benchStarted = performance.now();
const partialOut = option('--out') ? `${option('--out')}.partial.json` : join(root, 'bench', 'results', 'vs-trtexec-partial.json');
let overhead;
let overheadCopy;
let overheadWorker;
const diagnostics = [];
const diagnose = args.includes('--diagnose');
for (const [modelIndex, model] of models.entries()) {
  const plan = join(scratch, `${model.name}.trtexec.plan`);
  const cliArgs = [join(root, 'dist', 'cli', 'bin.js'), 'build', model.path, '--backend', 'tensorrt', '--no-progress', '--saveEngine', join(scratch, `${model.name}.trtn.plan`)];
  for (const flag of model.flags) cliArgs.push(...flag.replace(/=/, '\u0000').split('\u0000'));
  const buildTrtexec = () => {
    line(`${model.name}: building with trtexec`);
    return run(trtexec, [`--onnx=${model.path}`, ...model.flags, `--saveEngine=${plan}`, '--skipInference'], 600_000);
  };
  const buildTrtn = () => {
    line(`${model.name}: building with trtn (the CLI, a process like trtexec)`);
    return run(process.execPath, cliArgs, 600_000);
  };
  // Alternating which tool builds first, so that neither always meets the GPU cold (it idles at a low clock).
  let built;
  let trtnBuilt;
  if (modelIndex % 2 === 0) {
    built = buildTrtexec();
    trtnBuilt = buildTrtn();
  } else {
    trtnBuilt = buildTrtn();
    built = buildTrtexec();
  }
  if (trtnBuilt.status !== 0) line(`${model.name}: trtn build failed (exit ${trtnBuilt.status}): ${trtnBuilt.text.split('\n').slice(-5).join(' | ')}`);
  if (built.status !== 0 || !existsSync(plan)) {
    line(`${model.name}: trtexec build failed (exit ${built.status}): ${built.text.split('\n').slice(-5).join(' | ')}`);
    results.push({ name: model.name, error: 'trtexec build failed' });
    continue;
  }

  const modes = [];
  for (const [index, mode] of MODES.entries()) {
    const flags = [`--loadEngine=${plan}`, `--duration=${duration}`, '--warmUp=200', '--iterations=10'];
    if (mode.noDataTransfers) flags.push('--noDataTransfers');
    if (mode.useCudaGraph) flags.push('--useCudaGraph');
    // Both tools as processes on the same CPUs, in alternating order (see `cpus` above).
    const timeTrtexec = () => trtexecFigures(run('taskset', ['-c', cpus, trtexec, ...flags], 300_000).text);
    const timeTrtn = () => trtnCli(plan, ['--duration', String(duration), '--warmUp', '200', '--iterations', '10', ...(mode.noDataTransfers ? ['--noDataTransfers'] : []), ...(mode.useCudaGraph ? ['--useCudaGraph'] : [])], cpus);
    const trtexecRuns = [];
    const trtnRuns = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      if ((index + repeat) % 2 === 0) {
        trtexecRuns.push(timeTrtexec());
        trtnRuns.push(timeTrtn());
      } else {
        trtnRuns.push(timeTrtn());
        trtexecRuns.push(timeTrtexec());
      }
    }
    const theirs = { ...medians(trtexecRuns), runs: trtexecRuns };
    const ours = { ...medians(trtnRuns), hostSteps: trtnRuns.at(-1)?.hostSteps, mode: trtnRuns.at(-1)?.mode, runs: trtnRuns.map(({ hostSteps: _steps, mode: _mode, ...figures }) => figures) };
    modes.push({ mode: mode.mode, trtexec: theirs, trtn: ours });
    if (ours.hostSteps) line(`${model.name} ${mode.mode}: trtn host us/iteration ${describeSteps(ours.hostSteps)}`);
    line(`${model.name} ${mode.mode}: GPU compute median trtexec ${theirs.gpuComputeMedianMs} ms, trtn ${ours.gpuComputeMedianMs?.toFixed(4)} ms; throughput ${theirs.throughputQps} vs ${ours.throughputQps?.toFixed(1)} qps${ours.errors ? ` (trtn failed: ${ours.errors.join('; ')})` : ''} (medians of ${repeats})`);
  }
  const engine = await loadEngine(plan, { backend: 'tensorrt' });
  if (model.name === 'resnet-like-2of4') {
    // A small model, so that the per-call host cost is not drowned by copies: infer() against a raw C++ loop, in a
    // process on the same CPUs as the timing runs. io 'pinned' (inputBuffer() arrays, pinned output views: the raw
    // loop's own data path) is the headline; io 'copy' (the caller's typed arrays copied in and out) and spinWaitUs 0
    // (all on a worker) are reported too.
    const measured = run('taskset', ['-c', cpus, process.execPath, fileURLToPath(import.meta.url), '--overhead-child', plan], 300_000);
    try {
      ({ overhead, overheadCopy, overheadWorker } = JSON.parse(measured.stdout));
    } catch {
      line(`infer() overhead measurement failed: ${measured.text.split('\n').slice(-4).join(' | ')}`);
    }
    for (const [label, figures] of [['pinned io', overhead], ['copied io', overheadCopy], ['pinned io, spinWaitUs 0', overheadWorker]]) {
      if (!figures) continue;
      const steps = figures.mainThread;
      const where = steps
        ? `; main thread per call: read ${steps.readUs.toFixed(1)}, launch ${steps.launchUs.toFixed(1)}, spin ${steps.spinUs.toFixed(1)}, outputs ${steps.outputsUs.toFixed(1)}, outside the addon ${steps.outsideUs.toFixed(1)} us, ${steps.handedOffCalls} handed off`
        : '';
      line(`infer() overhead on ${model.name} (${label}, spinWaitUs ${figures.spinWaitUs}): ${figures.overheadUs.toFixed(1)} us per call (infer ${figures.inferUs.toFixed(1)} us, raw loop ${figures.rawUs.toFixed(1)} us, ${figures.copiedBytesPerCall} bytes copied per call${where})`);
    }
    if (diagnose) {
      // Where a host-bound engine loses throughput: the same no-transfers mode spinning, repeated after the other
      // modes, and both tools pinned to GPU-local and to remote CPUs.
      const shortRun = [`--duration=2`, '--warmUp=200', '--iterations=10', '--noDataTransfers'];
      const entries = [];
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
      diagnostics.push({ model: model.name, entries });
    }
  }
  engine.dispose();
  results.push({ name: model.name, flags: model.flags.join(' '), modes, buildWallS: { trtexec: built.wallS, trtn: trtnBuilt.status === 0 ? trtnBuilt.wallS : null } });
  line(`${model.name}: build wall trtexec ${built.wallS.toFixed(2)} s, trtn ${trtnBuilt.wallS.toFixed(2)} s (${((performance.now() - benchStarted) / 1000).toFixed(0)} s into the bench)`);
  // What is done so far, in case the run is cut off (a device call has a time limit): replaced by the full file.
  mkdirSync(dirname(partialOut), { recursive: true });
  writeFileSync(partialOut, `${JSON.stringify({ partial: true, createdAt: new Date().toISOString(), durationS: duration, repeats, system, models: results }, null, 2)}\n`);
}

// Event-loop lag during an in-process build, and a rebuild with the timing cache.
const lag = monitorEventLoopDelay({ resolution: 1 });
const cachePath = join(scratch, 'cache.bin');
const seedBytes = readFileSync(seed003);
// Where a stall comes from: the longest gap between 1 ms ticks, and the GC pauses in the same window.
const gcPauses = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ atMs: entry.startTime, ms: entry.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });
let tick = performance.now();
const worstGap = { ms: 0, endMs: 0 };
const ticker = setInterval(() => {
  const now = performance.now();
  if (now - tick > worstGap.ms) Object.assign(worstGap, { ms: now - tick, endMs: now });
  tick = now;
}, 1);
const buildPhases = [];
// A watchdog thread: when the main thread misses its 1 ms heartbeat for 10 ms, it reads what the main thread is
// doing from /proc (running, or which syscall and kernel wait it sits in), so that a stall names its cause.
const heartbeat = new Float64Array(new SharedArrayBuffer(16));
const beat = () => {
  heartbeat[0] = performance.timeOrigin + performance.now();
};
beat();
const watchdog = new Worker(
  `const { workerData, parentPort } = require('node:worker_threads');
   const { readFileSync } = require('node:fs');
   const beat = new Float64Array(workerData.buffer);
   const task = '/proc/' + workerData.pid + '/task/' + workerData.pid + '/';
   const read = (file) => { try { return readFileSync(task + file, 'utf8').trim(); } catch { return null; } };
   const samples = [];
   const timer = setInterval(() => {
     const now = performance.timeOrigin + performance.now();
     const behind = now - beat[0];
     if (behind > 10 && samples.length < 300) {
       const stat = read('stat');
       // schedstat: ns on a CPU, ns waiting on a run queue (a runnable main thread that no CPU picks up), slices.
       let threads = null;
       try { threads = require('node:fs').readdirSync('/proc/' + workerData.pid + '/task').length; } catch {}
       samples.push({ atMs: now, behindMs: behind, state: stat ? stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) : null, syscall: read('syscall'), wchan: read('wchan'), schedstat: read('schedstat'), threads, loadavg: (() => { try { return readFileSync('/proc/loadavg', 'utf8').trim(); } catch { return null; } })(), stack: read('stack') });
     }
   }, 2);
   parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage(samples); });`,
  { eval: true, workerData: { buffer: heartbeat.buffer, pid: process.pid } },
);
await new Promise((resolveOnline) => watchdog.once('online', resolveOnline));
const beater = setInterval(beat, 1);
lag.enable();
let started = performance.now();
const first = await buildEngine(seedBytes, {
  backend: 'tensorrt', fp16: true, timingCache: cachePath,
  onProgress: (event) => buildPhases.push({ atMs: performance.now(), phase: event.phase }),
});
const firstMs = performance.now() - started;
const buildEndMs = performance.now();
lag.disable();
clearInterval(ticker);
clearInterval(beater);
gcObserver.disconnect();
const watchdogSamples = await new Promise((resolveSamples) => {
  watchdog.once('message', resolveSamples);
  watchdog.postMessage('stop');
});
await watchdog.terminate();
const originMs = performance.timeOrigin;
const lastPhase = buildPhases.filter((phase) => phase.atMs <= worstGap.endMs).at(-1);
const stall = {
  worstGapMs: worstGap.ms,
  endedMsAfterBuildStart: worstGap.endMs - started,
  buildMs: buildEndMs - started,
  lastProgressPhaseBefore: lastPhase?.phase ?? null,
  gcPausesInBuild: gcPauses.filter((pause) => pause.atMs >= started && pause.atMs <= buildEndMs).map((pause) => ({ atMsAfterBuildStart: pause.atMs - started, ms: pause.ms })),
  // The main thread as /proc showed it while it was more than 10 ms behind (state R: running; S/D: in a syscall).
  mainThreadWhileStalled: watchdogSamples.map((sample) => ({ ...sample, atMs: undefined, atMsAfterBuildStart: sample.atMs - originMs - started })),
};
for (const sample of stall.mainThreadWhileStalled.filter((_, index, all) => index === 0 || index === all.length - 1 || index % 20 === 0)) {
  line(`stalled main thread at ${sample.atMsAfterBuildStart.toFixed(0)} ms (${sample.behindMs.toFixed(0)} ms behind): state ${sample.state}, syscall ${sample.syscall?.split(' ')[0]}, wchan ${sample.wchan}, schedstat ${sample.schedstat}, ${sample.threads} threads, load ${sample.loadavg}`);
}
line(`worst event-loop gap ${stall.worstGapMs.toFixed(2)} ms, ending ${stall.endedMsAfterBuildStart.toFixed(0)} ms into a ${stall.buildMs.toFixed(0)} ms build (last progress phase before it: ${stall.lastProgressPhaseBefore}); GC pauses in the build: ${stall.gcPausesInBuild.map((pause) => pause.ms.toFixed(1)).join(', ') || 'none'} ms`);
first.engine.dispose();
started = performance.now();
const second = await buildEngine(seedBytes, { backend: 'tensorrt', fp16: true, timingCache: cachePath });
const secondMs = performance.now() - started;
second.engine.dispose();
// A service that rebuilds in the same process keeps its builder (keepBuilder) as well as its timing cache.
await (await buildEngine(seedBytes, { backend: 'tensorrt', fp16: true, timingCache: cachePath, keepBuilder: true })).engine.dispose();
started = performance.now();
const kept = await buildEngine(seedBytes, { backend: 'tensorrt', fp16: true, timingCache: cachePath, keepBuilder: true });
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
const buildRatios = results.filter((model) => model.buildWallS?.trtn && model.buildWallS?.trtexec).map((model) => model.buildWallS.trtn / model.buildWallS.trtexec);
const gpu = first.report.environment.gpu?.name;
const output = {
  gpu: first.report.environment.gpu?.name ?? 'unknown',
  tensorrt: info.tensorrtVersion,
  createdAt: new Date().toISOString(),
  durationS: duration,
  repeats,
  note:
    'trtn/trtexec ratios, worst over models and modes; every figure measured in this run on this GPU. Timing: both tools as processes (trtexec --loadEngine, trtn bench) on the same plan, pinned with taskset to the same two CPUs on different cores (system.timingCpus), each mode `repeats` times per tool in alternating order, figures the medians (every run under runs); builds unpinned. inferOverheadUs: engine.measureInferOverhead({ io: "pinned" }) on resnet-like-2of4 (awaited infer() calls on inputBuffer() arrays with pinned output views, against a C++ loop of the same copies, enqueue and sync; in a process on the same CPUs); inferOverheadCopiedIo is the same with the caller\'s own typed arrays copied in and out (copiedBytesPerCall), inferOverheadWorkerOnly with spinWaitUs 0. eventLoopLagMaxMs: monitorEventLoopDelay over the first in-process build of this process.',
  models: results,
  ratios: {
    gpuComputeMedianMax: ratio((figures) => figures.gpuComputeMedianMs, 'low'),
    throughputMin: ratio((figures) => figures.throughputQps, 'high'),
    buildWallMax: buildRatios.length ? Math.max(...buildRatios) : null,
  },
  inferOverheadUs: overhead ? overhead.overheadUs : null,
  inferOverhead: overhead ?? null,
  inferOverheadCopiedIo: overheadCopy ?? null,
  inferOverheadWorkerOnly: overheadWorker ?? null,
  eventLoopLagMaxMs,
  eventLoopStall: stall,
  // First build (fresh builder, empty cache) over a rebuild in the same process with the cache and a kept builder.
  timingCacheSpeedup: firstMs / keptMs,
  timingCacheSpeedupFreshBuilder: firstMs / secondMs,
  buildMs: { first: firstMs, rebuildWithCache: secondMs, rebuildWithCacheAndKeptBuilder: keptMs },
  system,
  ...(diagnose ? { diagnostics } : {}),
};
const slug = String(gpu ?? 'gpu').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const out = option('--out', join(root, 'bench', 'results', `vs-trtexec-${output.createdAt.slice(0, 10)}-${slug}-trt${info.tensorrtVersion}.json`));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`);
rmSync(partialOut, { force: true });
line(`ratios ${JSON.stringify(output.ratios)}; wrote ${out} (${((performance.now() - benchStarted) / 1000).toFixed(0)} s)`);
rmSync(scratch, { recursive: true, force: true });
