// Development tools (the /dev/* routes, the development session, the demo
// shops, the Admin API stand-in) mint admin tokens and sign storefront
// requests as anyone. They exist only when Tally is not connected to a real
// app and listens on loopback only — whatever NODE_ENV says (issue 13, item 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP, loadConfig } from '../../web/config.js';
import { startupBanner } from '../../web/banner.js';
import { DEV_FRESH_SHOP } from '../../dev/seed.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/** What `shopify app dev` sets: real credentials and a public tunnel URL. */
const CONNECTED = {
  SHOPIFY_API_KEY: 'real-key',
  SHOPIFY_API_SECRET: 'real-secret',
  SHOPIFY_APP_URL: 'https://tunnel.trycloudflare.com',
  SCOPES: 'read_orders',
};

const DEV_PATHS = [
  `/dev/session-token?shop=${DEV_SHOP}`,
  `/dev/session-token?shop=${DEV_FRESH_SHOP}`,
  '/dev/storefront',
  '/dev/storefront/apps/tally/member?customer=1001',
  '/dev/webhooks',
  '/dev/doctor',
  '/dev/shops',
];

async function expectNoDevelopmentTools(app: TestApp) {
  for (const path of DEV_PATHS) expect((await fetch(`${app.url}${path}`)).status, path).toBe(404);
  const standin = await fetch(`${app.url}/dev/shopify/admin/api/2026-10/graphql.json`, { method: 'POST', body: '{}' });
  expect(standin.status).toBe(404);
  expect(app.standin).toBeNull();
  // The test helper asks for the seed (TALLY_SEED=true): development tools off means no demo shop all the same.
  expect(await app.prisma.shop.count({ where: { domain: { in: [DEV_SHOP, DEV_FRESH_SHOP] } } })).toBe(0);
}

describe.each([
  [
    'development mode connected to a Shopify app (shopify app dev)',
    { NODE_ENV: 'development', ...CONNECTED },
    'off: connected to a Shopify app (SHOPIFY_APP_URL is set)',
  ],
  [
    'development mode with only SHOPIFY_APP_URL set',
    { NODE_ENV: 'development', SHOPIFY_APP_URL: 'https://tunnel.example.com' },
    'off: connected to a Shopify app (SHOPIFY_APP_URL is set)',
  ],
  ['test mode connected to a Shopify app', { NODE_ENV: 'test', ...CONNECTED }, 'off: connected to a Shopify app (SHOPIFY_APP_URL is set)'],
  [
    'development mode listening on every interface',
    { NODE_ENV: 'development', HOST: '0.0.0.0' },
    'off: listening on 0.0.0.0, not loopback only (HOST)',
  ],
])('%s', (_name, env, reason) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has no development tools and says so in the start-up banner', async () => {
    await expectNoDevelopmentTools(app);
    const banner = startupBanner(app.url, loadConfig({ PORT: '0', ...env }));
    expect(banner.split('\n')).toEqual([expect.stringMatching(/^Tally is listening on /), `Development tools ${reason}`]);
  });

  it('still serves health and refuses unsigned webhooks and admin calls', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/webhooks`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${app.url}/api/admin/members`)).status).toBe(401);
  });
});

describe('local development on loopback, not connected to an app', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Local tools may still sign with a development app's key and secret.
    app = await startTestApp({ env: { NODE_ENV: 'development', SHOPIFY_API_KEY: 'dev-key', SHOPIFY_API_SECRET: 'dev-secret' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has the development session, the storefront, the stand-in and the demo shop', async () => {
    const session = await fetch(`${app.url}/dev/session-token?shop=${DEV_SHOP}`);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ shop: DEV_SHOP, token: expect.any(String) });
    expect((await fetch(`${app.url}/dev/storefront`)).status).toBe(200);
    expect(app.standin).not.toBeNull();
    expect(await app.prisma.shop.count({ where: { domain: DEV_SHOP } })).toBe(1);
  });
});
