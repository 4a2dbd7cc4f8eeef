import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { orderPayload, toShopifyJson } from '../../dev/payloads.js';
import { webhookHmac } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { delivery, post, send } from '../helpers/webhooks.js';

const SAMPLE_ORDER = readFileSync(new URL('../../dev/fixtures/shopify/webhooks/orders-create.json', import.meta.url));
const member = { id: 'gid://shopify/Customer/9100000000000', email: 'ava.nowak0@example.com' };

const app = useTestApp();

const deliveries = (where: object = {}) => app.prisma.webhookDelivery.count({ where: { shop: DEV_SHOP, ...where } });

describe('webhook intake', () => {
  it("accepts Shopify's own sample order, byte for byte, and keeps its id exact", async () => {
    const d = delivery('orders/create', SAMPLE_ORDER.toString('utf8'));
    const [result] = await send(app.url, d);
    expect(result).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    const order = await app.prisma.order.findUnique({
      where: { shop_orderId: { shop: DEV_SHOP, orderId: 'gid://shopify/Order/820982911946154508' } },
    });
    expect(order).toMatchObject({ name: '#9999', totalMinor: 41495, financialStatus: 'voided' });
  });

  it('applies a delivery sent three times exactly once', async () => {
    const before = await deliveries();
    const d = delivery('orders/paid', orderPayload({ customer: member }));
    const results = await send(app.url, d, 3);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => (r.body as { outcome: string }).outcome)).toEqual(['processed', 'duplicate', 'duplicate']);
    expect(await deliveries()).toBe(before + 1);
  });

  it('applies parallel retries of one event exactly once', async () => {
    const before = await deliveries();
    const d = delivery('orders/paid', orderPayload({ customer: member }));
    const results = await Promise.all(Array.from({ length: 6 }, () => send(app.url, d).then(([r]) => r!)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => (r.body as { outcome: string }).outcome === 'processed')).toHaveLength(1);
    expect(await deliveries()).toBe(before + 1);
  });

  it('treats the same event id on another topic as a different delivery', async () => {
    const payload = orderPayload({ customer: member });
    const first = await send(app.url, delivery('orders/create', payload, { eventId: 'shared-event' }));
    const second = await send(app.url, delivery('orders/paid', payload, { eventId: 'shared-event' }));
    expect([first[0]!.body, second[0]!.body]).toMatchObject([{ outcome: 'processed' }, { outcome: 'processed' }]);
  });

  it('refuses an unsigned delivery with 401 and stores nothing', async () => {
    const before = await deliveries();
    const d = delivery('orders/paid', orderPayload({ customer: member }));
    const { 'x-shopify-hmac-sha256': _, ...unsigned } = d.headers;
    expect((await post(app.url, unsigned, d.body)).status).toBe(401);
    expect(await deliveries()).toBe(before);
  });

  it('refuses a tampered body and a wrong secret with 401 and stores nothing', async () => {
    const before = await deliveries();
    const d = delivery('orders/paid', orderPayload({ customer: member }));
    const tampered = d.body.replace('"paid"', '"refunded"');
    expect(tampered).not.toBe(d.body);
    expect((await post(app.url, d.headers, tampered)).status).toBe(401);
    const forged = delivery('orders/paid', orderPayload({ customer: member }), { secret: 'not-the-secret' });
    expect((await post(app.url, forged.headers, forged.body)).body?.error?.code).toBe('invalid_hmac');
    expect(await deliveries()).toBe(before);
  });

  it('answers 413 to a body over the limit and stores nothing', async () => {
    const before = await deliveries();
    const body = JSON.stringify({ padding: 'x'.repeat(3 * 1024 * 1024) });
    const d = delivery('orders/paid', body);
    const res = await post(app.url, d.headers, d.body);
    expect(res.status).toBe(413);
    expect(res.body?.error?.code).toBe('payload_too_large');
    expect(await deliveries()).toBe(before);
  });

  it('answers 400 to signed malformed JSON and records it', async () => {
    const d = delivery('orders/paid', '{"id": 1, "name": ');
    const res = await post(app.url, d.headers, d.body);
    expect(res.status).toBe(400);
    expect(res.body?.error?.code).toBe('malformed_payload');
    const logged = await app.prisma.webhookDelivery.findFirst({ where: { eventId: d.headers['x-shopify-event-id'] } });
    expect(logged).toMatchObject({ status: 'MALFORMED', topic: 'orders/paid' });
    expect(logged?.error).toMatch(/invalid JSON/);
  });

  it('answers 400 with the failing fields to a payload of the wrong shape, and changes nothing', async () => {
    const orders = await app.prisma.order.count();
    const d = delivery('orders/paid', { id: 5, name: '#1', admin_graphql_api_id: 'not-a-gid' });
    const res = await post(app.url, d.headers, d.body);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body?.error?.fields ?? {})).toEqual(expect.arrayContaining(['admin_graphql_api_id', 'currency']));
    expect(await app.prisma.order.count()).toBe(orders);
  });

  it('answers 400 when required headers are missing', async () => {
    const d = delivery('orders/paid', orderPayload({ customer: member }));
    const { 'x-shopify-topic': _, ...headers } = d.headers;
    const res = await post(app.url, headers, d.body);
    expect(res.status).toBe(400);
    expect(res.body?.error?.message).toMatch(/Topic/i);
  });

  it('ignores order webhooks for a shop that has not installed Tally', async () => {
    const d = delivery('orders/paid', orderPayload({ customer: member }), { shop: 'stranger.myshopify.com' });
    const [res] = await send(app.url, d);
    expect(res).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    expect(await app.prisma.order.count({ where: { shop: 'stranger.myshopify.com' } })).toBe(0);
    expect(await app.prisma.webhookDelivery.findFirst({ where: { shop: 'stranger.myshopify.com' } })).toMatchObject({
      status: 'IGNORED',
      error: 'shop not installed',
    });
  });

  it('keeps the newest state of an order when deliveries arrive out of order', async () => {
    const id = '9007199254740993123';
    const newer = orderPayload({
      id,
      customer: member,
      financialStatus: 'partially_refunded',
      updatedAt: new Date('2026-11-02T10:00:00Z'),
    });
    const older = orderPayload({ id, customer: member, financialStatus: 'paid', updatedAt: new Date('2026-11-01T10:00:00Z') });
    await send(app.url, delivery('orders/updated', newer));
    await send(app.url, delivery('orders/create', older));
    const order = await app.prisma.order.findUnique({ where: { shop_orderId: { shop: DEV_SHOP, orderId: `gid://shopify/Order/${id}` } } });
    expect(order?.financialStatus).toBe('partially_refunded');
  });

  it('verifies the published test vector: orders-create.json signed with "hush"', async () => {
    const vectors = JSON.parse(readFileSync(new URL('../fixtures/shopify/test-vectors.json', import.meta.url), 'utf8'));
    const vector = vectors.webhook_hmac[0];
    expect(webhookHmac(SAMPLE_ORDER, vector.secret)).toBe(vector.expected_base64);
    expect(webhookHmac(SAMPLE_ORDER, DEV_API_SECRET)).not.toBe(vector.expected_base64);
    expect(toShopifyJson({ id: '__BIGINT__820982911946154508' })).toContain('820982911946154508');
  });
});
