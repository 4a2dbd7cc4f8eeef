// What the member page reads from the admin API: each ledger entry names its
// order as the shop does ("#8559", from the webhook's `name`) and the reward
// and code a redemption was for, and the way to earn behind a rule's points;
// the base tier has no "kept until".
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';

const app = useTestApp({ checkLedger: true });
let api: ReturnType<typeof adminApi>;
beforeAll(() => {
  api = adminApi(app.url);
});

describe('member page API', () => {
  it("names each entry's order and the reward and code of each redemption", async () => {
    const member = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, customerId: { startsWith: 'gid://shopify/Customer/' } },
      orderBy: { pointsAvailable: 'desc' },
    });
    const o = order({ customer: { id: member.customerId, email: member.email ?? undefined }, lines: HUNDRED });
    expect((await send(app.url, delivery('orders/paid', o.payload)))[0]!.status).toBe(200);
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const issued = await api('POST', `/members/${member.id}/redemptions`, { rewardId: reward.id });
    expect(issued.status).toBe(201);

    const { entries } = (await api('GET', `/members/${member.id}/entries?limit=200`)).body;
    const orderId = o.facts.orderId;
    const earned = entries.find((e: { orderId: string | null; kind: string }) => e.orderId === orderId && e.kind === 'EARN');
    expect(earned).toMatchObject({ orderName: o.payload.name, status: 'PENDING', reward: null });
    const redeemed = entries.find((e: { kind: string }) => e.kind === 'REDEEM');
    expect(redeemed).toMatchObject({ reward: { name: '5 off for 500 points', code: issued.body.redemption.code }, orderName: null });
    // The signup bonus says which way to earn gave it.
    const signup = entries.find((e: { source: string; kind: string }) => e.source === 'RULE' && e.kind === 'EARN');
    const rule = await app.prisma.earnRule.findFirstOrThrow({ where: { shop: DEV_SHOP, type: 'signup' } });
    expect(signup).toMatchObject({ ruleName: rule.name });
    // Every order entry of the member names a stored order.
    for (const e of entries.filter((x: { orderId: string | null }) => x.orderId)) expect(e.orderName, e.orderId).toMatch(/^#\d+$/);
  });

  it("lists the member's orders as the order webhooks recorded them, with the Tally reward whose code the order used", async () => {
    const c = newCustomer('member-page');
    const first = order({ customer: c, lines: HUNDRED });
    expect((await send(app.url, delivery('orders/paid', first.payload)))[0]!.status).toBe(200);
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
    await api('POST', `/members/${member.id}/adjustments`, { points: 500, reason: 'enough for a reward' });
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const issued = await api('POST', `/members/${member.id}/redemptions`, { rewardId: reward.id });
    expect(issued.status).toBe(201);
    const code: string = issued.body.redemption.code;
    // The code used (in lower case, as a shopper may type it) on a second order of 100.00 less 5.00: net sales 95.00.
    const second = order({ customer: c, lines: HUNDRED, discountMinor: 500, discountCode: code.toLowerCase() });
    const later = new Date(Date.now() + 60_000).toISOString();
    expect((await send(app.url, delivery('orders/paid', { ...second.payload, processed_at: later })))[0]!.status).toBe(200);

    const { orders, nextCursor } = (await api('GET', `/members/${member.id}/orders`)).body;
    expect(nextCursor).toBeNull();
    expect(orders).toMatchObject([
      {
        name: second.payload.name,
        netSalesMinor: 9500,
        points: 95,
        pointsPending: true,
        rewards: [{ name: '5 off for 500 points', code }],
      },
      { name: first.payload.name, netSalesMinor: 10_000, points: 100, pointsPending: true, rewards: [] },
    ]);
    // LTV 195.00, AOV 97.50, two orders a minute apart.
    const { figures } = (await api('GET', `/members/${member.id}/figures`)).body;
    expect(figures).toMatchObject({ currencyCode: 'USD', orders: 2, ltvMinor: 19_500, aovMinor: 9750 });
    expect(figures.avgDaysBetweenOrders * 86_400_000).toBeCloseTo(Date.parse(later) - Date.parse(first.payload.processed_at as string), -1);
  });

  it('gives no "kept until" on the base tier, and keeps it on the tiers above', async () => {
    const tiers = await app.prisma.tier.findMany({ where: { shop: DEV_SHOP }, orderBy: { threshold: 'asc' } });
    const onBase = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, tierId: tiers[0]!.id, tierKeptUntil: { not: null } },
    });
    expect((await api('GET', `/members/${onBase.id}/tier`)).body.tier).toMatchObject({ id: tiers[0]!.id, keptUntil: null });
    const above = await app.prisma.member.findFirstOrThrow({
      where: { shop: DEV_SHOP, tierId: { not: tiers[0]!.id }, tierKeptUntil: { not: null } },
    });
    expect((await api('GET', `/members/${above.id}/tier`)).body.tier.keptUntil).toBe(above.tierKeptUntil!.toISOString());
  });
});
