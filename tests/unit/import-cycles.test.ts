// No import cycles in web/ and dev/, type-only imports included: a cycle makes the
// order modules load in matter and hides which module owns a type. The graph
// is read from the import/export statements of {web,dev}/**/*.ts(x) (web/generated
// is generated code, left out); only relative specifiers are followed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../web');
/** The development tools (Admin API stand-in, dev storefront, simulator): outside the app, checked the same way. */
const DEV = resolve(import.meta.dirname, '../../dev');
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** './x.js', './x' or './x/' as the file TypeScript resolves it to. */
function resolveImport(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  const candidates = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => existsSync(c)) ?? null;
}

export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(SPECIFIER)].map((m) => resolveImport(file, (m[1] ?? m[2])!)).filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the chain of files that closes it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('import cycles', () => {
  it('finds a cycle when there is one (the walk itself works)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('reads the imports of web/ (type-only and re-exports included)', () => {
    const graph = importGraph(ROOT);
    expect(graph.size).toBeGreaterThan(100);
    const syncProgram = graph.get(join(ROOT, 'jobs/sync-program.ts'))!.map((f) => relative(ROOT, f));
    expect(syncProgram).toContain('loyalty/storefront-program.ts');
  });

  it('web/ and dev/ have no import cycle', () => {
    const graph = new Map([...importGraph(ROOT), ...importGraph(DEV)]);
    expect([...graph.keys()].some((f) => f.startsWith(join(DEV, 'admin-standin')))).toBe(true);
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(dirname(ROOT), f)).join(' → '));
    expect(cycles).toEqual([]);
  });
});
