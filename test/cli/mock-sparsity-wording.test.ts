/**
 * On the mock backend, `trtn explain` of a sparsity build never words the cost model's choices and times as
 * TensorRT's measurements (issue 10 item 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'trtn-mock-wording-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('explain on a mock sparsity build', () => {
  it('says estimated, never "TensorRT timed", "TensorRT chose" or "measured"', async () => {
    const model = join(scratch, 'resnet-like.onnx');
    const pruned = join(scratch, 'resnet-like-2of4.onnx');
    const report = join(scratch, 'report.json');
    expect((await runCli(['models', 'resnet-like', '-o', model])).code).toBe(0);
    expect((await runCli(['sparsify', model, '-o', pruned])).code).toBe(0);
    expect((await runCli(['build', pruned, '--fp16', '--sparsity', 'enable', '--backend', 'mock', '--recordTactics', '--report', report, '--no-progress'])).code).toBe(0);
    const explained = await runCli(['explain', report]);
    expect(explained.code).toBe(0);
    const text = explained.stdout;
    expect(text).toMatch(/ESTIMATED/);
    expect(text).not.toMatch(/TensorRT timed both|TensorRT chose|the autotuner's measured times/);
    // "measured" may only appear in advice about getting measurements, never as a label of a figure.
    expect(text).not.toMatch(/\(measured\)|\bmeasured\s{2,}|measured =/);
    expect(text).toMatch(/est\. ms/);
  });
});
