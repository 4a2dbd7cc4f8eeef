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

/**
 * The shop a session token acts for, or the 401 to answer: the token's signature, `aud`, `exp` and `nbf` by
 * the Shopify library, then its `dest` (and `iss`, when the token has one — an admin token always does, a
 * checkout UI extension's never) naming one valid shop.
 */
async function tokenShop(
  shopify: Shopify,
  authorization: string | undefined,
  issuer: 'required' | 'when-present',
): Promise<{ shop: string; sub: unknown } | HttpError> {
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  if (!match) return new HttpError(401, 'missing_session_token', 'Authorization: Bearer <session token> is required');
  let payload;
  try {
    payload = await shopify.session.decodeSessionToken(match[1]!);
  } catch (error) {
    return new HttpError(401, 'invalid_session_token', `Session token rejected: ${(error as Error).message}`);
  }
  const dest = hostOf(payload.dest);
  const shop = dest ? shopify.utils.sanitizeShop(dest) : null;
  if (!shop) return new HttpError(401, 'invalid_session_token', 'Session token names no valid shop');
  if ((issuer === 'required' || payload.iss !== undefined) && hostOf(payload.iss) !== dest)
    return new HttpError(401, 'invalid_session_token', 'Session token issuer and destination differ');
  return { shop, sub: payload.sub };
}

export function requireSessionToken(shopify: Shopify, isInstalled: (shop: string) => Promise<boolean>): RequestHandler {
  return async (req, res, next) => {
    const token = await tokenShop(shopify, req.get('authorization'), 'required');
    if (token instanceof HttpError) return next(token);
    const { shop } = token;
    if (!(await isInstalled(shop))) {
      // App Bridge reads these headers and sends the merchant through OAuth again.
      res.set('X-Shopify-API-Request-Failure-Reauthorize', '1');
      res.set('X-Shopify-API-Request-Failure-Reauthorize-Url', `/api/auth?shop=${encodeURIComponent(shop)}`);
      return next(new HttpError(401, 'not_installed', `Tally is not installed on ${shop}`));
    }
    req.shop = shop;
    if (typeof token.sub === 'string') req.userId = token.sub;
    next();
  };
}

/**
 * Authenticates calls from Tally's checkout UI extension (Thank-you and Order
 * status pages) by the token `shopify.sessionToken.get()` gives it: the same
 * HS256 JWT signed with the app secret, checked as the admin's is. Its `dest`
 * names the shop (a bare domain, no scheme); it has no `iss`. `sub` is the
 * buyer's Customer GID when they are logged in (and the app may read
 * customers), else absent.
 */
export function requireExtensionToken(shopify: Shopify, isInstalled: (shop: string) => Promise<boolean>): RequestHandler {
  return async (req, _res, next) => {
    const token = await tokenShop(shopify, req.get('authorization'), 'when-present');
    if (token instanceof HttpError) return next(token);
    if (!(await isInstalled(token.shop))) return next(new HttpError(401, 'not_installed', `Tally is not installed on ${token.shop}`));
    req.shop = token.shop;
    req.customerId = typeof token.sub === 'string' && token.sub.startsWith('gid://shopify/Customer/') ? token.sub : null;
    next();
  };
}
