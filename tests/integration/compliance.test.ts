import { describe, expect, it } from 'vitest';
import { DEV_SHOP, DEV_API_KEY, DEV_API_SECRET } from '../../web/config.js';
import { complianceDataRequest, complianceRedact, orderPayload } from '../../dev/payloads.js';
import { mintSessionToken } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { delivery, send } from '../helpers/webhooks.js';

const app = useTestApp();

const adminGet = async (path: string, shop = DEV_SHOP) => {
  const token = await mintSessionToken({ shop, apiKey: DEV_API_KEY, secret: DEV_API_SECRET });
  const res = await fetch(`${app.url}/api/admin${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
};

describe('mandatory compliance webhooks', () => {
  it("customers/data_request exports the customer's profile, points and orders for the merchant", async () => {
    const member = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, orders: { some: {} } }, include: { orders: true } });
    const numeric = member.customerId.split('/').pop()!;
    const [res] = await send(app.url, delivery('customers/data_request', complianceDataRequest(DEV_SHOP, numeric, 4242)));
    expect(res!.status).toBe(200);
    const list = await adminGet('/compliance-requests');
    const request = list.body.requests.find((r: { dataRequestId: string }) => r.dataRequestId === '4242');
    expect(request).toMatchObject({ topic: 'CUSTOMERS_DATA_REQUEST', customerId: member.customerId });
    const { body } = await adminGet(`/compliance-requests/${request.id}`);
    const exported = body.request.export.member;
    expect(exported.email).toBe(member.email);
    expect(exported.balances.available).toBe(member.pointsAvailable);
    expect(exported.orders).toHaveLength(member.orders.length);
    const sum = (status: string) =>
      exported.pointsHistory
        .filter((e: { status: string }) => e.status === status)
        .reduce((s: number, e: { points: number }) => s + e.points, 0);
    expect(sum('AVAILABLE')).toBe(member.pointsAvailable);
    expect(sum('PENDING')).toBe(member.pointsPending);
    expect(exported.tier).toMatchObject({ id: member.tierId });
    expect(exported.tierHistory.length).toBeGreaterThanOrEqual(0);
  });

  it('customers/redact erases personal data but keeps the anonymised points in the shop totals', async () => {
    const member = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, email: { not: null }, redactedAt: null, pointsAvailable: { gt: 0 } },
    });
    const totalBefore = await app.prisma.member.aggregate({ where: { shop: DEV_SHOP }, _sum: { pointsAvailable: true } });
    const numeric = member.customerId.split('/').pop()!;
    const [res] = await send(app.url, delivery('customers/redact', complianceRedact(DEV_SHOP, numeric)));
    expect(res!.status).toBe(200);
    const after = await app.prisma.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after).toMatchObject({ email: null, firstName: null, lastName: null, birthday: null, pointsAvailable: member.pointsAvailable });
    expect(after.customerId).not.toContain(numeric);
    expect(after.redactedAt).not.toBeNull();
    const totalAfter = await app.prisma.member.aggregate({ where: { shop: DEV_SHOP }, _sum: { pointsAvailable: true } });
    expect(totalAfter._sum.pointsAvailable).toBe(totalBefore._sum.pointsAvailable);
    const rows = JSON.stringify(await app.prisma.member.findMany({ where: { shop: DEV_SHOP } }));
    expect(rows).not.toContain(member.email!);
  });

  it('customers/redact for a customer we never saw succeeds and records the request', async () => {
    const [res] = await send(app.url, delivery('customers/redact', complianceRedact(DEV_SHOP, '123456789')));
    expect(res!.status).toBe(200);
    expect(await app.prisma.complianceRequest.count({ where: { shop: DEV_SHOP, customerId: 'gid://shopify/Customer/123456789' } })).toBe(1);
  });

  it('app/uninstalled ends admin access; shop/redact then deletes everything of that shop only', async () => {
    const other = 'other-shop.myshopify.com';
    await app.prisma.shop.create({ data: { domain: other, name: 'Other' } });
    await app.prisma.member.create({ data: { shop: other, customerId: 'gid://shopify/Customer/1', email: 'keep@example.com' } });

    await send(app.url, delivery('app/uninstalled', { id: 1, myshopify_domain: DEV_SHOP }));
    expect((await adminGet('/shop')).status).toBe(401);
    expect(await app.prisma.session.count({ where: { shop: DEV_SHOP } })).toBe(0);

    // Orders arriving after uninstall change nothing.
    const ordersBefore = await app.prisma.order.count({ where: { shop: DEV_SHOP } });
    await send(app.url, delivery('orders/paid', orderPayload({ customer: { id: 'gid://shopify/Customer/9100000000001' } })));
    expect(await app.prisma.order.count({ where: { shop: DEV_SHOP } })).toBe(ordersBefore);

    const [res] = await send(app.url, delivery('shop/redact', { shop_id: 954889, shop_domain: DEV_SHOP }));
    expect(res!.status).toBe(200);
    for (const count of [
      app.prisma.shop.count({ where: { domain: DEV_SHOP } }),
      app.prisma.member.count({ where: { shop: DEV_SHOP } }),
      app.prisma.order.count({ where: { shop: DEV_SHOP } }),
      app.prisma.pointEntry.count({ where: { shop: DEV_SHOP } }),
      app.prisma.program.count({ where: { shop: DEV_SHOP } }),
      app.prisma.complianceRequest.count({ where: { shop: DEV_SHOP } }),
    ]) {
      expect(await count).toBe(0);
    }
    expect(await app.prisma.webhookDelivery.count({ where: { shop: DEV_SHOP } })).toBe(1);
    expect(await app.prisma.member.count({ where: { shop: other } })).toBe(1);
  });
});
