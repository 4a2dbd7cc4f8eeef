// Starts a real Tally (database, jobs, HTTP server on a free port) for a test.
import type { TierPolicy } from '../../web/loyalty/domain/tiers/policy.js';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { loadConfig } from '../../web/config.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { createDefaultProgram } from '../../web/loyalty/program.js';
import { launchBrowser } from './browser.js';
import { startTally, type StartOptions, type Tally } from '../../web/start.js';
import { createTestDatabase } from './database.js';

export interface TestApp extends Tally {
  prisma: Tally['db']['prisma'];
}

export interface TestAppOptions {
  env?: Record<string, string>;
  seed?: boolean;
  frontend?: boolean;
  /** Rewrites the database URL the app connects to (e.g. through a proxy). */
  database?: (url: string) => Promise<string>;
  /** Event dispatcher settings (web/events/dispatcher.ts). */
  events?: StartOptions['events'];
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase({ standalone: Boolean(options.database) });
  if (options.database) database.env.DATABASE_URL = await options.database(database.env.DATABASE_URL!);
  const config = loadConfig({
    NODE_ENV: options.env?.NODE_ENV ?? 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TALLY_SEED: options.seed === false ? 'false' : 'true',
    ...database.env,
    ...options.env,
  });
  const tally = await startTally(config, { frontend: options.frontend ?? false, events: options.events });
  return {
    ...tally,
    prisma: tally.db.prisma,
    async close() {
      await tally.close();
      await database.drop();
    },
  };
}

/** Runs `fn` with some program settings changed for `shop`, then puts them back. */
export async function withProgramSettings<T>(
  app: TestApp,
  shop: string,
  changes: Record<string, unknown> | ((settings: Record<string, unknown>) => Record<string, unknown>),
  fn: () => Promise<T>,
): Promise<T> {
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop } });
  const settings = program.settings as Record<string, unknown>;
  const changed = typeof changes === 'function' ? changes(settings) : changes;
  await app.prisma.program.update({ where: { shop }, data: { settings: { ...settings, ...changed } as object } });
  app.programs.forget(shop);
  try {
    return await fn();
  } finally {
    await app.prisma.program.update({ where: { shop }, data: { settings: settings as object } });
    app.programs.forget(shop);
  }
}

/** Adds shops in other currencies, each with the default program: [domain, currency code, IANA time zone]. */
export async function addShops(app: TestApp, shops: ReadonlyArray<readonly [string, string, string]>): Promise<void> {
  await app.prisma.$transaction(async (tx) => {
    for (const [domain, currencyCode, ianaTimezone] of shops) {
      await tx.shop.create({ data: { domain, name: domain, currencyCode, ianaTimezone } });
      await createDefaultProgram(tx, domain);
    }
  });
}

/** Runs `fn` with the shop's tier policy changed by `policy`, then puts it back. */
export function withTierPolicy<T>(app: TestApp, shop: string, policy: Partial<TierPolicy>, fn: () => Promise<T>): Promise<T> {
  return withProgramSettings(app, shop, (settings) => ({ tierPolicy: { ...(settings.tierPolicy as TierPolicy), ...policy } }), fn);
}

/**
 * A value made in a beforeAll hook, usable in the file's top scope as if it
 * were there already: every property reads through to it (methods bound to
 * it). Reading it before the hook ran throws, naming what is missing.
 */
function lateBound<T extends object>(what: string): { handle: T; set(value: T | null): void } {
  let current: T | null = null;
  const handle = new Proxy({} as T, {
    get(_target, prop) {
      if (!current) throw new Error(`${what} is not started yet (read ${String(prop)} outside a test or hook)`);
      const value = Reflect.get(current, prop, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
  return { handle, set: (value) => void (current = value) };
}

export interface UseTestAppOptions extends TestAppOptions {
  /** After each test, the doctor must find every member's balances equal to their ledger. */
  checkLedger?: boolean;
  /** Before each test, the Admin API stand-in forgets its faults and requests. */
  resetStandin?: boolean;
}

/**
 * The per-file scaffolding of the integration and e2e suites: a Tally
 * started before the file's tests and closed after them, with the checks
 * most files want around each test. Further setup goes in the file's own
 * beforeAll, which runs after this one.
 */
export function useTestApp(options: UseTestAppOptions = {}): TestApp {
  const { checkLedger: ledger, resetStandin, ...start } = options;
  const app = lateBound<TestApp>('The test app');
  let started: TestApp | null = null;
  beforeAll(async () => {
    started = await startTestApp(start);
    app.set(started);
  });
  afterAll(async () => {
    await started?.close();
    app.set(null);
  });
  if (resetStandin) beforeEach(() => started!.standin!.control.reset());
  if (ledger) afterEach(async () => expect((await checkLedger(started!.prisma)).offenders).toEqual([]));
  return app.handle;
}

/** Debian's Chromium for the file's tests, closed after them. */
export function useBrowser(): Browser {
  const browser = lateBound<Browser>('The browser');
  let launched: Browser | null = null;
  beforeAll(async () => {
    launched = await launchBrowser();
    browser.set(launched);
  });
  afterAll(async () => {
    await launched?.close();
    browser.set(null);
  });
  return browser.handle;
}
