// The production tree (web/) and the development tools (dev/: the Admin API
// stand-in, the dev storefront, the webhook simulator, the seed) meet at one
// module, web/dev-tools.ts, which the server imports dynamically and the
// production build replaces with a stub (scripts/build-server.ts). Any other
// path from web/ into dev/ — an import, a dynamic import, a file read through
// new URL(..., import.meta.url) or path.resolve(import.meta.dirname, ...) —
// would put development code or files into production; nor does web/ read
// anything under tests/ (fixtures included) at run time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { developmentOnlyInputs } from '../../scripts/build-server.js';

const REPO = resolve(import.meta.dirname, '../..');
const WEB = join(REPO, 'web');
const DOOR = join(WEB, 'dev-tools.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' || name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// Every quoted relative path in the source: import specifiers, import() arguments,
// and the paths given to new URL(..., import.meta.url) or path.resolve/join(import.meta.dirname, ...).
const RELATIVE = /['"`](\.{1,2}\/[^'"`$\s]*|\.{1,2})['"`]/g;

/** Each relative path a file names, resolved from the file's folder, as a repository path. */
export function pathsNamed(file: string, text = readFileSync(file, 'utf8')): string[] {
  return [...text.matchAll(RELATIVE)].map((m) =>
    relative(REPO, resolve(dirname(file), m[1]!))
      .split(sep)
      .join('/'),
  );
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** `web/file.ts → dev/...` for every path from web/ into `dir`, except those `allowed` names. */
function reaches(dir: string, allowed: (file: string) => boolean = () => false): string[] {
  return sourceFiles(WEB)
    .filter((file) => !allowed(file))
    .flatMap((file) =>
      pathsNamed(file)
        .filter((path) => inside(path, dir))
        .map((path) => `${relative(REPO, file)} → ${path}`),
    );
}

describe('the production tree', () => {
  it('reads the paths a file names, imports and file reads alike (the scan itself works)', () => {
    const file = join(WEB, 'routes', 'example.ts');
    const text = [
      "import { a } from '../../dev/seed.js';",
      "const b = await import('../../dev/routes/index.js');",
      "const theme = fileURLToPath(new URL('../../dev/storefront/theme', import.meta.url));",
      "const samples = path.resolve(import.meta.dirname, '../../tests/fixtures/shopify/webhooks');",
      "const page = '/dev/webhooks';",
    ].join('\n');
    expect(pathsNamed(file, text)).toEqual([
      'dev/seed.js',
      'dev/routes/index.js',
      'dev/storefront/theme',
      'tests/fixtures/shopify/webhooks',
    ]);
    // The one door does reach dev/: the scan sees it.
    expect(pathsNamed(DOOR)).toContain('dev/admin-standin/index.js');
  });

  it('reaches dev/ only through web/dev-tools.ts', () => {
    expect(reaches('dev', (file) => file === DOOR)).toEqual([]);
  });

  it('reads nothing under tests/ (no fixture at run time)', () => {
    expect(reaches('tests')).toEqual([]);
  });

  it('loads web/dev-tools.ts only with await import() (any static import of it is type-only)', () => {
    const importers = sourceFiles(WEB).filter((file) => pathsNamed(file).includes('web/dev-tools.js'));
    expect(importers.length).toBeGreaterThan(0);
    for (const file of importers) {
      const text = readFileSync(file, 'utf8');
      // Static imports of it are type-only (`typeof import(...)` or `import type`); the code is loaded with await import().
      expect(text, relative(REPO, file)).not.toMatch(/^\s*import\s+(?!type\b)[^;]*from\s*['"][^'"]*dev-tools\.js['"]/m);
      expect(text, relative(REPO, file)).toMatch(/await import\(\s*['"]\.\/dev-tools\.js['"]\s*\)/);
    }
  });

  it('makes the production build fail when code from dev/ reaches the bundle', () => {
    const output = (inputs: Record<string, number>) => ({
      outputs: {
        'build/server/index.js': {
          bytes: 1,
          inputs: Object.fromEntries(Object.entries(inputs).map(([k, bytesInOutput]) => [k, { bytesInOutput }])),
          imports: [],
          exports: [],
        },
      },
      inputs: {},
    });
    expect(developmentOnlyInputs(output({ 'web/app.ts': 10, 'dev/admin-standin/index.ts': 5, 'dev/seed.ts': 0 }))).toEqual([
      'dev/admin-standin/index.ts',
    ]);
    expect(developmentOnlyInputs(output({ 'web/app.ts': 10, 'web/theme-extension/liquid.ts': 5 }))).toEqual([]);
  });
});
