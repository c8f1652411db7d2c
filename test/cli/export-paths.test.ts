import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

process.env.TRTN_BACKEND = 'mock';

let dir: string;
let plan: string;
let missing: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trtn-export-'));
  missing = join(dir, 'no-such-folder');
  plan = join(dir, 'seed003.plan');
  const built = await runCli(['build', 'examples/seed003.onnx', '--fp16', '--saveEngine', plan, '--no-progress']);
  expect(built.code).toBe(0);
});

/** Every option that writes a file, pointed into a folder that does not exist. */
const cases: [string, () => string[]][] = [
  ['build --saveEngine', () => ['build', 'examples/seed003.onnx', '--no-progress', '--saveEngine', join(missing, 'e.plan')]],
  ['build --report', () => ['build', 'examples/seed003.onnx', '--no-progress', '--report', join(missing, 'r.json')]],
  ['inspect --exportLayerInfo', () => ['inspect', plan, '--exportLayerInfo', join(missing, 'li.json')]],
  ['bench --exportTimes', () => ['bench', plan, '--iterations', '2', '--duration', '0', '--exportTimes', join(missing, 't.json')]],
  ['bench --exportProfile', () => ['bench', plan, '--iterations', '2', '--duration', '0', '--exportProfile', join(missing, 'p.json')]],
  ['report -o', () => ['report', plan.replace(/\.plan$/, '.onnx-unused'), '-o', join(missing, 'r.html')]],
  ['sparsify -o', () => ['sparsify', 'examples/seed003.onnx', '-o', join(missing, 's.onnx')]],
  ['to-fp16 -o', () => ['to-fp16', 'examples/seed003.onnx', '-o', join(missing, 'h.onnx')]],
  ['models -o', () => ['models', 'seed003', '-o', join(missing, 'm.onnx')]],
];

describe('output paths in a missing folder', () => {
  for (const [name, args] of cases) {
    it(`${name} exits 1 with ERR_IO naming the flag, no stack, and writes nothing`, async () => {
      const argv = args();
      const { code, stderr } = await runCli(argv);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^trtn: ERR_IO: Could not write (--\w+|-o) /);
      expect(stderr).toContain('does not exist');
      expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(existsSync(missing)).toBe(false);
    });
  }

  it('build --saveEngine into a missing folder fails before building (nothing on stdout, no engine written elsewhere)', async () => {
    const { code, stdout, stderr } = await runCli(['build', 'examples/seed003.onnx', '--no-progress', '--saveEngine', plan, '--report', join(missing, 'r.json')]);
    expect(code).toBe(1);
    expect(stderr).toContain('--report');
    expect(stdout).toBe('');
  });

  it('--json puts the coded error on stderr as JSON', async () => {
    const { code, stderr } = await runCli(['bench', plan, '--iterations', '2', '--duration', '0', '--exportTimes', join(missing, 't.json'), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stderr).error).toMatchObject({ code: 'ERR_IO', details: { option: '--exportTimes' } });
  });
});
