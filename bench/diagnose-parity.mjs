#!/usr/bin/env node
/**
 * Where trtn and trtexec still differ on the H200, in one device call: a diagnostic beside bench/vs-trtexec.mjs,
 * never a source of its ratios.
 *
 *   node bench/diagnose-parity.mjs --trtexec <path> [--dry-run] [--cpus 5,7 | probe] [--rounds 4] [--build-rounds 2] [--out <dir>] [--parts timing,build] [--modes transfers+graph,transfers]
 *
 * timing: resnet-like pruned 2:4 (a host- and latency-bound engine, about 25 us of GPU work) built once by trtexec,
 * then timed as processes pinned to --cpus in the modes and variants below, alternating tool order round by round:
 * trtexec, trtn bench (its default blockingEvents 'auto': trtexec's six blocking-sync events with a graph, one without),
 * trtn bench with the other choice (--blockingEvents waited with a graph, all without), trtn
 * with TRTN_BENCH_STREAMS=non-blocking, trtn with the loop on a thread of its own (TRTN_BENCH_THREAD=own), trtn with
 * the loop thread alone pinned to one CPU (TRTN_BENCH_PIN=loop), both tools with CUDA_DEVICE_MAX_CONNECTIONS=32, both
 * tools with the bench's --pinning split (the process on the first CPU, CUDA's threads on the second; also in
 * transfers and no-transfers), and in
 * transfers+graph both tools with --useSpinWait. One more run of each default variant with --exportTimes leaves both
 * tools' per-inference timelines in --out (the raw files, and their gaps summarised here: host side and GPU side,
 * bench/lib.mjs hostTimeline and gpuTimeline).
 * build: seed-003 with fp16:hwc8 IO built by trtexec (--skipInference) and by the trtn CLI (--noLayerProfile), with
 * each process's timeline from its start: trtexec's output lines stamped as they arrive, the trtn CLI's build steps
 * (the tensorrt-node:build-steps diagnostics channel, through a preloaded module), its TensorRT build time and its
 * build phases; and the trtn CLI again with MALLOC_ARENA_MAX=1 (glibc's main arena alone, as trtexec's build on its
 * main thread has; --profilingVerbosity layer_names_only, trtexec's default, made no difference at 02:02).
 * Prints one line per run and writes <out>/diagnose-parity.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliBuildPhases, fastestCpus, gpuTimeline, hostTimeline, medians, parseCpuList, pinningOf, probeAllCpus, timingLauncher, trtexecFigures, trtnFigures } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const trtexec = option('--trtexec');
if (!trtexec) {
  console.error('diagnose-parity: --trtexec <path to trtexec> is required (scripts/trtexec/build.sh builds it)');
  process.exit(2);
}
// --dry-run: the same steps on the mock backend against a stand-in trtexec (test/support/fake-trtexec.mjs), to check
// the script here; its file says dryRun: true and its figures are estimates and fakes.
const dryRun = args.includes('--dry-run');
const backendKind = dryRun ? 'mock' : 'tensorrt';
// --cpus probe: the two fastest of a probe of every allowed CPU, as the bench chooses them (its runs' conditions).
const cpusOption = option('--cpus', '5,7');
let cpuProbe;
if (cpusOption === 'probe') {
  const allowed = parseCpuList(readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.+)$/m)?.[1] ?? '0');
  cpuProbe = probeAllCpus(allowed);
}
const cpus = cpuProbe ? fastestCpus(cpuProbe, 2).join(',') || '0' : cpusOption;
const rounds = Number(option('--rounds', '4'));
const buildRounds = Number(option('--build-rounds', '2'));
const out = resolve(option('--out', join(process.env.OUT ?? '/tmp', 'diagnose-parity')));
const parts = new Set(option('--parts', 'timing,build').split(','));
mkdirSync(out, { recursive: true });
const cli = join(root, 'dist', 'cli', 'bin.js');
const line = (text) => console.log(`diagnose-parity: ${text}`);

/** A child process: its output lines, each stamped with the ms since the spawn when it arrived, and its wall time. */
function runStamped(command, commandArgs, env) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { env: { ...process.env, ...env } });
    const lines = [];
    let text = '';
    let stdout = '';
    const collect = (stream) => {
      let pending = '';
      stream.on('data', (chunk) => {
        const at = performance.now() - started;
        text += chunk;
        if (stream === child.stdout) stdout += chunk;
        pending += chunk;
        const pieces = pending.split('\n');
        pending = pieces.pop();
        for (const part of pieces) lines.push({ atMs: Number(at.toFixed(1)), text: part });
      });
    };
    collect(child.stdout);
    collect(child.stderr);
    child.on('close', (status) => resolvePromise({ status, wallMs: performance.now() - started, lines, text, stdout }));
  });
}

const results = { ...(dryRun ? { dryRun: true } : {}), createdAt: new Date().toISOString(), cpus, ...(cpuProbe ? { cpuProbe } : {}), rounds, timing: [], exports: [], builds: [] };
if (cpuProbe) line(`CPU probe: ${Object.entries(cpuProbe).map(([cpu, ms]) => `${cpu}:${ms.toFixed(1)}`).join(' ')} ms -> CPU ${cpus}`);

if (parts.has('timing')) {
  const { onnx } = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  const model = join(out, 'resnet-like-2of4.onnx');
  writeFileSync(model, onnx.writeOnnx(onnx.sparsify(onnx.readOnnx(readFileSync(join(root, 'examples', 'resnet-like.onnx')))).model));
  const plan = join(out, 'resnet-like-2of4.plan');
  const built = await runStamped(trtexec, [`--onnx=${model}`, '--fp16', '--sparsity=enable', `--saveEngine=${plan}`, '--skipInference']);
  if (built.status !== 0) {
    line(`trtexec build failed (exit ${built.status}): ${built.text.split('\n').slice(-4).join(' | ')}`);
    process.exit(1);
  }
  const common = ['--duration', '1', '--warmUp', '200', '--iterations', '10'];
  // Each variant: its command line for a mode's flags, and the environment it runs with.
  // launcher: taskset on both CPUs (the default here), or the bench's --pinning split (bench/pinned-run.mjs: the process
  // on the first CPU, CUDA's own threads on the second).
  const shared = ['taskset', '-c', cpus];
  const split = timingLauncher(cpus, 'split', join(root, 'bench', 'pinned-run.mjs'));
  const launch = (launcher, command, env) => [launcher[0], [...launcher.slice(1), ...command], env];
  const trtexecRun = (env, launcher = shared) => (flags) => launch(launcher, [trtexec, `--loadEngine=${plan}`, '--duration=1', '--warmUp=200', '--iterations=10', ...flags], env);
  const trtnRun = (extra = [], env, launcher = shared) => (flags) => launch(launcher, [process.execPath, cli, 'bench', plan, '--json', ...common, ...flags, ...extra], env);
  const variants = {
    trtexec: trtexecRun(),
    trtn: trtnRun(),
    'trtn all-blocking': trtnRun(['--blockingEvents', 'all']),
    'trtn waited': trtnRun(['--blockingEvents', 'waited']),
    // The loop's streams as CU_STREAM_NON_BLOCKING (the addon's default before 2026-12-04) instead of trtexec's legacy ones.
    'trtn non-blocking streams': trtnRun([], { TRTN_BENCH_STREAMS: 'non-blocking' }),
    // The loop on a std::thread of its own instead of the libuv pool's: the Node process around the loop, A/B.
    'trtn own thread': trtnRun([], { TRTN_BENCH_THREAD: 'own' }),
    // The loop thread alone pinned to the CPU it starts on (the process's other threads keep both CPUs).
    'trtn loop pinned': trtnRun([], { TRTN_BENCH_PIN: 'loop' }),
    // Both tools with 32 hardware work queues instead of CUDA's 8: whether streams sharing a queue serialise work.
    'trtexec 32 connections': trtexecRun({ CUDA_DEVICE_MAX_CONNECTIONS: '32' }),
    'trtn 32 connections': trtnRun([], { CUDA_DEVICE_MAX_CONNECTIONS: '32' }),
    // Both tools with the bench's --pinning split instead of both CPUs for the whole process.
    'trtexec split': trtexecRun(undefined, split),
    'trtn split': trtnRun([], undefined, split),
  };
  const figuresOf = async (variant, flags) => {
    const [command, commandArgs, env] = variants[variant](flags);
    const result = await runStamped(command, commandArgs, env);
    const pinning = pinningOf(result.text);
    if (variant.startsWith('trtexec')) return { ...trtexecFigures(result.text), status: result.status, ...(pinning ? { pinning } : {}) };
    return { ...trtnFigures(result), status: result.status, ...(pinning ? { pinning } : {}) };
  };
  const modes = [
    { mode: 'transfers+graph', flags: ['--useCudaGraph'], variants: ['trtexec', 'trtn', 'trtn waited', 'trtn own thread', 'trtn loop pinned', 'trtexec 32 connections', 'trtn 32 connections', 'trtexec split', 'trtn split'] },
    { mode: 'transfers+graph spin', flags: ['--useCudaGraph', '--useSpinWait'], variants: ['trtexec', 'trtn'] },
    { mode: 'transfers', flags: [], variants: ['trtexec', 'trtn', 'trtn all-blocking', 'trtn non-blocking streams', 'trtn own thread', 'trtexec split', 'trtn split'] },
    // Enqueue-bound without copies: where two CPUs of other speeds split a model's runs most (resnet18 at 04:21).
    { mode: 'no-transfers', flags: ['--noDataTransfers'], variants: ['trtexec', 'trtn', 'trtexec split', 'trtn split'] },
  ];
  // --modes transfers+graph,transfers: some of them.
  const modeList = option('--modes');
  for (const mode of modes.filter(({ mode: name }) => !modeList || modeList.split(',').includes(name))) {
    const runsOfMode = [];
    for (let round = 0; round < rounds; round++) {
      // The order turns each round, so that no variant always runs first.
      const order = mode.variants.map((_, index) => mode.variants[(index + round) % mode.variants.length]);
      for (const variant of order) {
        const figures = await figuresOf(variant, mode.flags);
        // trtn's figures carry the mode its bench ran in (result.mode): kept as trtnMode beside this run's mode.
        const { mode: trtnMode, ...rest } = figures;
        results.timing.push({ mode: mode.mode, variant, round: round + 1, ...rest, ...(trtnMode !== undefined ? { trtnMode } : {}) });
        runsOfMode.push({ variant, throughputQps: figures.throughputQps });
        const steps = figures.hostSteps;
        line(`${mode.mode} round ${round + 1} ${variant}: ${figures.throughputQps ?? figures.error} qps, GPU compute median ${figures.gpuComputeMedianMs} ms${steps ? `; host us/inference before ${steps.beforeEnqueueUs?.toFixed(1)} enqueue ${steps.enqueueUs?.toFixed(1)} after ${steps.afterEnqueueUs?.toFixed(1)} wait ${steps.waitUs?.toFixed(1)} reads ${steps.timingReadsUs?.toFixed(1)}, switches ${steps.involuntarySwitches}/${steps.voluntarySwitches}, ${steps.streams ?? '?'} streams, ${steps.thread ?? '?'} thread${steps.pinnedCpu !== undefined ? ` pinned to ${steps.pinnedCpu}` : ''}, CPU ${steps.cpuFirst}->${steps.cpuLast}${steps.doneSeenAfterMs ? `, done seen ${((steps.doneSeenAfterMs.median - steps.doneSeenAfterMs.min) * 1000).toFixed(1)} us after its best` : ''}` : ''}${figures.pinning ? `; split pinning: loop CPU ${figures.pinning.loopCpu}, moved ${figures.pinning.moved.map((thread) => thread.name).join(', ') || 'nothing'}` : ''}`);
      }
    }
    // Per variant: the median throughput over its rounds, and its ratio to trtexec's.
    const byVariant = Object.fromEntries(mode.variants.map((variant) => [variant, medians(runsOfMode.filter((run) => run.variant === variant)).throughputQps]));
    results.summary = { ...results.summary, [mode.mode]: byVariant };
    line(`${mode.mode} medians: ${mode.variants.map((variant) => `${variant} ${byVariant[variant]?.toFixed(0)} qps (${byVariant.trtexec ? (byVariant[variant] / byVariant.trtexec).toFixed(3) : '?'})`).join(', ')}`);
  }
  // One run of each tool with --exportTimes in transfers+graph: both timelines, the raw files kept.
  for (const [variant, command, commandArgs] of [
    ['trtexec', 'taskset', ['-c', cpus, trtexec, `--loadEngine=${plan}`, '--duration=1', '--warmUp=200', '--iterations=10', '--useCudaGraph', `--exportTimes=${join(out, 'times-trtexec-transfers-graph.json')}`]],
    ['trtn', 'taskset', ['-c', cpus, process.execPath, cli, 'bench', plan, ...common, '--useCudaGraph', '--exportTimes', join(out, 'times-trtn-transfers-graph.json')]],
  ]) {
    const result = await runStamped(command, commandArgs);
    const file = join(out, `times-${variant}-transfers-graph.json`);
    let summary;
    try {
      const times = JSON.parse(readFileSync(file, 'utf8'));
      summary = { ...hostTimeline(times), gpu: gpuTimeline(times) };
    } catch (error) {
      summary = { error: `${error.message} (exit ${result.status})` };
    }
    results.exports.push({ variant, file, summary });
    const { gpu, ...host } = summary;
    line(`exportTimes ${variant}: ${JSON.stringify(host).slice(0, 400)}`);
    if (gpu) {
      const us = (entry) => (entry ? `${entry.medianUs.toFixed(1)}/${entry.meanUs.toFixed(1)}` : '-');
      line(`exportTimes ${variant} GPU side (median/mean us): idle pairs ${(gpu.idleShare * 100).toFixed(0)}%, idle gap ${us(gpu.idleGapUs)}, input hop ${us(gpu.inputHopUs)}, output hop ${us(gpu.outputHopUs)}, completion period ${us(gpu.completionPeriodUs)}`);
    }
  }
}

if (parts.has('build')) {
  const seed003 = join(root, 'examples', 'seed003.onnx');
  const io = ['--inputIOFormats=fp16:hwc8', '--outputIOFormats=fp16:hwc8'];
  // The CLI's build steps, with the preload's own start and the exit, as ms since the process's time origin.
  const preload = join(out, 'build-steps-preload.mjs');
  writeFileSync(preload, [
    "import { subscribe } from 'node:diagnostics_channel';",
    "import { writeFileSync } from 'node:fs';",
    "const steps = [{ step: 'preload', atMs: performance.now() }];",
    "subscribe('tensorrt-node:build-steps', (message) => steps.push({ step: message.step, atMs: message.atMs }));",
    "process.on('exit', () => { steps.push({ step: 'exit', atMs: performance.now() }); writeFileSync(process.env.TRTN_STEPS_FILE, JSON.stringify(steps)); });",
    '',
  ].join('\n'));
  const stamp = (result, patterns) => Object.fromEntries(patterns.map(([name, pattern]) => [name, result.lines.find((entry) => pattern.test(entry.text))?.atMs ?? null]));
  const trtexecMarks = [
    ['cudaInit', /Init CUDA/],
    ['builderKernelLibrary', /Init builder kernel library/],
    ['parseStart', /Start parsing network model/],
    ['parseEnd', /Finished parsing network model/],
    ['buildEnd', /Engine built in/],
    ['engineSaved', /Engine saved|Saving engine/],
    ['deserialized', /Engine deserialized in/],
    ['end', /&&&& PASSED/],
  ];
  // The trtn CLI's build of the same model, its steps written to `file` by the preload, with `env` added.
  const trtnBuild = (env = {}) => (file) =>
    runStamped(process.execPath, ['--import', pathToFileURL(preload).href, cli, 'build', seed003, '--backend', backendKind, '--no-progress', '--noLayerProfile', '--fp16', ...io.flatMap((flag) => flag.split('=')), '--saveEngine', join(out, 'seed003-hwc8.trtn.plan')], { TRTN_STEPS_FILE: file, ...env });
  const variants = [
    ['trtexec', () => runStamped(trtexec, ['--onnx=' + seed003, '--fp16', ...io, `--saveEngine=${join(out, 'seed003-hwc8.trtexec.plan')}`, '--skipInference'])],
    ['trtn', trtnBuild()],
    // glibc's main arena alone: trtexec builds on its main thread (the main arena), trtn on a libuv worker (an arena
    // of its own); whether that moves createInferBuilder (the builder phase, 4.3-7.0 s on 10.6 and 7.5-11.5 s on 8.6).
    ['trtn one malloc arena', trtnBuild({ MALLOC_ARENA_MAX: '1' })],
  ];
  for (let round = 0; round < buildRounds; round++) {
    const order = variants.map((_, index) => variants[(index + round) % variants.length]);
    for (const [variant, start] of order) {
      const stepsFile = join(out, `build-steps-${round}-${variant.replace(/ /g, '-')}.json`);
      const result = await start(stepsFile);
      const entry = { variant, round: round + 1, status: result.status, wallMs: Number(result.wallMs.toFixed(0)) };
      if (variant === 'trtexec') {
        entry.marks = stamp(result, trtexecMarks);
        entry.engineBuiltS = Number(/Engine built in ([0-9.]+) sec/.exec(result.text)?.[1] ?? NaN);
      } else {
        try {
          entry.steps = JSON.parse(readFileSync(stepsFile, 'utf8')).map((step) => ({ step: step.step, atMs: Number(step.atMs.toFixed(1)) }));
        } catch {
          entry.steps = null;
        }
        entry.buildTimeMs = Number(/^build time: ([0-9.]+) ms/m.exec(result.text)?.[1] ?? NaN);
        // The build job's phases as the CLI prints them (createInferBuilder is 'builder').
        entry.phases = cliBuildPhases(result.stdout) ?? null;
        if (result.status !== 0) entry.error = result.text.split('\n').slice(-4).join(' | ');
      }
      results.builds.push(entry);
      line(`build round ${round + 1} ${variant}: wall ${entry.wallMs} ms (exit ${result.status}) ${JSON.stringify(entry.marks ?? entry.steps)} ${entry.engineBuiltS ?? entry.buildTimeMs}${entry.phases ? `; phases ${entry.phases.map((phase) => `${phase.phase} ${phase.ms}`).join(', ')}` : ''}`);
    }
  }
}

writeFileSync(join(out, 'diagnose-parity.json'), `${JSON.stringify(results, null, 2)}\n`);
line(`written ${join(out, 'diagnose-parity.json')}`);
