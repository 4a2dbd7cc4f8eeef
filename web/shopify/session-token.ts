// Authenticates admin API calls by the App Bridge session token (a one-minute
// HS256 JWT signed with the app secret). The shop comes from the token only.
import type { RequestHandler } from 'express';
import type { Shopify } from '../shopify.js';
import { HttpError } from '../http/errors.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The shop the request acts for, set by session-token or app-proxy auth. */
    shop?: string;
    /** The logged-in shopper (Customer GID) on app-proxy requests; null for guests. */
    customerId?: string | null;
    /** The Shopify admin user behind a session token (its `sub`), for audit records. */
    userId?: string;
  }
}

function hostOf(claim: unknown): string | null {
  if (typeof claim !== 'string' || claim === '') return null;
  try {
    // Shopify's own test helper issues `iss` without a scheme.
    return new URL(claim.includes('://') ? claim : `https://${claim}`).hostname;
  } catch {
    return null;
  }
}

export function requireSessionToken(shopify: Shopify, isInstalled: (shop: string) => Promise<boolean>): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    if (!match) return next(new HttpError(401, 'missing_session_token', 'Authorization: Bearer <session token> is required'));
    let payload;
    try {
      payload = await shopify.session.decodeSessionToken(match[1]!);
    } catch (error) {
      return next(new HttpError(401, 'invalid_session_token', `Session token rejected: ${(error as Error).message}`));
    }
    const dest = hostOf(payload.dest);
    const shop = dest ? shopify.utils.sanitizeShop(dest) : null;
    if (!shop) return next(new HttpError(401, 'invalid_session_token', 'Session token names no valid shop'));
    if (hostOf(payload.iss) !== dest) {
      return next(new HttpError(401, 'invalid_session_token', 'Session token issuer and destination differ'));
    }
    if (!(await isInstalled(shop))) {
      // App Bridge reads these headers and sends the merchant through OAuth again.
      res.set('X-Shopify-API-Request-Failure-Reauthorize', '1');
      res.set('X-Shopify-API-Request-Failure-Reauthorize-Url', `/api/auth?shop=${encodeURIComponent(shop)}`);
      return next(new HttpError(401, 'not_installed', `Tally is not installed on ${shop}`));
    }
    req.shop = shop;
    if (typeof payload.sub === 'string') req.userId = payload.sub;
    next();
  };
}

/**
 * Authenticates calls from Tally's checkout UI extension (Thank-you and Order
 * status pages) by the token `shopify.sessionToken.get()` gives it: the same
 * HS256 JWT signed with the app secret, with `aud` = the API key and `exp`/`nbf`
 * checked by the same library call as the admin's. Its `dest` names the shop
 * (a bare domain, no scheme); it has no `iss`. `sub` is the buyer's Customer
 * GID when they are logged in (and the app may read customers), else absent.
 */
export function requireExtensionToken(shopify: Shopify, isInstalled: (shop: string) => Promise<boolean>): RequestHandler {
  return async (req, _res, next) => {
    const match = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    if (!match) return next(new HttpError(401, 'missing_session_token', 'Authorization: Bearer <session token> is required'));
    let payload;
    try {
      payload = await shopify.session.decodeSessionToken(match[1]!);
    } catch (error) {
      return next(new HttpError(401, 'invalid_session_token', `Session token rejected: ${(error as Error).message}`));
    }
    const dest = hostOf(payload.dest);
    const shop = dest ? shopify.utils.sanitizeShop(dest) : null;
    if (!shop) return next(new HttpError(401, 'invalid_session_token', 'Session token names no valid shop'));
    if (payload.iss !== undefined && hostOf(payload.iss) !== dest) {
      return next(new HttpError(401, 'invalid_session_token', 'Session token issuer and destination differ'));
    }
    if (!(await isInstalled(shop))) return next(new HttpError(401, 'not_installed', `Tally is not installed on ${shop}`));
    req.shop = shop;
    const sub = typeof payload.sub === 'string' && payload.sub.startsWith('gid://shopify/Customer/') ? payload.sub : null;
    req.customerId = sub;
    next();
  };
}
