// Development only: plays Shopify's app proxy for a shop that does not exist.
// /dev/storefront/apps/tally/* is forwarded to /proxy/* with the query signed
// as Shopify signs it (shop, logged_in_customer_id, path_prefix, timestamp),
// and, like Shopify, without the browser's cookies. `?customer=<id>` plays a
// signed-in shopper; `?shop=` picks the shop (the demo shop by default).
import express, { Router, type Request, type Response } from 'express';
import type { Config } from '../../web/config.js';
import { DEV_SHOP } from '../../web/config.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';

export const DEV_PROXY_PREFIX = '/dev/storefront/apps/tally';
const SIGNED = new Set(['shop', 'customer', 'signature', 'timestamp', 'path_prefix', 'logged_in_customer_id']);

/** Parses the raw body of a proxied request, whatever its type (Shopify forwards it as it is). */
/** The answer's headers a page's safety depends on, passed on to the browser. */
const PASSED_ON = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'retry-after'];

export const proxiedBody = express.raw({ type: () => true, limit: '64kb' });

/**
 * Forwards `req` to Tally's /proxy/<rest> over HTTP as Shopify's app proxy
 * does: the query signed for `shop` and `customerId`, the shopper's own values
 * of the signed parameters dropped, no cookies. Shared by the proxy stand-ins
 * of the development tools and of the development storefront (/apps/tally).
 */
export async function forwardSigned(
  req: Request,
  res: Response,
  input: { shop: string; customerId: string | null; pathPrefix: string; rest: string },
  secret: string,
) {
  const query = new URL(req.originalUrl, 'http://local').searchParams;
  const extra = Object.fromEntries([...query].filter(([key]) => !SIGNED.has(key)));
  const signed = signedProxyQuery({ shop: input.shop, customerId: input.customerId, pathPrefix: input.pathPrefix, extra }, secret);
  const hasBody = !['GET', 'HEAD'].includes(req.method) && Buffer.isBuffer(req.body) && req.body.length > 0;
  const answer = await fetch(`${req.protocol}://${req.get('host')}/proxy/${input.rest}?${signed}`, {
    method: req.method,
    headers: { 'content-type': req.get('content-type') ?? 'application/json', accept: req.get('accept') ?? '*/*' },
    body: hasBody ? new Uint8Array(req.body as Buffer) : undefined,
  });
  res.status(answer.status).type(answer.headers.get('content-type') ?? 'application/octet-stream');
  for (const name of PASSED_ON) if (answer.headers.has(name)) res.set(name, answer.headers.get(name)!);
  res.send(Buffer.from(await answer.arrayBuffer()));
}

export function storefrontProxy(config: Config): Router {
  const router = Router();
  router.all('/storefront/apps/tally/*rest', proxiedBody, async (req, res) => {
    const rest = ([] as string[])
      .concat(req.params.rest ?? [])
      .map(encodeURIComponent)
      .join('/');
    const query = new URL(req.originalUrl, 'http://local').searchParams;
    const customer = query.get('customer')?.split('/').pop() ?? null;
    await forwardSigned(
      req,
      res,
      { shop: query.get('shop') ?? DEV_SHOP, customerId: customer, pathPrefix: DEV_PROXY_PREFIX, rest },
      config.shopify.apiSecret,
    );
  });
  return router;
}
