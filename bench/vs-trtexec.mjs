#!/usr/bin/env node
/**
 * tensorrt-node against trtexec on one GPU, in one run: build wall time of both tools, then the SAME plan (the one
 * trtexec built) timed by both in four modes (transfers on/off x CUDA graph on/off), event-loop lag during an
 * in-process build, and a rebuild with the timing cache. A benchmark, never a test: it prints figures and ratios
 * and writes them to bench/results/vs-trtexec-<date>-<gpu>-trt<version>.json.
 *
 *   node bench/vs-trtexec.mjs --trtexec <path> [--models-dir <dir>] [--duration 3] [--out <file>]
 *
 * Needs dist/ (npm run build:ts), the native addon, TRTN_TENSORRT_LIB_DIR (and LD_LIBRARY_PATH for trtexec, which
 * finds libnvinfer by soname). trtexec is built from the NVIDIA/TensorRT samples of the same version with
 * scripts/trtexec/build.sh. Models: examples/seed003.onnx (default IO and fp16:hwc8), examples/resnet-like.onnx
 * pruned 2:4, and any <name>-2of4.onnx or <name>.onnx in --models-dir (e.g. a torchvision export).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const trtexec = option('--trtexec');
if (!trtexec || !existsSync(trtexec)) {
  console.error('vs-trtexec: give --trtexec <path to a trtexec of the same TensorRT version> (scripts/trtexec/build.sh builds one)');
  process.exit(2);
}
const duration = Number(option('--duration', '3'));
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

/** trtexec's summary figures from its stdout (`GPU Compute Time: … median = X ms`, `Throughput: Y qps`). */
function trtexecFigures(text) {
  const stat = (label, name) => {
    const match = new RegExp(`${label}: min = [^,]+, max = [^,]+, mean = [^,]+, median = ([0-9.e+-]+) ms`).exec(text);
    return match ? { [name]: Number(match[1]) } : {};
  };
  const throughput = /Throughput: ([0-9.e+-]+) qps/.exec(text);
  return {
    ...stat('GPU Compute Time', 'gpuComputeMedianMs'),
    ...stat('H2D Latency', 'h2dMedianMs'),
    ...stat('Latency', 'latencyMedianMs'),
    ...stat('Enqueue Time', 'enqueueMedianMs'),
    ...(throughput ? { throughputQps: Number(throughput[1]) } : {}),
  };
}

function run(command, commandArgs, timeoutMs) {
  const started = performance.now();
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
  return { ...result, wallS: (performance.now() - started) / 1000, text: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

const MODES = [
  { mode: 'transfers', noDataTransfers: false, useCudaGraph: false },
  { mode: 'transfers+graph', noDataTransfers: false, useCudaGraph: true },
  { mode: 'no-transfers', noDataTransfers: true, useCudaGraph: false },
  { mode: 'no-transfers+graph', noDataTransfers: true, useCudaGraph: true },
];

const results = [];
let overhead;
let overheadWorker;
for (const model of models) {
  line(`${model.name}: building with trtexec`);
  const plan = join(scratch, `${model.name}.trtexec.plan`);
  const built = run(trtexec, [`--onnx=${model.path}`, ...model.flags, `--saveEngine=${plan}`, '--skipInference'], 600_000);
  if (built.status !== 0 || !existsSync(plan)) {
    line(`${model.name}: trtexec build failed (exit ${built.status}): ${built.text.split('\n').slice(-5).join(' | ')}`);
    results.push({ name: model.name, error: 'trtexec build failed' });
    continue;
  }
  line(`${model.name}: building with trtn (the CLI, a process like trtexec)`);
  const cliArgs = [join(root, 'dist', 'cli', 'bin.js'), 'build', model.path, '--backend', 'tensorrt', '--no-progress', '--saveEngine', join(scratch, `${model.name}.trtn.plan`)];
  for (const flag of model.flags) cliArgs.push(...flag.replace(/=/, '\u0000').split('\u0000'));
  const trtnBuilt = run(process.execPath, cliArgs, 600_000);
  if (trtnBuilt.status !== 0) line(`${model.name}: trtn build failed (exit ${trtnBuilt.status}): ${trtnBuilt.text.split('\n').slice(-5).join(' | ')}`);

  const modes = [];
  const engine = await loadEngine(plan, { backend: 'tensorrt' });
  for (const mode of MODES) {
    const flags = [`--loadEngine=${plan}`, `--duration=${duration}`, '--warmUp=200', '--iterations=10'];
    if (mode.noDataTransfers) flags.push('--noDataTransfers');
    if (mode.useCudaGraph) flags.push('--useCudaGraph');
    const timed = run(trtexec, flags, 300_000);
    const theirs = trtexecFigures(timed.text);
    const bench = await engine.benchmark({ duration, warmUp: 200, iterations: 10, noDataTransfers: mode.noDataTransfers, useCudaGraph: mode.useCudaGraph });
    const ours = {
      gpuComputeMedianMs: bench.gpuCompute.median,
      throughputQps: bench.throughput,
      latencyMedianMs: bench.latency.median,
      h2dMedianMs: bench.h2d.median,
      enqueueMedianMs: bench.enqueue.median,
    };
    modes.push({ mode: mode.mode, trtexec: theirs, trtn: ours });
    line(`${model.name} ${mode.mode}: GPU compute median trtexec ${theirs.gpuComputeMedianMs} ms, trtn ${ours.gpuComputeMedianMs.toFixed(4)} ms; throughput ${theirs.throughputQps} vs ${ours.throughputQps.toFixed(1)} qps`);
  }
  if (model.name === 'resnet-like-2of4') {
    // A small model, so that the per-call host cost is not drowned by copies: infer() against a raw C++ loop.
    // The default context (launch on the calling thread, poll up to spinWaitUs) and spinWaitUs 0 (all on a worker).
    overhead = await engine.measureInferOverhead({ iterations: 2000 });
    overheadWorker = await engine.measureInferOverhead({ iterations: 2000, spinWaitUs: 0 });
    for (const [label, figures] of [['default', overhead], ['spinWaitUs 0', overheadWorker]]) {
      line(`infer() overhead on ${model.name} (${label}, spinWaitUs ${figures.spinWaitUs}): ${figures.overheadUs.toFixed(1)} us per call (infer ${figures.inferUs.toFixed(1)} us, raw loop ${figures.rawUs.toFixed(1)} us)`);
    }
  }
  engine.dispose();
  results.push({ name: model.name, flags: model.flags.join(' '), modes, buildWallS: { trtexec: built.wallS, trtn: trtnBuilt.status === 0 ? trtnBuilt.wallS : null } });
  line(`${model.name}: build wall trtexec ${built.wallS.toFixed(2)} s, trtn ${trtnBuilt.wallS.toFixed(2)} s`);
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
gcObserver.disconnect();
const lastPhase = buildPhases.filter((phase) => phase.atMs <= worstGap.endMs).at(-1);
const stall = {
  worstGapMs: worstGap.ms,
  endedMsAfterBuildStart: worstGap.endMs - started,
  buildMs: buildEndMs - started,
  lastProgressPhaseBefore: lastPhase?.phase ?? null,
  gcPausesInBuild: gcPauses.filter((pause) => pause.atMs >= started && pause.atMs <= buildEndMs).map((pause) => ({ atMsAfterBuildStart: pause.atMs - started, ms: pause.ms })),
};
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
  note: 'trtn/trtexec ratios, worst over models and modes; every figure measured in this run on this GPU. inferOverheadUs: engine.measureInferOverhead() on resnet-like-2of4 (awaited infer() calls against a C++ loop of the same copies, enqueue and sync).',
  models: results,
  ratios: {
    gpuComputeMedianMax: ratio((figures) => figures.gpuComputeMedianMs, 'low'),
    throughputMin: ratio((figures) => figures.throughputQps, 'high'),
    buildWallMax: buildRatios.length ? Math.max(...buildRatios) : null,
  },
  inferOverheadUs: overhead ? overhead.overheadUs : null,
  inferOverhead: overhead ?? null,
  inferOverheadWorkerOnly: overheadWorker ?? null,
  eventLoopLagMaxMs,
  eventLoopStall: stall,
  // First build (fresh builder, empty cache) over a rebuild in the same process with the cache and a kept builder.
  timingCacheSpeedup: firstMs / keptMs,
  timingCacheSpeedupFreshBuilder: firstMs / secondMs,
  buildMs: { first: firstMs, rebuildWithCache: secondMs, rebuildWithCacheAndKeptBuilder: keptMs },
};
const slug = String(gpu ?? 'gpu').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const out = option('--out', join(root, 'bench', 'results', `vs-trtexec-${output.createdAt.slice(0, 10)}-${slug}-trt${info.tensorrtVersion}.json`));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`);
line(`ratios ${JSON.stringify(output.ratios)}; wrote ${out}`);
rmSync(scratch, { recursive: true, force: true });
