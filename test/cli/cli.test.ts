import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { OnnxDataType, readOnnx, type OnnxTensor } from '../../lib/onnx/index.js';

process.env.TRTN_BACKEND = 'mock';


let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trtn-cli-'));
});

describe('trtn build', () => {
  it('prints a JSON report from the mock with per-layer estimates marked as estimates', async () => {
    const { code, stdout } = await runCli(['build', 'examples/seed003.onnx', '--fp16', '--sparsity', 'enable', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.backend).toBe('mock');
    expect(report.estimated).toBe(true);
    expect(report.layers.length).toBeGreaterThanOrEqual(3);
    expect(report.estimates.length).toBeGreaterThanOrEqual(3);
    for (const estimate of report.estimates) expect(estimate.estimated).toBe(true);
    // One build per CLI process: the builder is left to the process's exit (keepBuilder), not torn down first.
    expect(report.options).toMatchObject({ fp16: true, sparsity: 'enable', keepBuilder: true });
  });

  it('says on the human output that figures are estimates', async () => {
    const { code, stdout } = await runCli(['build', 'examples/seed003.onnx', '--fp16', '--no-progress']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/MOCK BACKEND/);
    expect(stdout).toMatch(/est\. ms/);
  });

  it('exits 1 with a coded error for a missing file and 2 for a bad flag', async () => {
    const missing = await runCli(['build', join(dir, 'nope.onnx')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ERR_IO');
    const badFlag = await runCli(['build', 'examples/seed003.onnx', '--sparsity', 'sometimes']);
    expect(badFlag.code).toBe(2);
    const badFormat = await runCli(['build', 'examples/seed003.onnx', '--inputIOFormats', 'fp16:hcw8']);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toContain("Did you mean 'hwc8'?");
  });

  it('saves an engine that inspect and bench read back', async () => {
    const plan = join(dir, 'seed003.plan');
    expect((await runCli(['build', 'examples/seed003.onnx', '--fp16', '--saveEngine', plan, '--no-progress'])).code).toBe(0);
    const inspected = await runCli(['inspect', plan, '--json']);
    expect(inspected.code).toBe(0);
    const { estimated, layers } = JSON.parse(inspected.stdout);
    expect(estimated).toBe(true);
    expect(layers.length).toBeGreaterThanOrEqual(3);
    const bench = await runCli(['bench', plan, '--iterations', '5', '--duration', '0', '--json']);
    expect(bench.code).toBe(0);
    expect(JSON.parse(bench.stdout)).toMatchObject({ estimated: true, backend: 'mock' });
  });
});

/** Independent check of 2:4 along the input-channel axis of a KxCxRxS weight, against the original weights. */
function checkTwoFour(original: OnnxTensor, pruned: OnnxTensor): void {
  const [k, c, r, s] = pruned.dims;
  const before = original.data as Float32Array;
  const after = pruned.data as Float32Array;
  const at = (kk: number, cc: number, rr: number, ss: number) => ((kk * c + cc) * r + rr) * s + ss;
  for (let kk = 0; kk < k; kk += 1)
    for (let rr = 0; rr < r; rr += 1)
      for (let ss = 0; ss < s; ss += 1)
        for (let group = 0; group < c; group += 4) {
          const indices = [0, 1, 2, 3].map((offset) => at(kk, group + offset, rr, ss));
          const zeros = indices.filter((index) => after[index] === 0).length;
          expect(zeros).toBeGreaterThanOrEqual(2);
          const kept = indices.filter((index) => after[index] !== 0);
          const dropped = indices.filter((index) => after[index] === 0);
          for (const index of kept) expect(after[index]).toBe(before[index]);
          for (const keep of kept) for (const drop of dropped) expect(Math.abs(before[keep])).toBeGreaterThanOrEqual(Math.abs(before[drop]));
        }
}

describe('trtn sparsify', () => {
  it('writes weights that are exactly 2:4 along the reduction axis, keeping the larger two of every four', async () => {
    const output = join(dir, 'resnet-like-2of4.onnx');
    const { code, stdout } = await runCli(['sparsify', 'examples/resnet-like.onnx', '-o', output]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/pruned to 2:4/);
    const original = readOnnx(new Uint8Array(await readFile('examples/resnet-like.onnx')));
    const pruned = readOnnx(new Uint8Array(await readFile(output)));
    const convWeights = new Set(pruned.graph.nodes.filter((node) => node.opType === 'Conv').map((node) => node.inputs[1]));
    let checked = 0;
    for (const tensor of pruned.graph.initializers) {
      if (!convWeights.has(tensor.name) || tensor.dataType !== OnnxDataType.FLOAT) continue;
      const before = original.graph.initializers.find((candidate) => candidate.name === tensor.name);
      expect(before).toBeDefined();
      checkTwoFour(before!, tensor);
      checked += 1;
    }
    expect(checked).toBe(convWeights.size);
  });
});

describe('trtn to-fp16, models and env', () => {
  it('converts to FP16 keeping FP32 IO on request', async () => {
    const output = join(dir, 'seed003-fp16.onnx');
    const { code } = await runCli(['to-fp16', 'examples/seed003.onnx', '-o', output, '--keep-io-types']);
    expect(code).toBe(0);
    const model = readOnnx(new Uint8Array(await readFile(output)));
    expect(model.graph.inputs[0].elemType).toBe(OnnxDataType.FLOAT);
    expect(model.graph.initializers.every((tensor) => tensor.dataType !== OnnxDataType.FLOAT)).toBe(true);
  });

  it('writes the synthetic seed models', async () => {
    const output = join(dir, 'resnet.onnx');
    const { code, stdout } = await runCli(['models', 'resnet-like', '-o', output, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).nodeCount).toBeGreaterThan(3);
    expect((await runCli(['models', 'vgg', '-o', output])).code).toBe(1);
  });

  it('env says why TensorRT is unavailable', async () => {
    const { code, stdout } = await runCli(['env']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/active backend: mock/);
    expect(stdout).toMatch(/TensorRT backend unavailable because/);
  });

  it('calibrate refuses to estimate', async () => {
    const { code, stderr } = await runCli(['calibrate']);
    expect(code).toBe(1);
    expect(stderr).toContain('ERR_BACKEND_UNAVAILABLE');
  });
});
