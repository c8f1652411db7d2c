/** `trtn … | head`: a reader that closes the pipe early ends trtn quietly, with no stack trace. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '..', '..');
const bin = join(repo, 'dist', 'cli', 'bin.js');

describe.skipIf(!existsSync(bin) || process.platform === 'win32')('trtn into a closed pipe', () => {
  it('exits without an EPIPE stack trace when the reader stops after one line', () => {
    const log = join(repo, 'test', 'fixtures', 'real', 'trt10.6-h200', 'resnet18-2of4', 'trtexec-verbose.log.gz');
    const run = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${bin}" explain "${log}" | head -n 1`], { encoding: 'utf8' });
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).not.toMatch(/EPIPE|Error:|at /);
  });
});
