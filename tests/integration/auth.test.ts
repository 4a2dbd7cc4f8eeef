// Session tokens, app-proxy signatures and OAuth, checked against Shopify's
// published vectors (tests/fixtures/shopify/test-vectors.json) and against
// tampered, expired, replayed and wrong-shop inputs.
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminQueryHmac, mintSessionToken, signedProxyQuery } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { delivery, post } from '../helpers/webhooks.js';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/shopify/test-vectors.json', import.meta.url), 'utf8'));
const SECRET = 'hush';
const API_KEY = 'client-id-123';
const EXAMPLE_SHOP = 'exampleshop.myshopify.com';
const PROXY_SHOP = 'shop-name.myshopify.com';

const app = useTestApp({ env: { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: SECRET } });
beforeAll(async () => {
  for (const domain of [EXAMPLE_SHOP, PROXY_SHOP]) await app.prisma.shop.create({ data: { domain, name: domain } });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Freezes Date (only) at a UNIX time, so the servers in this process see that clock. */
const clockAt = (seconds: number) => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(seconds * 1000);
};

const adminShop = (token: string) =>
  fetch(`${app.url}/api/admin/shop`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
    status: r.status,
    body: await r.json(),
  }));

describe('session token (App Bridge JWT)', () => {
  const vector = vectors.session_token_jwt[0];

  it('accepts the published token while it is valid, for its own shop', async () => {
    clockAt(1591765000);
    const res = await adminShop(vector.token);
    expect(res.status).toBe(200);
    expect(res.body.shop.domain).toBe(EXAMPLE_SHOP);
  });

  it('rejects the same token once expired (a replay a minute later)', async () => {
    clockAt(1591765058 + 11);
    const res = await adminShop(vector.token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_session_token');
  });

  it('rejects a tampered payload and an alg=none token', async () => {
    clockAt(1591765000);
    const [header, payload, signature] = vector.token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...vector.payload, dest: 'https://victim.myshopify.com' })).toString('base64url');
    expect((await adminShop(`${header}.${forged}.${signature}`)).status).toBe(401);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await adminShop(`${none}.${payload}.`)).status).toBe(401);
  });

  it('rejects a token for another app (audience) and one signed with another secret', async () => {
    const otherApp = await mintSessionToken({ shop: EXAMPLE_SHOP, apiKey: 'another-app', secret: SECRET });
    expect((await adminShop(otherApp)).status).toBe(401);
    const otherSecret = await mintSessionToken({ shop: EXAMPLE_SHOP, apiKey: API_KEY, secret: 'not-hush' });
    expect((await adminShop(otherSecret)).status).toBe(401);
  });

  it('scopes every answer to the token shop and refuses shops that have not installed Tally', async () => {
    const mine = await adminShop(await mintSessionToken({ shop: PROXY_SHOP, apiKey: API_KEY, secret: SECRET }));
    expect(mine.body.shop.domain).toBe(PROXY_SHOP);
    const stranger = await adminShop(await mintSessionToken({ shop: 'stranger.myshopify.com', apiKey: API_KEY, secret: SECRET }));
    expect(stranger.status).toBe(401);
    expect(stranger.body.error.code).toBe('not_installed');
  });

  it('answers 401 without a token', async () => {
    const res = await fetch(`${app.url}/api/admin/shop`);
    expect(res.status).toBe(401);
  });
});

describe('app proxy signature', () => {
  const vector = vectors.app_proxy_signature[0];
  const proxyGet = (query: string) =>
    fetch(`${app.url}/proxy/member?${query}`).then(async (r) => ({ status: r.status, body: await r.json() }));

  it("accepts Shopify's published forwarded query at its timestamp", async () => {
    clockAt(1317327555);
    const res = await proxyGet(vector.forwarded_query);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ member: null });
  });

  it('rejects a different logged_in_customer_id under the same signature', async () => {
    clockAt(1317327555);
    const res = await proxyGet(vector.forwarded_query.replace('logged_in_customer_id=1', 'logged_in_customer_id=2'));
    expect(res.status).toBe(401);
  });

  it('rejects the published query replayed now (timestamp outside 90 s)', async () => {
    expect((await proxyGet(vector.forwarded_query)).status).toBe(401);
  });

  it('rejects a repeated shop parameter and a missing signature', async () => {
    clockAt(1317327555);
    expect((await proxyGet(`${vector.forwarded_query}&shop=evil.myshopify.com`)).status).toBe(401);
    expect((await proxyGet(vector.forwarded_query.replace(/&signature=\w+/, ''))).status).toBe(401);
  });

  it("serves the signed shopper's own membership and a guest nothing", async () => {
    const customerId = 'gid://shopify/Customer/555';
    await app.prisma.member.create({ data: { shop: PROXY_SHOP, customerId, firstName: 'Ola', pointsAvailable: 0 } });
    const signed = signedProxyQuery({ shop: PROXY_SHOP, customerId: '555' }, SECRET);
    const res = await proxyGet(signed.toString());
    expect(res.body.member.firstName).toBe('Ola');
    const guest = await proxyGet(signedProxyQuery({ shop: PROXY_SHOP }, SECRET).toString());
    expect(guest.body).toMatchObject({ member: null });
  });

  it('refuses a valid signature for a shop that has not installed Tally', async () => {
    const signed = signedProxyQuery({ shop: 'stranger.myshopify.com', customerId: '1' }, SECRET);
    expect((await proxyGet(signed.toString())).status).toBe(404);
  });
});

describe('OAuth install', () => {
  // The merchant's browser: Shopify's library answers 410 to bots (Node's fetch says "node").
  const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';

  it('reproduces the published admin HMACs', async () => {
    for (const v of vectors.oauth_admin_hmac) {
      const params = Object.fromEntries(new URLSearchParams(v.query_string));
      expect(adminQueryHmac(params, v.secret)).toBe(v.expected_hex);
    }
  });

  it('installs a shop: begin → authorize redirect → signed callback → offline token stored', async () => {
    const shop = 'new-merchant.myshopify.com';
    const begin = await fetch(`${app.url}/api/auth?shop=${shop}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    expect(begin.status).toBe(302);
    const authorize = new URL(begin.headers.get('location')!);
    expect(authorize.host).toBe(shop);
    expect(authorize.pathname).toBe('/admin/oauth/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(API_KEY);
    const state = authorize.searchParams.get('state')!;
    const cookies = begin.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    const callback = (params: Record<string, string>, cookie = cookies) =>
      fetch(`${app.url}/api/auth/callback?${new URLSearchParams({ ...params, hmac: adminQueryHmac(params, SECRET) })}`, {
        redirect: 'manual',
        headers: { cookie, 'user-agent': BROWSER },
      });
    const params = {
      code: 'code-1',
      host: Buffer.from(`${shop}/admin`).toString('base64url'),
      shop,
      state,
      timestamp: String(Math.floor(Date.now() / 1000)),
    };

    // Tampered, stale and cookie-less callbacks are refused before any token exchange.
    const tampered = await fetch(
      `${app.url}/api/auth/callback?${new URLSearchParams({ ...params, hmac: adminQueryHmac(params, SECRET), shop: 'evil.myshopify.com' })}`,
      { redirect: 'manual', headers: { cookie: cookies, 'user-agent': BROWSER } },
    );
    expect(tampered.status).toBeGreaterThanOrEqual(400);
    expect((await callback({ ...params, timestamp: String(Math.floor(Date.now() / 1000) - 3600) })).status).toBeGreaterThanOrEqual(400);
    expect((await callback(params, '')).status).toBeGreaterThanOrEqual(400);
    expect((await callback({ ...params, state: 'not-the-nonce' })).status).toBeGreaterThanOrEqual(400);
    expect(await app.prisma.session.count({ where: { shop } })).toBe(0);

    const done = await callback(params);
    expect(done.status, await done.clone().text()).toBe(302);
    const session = await app.prisma.session.findFirstOrThrow({ where: { shop, isOnline: false } });
    expect(session.accessToken).toMatch(/\w{10,}/);
    expect(await app.prisma.shop.findUnique({ where: { domain: shop } })).toMatchObject({ uninstalledAt: null });
    // After install the shop's name and currency are read with the new token, from the Admin API.
    expect(app.standin!.state.requests.map((r) => [r.shop, r.operationName, r.outcome])).toContainEqual([shop, 'ShopDetails', 'ok']);
  });

  it('rejects an install for an invalid shop domain', async () => {
    const res = await fetch(`${app.url}/api/auth?shop=evil.example.com`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    expect(res.status).toBe(400);
  });
});

describe('webhook HMAC with the published secret', () => {
  it('accepts orders-create.json signed as the vector says, and refuses one flipped byte', async () => {
    const vector = vectors.webhook_hmac[0];
    const body = readFileSync(new URL('../../dev/fixtures/shopify/webhooks/orders-create.json', import.meta.url));
    const d = delivery('orders/create', body.toString('utf8'), { shop: EXAMPLE_SHOP, secret: SECRET });
    expect(d.headers['x-shopify-hmac-sha256']).toBe(vector.expected_base64);
    expect((await post(app.url, d.headers, body)).status).toBe(200);
    const flipped = Buffer.from(body);
    flipped[100] = flipped[100]! ^ 1;
    expect((await post(app.url, { ...d.headers, 'x-shopify-event-id': 'other' }, flipped)).status).toBe(401);
  });
});
