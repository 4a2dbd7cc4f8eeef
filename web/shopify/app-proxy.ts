// Authenticates storefront calls forwarded by Shopify's app proxy
// (/apps/tally/* → /proxy/*). The shopper is whoever the *signed*
// logged_in_customer_id says; nothing the browser sends can change it.
import type { RequestHandler } from 'express';
import type { Shopify } from '../shopify.js';
import { HttpError } from '../http/errors.js';

export function requireAppProxySignature(shopify: Shopify, isInstalled: (shop: string) => Promise<boolean>): RequestHandler {
  return async (req, _res, next) => {
    const [, search = '', ...beyond] = req.originalUrl.split('?');
    // Express reads the query past a second `?` too, but the signature below would not cover it.
    if (beyond.length > 0) return next(new HttpError(401, 'invalid_proxy_signature', 'App proxy request has more than one query string'));
    const query = new URLSearchParams(search);
    // Signed as "1,2", a repeated id would otherwise act as its first value.
    if (query.getAll('logged_in_customer_id').length > 1) {
      return next(new HttpError(400, 'invalid_customer', 'logged_in_customer_id is repeated'));
    }
    let valid = false;
    try {
      // Also rejects a timestamp more than 90 s from now and repeated shop/signature/timestamp.
      valid = await shopify.utils.validateHmac(query, { signator: 'appProxy' });
    } catch (error) {
      return next(new HttpError(401, 'invalid_proxy_signature', (error as Error).message));
    }
    if (!valid) return next(new HttpError(401, 'invalid_proxy_signature', 'App proxy signature does not match'));
    const shop = shopify.utils.sanitizeShop(query.get('shop') ?? '');
    if (!shop) return next(new HttpError(401, 'invalid_proxy_signature', 'App proxy request names no valid shop'));
    if (!(await isInstalled(shop))) return next(new HttpError(404, 'not_installed', `Tally is not installed on ${shop}`));
    // PostgreSQL text cannot hold a NUL character; Shopify signs whatever the shopper typed.
    if (/%00/i.test(search)) return next(new HttpError(400, 'invalid_input', 'Text cannot contain a NUL character'));
    const customer = query.get('logged_in_customer_id') ?? '';
    if (customer !== '' && !/^\d+$/.test(customer)) {
      return next(new HttpError(400, 'invalid_customer', 'logged_in_customer_id is not a customer id'));
    }
    req.shop = shop;
    req.customerId = customer === '' ? null : `gid://shopify/Customer/${customer}`;
    next();
  };
}
