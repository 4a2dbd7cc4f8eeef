// Reactions as subscribers (web/subscribers/<event>/<reaction>.ts), through
// the real paths: the events the engine emits for what it decided (a tier
// downgrade coming, a referral reversed, a birthday), each once with its
// cause; an in-transaction subscriber that throws takes its cause down with
// it (the webhook answers 5xx, nothing is written, Shopify's retry applies it
// once); and a chain of reactions that would not end is stopped.
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { transaction } from '../../web/db/sql.js';
import { emit, MAX_REACTION_DEPTH, ReactionLoop } from '../../web/events/emit.js';
import { addTestSubscriber } from '../../web/events/registry.js';
import { awardCalendarRules } from '../../web/jobs/calendar-rules.js';
import { releaseDuePoints } from '../../web/jobs/release-pending-points.js';
import { onPrisma, reviewTiers } from '../../web/jobs/review-tiers.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { useTestApp, withProgramSettings, withTierPolicy } from '../helpers/app.js';
import { HUNDRED, newCustomer, order, refund } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { delivery, send } from '../helpers/webhooks.js';
import { createMember } from './jobs/support.js';

// The release, review and calendar jobs are driven by hand, at chosen times.
const app = useTestApp({ env: { TALLY_WORKER: 'false' }, checkLedger: true });
const DAY = 86_400_000;

const removals: Array<() => void> = [];
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
});

interface ApiEvent {
  id: string;
  type: string;
  memberId: string | null;
  cause: string;
  data: Record<string, unknown>;
}
const eventsOf = async (type: string, memberId: string): Promise<ApiEvent[]> => {
  const res = await adminApi(app.url, 'GET', `/events?type=${type}&memberId=${memberId}`);
  expect(res.status).toBe(200);
  return res.body.events as ApiEvent[];
};
const deliver = async (topic: string, payload: unknown) => {
  const [res] = await send(app.url, delivery(topic, payload));
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
};
const memberOf = (customerId: string) =>
  app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId } } });

describe('tier.at_risk', () => {
  it('tells a member once per tier period that the tier they keep goes within 30 days, and not one whose progress keeps it', async () => {
    const tiers = Object.fromEntries((await app.prisma.tier.findMany({ where: { shop: DEV_SHOP } })).map((t) => [t.name, t]));
    const slipping = newCustomer('at-risk');
    const safe = newCustomer('not-at-risk');
    const o = order({ customer: slipping, lines: [{ title: 'Coat', priceMinor: 50_000, quantity: 3 }] });
    await withTierPolicy(app, DEV_SHOP, { downgrade: { kind: 'after-retention', months: 2 } }, async () => {
      await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, async () => {
        await deliver('orders/paid', o.payload);
        await deliver('orders/paid', order({ customer: safe, lines: [{ title: 'Coat', priceMinor: 50_000, quantity: 3 }] }).payload);
      });
      // Two coats of three come back: Gold is kept for two months, but 100 + 500 points only earn Silver.
      await deliver('refunds/create', refund(o.facts, { fraction: 2 / 3 }));
      const gold = await memberOf(slipping.id);
      expect(gold.tierId).toBe(tiers.Gold!.id);
      const keptUntil = gold.tierKeptUntil!;

      const review = async (at: Date) =>
        expect((await reviewTiers(app.prisma, app.programs, at, onPrisma(app.prisma))).failures).toEqual([]);
      await review(new Date(keptUntil.getTime() - 40 * DAY)); // further off than 30 days: nothing yet
      expect(await eventsOf('tier.at_risk', gold.id)).toEqual([]);
      await review(new Date(keptUntil.getTime() - 20 * DAY));
      await review(new Date(keptUntil.getTime() - 10 * DAY)); // the same period: told once
      const told = await eventsOf('tier.at_risk', gold.id);
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({
        cause: 'job:review-tiers',
        data: { tierId: tiers.Gold!.id, tierName: 'Gold', keptUntil: keptUntil.toISOString(), pointsShort: tiers.Gold!.threshold - 600 },
      });
      expect((await memberOf(slipping.id)).tierId).toBe(tiers.Gold!.id); // a warning, not a move
      expect(await eventsOf('tier.at_risk', (await memberOf(safe.id)).id)).toEqual([]);
    });
  });
});

describe('referral.reversed', () => {
  it("is emitted once, caused by the friend's order, when that order is refunded in full after the referrer was rewarded", async () => {
    const c = newCustomer('referrer');
    const referrer = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email, firstName: 'Rita' } });
    const code = (await proxyApi(app.url, 'GET', '/member', c.id)).body.member.referral.code as string;
    const q = signedProxyQuery({ shop: DEV_SHOP, customerId: null }, DEV_API_SECRET);
    const visit = await fetch(`${app.url}/proxy/referrals/visits?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.200.0.1' },
      body: JSON.stringify({ code, deviceId: crypto.randomUUID() }),
    });
    expect(visit.status).toBe(201);
    const offerCode = ((await visit.json()) as { offer: { code: string } }).offer.code;
    const o = order({ lines: HUNDRED, customer: newCustomer('friend'), discountCode: offerCode });
    await deliver('orders/paid', o.payload);
    await releaseDuePoints(app.prisma, new Date(Date.now() + 31 * DAY), app.programs);
    expect(await eventsOf('referral.reversed', referrer.id)).toEqual([]);

    const refunded = refund(o.facts, { fraction: 1 });
    await deliver('refunds/create', refunded);
    await deliver('refunds/create', refunded); // Shopify's retry of the same refund
    const referral = await app.prisma.referral.findFirstOrThrow({ where: { shop: DEV_SHOP, offerCode } });
    expect(referral.status).toBe('REVERSED');
    const reversed = await eventsOf('referral.reversed', referrer.id);
    expect(reversed).toHaveLength(1);
    expect(reversed[0]).toMatchObject({ cause: `order:${o.facts.orderId}`, data: { referralId: referral.id, orderId: o.facts.orderId } });
  });
});

describe('birthday.reached', () => {
  it('is emitted once with the birthday award, caused by it', async () => {
    const birthday = await app.prisma.earnRule.create({
      data: { shop: DEV_SHOP, type: 'birthday', name: 'Birthday', config: { points: 200 } },
    });
    app.programs.forget(DEV_SHOP);
    const member = await createMember(app, { birthday: new Date('1990-04-15') });
    await awardCalendarRules(app.prisma, app.programs, new Date('2030-04-12T09:00:00Z'));
    await awardCalendarRules(app.prisma, app.programs, new Date('2030-04-20T09:00:00Z'));
    const events = await eventsOf('birthday.reached', member.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ cause: `birthday:${birthday.id}:${member.id}:2030`, data: { birthday: '04-15' } });
  });
});

describe("an order's own events", () => {
  it('emits order.paid once when the order is first paid and order.released once when its pending period ends', async () => {
    const c = newCustomer('order-events');
    const o = order({ customer: c, lines: HUNDRED, updatedAt: new Date() });
    const id = o.facts.orderId.split('/').pop()!;
    await deliver(
      'orders/create',
      order({ customer: c, lines: HUNDRED, id, financialStatus: 'pending', updatedAt: new Date(Date.now() - 60_000) }).payload,
    );
    await deliver('orders/paid', o.payload);
    await deliver('orders/paid', o.payload); // a second delivery of the same state
    const member = await memberOf(c.id);
    const paid = await eventsOf('order.paid', member.id);
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({
      cause: `order:${o.facts.orderId}`,
      data: { orderId: o.facts.orderId, points: 100, spentMinor: 10_000, discountCodes: [], referralCode: null },
    });
    expect(await eventsOf('order.released', member.id)).toEqual([]);
    await releaseDuePoints(app.prisma, new Date(Date.now() + 31 * DAY), app.programs);
    await releaseDuePoints(app.prisma, new Date(Date.now() + 32 * DAY), app.programs);
    const released = await eventsOf('order.released', member.id);
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({
      cause: `order:${o.facts.orderId}`,
      data: { orderId: o.facts.orderId, points: 100, spentMinor: 10_000 },
    });
  });
});

describe('in-transaction subscribers', () => {
  it("roll their cause back when they throw: the webhook answers 5xx, nothing is written, and Shopify's retry applies it once", async () => {
    let failing = true;
    removals.push(
      addTestSubscriber('breaks-pending', {
        on: 'points.pending',
        mode: 'in-transaction',
        handle() {
          if (failing) throw new Error('the reaction failed');
        },
      }),
    );
    const c = newCustomer('rollback');
    const o = order({ customer: c, lines: HUNDRED });
    const d = delivery('orders/paid', o.payload);
    const [first] = await send(app.url, d);
    expect(first!.status).toBeGreaterThanOrEqual(500);
    expect(await app.prisma.member.count({ where: { shop: DEV_SHOP, customerId: c.id } })).toBe(0);
    expect(await app.prisma.order.count({ where: { shop: DEV_SHOP, orderId: o.facts.orderId } })).toBe(0);
    expect(await app.prisma.pointEntry.count({ where: { shop: DEV_SHOP, orderId: o.facts.orderId } })).toBe(0);
    expect(await app.prisma.event.count({ where: { shop: DEV_SHOP, cause: { contains: o.facts.orderId } } })).toBe(0);
    expect(await app.prisma.webhookDelivery.count({ where: { shop: DEV_SHOP, eventId: d.headers['x-shopify-event-id'] } })).toBe(0);

    failing = false;
    const [retry] = await send(app.url, d);
    expect(retry!.status).toBe(200);
    const [again] = await send(app.url, d);
    expect(again!.status).toBe(200);
    const member = await memberOf(c.id);
    expect(member.pointsPending).toBe(100);
    expect(await app.prisma.pointEntry.count({ where: { shop: DEV_SHOP, orderId: o.facts.orderId } })).toBe(1);
    expect(await eventsOf('points.pending', member.id)).toHaveLength(1);
  });

  it('stop a chain of reactions that does not end, rolling the cause back', async () => {
    const member = await createMember(app);
    let depth = 0;
    removals.push(
      addTestSubscriber('echo', {
        on: 'birthday.reached',
        mode: 'in-transaction',
        async handle(event, { sql }) {
          depth += 1;
          await emit(sql, {
            type: 'birthday.reached',
            shop: event.shop,
            memberId: event.memberId,
            cause: `echo:${depth}`,
            data: { birthday: '01-01' },
          });
        },
      }),
    );
    const started = transaction(app.db.pool, (sql) =>
      emit(sql, { type: 'birthday.reached', shop: DEV_SHOP, memberId: member.id, cause: 'test', data: { birthday: '01-01' } }),
    );
    await expect(started).rejects.toThrow(ReactionLoop);
    expect(depth).toBe(MAX_REACTION_DEPTH);
    expect(await app.prisma.event.count({ where: { memberId: member.id } })).toBe(0);
  });
});

describe('order.paid and order.spend_changed review amount-spent tiers', () => {
  /** Runs `fn` with the shop's order earn rules off, so orders count toward spend tiers without earning points. */
  async function withoutOrderPoints<T>(fn: () => Promise<T>): Promise<T> {
    const rules = await app.prisma.earnRule.findMany({ where: { shop: DEV_SHOP, enabled: true }, select: { id: true } });
    await app.prisma.earnRule.updateMany({ where: { id: { in: rules.map((r) => r.id) } }, data: { enabled: false } });
    app.programs.forget(DEV_SHOP);
    try {
      return await fn();
    } finally {
      await app.prisma.earnRule.updateMany({ where: { id: { in: rules.map((r) => r.id) } }, data: { enabled: true } });
      app.programs.forget(DEV_SHOP);
    }
  }

  it('moves a member up by an order that earns no points (order.paid) and by an edit that makes an order count for more (order.spend_changed)', async () => {
    const tiers = Object.fromEntries((await app.prisma.tier.findMany({ where: { shop: DEV_SHOP } })).map((t) => [t.name, t]));
    await withTierPolicy(app, DEV_SHOP, { basis: 'amount-spent' }, () =>
      withoutOrderPoints(async () => {
        // No points: only order.paid's review can move this member (thresholds read as minor units).
        const big = newCustomer('spend-paid');
        await deliver(
          'orders/paid',
          order({ customer: big, lines: [{ title: 'Sofa', priceMinor: tiers.Gold!.threshold + 1000, quantity: 1 }] }).payload,
        );
        const bigMember = await memberOf(big.id);
        expect(bigMember.pointsAvailable + bigMember.pointsPending).toBe(0);
        expect(bigMember.tierId).toBe(tiers.Gold!.id);
        expect(await eventsOf('points.pending', bigMember.id)).toEqual([]);
        expect(await eventsOf('order.spend_changed', bigMember.id)).toEqual([]);

        // Below Silver, then edited above Gold: the order's spend changes without points.
        const small = newCustomer('spend-edit');
        const id = `${Date.now()}77`;
        const first = order({
          customer: small,
          id,
          lines: [{ title: 'Cup', priceMinor: tiers.Silver!.threshold - 100, quantity: 1 }],
          updatedAt: new Date(Date.now() - 60_000),
        });
        await deliver('orders/paid', first.payload);
        expect((await memberOf(small.id)).tierId).toBe(tiers.Bronze!.id);
        const edited = order({
          customer: small,
          id,
          lines: [
            { title: 'Cup', priceMinor: tiers.Silver!.threshold - 100, quantity: 1 },
            { title: 'Sofa', priceMinor: tiers.Gold!.threshold, quantity: 1 },
          ],
        });
        await deliver('orders/updated', edited.payload);
        const member = await memberOf(small.id);
        const stored = await app.prisma.order.findFirstOrThrow({ where: { shop: DEV_SHOP, orderId: first.facts.orderId } });
        expect(stored.spentMinor).toBeGreaterThanOrEqual(tiers.Gold!.threshold);
        expect(member.tierId).toBe(tiers.Gold!.id);
        const changes = await eventsOf('order.spend_changed', member.id);
        expect(changes).toHaveLength(1);
        expect(changes[0]).toMatchObject({
          cause: `order:${first.facts.orderId}`,
          data: { orderId: first.facts.orderId, afterMinor: stored.spentMinor },
        });
        expect(changes[0]!.data.beforeMinor).toBeLessThan(tiers.Silver!.threshold);
        // A second delivery of the same state changes nothing.
        await deliver('orders/updated', edited.payload);
        expect(await eventsOf('order.spend_changed', member.id)).toHaveLength(1);
      }),
    );
  });
});
