/**
 * The tests themselves type-check against the library (tsconfig.json covers lib/ only; vitest strips types
 * without checking them), so a fixture cannot silently drift from the types it stands for.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '..');

describe('type check of lib/ and test/ together', () => {
  it('tsc -p tsconfig.test.json reports no error', () => {
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', join(repo, 'tsconfig.test.json')], { cwd: repo, encoding: 'utf8', timeout: 240_000 });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 300_000);
});
