// OAuth install: /api/auth?shop=… starts it, /api/auth/callback finishes it.
// The offline access token is stored with Shopify's Prisma session storage.
import { Router } from 'express';
import type { PrismaSessionStorage } from '@shopify/shopify-app-session-storage-prisma';
import type { PrismaClient } from '../db.js';
import type { Shopify } from '../shopify.js';
import { HttpError } from '../http/errors.js';
import { recordInstall } from '../loyalty/shops.js';

export function oauthRoutes(deps: {
  shopify: Shopify;
  prisma: PrismaClient;
  sessions: PrismaSessionStorage<PrismaClient>;
  /** Called after a successful install, e.g. to fetch the shop's name and currency. */
  afterInstall?: (shop: string) => Promise<void>;
}): Router {
  const router = Router();
  const { shopify } = deps;

  router.get('/api/auth', async (req, res, next) => {
    try {
      const shop = shopify.utils.sanitizeShop(String(req.query.shop ?? ''));
      if (!shop) throw new HttpError(400, 'invalid_shop', 'shop must be a valid *.myshopify.com domain');
      await shopify.auth.begin({ shop, callbackPath: '/api/auth/callback', isOnline: false, rawRequest: req, rawResponse: res });
    } catch (error) {
      next(error);
    }
  });

  router.get('/api/auth/callback', async (req, res, next) => {
    try {
      // Checks the hmac (and its timestamp), the shop and the state nonce cookie, then exchanges the code.
      const { session } = await shopify.auth.callback({ rawRequest: req, rawResponse: res }).catch((error: Error) => {
        throw new HttpError(401, 'oauth_failed', `OAuth callback rejected: ${error.message}`);
      });
      await deps.sessions.storeSession(session);
      await recordInstall(deps.prisma, { shop: session.shop, scopes: session.scope ?? '' });
      await deps.afterInstall?.(session.shop);
      const redirect = req.query.host
        ? await shopify.auth.getEmbeddedAppUrl({ rawRequest: req, rawResponse: res })
        : `/?shop=${encodeURIComponent(session.shop)}`;
      res.redirect(redirect);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
