// What the member page reads from the admin API: each ledger entry names its
// order as the shop does ("#8559", from the webhook's `name`) and the reward
// and code a redemption was for, and the way to earn behind a rule's points;
// the base tier has no "kept until".
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { HUNDRED, order } from '../helpers/orders.js';
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
