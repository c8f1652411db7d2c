// The layering of lib/ (issue 11), measured on its import graph: every room (a folder of lib/, or a loose
// top-level file) imports only rooms below it, the mock and the native side never reach each other, analysis
// stays pure, and lib/'s top level holds at most 8 loose files.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as analysis from '../lib/analysis/index.js';
import { importGraph, reachable, roomCycles, type ImportGraph } from './support/import-graph.js';

const lib = resolve(import.meta.dirname, '..', 'lib');

/** Node builtins that touch files, processes or native code: analysis must reach none of them. */
const IMPURE = new Set(['fs', 'node:fs', 'node:fs/promises', 'fs/promises', 'node:child_process', 'child_process', 'node:module', 'module']);

/** Chains from a module under `from` to a module under `to`, as `a -> b -> c`. */
function reaches(graph: ImportGraph, from: string, to: (module: string) => boolean): string[] {
  const found: string[] = [];
  for (const module of graph.modules.keys()) {
    if (!module.startsWith(from)) continue;
    for (const [target, chain] of reachable(graph, module)) if (target !== module && to(target)) found.push(chain.join(' -> '));
  }
  return found;
}

/** Chains from a module under `from` to a module that imports an impure builtin, ending in that builtin. */
function impureChains(graph: ImportGraph, from: string): string[] {
  const found: string[] = [];
  for (const module of graph.modules.keys()) {
    if (!module.startsWith(from)) continue;
    for (const [target, chain] of reachable(graph, module)) {
      for (const external of graph.externals.get(target) ?? []) if (IMPURE.has(external)) found.push([...chain, external].join(' -> '));
    }
  }
  return found;
}

function looseFiles(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => entry.name)
    .sort();
}

function fakeLib(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'trtn-layering-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('layering of lib/', () => {
  const graph = importGraph(lib);

  it('has no arrow that runs back up: no cycle between rooms', () => {
    expect(roomCycles(graph)).toEqual([]);
  });

  it('keeps lib/mock/ and lib/native/ apart, in both directions and through any module between', () => {
    expect(reaches(graph, 'mock/', (module) => module.startsWith('native/'))).toEqual([]);
    expect(reaches(graph, 'native/', (module) => module.startsWith('mock/') || module === 'select.ts')).toEqual([]);
  });

  it('keeps lib/analysis/ pure: no file, process or native access, no backend, reached directly or not', () => {
    expect(impureChains(graph, 'analysis/')).toEqual([]);
    expect(reaches(graph, 'analysis/', (module) => /^(native|mock|backend|measure)\//.test(module) || module === 'select.ts')).toEqual([]);
  });

  it('has lib/native/ and at most 8 loose .ts files at the top of lib/', () => {
    expect([...graph.modules.keys()].filter((module) => module.startsWith('native/')).sort()).toEqual(['native/addon.ts', 'native/backend.ts', 'native/loader-core.ts', 'native/loader.ts', 'native/plan.ts']);
    const loose = looseFiles(lib);
    expect(loose.length, loose.join(', ')).toBeLessThanOrEqual(8);
  });

  it('finds each kind of violation on a small fake lib/', () => {
    const root = fakeLib({
      'mock/engine.ts': "import { plan } from '../shared.js';\nexport const engine = plan;\n",
      'shared.ts': "export { plan } from './native/plan.js';\n",
      'native/plan.ts': "import type { Engine } from '../mock/engine.js';\nexport const plan = 1;\nexport type Uses = Engine;\n",
      'analysis/peaks.ts': "import { readFileSync } from 'node:fs';\n// import { x } from '../native/plan.js';\nexport const read = readFileSync;\n",
    });
    const fake = importGraph(root);
    expect(reaches(fake, 'mock/', (module) => module.startsWith('native/'))).toEqual(['mock/engine.ts -> shared.ts -> native/plan.ts']);
    expect(reaches(fake, 'native/', (module) => module.startsWith('mock/'))).toEqual(['native/plan.ts -> mock/engine.ts']);
    expect(impureChains(fake, 'analysis/')).toEqual(['analysis/peaks.ts -> node:fs']);
    expect(roomCycles(fake).map((cycle) => cycle.join(' > '))).toContain('mock/ > shared.ts > native/ > mock/');
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) writeFileSync(join(root, `${name}.ts`), 'export {};\n');
    expect(looseFiles(root)).toHaveLength(10);
  });

  it('lists the public analysis namespace by name: no `export *`, no parser helper in it', () => {
    expect(readFileSync(join(lib, 'analysis', 'index.ts'), 'utf8')).not.toMatch(/export \*/);
    const names = Object.keys(analysis);
    for (const helper of ['splitTopLevel', 'parseBracketTensor', 'normalizeTactic', 'shareTensorFormats', 'validateCalibration', 'slugify']) expect(names).not.toContain(helper);
    for (const entry of ['parseBuildLog', 'normalizeInspectorJson', 'explainSparsity', 'analyzeEfficiency', 'compareBuilds', 'renderHtmlReport']) expect(names).toContain(entry);
  });

  it('has one table of element sizes and IO type words: lib/tensors/facts.ts', () => {
    const second = /BYTES_PER_ELEMENT\s*[:=]|NATURAL_BYTES|ELEMENT_BYTES|function elementBytes|function elementSize|TYPED_ARRAYS|IO_TYPE\s*[:=]|FLOAT_TYPES/;
    const offenders = [...graph.modules.keys()].filter((module) => module !== 'tensors/facts.ts' && second.test(readFileSync(join(lib, module), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
