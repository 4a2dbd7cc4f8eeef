// Signs requests the way Shopify does, for the development tools (webhook
// simulator, local storefront, development session) and the tests. The app
// never verifies with these: verification goes through @shopify/shopify-api.
import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body. */
export function webhookHmac(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** App proxy `signature`: hex HMAC of the sorted key=value pairs joined with nothing. */
export function appProxySignature(params: Record<string, string | string[]>, secret: string): string {
  const message = Object.entries(params)
    .filter(([key]) => key !== 'signature' && key !== 'hmac')
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : value}`)
    .sort()
    .join('');
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** Builds the query Shopify forwards to the app proxy, signed. */
export function signedProxyQuery(
  input: { shop: string; customerId?: string | null; pathPrefix?: string; timestamp?: number; extra?: Record<string, string> },
  secret: string,
): URLSearchParams {
  const params: Record<string, string> = {
    ...input.extra,
    shop: input.shop,
    logged_in_customer_id: input.customerId ?? '',
    path_prefix: input.pathPrefix ?? '/apps/tally',
    timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
  };
  return new URLSearchParams({ ...params, signature: appProxySignature(params, secret) });
}

/** OAuth / admin `hmac`: hex HMAC of the sorted, &-joined key=value pairs. */
export function adminQueryHmac(params: Record<string, string>, secret: string): string {
  const message = Object.keys(params)
    .filter((key) => key !== 'hmac' && key !== 'signature')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** An App Bridge session token (HS256 JWT) as Shopify issues it. */
export async function mintSessionToken(input: {
  shop: string;
  apiKey: string;
  secret: string;
  userId?: string;
  lifetimeSeconds?: number;
  now?: number;
}): Promise<string> {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: `https://${input.shop}/admin`,
    dest: `https://${input.shop}`,
    aud: input.apiKey,
    sub: input.userId ?? '1',
    jti: randomUUID(),
    sid: randomUUID().replaceAll('-', ''),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (input.lifetimeSeconds ?? 60))
    .sign(new TextEncoder().encode(input.secret));
}

/**
 * A checkout UI extension's session token as `shopify.sessionToken.get()` gives
 * it: `dest` is the bare shop domain, no `iss`, `sub` the buyer's Customer GID
 * only when they are logged in. Five minutes' lifetime, as Shopify's.
 */
export async function mintExtensionToken(input: {
  shop: string;
  apiKey: string;
  secret: string;
  customerId?: string | null;
  lifetimeSeconds?: number;
  now?: number;
}): Promise<string> {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, string> = { dest: input.shop, aud: input.apiKey, jti: randomUUID() };
  if (input.customerId) claims.sub = input.customerId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (input.lifetimeSeconds ?? 300))
    .sign(new TextEncoder().encode(input.secret));
}
