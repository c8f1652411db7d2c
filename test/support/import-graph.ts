/**
 * The import graph of lib/: which module imports which (relative imports resolved to files, `import type`
 * included, since a type import is still an arrow between two rooms) and which packages or node: builtins each
 * imports. test/layering.test.ts measures the layering rules of issue 11 on it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Modules by path relative to the root (`native/loader.ts`), with their imports. */
export interface ImportGraph {
  /** Module -> modules it imports (paths relative to the root). */
  modules: Map<string, Set<string>>;
  /** Module -> bare specifiers it imports (`node:fs`, `zod`). */
  externals: Map<string, Set<string>>;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Reads every .ts file under `root` and resolves its imports. */
export function importGraph(root: string): ImportGraph {
  const modules = new Map<string, Set<string>>();
  const externals = new Map<string, Set<string>>();
  for (const file of tsFiles(root)) {
    const name = relative(root, file).split(sep).join('/');
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const local = new Set<string>();
    const outside = new Set<string>();
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1];
      if (!specifier.startsWith('.')) {
        outside.add(specifier);
        continue;
      }
      const target = join(dirname(file), specifier).replace(/\.js$/, '.ts');
      if (target.startsWith(root) && existsSync(target)) local.add(relative(root, target).split(sep).join('/'));
      else if (target.startsWith(root)) throw new Error(`${name} imports ${specifier}, which does not exist`);
    }
    modules.set(name, local);
    externals.set(name, outside);
  }
  return { modules, externals };
}

/** Every module `start` reaches through imports, with the chain that first reached each. */
export function reachable(graph: ImportGraph, start: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of graph.modules.get(current) ?? []) {
      if (chains.has(next)) continue;
      chains.set(next, [...chains.get(current)!, next]);
      queue.push(next);
    }
  }
  return chains;
}

/** The room of a module: its top folder under the root, or the file itself when it lies loose at the top. */
export function roomOf(module: string): string {
  return module.includes('/') ? `${module.split('/')[0]}/` : module;
}

/**
 * Chains of rooms that lead back to where they started (an arrow that runs back up), one per cycle found, e.g.
 * `['backend/', 'native/', 'backend/']`.
 */
export function roomCycles(graph: ImportGraph): string[][] {
  const arrows = new Map<string, Set<string>>();
  for (const [module, targets] of graph.modules) {
    for (const target of targets) {
      if (roomOf(module) === roomOf(target)) continue;
      if (!arrows.has(roomOf(module))) arrows.set(roomOf(module), new Set());
      arrows.get(roomOf(module))!.add(roomOf(target));
    }
  }
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const start of arrows.keys()) {
    const stack: Array<{ room: string; path: string[] }> = [{ room: start, path: [start] }];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const { room, path } = stack.pop()!;
      for (const next of arrows.get(room) ?? []) {
        if (next === start) {
          const key = [...path].sort().join(',');
          if (!seen.has(key)) {
            seen.add(key);
            cycles.push([...path, start]);
          }
        } else if (!visited.has(next)) {
          visited.add(next);
          stack.push({ room: next, path: [...path, next] });
        }
      }
    }
  }
  return cycles;
}
