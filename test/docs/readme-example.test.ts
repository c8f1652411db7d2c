/**
 * The README's TypeScript example, read from README.md at test time and run as written on the mock backend, so
 * the example and the API cannot drift apart.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSeed003Model, saveOnnxFile } from '../../lib/onnx/index.js';

const readmePath = new URL('../../README.md', import.meta.url);

/** The body of the first ```ts block under the `## Example` heading. */
export function readmeExample(markdown: string): string {
  const section = markdown.split(/^## Example\s*$/m)[1];
  if (section === undefined) throw new Error('README.md has no "## Example" section');
  const match = /^```ts\n([\s\S]*?)^```/m.exec(section);
  if (!match) throw new Error('the "## Example" section of README.md has no ```ts block');
  return match[1];
}

describe('README example', () => {
  let folder: string;
  let previousFolder: string;
  let previousBackend: string | undefined;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'trtn-readme-'));
    previousFolder = process.cwd();
    previousBackend = process.env.TRTN_BACKEND;
    // The example opens 'model.onnx' relative to where it runs: the seed 003 model it describes.
    await saveOnnxFile(join(folder, 'model.onnx'), buildSeed003Model());
  });

  afterAll(async () => {
    process.chdir(previousFolder);
    if (previousBackend === undefined) delete process.env.TRTN_BACKEND;
    else process.env.TRTN_BACKEND = previousBackend;
    await rm(folder, { recursive: true, force: true });
  });

  it('is found in README.md and uses the public package name', async () => {
    const code = readmeExample(await readFile(readmePath, 'utf8'));
    expect(code).toMatch(/from 'tensorrt-node'/);
    expect(code).toMatch(/infer\(/);
  });

  it('runs verbatim on the mock backend and prints what its comments promise', async () => {
    const code = readmeExample(await readFile(readmePath, 'utf8'));
    const file = join(folder, 'example.ts');
    await writeFile(file, code);
    process.env.TRTN_BACKEND = 'mock';
    process.chdir(folder);
    const lines: unknown[][] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args);
    });
    try {
      await import(/* @vite-ignore */ pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
    expect(lines.length).toBe(3);
    expect(lines[0]).toEqual(['mock']);
    const [eligible, picked] = lines[1] as [string[], string[]];
    // seed 003's dense weights are not 2:4, so no layer is eligible; the lists must still be lists of names.
    expect(Array.isArray(eligible) && Array.isArray(picked)).toBe(true);
    for (const name of picked) expect(eligible).toContain(name);
    const [median, estimated] = lines[2] as [number, boolean];
    expect(median).toBeGreaterThan(0);
    expect(estimated).toBe(true);
  }, 180_000);
});
