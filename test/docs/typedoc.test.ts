// `npm run docs` renders the API reference with typedoc (issue 10, item 10). typedoc.json turns broken `{@link}`s
// into errors, so this fails when a doc comment links to something the reference does not contain.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');

describe('npm run docs', () => {
  it('is typedoc over lib/index.ts, and the reference converts without a warning', () => {
    const manifest = createRequire(import.meta.url)(join(repo, 'package.json'));
    expect(manifest.scripts.docs).toBe('typedoc');
    expect(manifest.devDependencies.typedoc).toBeDefined();
    // Resolvable once `npm ci` has installed the devDependencies (a clone whose node_modules predates typedoc fails here).
    const typedocManifest = createRequire(join(repo, 'package.json')).resolve('typedoc/package.json');
    const typedoc = join(dirname(typedocManifest), createRequire(import.meta.url)(typedocManifest).bin.typedoc);
    const run = spawnSync(process.execPath, [typedoc, '--emit', 'none'], { cwd: repo, encoding: 'utf8', timeout: 150_000 });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
  }, 160_000);
});
