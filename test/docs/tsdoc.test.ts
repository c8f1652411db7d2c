// TSDoc on every exported member of every file of lib/types/ and on every public entry point (issue 10, item 10);
// typedoc (`npm run docs`) renders these comments as the API reference.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { undocumentedEntryPoints, undocumentedExports, type MissingDoc } from '../support/doc-comments.js';

const repo = resolve(import.meta.dirname, '..', '..');
const list = (missing: MissingDoc[]) => missing.map((entry) => `${relative(repo, entry.file)}:${entry.line} ${entry.name}`);

describe('doc comments', () => {
  it('are on every exported declaration of each file of lib/types/ and on each of their members', () => {
    const folder = join(repo, 'lib', 'types');
    const files = readdirSync(folder).filter((name) => name.endsWith('.ts')).sort();
    // The folder itself must be there and split: an empty or missing folder would pass the check below vacuously.
    expect(files).toContain('index.ts');
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap((name) => list(undocumentedExports(join(folder, name))))).toEqual([]);
  });

  it('are on every name lib/index.ts exports', () => {
    expect(list(undocumentedEntryPoints(join(repo, 'lib', 'index.ts')))).toEqual([]);
  });

  it('are found missing by the checker (a member, a type alias, a type-literal member, a function)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'trtn-tsdoc-')), 'sample.ts');
    writeFileSync(file, [
      '/** Documented. */',
      'export interface Options {',
      '  /** Documented. */ fp16?: boolean;',
      '  // a line comment is not TSDoc',
      '  sparsity?: boolean;',
      '}',
      'export type Mode = "a" | "b";',
      '/** Documented. */',
      'export type Shape = {',
      '  /** Documented. */',
      '  name: string;',
      '  dims: number[];',
      '  /** Documented. */',
      '  tensors: { name: string }[];',
      '};',
      'export function run(): void {}',
      'interface Internal { x: number }',
    ].join('\n'));
    expect(undocumentedExports(file).map((entry) => entry.name)).toEqual(['Options.sparsity', 'Mode', 'Shape.dims', 'Shape.tensors.name', 'run']);
  });
});
