/**
 * CLI errors speak the CLI's flag names and quote what the user typed; API callers keep the API's names
 * (test/api/options.test.ts). Absurd or impossible flag values are refused with coded errors naming the flag.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSeed003Model, writeOnnx } from '../../lib/onnx/index.js';
import { runCli } from './run-cli.js';

process.env.TRTN_BACKEND = 'mock';

const model = 'examples/seed003.onnx';
let engine: string;
let dynamicModel: string;

/** Runs a failing command and returns its one error line. */
async function failure(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(args);
  expect(code, stdout + stderr).toBe(1);
  const line = stderr.split('\n').find((text) => text.startsWith('trtn: ERR_')) ?? '';
  expect(line).not.toBe('');
  // No API names, no zod wording, no doubled full stops, no stack.
  expect(line).not.toMatch(/`(shapes|inputShapes|deviceProfileId|iterations|noDataTransfers|builderOptimizationLevel|mockDevice|timingCache)[.`]/);
  expect(line).not.toMatch(/inputShapes|deviceProfileId|got number NaN|Expected Invalid input|\.\.$|\.\. /);
  expect(stderr).not.toMatch(/\n\s+at /);
  return line;
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trtn-flags-'));
  engine = join(dir, 'e.plan');
  // A model with a symbolic batch axis, as torch.onnx.export writes with dynamic_axes.
  const dynamic = buildSeed003Model({ height: 32, width: 24 });
  dynamic.graph.inputs[0].shape = ['batch', 16, 32, 24];
  dynamic.graph.outputs[0].shape = ['batch', 16, 32, 24];
  dynamicModel = join(dir, 'dynamic.onnx');
  await writeFile(dynamicModel, writeOnnx(dynamic));
  expect((await runCli(['build', model, '--saveEngine', engine, '--no-progress'])).code).toBe(0);
});

describe('bench flags', () => {
  it('says the flag and the bad text for a number that is not one', async () => {
    expect(await failure(['bench', engine, '--iterations', 'abc'])).toBe("trtn: ERR_INVALID_OPTION: Expected an integer for --iterations, got 'abc'.");
    expect(await failure(['bench', engine, '--iterations', '1.5'])).toBe("trtn: ERR_INVALID_OPTION: Expected an integer for --iterations, got '1.5'.");
    expect(await failure(['bench', engine, '--duration', 'x'])).toBe("trtn: ERR_INVALID_OPTION: Expected a number for --duration, got 'x'.");
  });

  it('names the flag for a value out of range', async () => {
    expect(await failure(['bench', engine, '--iterations', '0'])).toBe("trtn: ERR_INVALID_OPTION: Expected a value >= 1 for --iterations, got '0'.");
    expect(await failure(['bench', engine, '--warmUp', '-5'])).toBe("trtn: ERR_INVALID_OPTION: Expected a value >= 0 for --warmUp, got '-5'.");
  });

  it("--blockingEvents takes 'auto', 'waited' or 'all', and the run's mode says which ran", async () => {
    const wrong = await runCli(['bench', engine, '--blockingEvents', 'some']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/--blockingEvents.*'some'.*Allowed choices are auto, waited, all/);
    const graph = await runCli(['bench', engine, '--useCudaGraph', '--duration', '0.1', '--json']);
    expect(graph.code).toBe(0);
    const graphParsed = JSON.parse(graph.stdout);
    expect((graphParsed.benchmark ?? graphParsed).options.blockingEvents).toBe('all');
    const { code, stdout } = await runCli(['bench', engine, '--blockingEvents', 'all', '--duration', '0.1', '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    const result = parsed.benchmark ?? parsed;
    expect(result.options.blockingEvents).toBe('all');
    expect(result.mode).toContain('blocking sync on every event (as trtexec)');
  });

  it('words its warnings in flags, not API options', async () => {
    const { code, stdout } = await runCli(['bench', engine]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Use --noDataTransfers to time compute alone/);
    expect(stdout).not.toMatch(/noDataTransfers: true/);
  });
});

describe('build flags', () => {
  it('names the shape flags and the entry the user typed', async () => {
    expect(await failure(['build', model, '--no-progress', '--optShapes', 'input:1x16'])).toBe(
      "trtn: ERR_INVALID_OPTION: Expected 4 dimensions like [1,16,1920,1080] (the model's rank) for --optShapes, got 'input:1x16'.",
    );
    expect(await failure(['build', model, '--no-progress', '--optShapes', 'image:1x16x8x8'])).toBe(
      "trtn: ERR_INVALID_OPTION: Expected the name of a network input ('input') for --optShapes, got 'image:1x16x8x8'.",
    );
    expect(await failure(['build', model, '--no-progress', '--optShapes', 'input:1x16x8x8', '--minShapes', 'input:2x16x8x8'])).toMatch(
      /^trtn: ERR_INVALID_OPTION: Expected min <= opt <= max on every axis \(axis 0 is 2\/1\/1\) for --minShapes\/--optShapes, got --minShapes input:2x16x8x8, --optShapes input:1x16x8x8\.$/,
    );
    expect(await failure(['build', model, '--no-progress', '--optShapes', 'input:1x16x1920x1081'])).toMatch(/Expected 1080 on axis 3, which the model fixes .* for --optShapes, got 'input:1x16x1920x1081'\.$/);
  });

  it('asks for the shape flags, not the API option, when a dynamic input has no shapes', async () => {
    expect(await failure(['build', dynamicModel, '--no-progress'])).toBe(
      "trtn: ERR_INVALID_OPTION: Input 'input' has dynamic dimensions [?,16,32,24]; give its shapes with --minShapes/--optShapes/--maxShapes, e.g. --optShapes input:1x16x32x24.",
    );
    expect((await runCli(['build', dynamicModel, '--no-progress', '--minShapes', 'input:1x16x32x24', '--optShapes', 'input:2x16x32x24', '--maxShapes', 'input:4x16x32x24'])).code).toBe(0);
  });

  it('names numeric and named flags', async () => {
    expect(await failure(['build', model, '--no-progress', '--builderOptimizationLevel', 'x'])).toBe("trtn: ERR_INVALID_OPTION: Expected an integer for --builderOptimizationLevel, got 'x'.");
    expect(await failure(['build', model, '--no-progress', '--builderOptimizationLevel', '9'])).toBe("trtn: ERR_INVALID_OPTION: Expected a value <= 5 for --builderOptimizationLevel, got '9'.");
    expect(await failure(['build', model, '--no-progress', '--mock-device', 'h100'])).toMatch(/^trtn: ERR_INVALID_OPTION: Unknown mock device profile 'h100' for --mock-device\. Known profiles: h100-sxm/);
    expect(await failure(['build', model, '--no-progress', '--timingCacheFile', ''])).toBe("trtn: ERR_INVALID_OPTION: Expected a non-empty string for --timingCacheFile, got ''.");
    expect(await failure(['bench', model, '--mock-device', 'h100'])).toMatch(/for --mock-device\./);
  });

  it('prints the translated error as JSON with the flag as its option', async () => {
    const { code, stderr } = await runCli(['bench', engine, '--iterations', '0', '--json']);
    expect(code).toBe(1);
    const { error } = JSON.parse(stderr);
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTION', details: { option: '--iterations', apiOption: 'iterations' } });
  });
});

describe('impossible requests are refused, naming the flag (issue 10 item 8)', () => {
  it('refuses an empty --inputIOFormats', async () => {
    expect(await failure(['build', model, '--no-progress', '--inputIOFormats', ''])).toMatch(/^trtn: ERR_INVALID_OPTION: Expected 'type:format' entries such as 'fp16:hwc8' .* for --inputIOFormats, got ''\.$/);
  });

  it('refuses INT8 IO, for which there is no INT8 path', async () => {
    expect(await failure(['build', model, '--no-progress', '--outputIOFormats', 'int8:chw32'])).toMatch(/^trtn: ERR_UNSUPPORTED: INT8 IO \('int8:chw32' for --outputIOFormats\) needs quantisation scales/);
  });

  it('refuses a shape no GPU could hold before estimating anything', async () => {
    const line = await failure(['build', model, '--no-progress', '--optShapes', 'input:99999999x16x99999x99999']);
    expect(line).toMatch(/^trtn: ERR_INVALID_OPTION: Expected at most 2\^38 elements per input .* for --optShapes, got 'input:99999999x16x99999x99999'\. The largest shape \[99999999,16,99999,99999\] has 1\.60e\+19 elements\.$/);
  });
});
