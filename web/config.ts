// The environment, parsed once. Nothing else in the app reads process.env.
import path from 'node:path';
import { z } from 'zod';

export const DEV_SHOP = 'tally-demo.myshopify.com';
/** A second development shop, installed but never onboarded: the admin's first run, from step 1. */
export const DEV_FRESH_SHOP = 'tally-fresh.myshopify.com';
/** Development defaults, documented in the README, so local tools can sign requests. */
export const DEV_API_KEY = 'tally-dev-api-key';
export const DEV_API_SECRET = 'tally-dev-api-secret';
export const ADMIN_API_VERSION = '2026-10';
export const DEFAULT_SCOPES = [
  'read_orders',
  // The history import reads orders older than 60 days (Shopify must approve it; without it, 60 days are read).
  'read_all_orders',
  'read_customers',
  'write_customers',
  'write_discounts',
  'read_discounts',
  'write_store_credit_account_transactions',
  'read_store_credit_accounts',
  'read_products',
].join(',');

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  TALLY_DATA_DIR: z.string().default('.data'),
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  SHOPIFY_APP_URL: z.string().url().optional(),
  SCOPES: z.string().optional(),
  /** Where Admin GraphQL calls go; unset means the real shop. Development defaults to the local stand-in. */
  SHOPIFY_ADMIN_API_URL: z.string().url().optional(),
  TALLY_WORKER: flag.default(true),
  TALLY_SEED: flag.optional(),
  WEBHOOK_BODY_LIMIT: z.string().default('2mb'),
  /** Proxy hops in front of Tally whose X-Forwarded-For entries it believes: see Config.trustProxyHops. */
  TRUST_PROXY: z.string().regex(/^\d$/, 'a number of proxy hops, 0 to 9').transform(Number).default(2),
  /** Storefront write limits (web/routes/proxy/rate-limit.ts); off only for benchmarks and load tests. */
  TALLY_RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Shopper emails go through this SMTP server (smtp://, smtps://); unset in development: the embedded catcher (/dev/mail). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'an smtp:// or smtps:// URL')
    .optional(),
  /** The sender of shopper emails, e.g. "Tally <loyalty@example.com>" (a shop's sender name replaces the name part). */
  MAIL_FROM: z.string().min(3).optional(),
});

export type Mode = 'development' | 'test' | 'production';

export interface Config {
  mode: Mode;
  port: number;
  host: string;
  database: { url: string } | { embedded: { dataDir: string } };
  shopify: {
    apiKey: string;
    apiSecret: string;
    appUrl: string;
    scopes: string[];
    apiVersion: string;
    /**
     * Where Admin API calls go: the real shop, the local stand-in served by
     * this app under /dev/shopify (development and tests), or a given URL.
     */
    adminApi: { kind: 'shopify' } | { kind: 'standin' } | { kind: 'url'; url: string };
    /** True when running with real app credentials (embedded in the Shopify admin). */
    embedded: boolean;
  };
  worker: boolean;
  seedDemoShop: boolean;
  webhookBodyLimit: string;
  /**
   * How many proxies in front of Tally append to X-Forwarded-For: req.ip is
   * the entry that many hops from the right, never one the client wrote.
   * Default 2: the host's proxy (Fly, Render, Heroku, a Cloudflare tunnel)
   * and Shopify's app proxy, which forwards the shopper's address. 1 when
   * Shopify connects to Tally directly; 0 with no proxy at all.
   */
  trustProxyHops: number;
  /** Limits on storefront writes (referral visits, redemptions, birthday); false only for benchmarks. */
  rateLimits: boolean;
  logLevel: string;
  /**
   * Development tools (the /dev/* routes, the development session, the demo
   * shops, the Admin API stand-in) exist in this process: see developmentTools().
   */
  devTools: boolean;
  /** Why development tools are on or off, in words for the start-up banner. */
  devToolsReason: string;
  /**
   * Shopper emails (web/email): the SMTP server (null: none configured), the sender, and whether this process starts
   * the development mail catcher (development with tools on and no SMTP_URL: its mailbox is /dev/mail).
   */
  mail: { smtpUrl: string | null; from: string; catcher: boolean };
}

export class ConfigError extends Error {}

/** Loopback addresses: only this machine can reach a server listening on them. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * The one decision on development tools. They mint admin session tokens and
 * sign storefront requests as any customer without authentication, so they
 * exist only when Tally is not connected to a real app (no SHOPIFY_APP_URL,
 * which `shopify app dev` always sets) AND nobody but this machine can reach
 * it (HOST is loopback). NODE_ENV plays no part: a development process on a
 * public tunnel must not have them.
 */
export function developmentTools(env: { appUrl: string | undefined; host: string }): { on: boolean; reason: string } {
  if (env.appUrl) return { on: false, reason: 'off: connected to a Shopify app (SHOPIFY_APP_URL is set)' };
  if (!isLoopbackHost(env.host)) return { on: false, reason: `off: listening on ${env.host}, not loopback only (HOST)` };
  return { on: true, reason: `on: not connected to a Shopify app, listening on ${env.host} only` };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const mode = e.NODE_ENV;
  const credentials = [e.SHOPIFY_API_KEY, e.SHOPIFY_API_SECRET, e.SHOPIFY_APP_URL, e.SCOPES];
  if (mode === 'production') {
    const missing = ['SHOPIFY_API_KEY', 'SHOPIFY_API_SECRET', 'SHOPIFY_APP_URL', 'SCOPES'].filter((_, i) => !credentials[i]);
    if (missing.length > 0) {
      throw new ConfigError(`Production mode needs Shopify credentials; missing: ${missing.join(', ')}`);
    }
  }
  if (mode === 'production' && e.TALLY_RATE_LIMITS === 'off') {
    throw new ConfigError('TALLY_RATE_LIMITS=off is for benchmarks and load tests, not production');
  }
  const embedded = Boolean(e.SHOPIFY_API_KEY && e.SHOPIFY_API_SECRET && e.SHOPIFY_APP_URL);
  const port = e.PORT;
  const host = e.HOST ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1');
  const devTools = developmentTools({ appUrl: e.SHOPIFY_APP_URL, host });
  const appUrl = e.SHOPIFY_APP_URL ?? `http://localhost:${port}`;
  return {
    mode,
    port,
    host,
    database: e.DATABASE_URL
      ? { url: e.DATABASE_URL }
      : { embedded: { dataDir: e.TALLY_DATA_DIR.startsWith('memory://') ? e.TALLY_DATA_DIR : path.resolve(e.TALLY_DATA_DIR) } },
    shopify: {
      apiKey: e.SHOPIFY_API_KEY ?? DEV_API_KEY,
      apiSecret: e.SHOPIFY_API_SECRET ?? DEV_API_SECRET,
      appUrl,
      scopes: (e.SCOPES ?? DEFAULT_SCOPES)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      apiVersion: ADMIN_API_VERSION,
      adminApi: e.SHOPIFY_ADMIN_API_URL
        ? { kind: 'url', url: e.SHOPIFY_ADMIN_API_URL }
        : devTools.on
          ? { kind: 'standin' }
          : { kind: 'shopify' },
      embedded,
    },
    worker: e.TALLY_WORKER,
    seedDemoShop: devTools.on && (e.TALLY_SEED ?? mode === 'development'),
    webhookBodyLimit: e.WEBHOOK_BODY_LIMIT,
    trustProxyHops: e.TRUST_PROXY,
    rateLimits: e.TALLY_RATE_LIMITS === 'on',
    logLevel: e.LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    devTools: devTools.on,
    devToolsReason: devTools.reason,
    mail: {
      smtpUrl: e.SMTP_URL ?? null,
      from: e.MAIL_FROM ?? 'Tally <loyalty@localhost>',
      catcher: devTools.on && mode === 'development' && !e.SMTP_URL,
    },
  };
}
