import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { bulkFile, bulkSettings } from './bulk.js';
import { INVALID_TOKEN_BODY } from './errors.js';
import type { FaultQueue } from './faults.js';
import { runGraphql } from './graphql.js';
import { authorizeRedirect, exchangeToken } from './oauth.js';
import { grantedScopes } from './access.js';
import { loadAccessNotes, loadAdminSchema, SCHEMA_API_VERSION } from './schema.js';
import { normalizeShop, type StandinStore } from './store.js';
import type { ShopData, StandinLogger } from './types.js';

export interface RouterDeps {
  store: StandinStore;
  faults: FaultQueue;
  schemaPath: string | undefined;
  logger: StandinLogger | undefined;
}

const API_VERSION = /^(\d{4}-\d{2}|unstable)$/;

export function createStandinRouter(deps: RouterDeps): Router {
  const router = express.Router();
  // Parsers sit on the routes themselves: the app mounts this router before its own parsers,
  // and route-level error handlers only see errors from these routes.
  router.post('/admin/api/:version/graphql.json', express.json({ limit: '10mb' }), graphqlHandler(deps), badBody(deps.logger));
  router.post(
    '/admin/oauth/access_token',
    express.json(),
    express.urlencoded({ extended: false }),
    tokenHandler(deps),
    badBody(deps.logger),
  );
  router.get('/admin/oauth/authorize', authorizeHandler(deps));
  // A bulk operation's result (dev/admin-standin/bulk.ts): JSONL, written as a stream like Shopify's storage serves it.
  router.get('/bulk/:file', (req, res) => {
    const lines = bulkFile(String(req.params.file).replace(/\.jsonl$/, ''));
    if (!lines) {
      res.status(404).send('Not Found');
      return;
    }
    res.type('application/jsonl');
    for (const line of lines) res.write(`${line}\n`);
    res.end();
  });
  return router;
}

/** The shop is named by X-Shopify-Shop-Domain when the stand-in is not on the shop's own host. */
export function shopOf(req: Request): string {
  return normalizeShop(req.get('X-Shopify-Shop-Domain') ?? req.get('Host') ?? '');
}

/** The shop and the scopes its token was granted, or null for a token Shopify would refuse. */
function authenticate(store: StandinStore, shop: string, token: string | undefined): { shop: ShopData; scope: string } | null {
  const record = token ? store.tokens.get(token) : undefined;
  if (!record || record.shop !== shop) return null;
  if (record.expiresAt !== null && record.expiresAt <= store.now()) return null;
  const data = store.shop(shop);
  return data ? { shop: data, scope: record.scope } : null;
}

function graphqlHandler(deps: RouterDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('X-Request-Id', randomUUID());
    const version = String(req.params.version);
    if (!API_VERSION.test(version)) {
      res.status(404).json({ errors: 'Not Found' });
      return;
    }
    res.set('X-Shopify-API-Version', SCHEMA_API_VERSION);
    // Where a bulk operation's file is served: this stand-in, as the caller reached it.
    bulkSettings.baseUrl = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
    const session = authenticate(deps.store, shopOf(req), req.get('X-Shopify-Access-Token'));
    if (!session) {
      res.status(401).json(INVALID_TOKEN_BODY);
      return;
    }
    const [schema, notes] = await Promise.all([loadAdminSchema(deps.schemaPath), loadAccessNotes(deps.schemaPath)]);
    const access = { notes, granted: grantedScopes(session.scope) };
    const outcome = await runGraphql(
      { schema, store: deps.store, faults: deps.faults, logger: deps.logger },
      session.shop,
      version,
      req.body,
      access,
    );
    if (outcome.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    res.status(outcome.status).json(outcome.body);
  };
}

function tokenHandler(deps: RouterDeps) {
  return (req: Request, res: Response): void => {
    const body = req.body !== null && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const answer = exchangeToken(deps.store, shopOf(req), body);
    if (answer.status !== 200) {
      // The usual cause in development: the stand-in was not told the app's credentials (options.app).
      const knownClients = [...deps.store.apps.keys()];
      deps.logger?.warn({ shop: shopOf(req), answer: answer.body, knownClients }, 'admin stand-in refused a token request');
    }
    res.status(answer.status).json(answer.body);
  };
}

function authorizeHandler(deps: RouterDeps) {
  return (req: Request, res: Response): void => {
    const shop = normalizeShop(typeof req.query.shop === 'string' ? req.query.shop : shopOf(req));
    const answer = authorizeRedirect(deps.store, shop, req.query as Record<string, unknown>);
    if ('redirect' in answer) res.redirect(302, answer.redirect);
    else res.status(answer.status).json(answer.body);
  };
}

/** Malformed JSON bodies get a JSON 400 here instead of the host app's error page. */
function badBody(logger: StandinLogger | undefined): ErrorRequestHandler {
  return (error: { status?: number; message?: string }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger?.warn({ err: error }, 'admin stand-in failed on a request');
    res.status(status).json({ errors: status === 500 ? 'Internal Server Error' : (error.message ?? 'Bad Request') });
  };
}
