// Compiles the server for `npm start`: web/index.ts → build/server/index.js,
// one ESM file for Node 20 with a source map. Packages stay in node_modules
// (imported at run time, as in development); Tally's own code, the generated
// Prisma client included, is bundled.
//
// Development tools (the Admin API stand-in, the dev storefront, the webhook
// simulator, the seed) live in the top-level dev/ folder and are reached from
// web/ through one module, web/dev-tools.ts, which the
// server only imports dynamically when they are switched on. Here it resolves
// to a stub that refuses to load, so none of their code is in the bundle; the
// build fails if any of it is pulled in some other way.
//
// The bundle runs inside the checkout: modules that find files next to their
// source (prisma/migrations, dist/frontend, extensions/loyalty-widget) keep
// doing so, because each module's import.meta.url is rewritten to the URL of
// its source file, relative to the bundle.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_OUT_DIR = path.join(ROOT, 'build/server');
export const SERVER_BUNDLE = path.join(SERVER_OUT_DIR, 'index.js');

/** Code that exists for development and tests only: the top-level dev/ folder (web/ is the app). */
const DEVELOPMENT_ONLY = ['dev/'];

const STUB_NAMESPACE = 'tally-dev-tools-stub';
const STUB = [
  "import { StartupError } from './startup-errors.js';",
  'throw new StartupError("Development tools are not in the production build: run `npm run dev` for them, or unset what asked for them (TALLY_SEED, or NODE_ENV other than production without Shopify credentials).");',
].join('\n');

/** `./dev-tools.js` → a module that refuses to load, with a StartupError naming the setting. */
const leaveOutDevTools: Plugin = {
  name: 'leave-out-dev-tools',
  setup(b) {
    b.onResolve({ filter: /(^|\/)dev-tools\.js$/ }, (args) => ({ path: args.path, namespace: STUB_NAMESPACE }));
    b.onLoad({ filter: /.*/, namespace: STUB_NAMESPACE }, () => ({ contents: STUB, loader: 'ts', resolveDir: path.join(ROOT, 'web') }));
  },
};

/** Each module's import.meta.url and import.meta.dirname point at its source file, not at the bundle. */
const sourceLocations: Plugin = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.')) return undefined;
      const fromBundle = path.relative(SERVER_OUT_DIR, args.path).split(path.sep).join('/');
      const dirFromBundle = path.posix.dirname(fromBundle);
      const contents = text
        .replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`)
        .replaceAll('import.meta.dirname', `__tallyPath(new URL(${JSON.stringify(`${dirFromBundle}/`)}, import.meta.url))`);
      return { contents, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
    });
  },
};

/** Source files with code in the bundle that should not be there (a module whose every export was shaken off adds nothing). */
export function developmentOnlyInputs(metafile: Metafile): string[] {
  const inBundle = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  );
  return inBundle.filter((input) => DEVELOPMENT_ONLY.some((dir) => input.startsWith(dir)));
}

export async function buildServer(): Promise<Metafile> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['web/index.ts'],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: "import { fileURLToPath as __tallyFileURLToPath } from 'node:url'; const __tallyPath = (url) => __tallyFileURLToPath(url).replace(/\\/$/, '');",
    },
    plugins: [leaveOutDevTools, sourceLocations],
  });
  const leaked = developmentOnlyInputs(result.metafile);
  if (leaked.length > 0) {
    throw new Error(`Development-only code reached the production bundle (import it through web/dev-tools.ts):\n  ${leaked.join('\n  ')}`);
  }
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildServer();
  process.stdout.write(`Built ${path.relative(ROOT, SERVER_BUNDLE)}\n`);
}
