#!/usr/bin/env node
// A stand-in for trtexec, for `bench/vs-trtexec.mjs --dry-run` in tests only: no TensorRT runs here. It builds
// with the trtn CLI on the mock backend (--onnx), prints a fixed performance summary in trtexec 10's wording
// (--loadEngine) and writes a few --exportTimes records, so that the bench's whole protocol can run without a GPU.
// Every figure it prints is made up; the dry run's output says so.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const value = (name) => args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
const say = (text) => console.log(`[I] ${text}`);
say('fake trtexec (a tensorrt-node test double: no TensorRT ran)');

const onnx = value('--onnx');
if (onnx) {
  // trtexec's `--flag=value` spelling as the trtn CLI's `--flag value`.
  const flags = args.filter((arg) => !/^--(onnx|saveEngine|skipInference)\b/.test(arg)).flatMap((arg) => (arg.includes('=') ? arg.split(/=(.*)/s).slice(0, 2) : [arg]));
  const started = performance.now();
  const built = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'bin.js'), 'build', onnx, '--backend', 'mock', '--no-progress', '--noLayerProfile', '--saveEngine', value('--saveEngine'), ...flags], { encoding: 'utf8' });
  if (built.status !== 0) {
    process.stderr.write(built.stdout + built.stderr);
    process.exit(1);
  }
  say(`Engine built in ${((performance.now() - started) / 1000).toFixed(5)} sec.`);
  console.log('&&&& PASSED TensorRT.trtexec [fake]');
  process.exit(0);
}
if (value('--loadEngine')) {
  const spin = args.includes('--useSpinWait');
  const graph = args.includes('--useCudaGraph');
  const gpu = graph ? 0.48 : 0.5;
  const stats = (label, median) => say(`${label}: min = ${(median * 0.9).toFixed(5)} ms, max = ${(median * 1.2).toFixed(5)} ms, mean = ${median.toFixed(5)} ms, median = ${median.toFixed(5)} ms, percentile(90%) = ${(median * 1.1).toFixed(5)} ms`);
  say(`Throughput: ${(1000 / gpu / (spin ? 0.98 : 1)).toFixed(3)} qps`);
  stats('Latency', gpu + 0.1);
  stats('Enqueue Time', 0.02);
  stats('H2D Latency', args.includes('--noDataTransfers') ? 0 : 0.05);
  stats('GPU Compute Time', gpu);
  stats('D2H Latency', args.includes('--noDataTransfers') ? 0 : 0.05);
  const times = value('--exportTimes');
  if (times) {
    const records = Array.from({ length: 20 }, (_, index) => {
      const start = 200 + index * gpu;
      return { startEnqMs: start, endEnqMs: start + 0.02, startH2dMs: start, endH2dMs: start, startComputeMs: start, endComputeMs: start + gpu, startD2hMs: start + gpu, endD2hMs: start + gpu, h2dMs: 0, computeMs: gpu, d2hMs: 0, latencyMs: gpu };
    });
    writeFileSync(times, JSON.stringify(records));
  }
  console.log('&&&& PASSED TensorRT.trtexec [fake]');
  process.exit(0);
}
console.error('fake trtexec: give --onnx=<model> or --loadEngine=<plan>');
process.exit(2);
