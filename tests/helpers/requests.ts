// The admin API (session token) and the storefront API (app proxy signature)
// as the real callers reach them: real HTTP, real signatures.
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { adminApi as adminClient } from './admin.js';

export interface JsonResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A request to /api/admin as the embedded admin makes it, for `shop` (one call of helpers/admin.ts's client). */
export async function adminApi(url: string, method: string, path: string, body?: unknown, shop = DEV_SHOP): Promise<JsonResponse> {
  const { status, body: json } = await adminClient(url, shop)(method, path, body);
  return { status, body: json };
}

/**
 * A request to /proxy as Shopify's app proxy forwards it. `customer` is the
 * logged-in customer (numeric id or GID; null: a guest); `extra` query
 * parameters are signed with the rest, as Shopify signs the shopper's own.
 */
export async function proxyApi(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  customer: string | null,
  body?: unknown,
  options: { shop?: string; extra?: Record<string, string> } = {},
): Promise<JsonResponse & { text: string }> {
  const customerId = customer?.split('/').pop() ?? null;
  const q = signedProxyQuery({ shop: options.shop ?? DEV_SHOP, customerId, extra: options.extra }, DEV_API_SECRET);
  const res = await fetch(`${url}/proxy${path}?${q}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
}
