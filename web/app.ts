// createApp(deps): the Express app, without listening, so tests drive it over
// real HTTP (supertest or a server on port 0). Middleware order matters:
// webhooks read the raw body, so they come before any JSON parser.
import type http from 'node:http';
import express, { type Express, type Router } from 'express';
import type pg from 'pg';
import { pinoHttp } from 'pino-http';
import type { PrismaSessionStorage } from '@shopify/shopify-app-session-storage-prisma';
import type { Config } from './config.js';
import { requestLogging, type Logger } from './logger.js';
import type { PrismaClient } from './db.js';
import type { Shopify } from './shopify.js';
import type { Jobs } from './jobs/index.js';
import { errorMiddleware, notFound } from './http/errors.js';
import { healthRoutes } from './routes/health.js';
import { databaseAnswers } from './db/sql.js';
import { webhookIntake } from './webhooks/intake.js';
import { webhookHandlers } from './webhooks/index.js';
import { oauthRoutes } from './shopify/oauth.js';
import { requireExtensionToken, requireSessionToken } from './shopify/session-token.js';
import { requireAppProxySignature } from './shopify/app-proxy.js';
import { installedCheck } from './loyalty/shops.js';
import type { Programs } from './loyalty/program.js';
import { adminRoutes } from './routes/admin/index.js';
import { proxyRoutes } from './routes/proxy/index.js';
import { rewardRoutes } from './routes/proxy/rewards.js';
import { birthdayRoutes } from './routes/proxy/birthday.js';
import { referralProxyRoutes } from './routes/proxy/referrals.js';
import { StorefrontLimits } from './routes/proxy/rate-limit.js';
import { surveyProxyRoutes } from './routes/proxy/surveys.js';
import type { AdminClient } from './shopify/admin.js';
import { widgetPreviewRoutes } from './routes/widget-preview.js';
import { mountFrontend } from './frontend/serve.js';
import { emailLinkRoutes } from './routes/email-links.js';
import { extensionCors } from './routes/extension/cors.js';
import { extensionRoutes } from './routes/extension/index.js';
import { surveyLinkRoutes } from './routes/survey-links.js';
// Loads every subscriber: emit() runs the in-transaction ones (web/events/reactions.ts).
import './events/registry.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  /** Plain pg connections for the webhook hot path. */
  pool: pg.Pool;
  /** The Admin API client (real Shopify, or the stand-in in development). */
  admin: AdminClient | null;
  shopify: Shopify;
  sessions: PrismaSessionStorage<PrismaClient>;
  jobs: Pick<Jobs, 'enqueue'>;
  programs: Programs;
  /** The local Admin API stand-in's router (development and tests only). */
  adminStandin?: Router;
  /** Serve the admin UI (default true; API-only tests switch it off). */
  frontend?: boolean;
  afterInstall?: (shop: string) => Promise<void>;
  /** Shopper emails' SMTP transport (the Emails page's test send); null: none configured. */
  mail?: import('./email/sender.js').MailSetup | null;
  /** Development's mail catcher, shown at /dev/mail (npm run dev without SMTP_URL). */
  mailCatcher?: Awaited<ReturnType<(typeof import('./dev-tools.js'))['startMailCatcher']>> | null;
  /** The server the app is mounted on: development's hot reload shares its port. */
  httpServer?: http.Server;
}

/**
 * Referral links go through the app proxy on the shop's domain. In development
 * there is no shop domain: the local storefront's proxy (/dev/storefront) plays it.
 */
function referralLinkFor(config: Config) {
  return (shop: string, code: string, appOrigin: string) =>
    config.devTools && !config.shopify.embedded
      ? `${appOrigin}/dev/storefront/apps/tally/r/${encodeURIComponent(code)}?shop=${encodeURIComponent(shop)}`
      : `https://${shop}/apps/tally/r/${encodeURIComponent(code)}`;
}

export async function createApp(deps: AppDeps): Promise<{ app: Express; close(): Promise<void> }> {
  const { config, prisma, shopify } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Only the entries the trusted hops appended (TRUST_PROXY): the leftmost is the client's own choice.
  app.set('trust proxy', config.trustProxyHops);
  app.use(pinoHttp(requestLogging(deps.logger)));

  const installed = installedCheck(prisma);
  const limits = new StorefrontLimits(config.rateLimits);
  app.use(healthRoutes(() => databaseAnswers(prisma)));
  app.use(
    webhookIntake({
      shopify,
      pool: deps.pool,
      jobs: deps.jobs,
      handlers: webhookHandlers,
      programs: deps.programs,
      bodyLimit: config.webhookBodyLimit,
    }),
  );
  app.use(oauthRoutes({ shopify, prisma, sessions: deps.sessions, afterInstall: deps.afterInstall }));
  app.use('/api/admin', requireSessionToken(shopify, installed), express.json({ limit: '1mb' }), adminRoutes(deps));
  // The checkout UI extension (Thank-you and Order status pages): CORS first, as the browser preflights without the token.
  app.use(
    '/api/extension',
    extensionCors({ allowLocal: config.devTools }),
    requireExtensionToken(shopify, installed),
    express.json({ limit: '16kb' }),
    extensionRoutes(deps),
  );
  // Shopper emails' one-click unsubscribe: signed by Tally, so before (and without) the app-proxy signature check.
  // The survey_invite email's score links: signed by Tally too (web/routes/survey-links.ts).
  app.use('/proxy/email/survey', surveyLinkRoutes({ pool: deps.pool, programs: deps.programs, secret: config.shopify.apiSecret }));
  app.use('/proxy/email', emailLinkRoutes({ pool: deps.pool, secret: config.shopify.apiSecret, jobs: deps.jobs }));
  app.use(
    '/proxy',
    requireAppProxySignature(shopify, installed),
    express.json({ limit: '64kb' }),
    proxyRoutes(deps, { referralLink: referralLinkFor(config) }),
    rewardRoutes({ pool: deps.pool, admin: deps.admin, jobs: deps.jobs, limits }),
    birthdayRoutes({ pool: deps.pool, limits }),
    referralProxyRoutes({ pool: deps.pool, admin: deps.admin, programs: deps.programs, limits }),
    surveyProxyRoutes({ pool: deps.pool, programs: deps.programs, limits }),
  );
  if (config.devTools) {
    // Imported here, not at the top: the production build leaves development tools out.
    const dev = await import('./dev-tools.js');
    if (deps.adminStandin) app.use('/dev/shopify', deps.adminStandin);
    app.use('/dev', dev.devRoutes({ config, prisma, programs: deps.programs }));
    if (deps.mailCatcher) app.use('/dev', dev.mailboxRoutes(deps.mailCatcher));
    // The storefront with the theme app extension, its app proxy (/apps/tally) and discount links (/discount).
    app.use(dev.devStorefront({ config, prisma, programs: deps.programs }));
  }
  app.use(widgetPreviewRoutes());
  app.use(['/api', '/proxy', '/dev', '/apps'], notFound);

  const frontend =
    deps.frontend === false
      ? { close: async () => undefined }
      : await mountFrontend(app, {
          mode: config.mode,
          apiKey: config.shopify.apiKey,
          embedded: config.shopify.embedded,
          httpServer: deps.httpServer,
        });
  app.use(notFound);
  app.use(errorMiddleware);
  return { app, close: () => frontend.close() };
}
