// The production build, as `npm run build` then `npm start` run it: the
// server bundle (scripts/build-server.ts) started with plain `node` — no
// TypeScript loader — in production mode on a real database, serving the
// built admin, with no development route and no development-only code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, ROOT, SERVER_BUNDLE } from '../../scripts/build-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { renderIndexHtml } from '../../web/frontend/serve.js';

const ADMIN_INDEX = path.join(ROOT, 'dist/frontend/index.html');

/** `npm start`'s node arguments: the script must be plain node on the bundle, in production mode. */
function startScriptArgs(): string[] {
  const script: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const match = /^NODE_ENV=production node ((?:--[a-z-]+ )*)(\S+)$/.exec(script);
  if (!match) throw new Error(`npm start is not plain node on a file in production mode: ${script}`);
  expect(path.resolve(ROOT, match[2]!)).toBe(SERVER_BUNDLE);
  expect(match[1]).not.toMatch(/--(import|loader|require|experimental-loader)/);
  return [...match[1]!.trim().split(' ').filter(Boolean), SERVER_BUNDLE];
}
const API_KEY = 'production-build-test-key';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The environment `npm start` would see, without anything that could load TypeScript. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_OPTIONS', 'TALLY_SEED', 'HOST', 'DATABASE_URL']) delete env[name];
  return { ...env, LOG_LEVEL: 'info', ...extra };
}

interface Started {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts the bundle as `npm start` does and waits for the line saying where it listens. */
function startBundle(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, startScriptArgs(), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const giveUp = setTimeout(() => reject(new Error(`no start-up line within 60 s:\n${stdout}\n${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(stdout)?.[1];
      if (!url) return;
      clearTimeout(giveUp);
      resolve({ child, url, stderr: () => stderr });
    });
    child.on('exit', (code) => {
      clearTimeout(giveUp);
      reject(new Error(`the bundle exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Every .ts file under `dir`, recursively. */
const tsFiles = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.parentPath.includes('generated'))
    .map((e) => path.join(e.parentPath, e.name));

/**
 * The functions, classes and constants declared in dev/ (the Admin API stand-in, the dev
 * storefront, the simulator, the seed) whose names web/ never uses: none of them may be
 * declared in the bundle.
 */
function developmentOnlyNames(): string[] {
  const web = tsFiles('web')
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const declared = tsFiles('dev').flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/^(?:export )?(?:async )?(?:function|class|const) (\w{4,})/gm)].map((m) => m[1]!),
  );
  return [...new Set(declared)].filter((name) => !new RegExp(`\\b${name}\\b`).test(web));
}

let bundle = '';
let metafile: Metafile;
beforeAll(async () => {
  metafile = await buildServer();
  bundle = readFileSync(SERVER_BUNDLE, 'utf8');
  // The admin's Vite build takes a minute: build it only when it is missing.
  if (!existsSync(ADMIN_INDEX)) {
    const vite = spawnSync('npx', ['vite', 'build', '--config', 'web/frontend/vite.config.ts', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    expect(vite.status).toBe(0);
  }
}, 240_000);

describe('the production build', () => {
  it('holds no development-only code and loads no TypeScript', () => {
    // Functions that exist only in the Admin stand-in, the webhook simulator, the dev storefront and the seed.
    for (const name of [
      'appTomlScopes',
      'loadAdminSchema',
      'simulatorPage',
      'buildDelivery',
      'scenarioPayload',
      'liquidProduct',
      'forwardSigned',
      'function seedDemoShop',
    ]) {
      expect(bundle, name).not.toContain(name);
    }
    expect(bundle).not.toContain('tests/fixtures');
    expect(bundle).not.toContain('dev/fixtures');
    expect(bundle).not.toMatch(/from ["']tsx/);
    expect(bundle).not.toMatch(/(from |import\()["'][^"']+\.tsx?["']/);
  });

  it('holds no code from dev/ (the stand-in, the dev storefront, the simulator, the seed): web/dev-tools.ts is a stub', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('dev/'))).toEqual([]);
    expect(inputs).toContain('tally-dev-tools-stub:./dev-tools.js');
    // The widget preview's renderer is production code (web/theme-extension), and is there.
    expect(inputs).toContain('web/theme-extension/liquid.ts');
    const names = developmentOnlyNames();
    expect(names).toEqual(
      expect.arrayContaining(['createStandinRouter', 'StandinStore', 'loadAdminSchema', 'runGraphql', 'simulatorPage', 'seedFreshShop']),
    );
    // esbuild may rename a declaration on a clash (name2): match those too.
    const declared = names.filter((name) => new RegExp(`\\b(?:function\\*?|class|const|let|var)\\s+${name}\\d*\\b`).test(bundle));
    expect(declared).toEqual([]);
  });

  describe('started with plain node in production mode', () => {
    let started: Started;
    beforeAll(async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tally-production-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const database: TestDatabase = process.env.TEST_DATABASE_URL
        ? await createTestDatabase()
        : { env: { TALLY_DATA_DIR: dir }, drop: async () => undefined };
      cleanups.push(() => database.drop());
      started = await startBundle(
        productionEnv({
          ...database.env,
          NODE_ENV: 'production',
          PORT: '0',
          SHOPIFY_API_KEY: API_KEY,
          SHOPIFY_API_SECRET: 'production-build-test-secret',
          SHOPIFY_APP_URL: 'https://tally.example.com',
          SCOPES: 'read_orders,read_customers',
        }),
      );
      cleanups.push(() => stop(started.child));
    }, 120_000);

    it('runs the bundle itself, with no loader and no --import', () => {
      const argv = readFileSync(`/proc/${started.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(argv).toEqual([process.execPath, ...startScriptArgs()]);
      const environ = readFileSync(`/proc/${started.child.pid}/environ`, 'utf8').split('\0');
      expect(environ.filter((v) => v.startsWith('NODE_OPTIONS='))).toEqual([]);
    });

    it('answers /healthz with the database up', async () => {
      const res = await fetch(`${started.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', database: 'up' });
    });

    it('serves the built admin with its API key', async () => {
      const res = await fetch(`${started.url}/`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      const html = await res.text();
      // The built index.html (not Vite's development page), filled in for an embedded app.
      expect(html).toBe(renderIndexHtml(readFileSync(ADMIN_INDEX, 'utf8'), { apiKey: API_KEY, embedded: true }));
      expect(html).toContain(API_KEY);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${started.url}${script}`)).status).toBe(200);
    });

    it('serves the widget preview, which renders the theme app extension from the checkout', async () => {
      const res = await fetch(`${started.url}/widget-preview/assets/tally-widget.js`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(readFileSync(path.join(ROOT, 'extensions/loyalty-widget/assets/tally-widget.js'), 'utf8'));
    });

    it('has no development route', async () => {
      for (const route of ['/dev/storefront', '/dev/session-token', '/dev/webhooks', '/dev/shopify/admin/oauth/access_token']) {
        expect((await fetch(`${started.url}${route}`)).status, route).toBe(404);
      }
    });
  });

  it('refuses to start development tools, with one line saying so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tally-production-dev-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // Not connected to a Shopify app and on loopback: development tools are asked for.
    const child = spawn(process.execPath, startScriptArgs(), {
      cwd: ROOT,
      env: productionEnv({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', TALLY_DATA_DIR: dir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^Development tools are not in the production build: run `npm run dev`/);
  });
});
