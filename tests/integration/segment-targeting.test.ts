// Segments used (issue 17): segment-only rewards (invisible and unredeemable,
// NOT_ELIGIBLE, outside their segments; the member's membership read now),
// campaigns for a segment (only its members' orders are multiplied), and gifts
// to a segment (preview, a job paying each member once however often it runs,
// progress). Real HTTP: the admin API with session tokens, the storefront
// through signed app-proxy requests, orders as signed webhooks; the doctor
// after every test. PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { runGift } from '../../web/segments/gifts.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { proxyApi } from '../helpers/requests.js';
import { deliverOk } from '../helpers/webhooks.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false', TALLY_RATE_LIMITS: 'off' }, checkLedger: true });
const api = () => adminApi(app.url, DEV_SHOP);

/** A member of DEV_SHOP with these Shopify tags and exactly `points` available. */
async function member(tags: string[], points = 0) {
  const c = newCustomer('segment');
  const m = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email, tags } });
  if (points > 0)
    await app.prisma.$transaction((tx) =>
      adjust(tx, { shop: DEV_SHOP, memberId: m.id, points, reason: 'test balance', actor: 'test', idempotencyKey: `test:${m.id}` }),
    );
  return { ...c, numeric: c.id.split('/').pop()!, memberId: m.id };
}

/** A rule segment of members tagged `tag`. */
async function taggedSegment(tag: string): Promise<string> {
  const res = await api()('POST', '/segments', { name: `Tagged ${tag}`, rules: { all: [{ field: 'tags', op: 'contains', value: tag }] } });
  expect(res.status, res.text).toBe(201);
  return res.body.segment.id;
}

const listed = async (customer: string | null) =>
  ((await proxyApi(app.url, 'GET', '/rewards', customer)).body.rewards as Array<{ id: string; eligible: boolean }>).map((r) => r.id);
const available = async (memberId: string) => (await app.prisma.member.findUniqueOrThrow({ where: { id: memberId } })).pointsAvailable;

describe('segment-only rewards', () => {
  it('are invisible and unredeemable (NOT_ELIGIBLE) outside their segments, and work inside', async () => {
    const tag = `offer-${randomUUID().slice(0, 8)}`;
    const segmentId = await taggedSegment(tag);
    const inside = await member([tag, 'other'], 1000);
    const outside = await member(['other'], 1000);

    const created = await api()('POST', '/rewards', {
      type: 'fixed-amount',
      name: 'Only for the tagged',
      config: { pointsCost: 100, amountMinor: 500 },
      segmentIds: [segmentId],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.reward.segmentIds).toEqual([segmentId]);
    const rewardId: string = created.body.reward.id;

    // Outside: not in the catalogue, redeeming answers NOT_ELIGIBLE and takes nothing. A guest does not see it either.
    expect(await listed(outside.numeric)).not.toContain(rewardId);
    expect(await listed(null)).not.toContain(rewardId);
    const refused = await proxyApi(app.url, 'POST', '/redemptions', outside.numeric, {
      rewardId,
      idempotencyKey: `out-${outside.numeric}`,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('NOT_ELIGIBLE');
    expect(await available(outside.memberId)).toBe(1000);

    // Inside: listed, eligible, redeemed.
    const mine = (await proxyApi(app.url, 'GET', '/rewards', inside.numeric)).body.rewards.find((r: { id: string }) => r.id === rewardId);
    expect(mine).toMatchObject({ eligible: true, affordable: true });
    const redeemed = await proxyApi(app.url, 'POST', '/redemptions', inside.numeric, { rewardId, idempotencyKey: `in-${inside.numeric}` });
    expect(redeemed.status, redeemed.text).toBe(201);
    expect(await available(inside.memberId)).toBe(900);

    // Membership is read at the moment: the tag removed, the reward is gone for that member too.
    await app.prisma.member.update({ where: { id: inside.memberId }, data: { tags: ['other'] } });
    expect(await listed(inside.numeric)).not.toContain(rewardId);
    const again = await proxyApi(app.url, 'POST', '/redemptions', inside.numeric, { rewardId, idempotencyKey: `again-${inside.numeric}` });
    expect(again.body.error?.code).toBe('NOT_ELIGIBLE');
    await app.prisma.reward.update({ where: { id: rewardId }, data: { enabled: false } });
  });

  it('may target an RFM segment by handle (the API id rfm:<handle> is kept as the handle)', async () => {
    const champion = await member([], 500);
    const other = await member([], 500);
    await app.db.pool.query(
      `INSERT INTO "CustomerRfm" (shop, "customerKey", "recencyDays", frequency, "monetaryMinor", r, f, m, segment, "computedAt")
       VALUES ($1, $2, 1, 5, 100000, 5, 5, 5, 'champions', now()), ($1, $3, 300, 1, 100, 1, 1, 1, 'lost', now())`,
      [DEV_SHOP, champion.id, other.id],
    );
    const created = await api()('POST', '/rewards', {
      type: 'fixed-amount',
      name: 'For our Champions',
      config: { pointsCost: 100, amountMinor: 500 },
      segmentIds: ['rfm:champions'],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.reward.segmentIds).toEqual(['champions']);
    const rewardId: string = created.body.reward.id;
    expect(await listed(champion.numeric)).toContain(rewardId);
    expect(await listed(other.numeric)).not.toContain(rewardId);
    const refused = await proxyApi(app.url, 'POST', '/redemptions', other.numeric, { rewardId, idempotencyKey: `rfm-${other.numeric}` });
    expect(refused.body.error.code).toBe('NOT_ELIGIBLE');
    await app.prisma.reward.update({ where: { id: rewardId }, data: { enabled: false } });
  });

  it("refuses a segment that is not one of the shop's (400 naming the field)", async () => {
    const res = await api()('POST', '/rewards', {
      type: 'fixed-amount',
      name: 'Nobody',
      config: { pointsCost: 100, amountMinor: 500 },
      segmentIds: ['rfm:champions', 'seg_not_there'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ 'segmentIds.1': 'not a segment of this shop' });
  });
});

describe('campaigns for a segment', () => {
  it("multiply only the orders of the segment's members", async () => {
    const tag = `triple-${randomUUID().slice(0, 8)}`;
    const segmentId = await taggedSegment(tag);
    const unknown = await api()('POST', '/campaigns', {
      name: 'Nobody',
      multiplier: '3',
      startsAt: new Date(Date.now() - 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      segmentId: 'seg_not_there',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual({ segmentId: 'not a segment of this shop' });
    const campaign = await api()('POST', '/campaigns', {
      name: 'Triple for the tagged',
      multiplier: '3',
      startsAt: new Date(Date.now() - 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      segmentId,
    });
    expect(campaign.status, campaign.text).toBe(201);
    expect(campaign.body.campaign.segmentId).toBe(segmentId);
    try {
      const inside = await member([tag]);
      const outside = await member([]);
      const inOrder = order({ customer: inside, lines: HUNDRED });
      const outOrder = order({ customer: outside, lines: HUNDRED });
      await deliverOk(app.url, DEV_SHOP, 'orders/paid', inOrder.payload);
      await deliverOk(app.url, DEV_SHOP, 'orders/paid', outOrder.payload);
      const awarded = async (orderId: string) =>
        (await app.prisma.order.findUniqueOrThrow({ where: { shop_orderId: { shop: DEV_SHOP, orderId } } })).pointsAwarded;
      // 100 points at 1 per unit; the campaign triples the member's only.
      expect(await awarded(inOrder.facts.orderId)).toBe(300);
      expect(await awarded(outOrder.facts.orderId)).toBe(100);
      expect((await app.prisma.member.findUniqueOrThrow({ where: { id: inside.memberId } })).pointsPending).toBe(300);
      expect((await app.prisma.member.findUniqueOrThrow({ where: { id: outside.memberId } })).pointsPending).toBe(100);
    } finally {
      await api()('DELETE', `/campaigns/${campaign.body.campaign.id}`);
    }
  });
});

describe('gifts to a segment', () => {
  const giftOf = async (id: string) => (await api()('GET', `/segments/gifts/${id}`)).body.gift;

  it('previews who and what it costs, then gives each member once however often the job runs (doctor clean)', async () => {
    const tag = `gift-${randomUUID().slice(0, 8)}`;
    const segmentId = await taggedSegment(tag);
    const members = [await member([tag], 10), await member([tag]), await member([tag], 5)];
    const outside = await member(['someone-else'], 10);

    const preview = await api()('POST', `/segments/${segmentId}/gifts`, { kind: 'points', points: 250, note: 'Thank you', preview: true });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.preview).toMatchObject({ count: 3, cost: { pointsEach: 250, points: 750 } });
    expect(preview.body.preview.sample.map((m: { id: string }) => m.id).sort()).toEqual(members.map((m) => m.memberId).sort());
    expect(await app.prisma.segmentGift.count({ where: { segmentId } })).toBe(0);

    const created = await api()('POST', `/segments/${segmentId}/gifts`, { kind: 'points', points: 250, note: 'Thank you' });
    expect(created.status, created.text).toBe(202);
    expect(created.body.gift).toMatchObject({ status: 'queued', total: 3, done: 0 });
    const giftId: string = created.body.gift.id;
    // The job (run here by hand, as the worker would: TALLY_WORKER is off), then run again, twice at once.
    await runGift(app.db.pool, app.programs, giftId);
    expect(await giftOf(giftId)).toMatchObject({ status: 'done', total: 3, done: 3, finishedAt: expect.any(String) });
    await app.prisma.segmentGift.update({ where: { id: giftId }, data: { status: 'running' } }); // as if its job were retried
    await Promise.all([runGift(app.db.pool, app.programs, giftId), runGift(app.db.pool, app.programs, giftId)]);
    expect(await giftOf(giftId)).toMatchObject({ status: 'done', done: 3 });

    expect(await Promise.all(members.map((m) => available(m.memberId)))).toEqual([260, 250, 255]);
    expect(await available(outside.memberId)).toBe(10);
    const entries = await app.prisma.pointEntry.findMany({ where: { shop: DEV_SHOP, source: 'GIFT', sourceId: giftId } });
    expect(entries.map((e) => [e.kind, Number(e.points), e.reason]).sort()).toEqual(Array(3).fill(['EARN', 250, 'Thank you']));
    const events = await app.prisma.event.findMany({ where: { shop: DEV_SHOP, type: 'gift.received', cause: `gift:${giftId}` } });
    expect(events.map((e) => e.memberId).sort()).toEqual(members.map((m) => m.memberId).sort());
    expect(events[0]!.data).toMatchObject({ giftId, segmentId, kind: 'points', points: 250, note: 'Thank you' });
  });

  it('gives a reward to an RFM segment once per member, and refuses a reward without a fixed value', async () => {
    const a = await member([]);
    const b = await member([]);
    await app.db.pool.query(
      `INSERT INTO "CustomerRfm" (shop, "customerKey", "recencyDays", frequency, "monetaryMinor", r, f, m, segment, "computedAt")
       VALUES ($1, $2, 40, 1, 100, 3, 1, 1, 'about_to_sleep', now()), ($1, $3, 40, 1, 100, 3, 1, 1, 'about_to_sleep', now())`,
      [DEV_SHOP, a.id, b.id],
    );
    const reward = await app.prisma.reward.create({
      data: { shop: DEV_SHOP, type: 'fixed-amount', name: 'Come back', config: { pointsCost: 400, amountMinor: 1000 } },
    });
    const slider = await app.prisma.reward.create({
      data: {
        shop: DEV_SHOP,
        type: 'points-slider',
        name: 'Slider',
        config: { minPoints: 100, maxPoints: 1000, pointsStep: 100, amountPerStepMinor: 100 },
      },
    });
    const refused = await api()('POST', '/segments/rfm:about_to_sleep/gifts', { kind: 'reward', rewardId: slider.id, preview: true });
    expect(refused.status, refused.text).toBe(400);
    expect(Object.keys(refused.body.error.fields)).toEqual(['rewardId']);

    const preview = await api()('POST', '/segments/rfm:about_to_sleep/gifts', { kind: 'reward', rewardId: reward.id, preview: true });
    expect(preview.body.preview).toMatchObject({
      count: 2,
      cost: { pointsEach: 400, points: 800, valueMinorEach: 1000, valueMinor: 2000 },
    });
    const created = await api()('POST', '/segments/rfm:about_to_sleep/gifts', { kind: 'reward', rewardId: reward.id });
    expect(created.status).toBe(202);
    await runGift(app.db.pool, app.programs, created.body.gift.id);
    await app.prisma.segmentGift.update({ where: { id: created.body.gift.id }, data: { status: 'failed' } });
    await runGift(app.db.pool, app.programs, created.body.gift.id);
    const given = await app.prisma.redemption.findMany({ where: { shop: DEV_SHOP, rewardId: reward.id } });
    expect(given.map((r) => r.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(given.every((r) => r.points === 0)).toBe(true);
    expect(await giftOf(created.body.gift.id)).toMatchObject({ status: 'done', total: 2, done: 2 });
    await app.prisma.reward.updateMany({ where: { id: { in: [reward.id, slider.id] } }, data: { enabled: false } });
  });

  it("answers 404 for a segment or gift that is not the shop's", async () => {
    expect((await api()('POST', '/segments/seg_nope/gifts', { kind: 'points', points: 1 })).status).toBe(404);
    expect((await api()('GET', '/segments/gifts/gift_nope')).status).toBe(404);
  });
});
