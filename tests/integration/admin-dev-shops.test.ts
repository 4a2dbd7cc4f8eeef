// Development shops: a fresh shop that was never onboarded sits beside the
// demo shop, and a development action shows onboarding again. None of it
// exists in production mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { DEV_FRESH_SHOP } from '../../dev/seed.js';
import { startTestApp, useTestApp, type TestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';

const app = useTestApp();
const post = (path: string) => fetch(`${app.url}${path}`, { method: 'POST' });

describe('development shops', () => {
  it('seeds a fresh shop beside the demo shop, installed and never onboarded', async () => {
    const { shops } = await (await fetch(`${app.url}/dev/shops`)).json();
    expect(shops).toEqual([
      { domain: DEV_SHOP, name: 'Tally Demo Store', admin: `/?shop=${DEV_SHOP}`, hasProgram: true, onboarded: true },
      { domain: DEV_FRESH_SHOP, name: 'Fresh Store', admin: `/?shop=${DEV_FRESH_SHOP}`, hasProgram: false, onboarded: false },
    ]);
    const session = await (await fetch(`${app.url}/dev/session-token?shop=${DEV_FRESH_SHOP}`)).json();
    expect(session.shop).toBe(DEV_FRESH_SHOP);
    expect((await adminApi(app.url, DEV_FRESH_SHOP)('GET', '/program')).body.program).toBeNull();
  });

  it('starts the fresh shop over from nothing', async () => {
    const fresh = adminApi(app.url, DEV_FRESH_SHOP);
    expect((await fresh('POST', '/program', { name: 'Fresh Club' })).status).toBe(201);
    expect((await fresh('POST', '/program/onboarded')).status).toBe(201);
    const reset = await post(`/dev/shops/${DEV_FRESH_SHOP}/reset-onboarding`);
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ shop: DEV_FRESH_SHOP, onboarding: `/onboarding?shop=${DEV_FRESH_SHOP}` });
    expect((await fresh('GET', '/program')).body.program).toBeNull();
    expect(await app.prisma.reward.count({ where: { shop: DEV_FRESH_SHOP } })).toBe(0);
    // Still installed: the admin opens as it again, on step 1.
    expect((await fetch(`${app.url}/dev/session-token?shop=${DEV_FRESH_SHOP}`)).status).toBe(200);
  });

  it("shows the demo shop's checklist again, keeping its program and members", async () => {
    const members = await app.prisma.member.count({ where: { shop: DEV_SHOP } });
    expect((await post(`/dev/shops/${DEV_SHOP}/reset-onboarding`)).status).toBe(200);
    const { program } = (await adminApi(app.url)('GET', '/program')).body;
    expect(program).toMatchObject({ name: expect.any(String), onboardedAt: null, embedOpenedAt: null, embedSeenAt: null });
    expect(await app.prisma.member.count({ where: { shop: DEV_SHOP } })).toBe(members);
  });

  it('drops the cached program through program.changed, as every configuration change does, not by a call of its own', async () => {
    for (const shop of [DEV_SHOP, DEV_FRESH_SHOP]) {
      const before = await app.prisma.event.count({ where: { shop, type: 'program.changed' } });
      expect((await post(`/dev/shops/${shop}/reset-onboarding`)).status).toBe(200);
      const events = await app.prisma.event.findMany({
        where: { shop, type: 'program.changed' },
        orderBy: { seq: 'desc' },
        include: { deliveries: true },
      });
      // The fresh shop starts over (its earlier events go with it): one new event either way.
      expect(events.length, shop).toBe(shop === DEV_FRESH_SHOP ? 1 : before + 1);
      expect(events[0]).toMatchObject({ cause: 'admin:dev-tools', data: { what: 'program' } });
      // The reset answers after this process's cache was dropped (settled), like an admin save.
      expect(
        events[0]!.deliveries.filter((d) => d.subscriber.includes('forget-program-cache')).map((d) => d.status),
        shop,
      ).toEqual(['done']);
    }
  });

  it('refuses to reset a shop that is not a development shop', async () => {
    await app.prisma.shop.create({ data: { domain: 'real-merchant.myshopify.com', name: 'Real' } });
    expect((await post('/dev/shops/real-merchant.myshopify.com/reset-onboarding')).status).toBe(404);
    expect(await app.prisma.shop.count({ where: { domain: 'real-merchant.myshopify.com' } })).toBe(1);
  });
});

describe('development shops in production mode', () => {
  let production: TestApp;
  beforeAll(async () => {
    production = await startTestApp({
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
    await production?.close();
  });

  it('have no routes and no fresh shop', async () => {
    expect((await fetch(`${production.url}/dev/shops`)).status).toBe(404);
    expect((await fetch(`${production.url}/dev/shops/${DEV_FRESH_SHOP}/reset-onboarding`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${production.url}/dev/session-token?shop=${DEV_FRESH_SHOP}`)).status).toBe(404);
    expect(await production.prisma.shop.count({ where: { domain: DEV_FRESH_SHOP } })).toBe(0);
    expect(production.standin).toBeNull();
  });
});
