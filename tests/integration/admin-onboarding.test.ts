// Onboarding's state is the shop's, kept in the database: step 2 (the owner
// opened the theme editor) and whether the storefront widget was seen (the
// first request the widget makes through the app proxy).
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_SECRET } from '../../web/config.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';

const SHOP = 'onboarding-state.myshopify.com';
const OTHER = 'onboarding-other.myshopify.com';
const DEVICE = 'c0ffee00-0000-4000-8000-0000000000aa';

const app = useTestApp();
let api: ReturnType<typeof adminApi>;
let other: ReturnType<typeof adminApi>;
beforeAll(async () => {
  for (const domain of [SHOP, OTHER]) await app.prisma.shop.create({ data: { domain, name: domain.split('.')[0]!, currencyCode: 'EUR' } });
  api = adminApi(app.url, SHOP);
  other = adminApi(app.url, OTHER);
  expect((await api('POST', '/program', { name: 'State Club' })).status).toBe(201);
  expect((await other('POST', '/program', { name: 'Other Club' })).status).toBe(201);
});

const widgetAsks = (shop: string, extra: Record<string, string>) =>
  fetch(`${app.url}/proxy/member?${signedProxyQuery({ shop, extra }, DEV_API_SECRET)}`);

describe('onboarding state', () => {
  it('keeps step 2 (theme editor opened) for the shop, once', async () => {
    expect((await api('GET', '/program')).body.program).toMatchObject({ embedOpenedAt: null, embedSeenAt: null });
    const first = await api('POST', '/program/embed-opened');
    expect(first.status).toBe(201);
    const openedAt = first.body.program.embedOpenedAt as string;
    expect(Date.parse(openedAt)).toBeGreaterThan(Date.now() - 60_000);
    const again = await api('POST', '/program/embed-opened');
    expect(again.status).toBe(200);
    expect(again.body.program.embedOpenedAt).toBe(openedAt);
    expect((await api('GET', '/program')).body.program.embedOpenedAt).toBe(openedAt);
    expect((await other('GET', '/program')).body.program.embedOpenedAt).toBeNull();
  });

  it('refuses step 2 before the program exists', async () => {
    const domain = 'no-program-yet.myshopify.com';
    await app.prisma.shop.create({ data: { domain, name: 'No program yet' } });
    expect((await adminApi(app.url, domain)('POST', '/program/embed-opened')).status).toBe(404);
  });

  it('records the storefront widget the first time it asks for the shopper, for that shop only', async () => {
    // A signed request that is not the widget's (no device id) proves nothing about the embed.
    expect((await widgetAsks(SHOP, {})).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await app.prisma.program.findUniqueOrThrow({ where: { shop: SHOP } })).embedSeenAt).toBeNull();

    expect((await widgetAsks(SHOP, { device: DEVICE })).status).toBe(200);
    await expect.poll(async () => (await api('GET', '/program')).body.program.embedSeenAt, { timeout: 5_000 }).not.toBeNull();
    const seenAt = (await api('GET', '/program')).body.program.embedSeenAt;
    expect((await widgetAsks(SHOP, { device: DEVICE })).status).toBe(200);
    expect((await api('GET', '/program')).body.program.embedSeenAt).toBe(seenAt);
    expect((await other('GET', '/program')).body.program.embedSeenAt).toBeNull();
  });

  it('does not record a request whose signature is wrong', async () => {
    const query = signedProxyQuery({ shop: OTHER, extra: { device: DEVICE } }, 'not-the-secret');
    expect((await fetch(`${app.url}/proxy/member?${query}`)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await app.prisma.program.findUniqueOrThrow({ where: { shop: OTHER } })).embedSeenAt).toBeNull();
  });
});
