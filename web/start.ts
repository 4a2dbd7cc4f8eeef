// Starts a whole Tally process from a Config: database (migrated), job queue,
// Shopify wiring, the Express app and its HTTP server. Used by web/index.ts,
// the tests and the benchmarks, so all three run the same thing.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import '@shopify/shopify-api/adapters/node';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import { PrismaSessionStorage } from '@shopify/shopify-app-session-storage-prisma';
import type { Config } from './config.js';
import { DEV_SHOP } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openDatabase, type Database } from './db.js';
import { createShopify } from './shopify.js';
import { startJobs, type Jobs } from './jobs/index.js';
import { createApp } from './app.js';
import { explainListenFailure, StartupError } from './startup-errors.js';
import { createAdminClient, type AdminClient } from './shopify/admin.js';
import { refreshShopDetails } from './loyalty/shop-details.js';
import { programCache, type Programs } from './loyalty/program.js';
import { createMailer } from './email/transport.js';
import type { MailSetup } from './email/sender.js';

/** What `await import('./dev-tools.js')` gives (development only: a production build leaves the module out). */
type DevTools = typeof import('./dev-tools.js');

export interface Tally {
  url: string;
  server: http.Server;
  db: Database;
  jobs: Jobs;
  admin: AdminClient;
  programs: Programs;
  standin: ReturnType<DevTools['createAdminStandin']> | null;
  /** Shopper emails' transport (null: no SMTP_URL and no development catcher). */
  mail: MailSetup | null;
  /** Development's mail catcher (npm run dev without SMTP_URL; its mailbox is /dev/mail). */
  mailCatcher: Awaited<ReturnType<DevTools['startMailCatcher']>> | null;
  logger: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  frontend?: boolean;
  /** Event dispatcher settings (tests shorten the retry backoff and move the clock). */
  events?: Parameters<typeof startJobs>[0]['events'];
}

export async function startTally(config: Config, options: StartOptions = {}): Promise<Tally> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Development-only code is loaded only when asked for: the production build leaves it out.
  const dev = needsDevTools(config) ? await import('./dev-tools.js') : null;
  const server = http.createServer();
  // Listening comes first (the port is known early, tests use port 0); until
  // the app is ready every request gets 503, which Shopify retries.
  const starting = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
    res.end(JSON.stringify({ status: 'starting', error: { code: 'starting', message: 'Tally is starting' } }));
  };
  server.on('request', starting);
  await listen(server, config);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  const db = await openDatabase(config.database).catch(async (error: unknown) => {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  });
  logger.info({ embedded: db.embedded }, 'database ready');
  const shopify = createShopify(config, logger);
  const sessions = new PrismaSessionStorage(db.prisma);
  const programs = programCache(db.prisma);

  const standin =
    dev && config.shopify.adminApi.kind === 'standin'
      ? dev.createAdminStandin({
          logger,
          app: { clientId: config.shopify.apiKey, clientSecret: config.shopify.apiSecret, scopes: config.shopify.scopes },
        })
      : null;
  const adminBase =
    config.shopify.adminApi.kind === 'standin'
      ? `${url}/dev/shopify`
      : config.shopify.adminApi.kind === 'url'
        ? config.shopify.adminApi.url
        : null;
  if (adminBase) routeShopifyCallsTo(adminBase);
  const admin = createAdminClient({
    apiVersion: config.shopify.apiVersion,
    endpointFor: (shop) => `${adminBase ?? `https://${shop}`}/admin/api/${config.shopify.apiVersion}/graphql.json`,
    accessTokenFor: async (shop) => {
      const session = await sessions.loadSession(shopify.session.getOfflineId(shop));
      if (!session?.accessToken) throw new Error(`No offline session for ${shop}`);
      return session.accessToken;
    },
    logger,
    // A 5xx after Shopify applied a mutation must not apply it twice (store
    // credit!): callers retry through jobs that first check what happened.
    retryAmbiguousMutations: false,
  });

  // Shopper emails: SMTP_URL, else in development the embedded catcher; neither: no email is sent.
  const mailCatcher = dev && config.mail.catcher ? await dev.startMailCatcher() : null;
  const smtpUrl = config.mail.smtpUrl ?? mailCatcher?.url ?? null;
  const localLinks = config.devTools && !config.shopify.embedded;
  const mail: MailSetup | null = smtpUrl
    ? {
        mailer: createMailer({ smtpUrl, from: config.mail.from }),
        secret: config.shopify.apiSecret,
        appUrl: localLinks ? url : config.shopify.appUrl,
        viaShop: !localLinks,
        apiKey: config.shopify.apiKey,
      }
    : null;
  if (mailCatcher) logger.info({ smtp: mailCatcher.url }, `shopper emails go to the development mailbox: ${url}/dev/mail`);

  const jobs = await startJobs({
    url: db.url,
    worker: config.worker,
    logger,
    prisma: db.prisma,
    programs,
    admin,
    pool: db.pool,
    mail,
    events: options.events,
  });

  if (dev && config.seedDemoShop) {
    const seeded = await dev.seedDemoShop(db.prisma);
    logger.info({ shop: DEV_SHOP, created: seeded.created }, 'demo shop ready');
  }
  // Every development shop (the demo shop, the fresh one) can call the Admin stand-in with its own token.
  for (const shop of dev?.DEV_SHOPS ?? []) standin?.control.registerShop(shop.domain, shop.accessToken);
  // The demo shop's past orders, for the history import (web/imports/history.ts): two years from dev/history.ts, and
  // the stand-in's bulk_operations/finish webhook sent to this app.
  if (dev && standin && config.seedDemoShop) {
    const history = dev.generateHistory({ customers: 300, orders: 2000, end: new Date() });
    standin.control.setOrderHistory(
      DEV_SHOP,
      history.orders.map((o) => o.order),
    );
    standin.control.configureBulk({ webhook: { appUrl: url, secret: config.shopify.apiSecret } });
  }

  const { app, close: closeApp } = await createApp({
    config,
    logger,
    prisma: db.prisma,
    pool: db.pool,
    admin,
    shopify,
    sessions,
    jobs,
    programs,
    adminStandin: standin?.router,
    mail,
    mailCatcher,
    frontend: options.frontend,
    httpServer: server,
    afterInstall: (shop) =>
      refreshShopDetails(db.prisma, admin, shop).catch((err) => logger.warn({ err, shop }, 'could not read shop details')),
  });
  server.off('request', starting);
  const drain = trackRequests(server);
  server.on('request', app);

  let closing: Promise<void> | null = null;
  return {
    url,
    server,
    db,
    jobs,
    admin,
    programs,
    standin,
    mail,
    mailCatcher,
    logger,
    close() {
      // Stop taking requests, let in-flight requests and jobs finish, then close the database.
      closing ??= (async () => {
        await drain();
        await jobs.stop();
        await closeApp();
        mail?.mailer.close();
        await mailCatcher?.close();
        await db.close();
      })();
      return closing;
    },
  };
}

/** Development tools: the /dev routes, the Admin API stand-in, the seeded development shops. */
function needsDevTools(config: Config): boolean {
  return config.devTools || config.shopify.adminApi.kind === 'standin' || config.seedDemoShop;
}

/** Listens on PORT and HOST; a port in use or forbidden is a StartupError naming PORT. */
async function listen(server: http.Server, config: Config): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const command = config.mode === 'production' ? 'npm start' : 'npm run dev';
    const explained = await explainListenFailure(error, config.port, config.host, command);
    throw explained ? new StartupError(explained, { cause: error }) : error;
  }
}

/**
 * Graceful stop for the HTTP server. Node's server.close() also drops idle
 * keep-alive connections at once, including one whose request is still on
 * the wire — that request would be lost (ECONNRESET). So: stop accepting,
 * answer with `Connection: close` meanwhile, wait for requests in flight
 * (and those just arriving) to finish, then close what is left.
 */
function trackRequests(server: http.Server, graceMs = 250, timeoutMs = 25_000): () => Promise<void> {
  let active = 0;
  let draining = false;
  server.on('request', (_req, res) => {
    active += 1;
    if (draining) res.setHeader('Connection', 'close');
    res.on('close', () => (active -= 1));
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return async () => {
    draining = true;
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    const deadline = Date.now() + timeoutMs;
    await sleep(graceMs);
    while (active > 0 && Date.now() < deadline) await sleep(20);
    server.closeAllConnections();
    await closed;
  };
}

/**
 * Sends @shopify/shopify-api's own calls to a shop (the OAuth code exchange)
 * to the stand-in instead of https://<shop>. Development and tests only.
 */
function routeShopifyCallsTo(base: string): void {
  setAbstractFetchFunc(async (input, init) => {
    const target = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!target.hostname.endsWith('.myshopify.com')) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('X-Shopify-Shop-Domain', target.hostname);
    return fetch(`${base}${target.pathname}${target.search}`, { ...init, headers });
  });
}
