// How the process runs: production mode has no development surface; jobs
// run only where the worker role is on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('production mode', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      env: {
        NODE_ENV: 'production',
        SHOPIFY_API_KEY: 'key',
        SHOPIFY_API_SECRET: 'secret',
        SHOPIFY_APP_URL: 'https://tally.example.com',
        SCOPES: 'read_orders',
      },
      seed: false,
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has no development routes, no development session and no Admin stand-in', async () => {
    for (const path of [
      '/dev/session-token',
      '/dev/webhooks',
      '/dev/shopify/admin/api/2026-10/graphql.json',
      '/dev/storefront',
      '/apps/tally/member',
      '/discount/CODE',
    ]) {
      const res = await fetch(`${app.url}${path}`, { method: path.endsWith('.json') ? 'POST' : 'GET' });
      expect(res.status, path).toBe(404);
    }
    expect(app.standin).toBeNull();
    expect(await app.prisma.shop.count()).toBe(0);
  });

  it('still serves health and refuses unsigned webhooks', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/webhooks`, { method: 'POST', body: '{}' })).status).toBe(401);
  });
});

describe('background jobs', () => {
  let worker: TestApp;
  let web: TestApp;
  beforeAll(async () => {
    [worker, web] = await Promise.all([startTestApp({ seed: false }), startTestApp({ seed: false, env: { TALLY_WORKER: 'false' } })]);
  });
  afterAll(async () => {
    await Promise.all([worker?.close(), web?.close()]);
  });

  const oldDelivery = (app: TestApp) =>
    app.prisma.webhookDelivery.create({
      data: {
        shop: 'a.myshopify.com',
        topic: 'orders/paid',
        eventId: 'old',
        status: 'PROCESSED',
        bodyBytes: 1,
        bodySha256: 'x',
        receivedAt: new Date(Date.now() - 40 * 86_400_000),
      },
    });

  it('run in a process with the worker role', async () => {
    await oldDelivery(worker);
    await worker.jobs.enqueue('prune-webhook-log', { olderThanDays: 30 });
    await expect.poll(() => worker.prisma.webhookDelivery.count(), { timeout: 20_000, interval: 250 }).toBe(0);
  });

  it('wait in the queue of a web-only process (TALLY_WORKER=false)', async () => {
    await oldDelivery(web);
    const id = await web.jobs.enqueue('prune-webhook-log', { olderThanDays: 30 });
    await new Promise((r) => setTimeout(r, 3000));
    const job = await web.jobs.boss.getJobById('prune-webhook-log', id!);
    expect(job?.state).toBe('created');
    expect(await web.prisma.webhookDelivery.count()).toBe(1);
  });
});

describe('graceful shutdown', () => {
  it('finishes the webhooks already in flight before closing the database', async () => {
    const app = await startTestApp();
    const { delivery, send } = await import('../helpers/webhooks.js');
    const { orderPayload } = await import('../../dev/payloads.js');
    const deliveries = Array.from({ length: 20 }, (_, i) =>
      delivery('orders/paid', orderPayload({ customer: { id: `gid://shopify/Customer/${9100000000000 + i}` } })),
    );
    let received = 0;
    app.server.on('request', () => (received += 1));
    const inFlight = deliveries.map((d) => send(app.url, d).then(([r]) => r!.status));
    // Close as soon as every request has reached the server, long before they can all be done.
    await expect.poll(() => received, { interval: 1, timeout: 5000 }).toBe(deliveries.length);
    const closing = app.close();
    expect(await Promise.all(inFlight)).toEqual(deliveries.map(() => 200));
    await closing;
  });
});
