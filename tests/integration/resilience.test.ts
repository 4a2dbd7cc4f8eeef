// The database goes away mid-traffic: Tally answers 5xx (so Shopify retries),
// records nothing half-done, and applies the retried delivery exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { orderPayload } from '../../dev/payloads.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startDbProxy, type DbProxy } from '../helpers/db-proxy.js';
import { delivery, send } from '../helpers/webhooks.js';

let app: TestApp;
let proxy: DbProxy;
beforeAll(async () => {
  app = await startTestApp({
    database: async (url) => {
      proxy = await startDbProxy(url);
      return proxy.url;
    },
  });
});
afterAll(async () => {
  proxy?.restore();
  await app?.close();
  await proxy?.close();
});

describe('when the database goes away', () => {
  it('reports itself unhealthy, refuses webhooks with 5xx, then applies the retry exactly once', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const d = delivery('orders/paid', orderPayload({ customer: { id: 'gid://shopify/Customer/9100000000002' } }));

    proxy.cut();
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ database: 'down' });
    const [refused] = await send(app.url, d);
    expect(refused!.status).toBeGreaterThanOrEqual(500);
    expect(refused!.body).toMatchObject({ error: { code: expect.any(String) } });

    proxy.restore();
    await expect.poll(async () => (await fetch(`${app.url}/healthz`)).status, { timeout: 15_000 }).toBe(200);
    const retries = await send(app.url, d, 2);
    expect(retries.map((r) => (r.body as { outcome: string }).outcome)).toEqual(['processed', 'duplicate']);
    expect(await app.prisma.webhookDelivery.count({ where: { shop: DEV_SHOP, eventId: d.headers['x-shopify-event-id'] } })).toBe(1);
  });
});
