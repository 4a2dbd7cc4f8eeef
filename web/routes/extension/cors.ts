// CORS for the checkout UI extension. It runs in a sandboxed web worker on
// Shopify's CDN origin and calls Tally cross-origin with a bearer token (no
// cookies), so the browser preflights every call: OPTIONS is answered here,
// before the token check, and only Shopify's extension origin (and, with the
// development tools on, a page on this machine: the local harness) may read
// the answers.
import type { RequestHandler } from 'express';

export const SHOPIFY_EXTENSION_ORIGINS = ['https://extensions.shopifycdn.com'];
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export function extensionCors(options: { allowLocal: boolean }): RequestHandler {
  const allowed = (origin: string) => SHOPIFY_EXTENSION_ORIGINS.includes(origin) || (options.allowLocal && LOCAL_ORIGIN.test(origin));
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && allowed(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.set('Access-Control-Max-Age', '7200');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}
