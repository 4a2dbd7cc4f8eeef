// Rewards recommended to a member in /proxy/member (issue 17,
// web/loyalty/recommendations.ts): a member of known balance, redemption
// history, purchases and segment gets an exact list — affordable first (the
// two most valuable), then the two closest, then like a past redemption, for
// a bought product, their segment's offer — each reward once, at most six;
// a segment-only reward never shows outside its segment; guests get an empty
// list. Real HTTP (admin API, signed app-proxy requests, signed webhooks).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { proxyApi } from '../helpers/requests.js';
import { deliverOk } from '../helpers/webhooks.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false', TALLY_RATE_LIMITS: 'off' }, checkLedger: true });
const api = () => adminApi(app.url, DEV_SHOP);

async function member(tags: string[], points: number) {
  const c = newCustomer('recommend');
  const m = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email, tags } });
  await app.prisma.$transaction((tx) =>
    adjust(tx, { shop: DEV_SHOP, memberId: m.id, points, reason: 'test balance', actor: 'test', idempotencyKey: `test:${m.id}` }),
  );
  return { ...c, numeric: c.id.split('/').pop()!, memberId: m.id };
}

async function reward(type: string, name: string, config: Record<string, unknown>, segmentIds: string[] = []): Promise<string> {
  const res = await api()('POST', '/rewards', { type, name, config, segmentIds });
  expect(res.status, res.text).toBe(201);
  return res.body.reward.id;
}

const recommended = async (customer: string | null) => {
  const res = await proxyApi(app.url, 'GET', '/member', customer);
  expect(res.status, res.text).toBe(200);
  return res.body.recommendations as Array<Record<string, unknown>>;
};

describe('recommendations in /proxy/member', () => {
  it('orders the rewards for the member, each once with its first reason, only those they may see', async () => {
    // Only this test's rewards: the demo shop's own are switched off.
    await app.prisma.reward.updateMany({ where: { shop: DEV_SHOP }, data: { enabled: false } });
    const tag = `rec-${randomUUID().slice(0, 8)}`;
    const seg = await api()('POST', '/segments', { name: 'Tea lovers', rules: { all: [{ field: 'tags', op: 'contains', value: tag }] } });
    expect(seg.status, seg.text).toBe(201);
    const other = await api()('POST', '/segments', {
      name: 'Nobody here',
      rules: { all: [{ field: 'tags', op: 'contains', value: `${tag}-x` }] },
    });
    const fixed = (pointsCost: number, extra: Record<string, unknown> = {}) => ({ pointsCost, amountMinor: 500, ...extra });

    // History: a free-shipping reward redeemed (1,300 − 1,000 = 300 available), an order of products 7000000 and 7000001.
    const shopper = await member([tag], 1300);
    const shipping = await reward('free-shipping', 'Free shipping', { pointsCost: 1000 });
    const redeemed = await proxyApi(app.url, 'POST', '/redemptions', shopper.numeric, { rewardId: shipping, idempotencyKey: `r-${tag}` });
    expect(redeemed.status, redeemed.text).toBe(201);
    await deliverOk(app.url, DEV_SHOP, 'orders/paid', order({ customer: shopper, lines: HUNDRED }).payload);

    const big = await reward('fixed-amount', '3 off', fixed(300));
    const mid = await reward('percentage', '10 %', { pointsCost: 250, percentage: 10 });
    const small = await reward('fixed-amount', 'Small', fixed(50)); // affordable, but two more valuable ones lead
    const close1 = await reward('fixed-amount', '4 off', fixed(420));
    const close2 = await reward('fixed-amount', '5 off', fixed(500));
    await reward('fixed-amount', '9 off', fixed(900)); // third closest: no reason of its own
    const mugs = await reward(
      'fixed-amount',
      'Mugs',
      fixed(1100, { appliesTo: { kind: 'products', productIds: ['gid://shopify/Product/7000000'] } }),
    );
    await reward('fixed-amount', 'Lamps', fixed(1150, { appliesTo: { kind: 'products', productIds: ['gid://shopify/Product/7999999'] } }));
    const teaOffer = await reward('fixed-amount', 'Tea lovers only', fixed(1200), [seg.body.segment.id]);
    const elsewhere = await reward('fixed-amount', 'Not yours', fixed(10), [other.body.segment.id]);
    const off = await reward('fixed-amount', 'Switched off', fixed(1));
    await app.prisma.reward.update({ where: { id: off }, data: { enabled: false } });

    expect(await recommended(shopper.numeric)).toEqual([
      { rewardId: big, kind: 'affordable', reason: 'You have enough points' },
      { rewardId: mid, kind: 'affordable', reason: 'You have enough points' },
      { rewardId: close1, kind: 'close', reason: "You're 120 points away", pointsAway: 120 },
      { rewardId: close2, kind: 'close', reason: "You're 200 points away", pointsAway: 200 },
      { rewardId: shipping, kind: 'like_before', reason: 'Like a reward you redeemed before', pointsAway: 700 },
      { rewardId: mugs, kind: 'collection', reason: 'For products you bought before', pointsAway: 800 },
    ]);

    // With one affordable reward only, the segment's offer fits in the six.
    await app.prisma.reward.updateMany({ where: { id: { in: [mid, small] } }, data: { enabled: false } });
    const list = await recommended(shopper.numeric);
    expect(list.map((r) => r.rewardId)).toEqual([big, close1, close2, shipping, mugs, teaOffer]);
    expect(list[5]).toEqual({
      rewardId: teaOffer,
      kind: 'segment',
      reason: 'Only for our Tea lovers',
      pointsAway: 900,
      segmentName: 'Tea lovers',
    });
    expect(list.map((r) => r.rewardId)).not.toContain(elsewhere);

    // Outside the segment the offer never appears, nor the other segment's; no history: no like_before or collection.
    const outsider = await member([], 300);
    const theirs = await recommended(outsider.numeric);
    expect(theirs.map((r) => r.rewardId)).toEqual([big, close1, close2]);
    expect(theirs.map((r) => r.kind)).toEqual(['affordable', 'close', 'close']);

    // A guest gets an empty list.
    expect(await recommended(null)).toEqual([]);
  });
});
