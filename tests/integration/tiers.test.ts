// VIP tiers through the real paths: signed webhooks move members up at once,
// refunds never move them down at once, the review job applies the downgrade
// policy (in the shop's time zone), merchants assign tiers by hand, and an
// edit changes exactly the members its preview named. Runs on PGlite and
// PostgreSQL, with the doctor after every test.
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { onPrisma, reviewTiers } from '../../web/jobs/review-tiers.js';
import { useTestApp, withProgramSettings, withTierPolicy } from '../helpers/app.js';
import { delivery, send } from '../helpers/webhooks.js';
import { customerPayload } from '../../dev/payloads.js';
import { HUNDRED, newCustomer, order, refund } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { adminApi as admin } from '../helpers/admin.js';

const app = useTestApp({ checkLedger: true });

const DAY = 86_400_000;
const deliver = async (topic: string, payload: unknown) => {
  const [res] = await send(app.url, delivery(topic, payload));
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
};
const tiers = async () => Object.fromEntries((await app.prisma.tier.findMany({ where: { shop: DEV_SHOP } })).map((t) => [t.name, t.id]));
const memberOf = (customerId: string) =>
  app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId } } });
const changesOf = (memberId: string) => app.prisma.tierChange.findMany({ where: { memberId }, orderBy: { createdAt: 'asc' } });
/** `units` points' worth of line items (1 point per unit of currency). */
const lines = (units: number) => [{ title: 'Gift box', priceMinor: units * 100, quantity: 1 }];
const review = (now: Date) => reviewTiers(app.prisma, app.programs, now, onPrisma(app.prisma));

describe('VIP tiers', () => {
  it('gives a new member the lowest tier at signup, shown in the storefront with what the next one needs', async () => {
    const c = newCustomer('bronze');
    await deliver('orders/paid', order({ customer: c, lines: HUNDRED }).payload);
    const m = await memberOf(c.id);
    expect(m.tierId).toBe((await tiers()).Bronze);
    const { body } = await proxyApi(app.url, 'GET', '/member', c.id.split('/').pop()!);
    // 100 signup points are available; the order's 100 are pending and do not count yet.
    expect(body.member.tier).toMatchObject({ id: m.tierId, name: 'Bronze' });
    expect(body.member.nextTier).toEqual({ id: (await tiers()).Silver, name: 'Silver', remaining: 400, basis: 'points-earned' });
  });

  it('moves a member across two tiers with one order, once, with a change record and an event', async () => {
    const c = newCustomer('gold');
    await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, async () => {
      await deliver('orders/paid', order({ customer: c, lines: lines(1500) }).payload);
    });
    const m = await memberOf(c.id);
    expect(m.tierId).toBe((await tiers()).Gold);
    const changes = await changesOf(m.id);
    expect(changes.map((ch) => [ch.fromName, ch.toName, ch.reason])).toEqual([['Bronze', 'Gold', 'upgrade']]);
    const events = await app.prisma.event.findMany({ where: { memberId: m.id, type: 'tier.changed' } });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ toName: 'Gold', direction: 'up' });
    const { body } = await proxyApi(app.url, 'GET', '/member', c.id.split('/').pop()!);
    expect(body.member.tier.name).toBe('Gold');
    expect(body.member.nextTier).toBeNull();
  });

  it('moves a member up on an admin adjustment even when the clock ticks between the entry and its event (the review counts the entry it reacts to)', async () => {
    const c = newCustomer('adjust-tick');
    await deliver('customers/create', customerPayload(c));
    const before = await memberOf(c.id);
    expect(before.tierId).toBe((await tiers()).Bronze);
    // A loaded machine crosses a millisecond between two `new Date()`s: here every one does.
    const RealDate = Date;
    let t = RealDate.now();
    class TickingDate extends RealDate {
      constructor(...args: ConstructorParameters<typeof Date> | []) {
        if (args.length === 0) super((t += 1));
        else super(...(args as ConstructorParameters<typeof Date>));
      }
      static override now() {
        return (t += 1);
      }
    }
    globalThis.Date = TickingDate as DateConstructor;
    try {
      const res = await adminApi(app.url, 'POST', `/members/${before.id}/adjustments`, { points: 600, reason: 'Tick' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    } finally {
      globalThis.Date = RealDate;
    }
    expect((await memberOf(c.id)).tierId).toBe((await tiers()).Silver);
  });

  it('counts pending points only once released', async () => {
    const c = newCustomer('pending');
    const o = order({ customer: c, lines: lines(600) });
    await deliver('orders/paid', o.payload);
    expect((await memberOf(c.id)).tierId).toBe((await tiers()).Bronze);
    const released = await adminApi(app.url, 'POST', '/orders/release', { orderId: o.facts.orderId });
    expect(released.body.released).toBe(600);
    expect((await memberOf(c.id)).tierId).toBe((await tiers()).Silver);
  });

  it('does not downgrade on a refund; the review job downgrades when the retention ends', async () => {
    const c = newCustomer('refund');
    const o = order({ customer: c, lines: [{ title: 'Coat', priceMinor: 50_000, quantity: 3 }] });
    await withTierPolicy(app, DEV_SHOP, { downgrade: { kind: 'after-retention', months: 1 } }, async () => {
      await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () => deliver('orders/paid', o.payload));
      const gold = await memberOf(c.id);
      expect(gold.tierId).toBe((await tiers()).Gold);
      // Two coats of three come back: 100 + 500 points are left, Silver's worth.
      await deliver('refunds/create', refund(o.facts, { fraction: 2 / 3 }));
      expect((await memberOf(c.id)).pointsAvailable).toBe(600);
      expect((await memberOf(c.id)).tierId).toBe((await tiers()).Gold);
      await review(new Date());
      expect((await memberOf(c.id)).tierId).toBe((await tiers()).Gold);
      const afterRetention = new Date(gold.tierKeptUntil!.getTime() + DAY);
      const result = await review(afterRetention);
      expect(result.failures).toEqual([]);
      const silver = await memberOf(c.id);
      expect(silver.tierId).toBe((await tiers()).Silver);
      expect((await changesOf(silver.id)).map((ch) => [ch.toName, ch.reason])).toEqual([
        ['Gold', 'upgrade'],
        ['Silver', 'downgrade'],
      ]);
    });
  });

  it('rolls a calendar-year period over at local midnight in the shop time zone (Europe/Warsaw)', async () => {
    const c = newCustomer('calendar');
    await withTierPolicy(app, DEV_SHOP, { period: 'calendar-year', downgrade: { kind: 'end-of-period' } }, async () => {
      await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () =>
        deliver('orders/paid', order({ customer: c, lines: lines(500) }).payload),
      );
      const silver = await memberOf(c.id);
      expect(silver.tierId).toBe((await tiers()).Silver);
      const year = new Date().getUTCFullYear();
      // 31 December 23:30 in Warsaw is 22:30 UTC: still this year, the tier holds.
      await review(new Date(`${year}-12-31T22:30:00Z`));
      expect((await memberOf(c.id)).tierId).toBe((await tiers()).Silver);
      // 00:30 on 1 January in Warsaw (23:30 UTC on 31 December): a new year with no progress.
      await review(new Date(`${year}-12-31T23:30:00Z`));
      expect((await memberOf(c.id)).tierId).toBe((await tiers()).Bronze);
    });
  });

  it('lets an admin assign a tier with a lock, which wins until it ends', async () => {
    const c = newCustomer('manual');
    await deliver('orders/paid', order({ customer: c, lines: HUNDRED }).payload);
    const m = await memberOf(c.id);
    const lockedUntil = new Date(Date.now() + 30 * DAY);
    const assigned = await adminApi(app.url, 'POST', `/members/${m.id}/tier`, {
      tierId: (await tiers()).Gold,
      lockedUntil: lockedUntil.toISOString(),
      reason: 'Influencer partnership',
    });
    expect(assigned.status).toBe(201);
    expect(assigned.body.member.tier).toMatchObject({ name: 'Gold', reason: 'manual' });
    const read = await adminApi(app.url, 'GET', `/members/${m.id}/tier`);
    expect(read.body.tier).toMatchObject({ name: 'Gold', reason: 'manual' });
    expect(read.body.history[0]).toMatchObject({ toName: 'Gold', reason: 'manual', actor: '4242', note: 'Influencer partnership' });
    await review(new Date(Date.now() + 10 * DAY));
    expect((await memberOf(c.id)).tierId).toBe((await tiers()).Gold);
    await review(new Date(lockedUntil.getTime() + DAY));
    expect((await memberOf(c.id)).tierId).toBe((await tiers()).Bronze);
    const bad = await adminApi(app.url, 'POST', `/members/${m.id}/tier`, { tierId: 'nope', reason: 'x' });
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['reason', 'tierId']);
  });

  it('applies an edit that lowers a threshold to exactly the members its preview named', async () => {
    const current = await adminApi(app.url, 'GET', '/tiers');
    expect(current.body.tiers.map((t: { name: string }) => t.name)).toEqual(['Bronze', 'Silver', 'Gold']);
    const edited = current.body.tiers.map((t: { name: string; threshold: number }) => (t.name === 'Silver' ? { ...t, threshold: 250 } : t));
    const input = { tiers: edited, policy: current.body.policy };
    const preview = await adminApi(app.url, 'POST', '/tiers/preview?sample=1000', input);
    expect(preview.status).toBe(200);
    expect(preview.body.preview.up).toBeGreaterThan(0);
    expect(preview.body.preview.down).toBe(0);
    const named = preview.body.preview.sample.map((s: { memberId: string; to: string }) => `${s.memberId} → ${s.to}`).sort();
    expect(named).toHaveLength(preview.body.preview.up);
    expect(preview.body.preview.sample.filter((s: { to: string }) => s.to === 'Silver').length).toBeGreaterThan(0);

    const since = new Date();
    const applied = await adminApi(app.url, 'PUT', '/tiers', input);
    expect(applied.body.applied).toMatchObject({ up: preview.body.preview.up, down: 0 });
    const moved = await app.prisma.tierChange.findMany({ where: { shop: DEV_SHOP, reason: 'edit', createdAt: { gte: since } } });
    expect(moved.map((ch) => `${ch.memberId} → ${ch.toName}`).sort()).toEqual(named);
    const after = await adminApi(app.url, 'GET', '/tiers');
    expect(after.body.tiers.find((t: { name: string }) => t.name === 'Silver').threshold).toBe(250);
    // Put it back: the members who went up stay (retention), nobody is lost.
    await adminApi(app.url, 'PUT', '/tiers', current.body);
  });

  it('streams the progress of an edit when asked for NDJSON, ending with what it applied', async () => {
    const current = await adminApi(app.url, 'GET', '/tiers');
    const edited = current.body.tiers.map((t: { name: string; threshold: number }) => (t.name === 'Gold' ? { ...t, threshold: 400 } : t));
    const input = { tiers: edited, policy: current.body.policy };
    const preview = await adminApi(app.url, 'POST', '/tiers/preview', input);
    const ndjson = { accept: 'application/x-ndjson' };
    const res = await admin(app.url)('PUT', '/tiers', input, ndjson);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const progress = lines.slice(0, -1).map((l) => l.progress);
    expect(progress[0]).toEqual({ stage: 'computing', done: 0, total: 0 });
    const writing = progress.filter((p) => p.stage === 'writing');
    expect(writing[0].done).toBe(0);
    expect(writing.at(-1).done).toBe(writing.at(-1).total);
    expect(writing.at(-1).total).toBeGreaterThanOrEqual(preview.body.preview.up);
    expect(lines.at(-1).applied).toMatchObject({ up: preview.body.preview.up, down: 0 });
    // A refused edit is a plain 400 before any streaming.
    const refused = await admin(app.url)('PUT', '/tiers', { ...input, tiers: [] }, ndjson);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toHaveProperty('tiers');
    await adminApi(app.url, 'PUT', '/tiers', current.body);
  });

  it('refuses an invalid edit with field errors and changes nothing', async () => {
    const current = await adminApi(app.url, 'GET', '/tiers');
    const res = await adminApi(app.url, 'PUT', '/tiers', {
      tiers: [
        { name: 'Bronze', threshold: 10 },
        { name: '', threshold: 20, perks: { entryRewardId: 'missing' } },
      ],
      policy: { ...current.body.policy, downgrade: { kind: 'after-retention', months: 0 } },
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['policy.downgrade.months', 'tiers.0.threshold', 'tiers.1.name']);
    expect((await adminApi(app.url, 'GET', '/tiers')).body).toEqual(current.body);
  });

  it('lets only the tiers a reward names redeem it, and shows it to the others as locked', async () => {
    const t = await tiers();
    const reward = await app.prisma.reward.create({
      data: { shop: DEV_SHOP, type: 'fixed-amount', name: 'Gold gift', config: { pointsCost: 100, amountMinor: 1000 }, tierIds: [t.Gold!] },
    });
    const bronze = newCustomer('locked');
    await deliver('orders/paid', order({ customer: bronze, lines: HUNDRED }).payload);
    const numeric = bronze.id.split('/').pop()!;
    const listed = (await proxyApi(app.url, 'GET', '/rewards', numeric)).body.rewards.find((r: { id: string }) => r.id === reward.id);
    expect(listed).toMatchObject({ eligible: false, affordable: true, tiers: [{ id: t.Gold, name: 'Gold' }] });
    const refused = await proxyApi(app.url, 'POST', '/redemptions', numeric, { rewardId: reward.id, idempotencyKey: `vip-${numeric}` });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('NOT_ELIGIBLE');
    const m = await memberOf(bronze.id);
    expect(m.pointsAvailable).toBe(100);

    await adminApi(app.url, 'POST', `/members/${m.id}/tier`, { tierId: t.Gold, lockedUntil: null, reason: 'VIP test' });
    const redeemed = await proxyApi(app.url, 'POST', '/redemptions', numeric, { rewardId: reward.id, idempotencyKey: `vip2-${numeric}` });
    expect(redeemed.status).toBe(201);
    await app.prisma.reward.update({ where: { id: reward.id }, data: { enabled: false } });
  });

  it('counts amount spent at payment (no pending wait) when that is the basis, net of refunds', async () => {
    const c = newCustomer('spender');
    const o = order({ customer: c, lines: [{ title: 'Lamp', priceMinor: 1000, quantity: 2 }] });
    // Thresholds read as minor units now: Silver at 5.00, Gold at 15.00.
    await withTierPolicy(app, DEV_SHOP, { basis: 'amount-spent' }, async () => {
      await deliver('orders/paid', o.payload);
      expect((await memberOf(c.id)).tierId).toBe((await tiers()).Gold);
      const { body } = await proxyApi(app.url, 'GET', '/member', c.id.split('/').pop()!);
      expect(body.member.tierProgress).toMatchObject({ value: 2000, basis: 'amount-spent' });
      await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
      const after = await proxyApi(app.url, 'GET', '/member', c.id.split('/').pop()!);
      expect(after.body.member.tierProgress.value).toBe(1000);
      expect(after.body.member.tier.name).toBe('Gold'); // kept: refunds never downgrade at once
    });
  });

  it('previews a switch to the orders basis from the orders themselves', async () => {
    const current = await adminApi(app.url, 'GET', '/tiers');
    const policy = { ...current.body.policy, basis: 'orders', period: 'lifetime' };
    const edited = current.body.tiers.map((t: { name: string }, i: number) => ({ ...t, threshold: [0, 1, 3][i] }));
    const preview = await adminApi(app.url, 'POST', '/tiers/preview?sample=1000', { tiers: edited, policy });
    expect(preview.status).toBe(200);
    const withOrders = await app.prisma.order.groupBy({
      by: ['memberId'],
      where: { shop: DEV_SHOP, memberId: { not: null }, earnBaseMinor: { not: null }, cancelledAt: null },
      _count: true,
    });
    const gold = withOrders.filter((g) => g._count >= 3).length;
    expect(preview.body.preview.byTier.find((t: { name: string }) => t.name === 'Gold').after).toBeGreaterThanOrEqual(gold > 0 ? 1 : 0);
    expect(preview.body.preview.byTier.reduce((s: number, t: { after: number }) => s + t.after, 0)).toBe(
      await app.prisma.member.count({ where: { shop: DEV_SHOP, redactedAt: null } }),
    );
  });

  it("applies a tier's perks: the earning multiplier, and an entry reward granted once per entry and issued right after commit (no issue job)", async () => {
    const current = await adminApi(app.url, 'GET', '/tiers');
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const perks = (name: string) => (name === 'Silver' ? { multiplier: '2', entryRewardId: reward.id } : {});
    const edited = current.body.tiers.map((t: { name: string; perks: object }) => ({ ...t, perks: { ...t.perks, ...perks(t.name) } }));
    expect((await adminApi(app.url, 'PUT', '/tiers', { tiers: edited, policy: current.body.policy })).status).toBe(200);
    try {
      const c = newCustomer('perks');
      await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () =>
        deliver('orders/paid', order({ customer: c, lines: lines(450) }).payload),
      );
      const m = await memberOf(c.id);
      expect(m.tierId).toBe((await tiers()).Silver);
      await app.jobs.events!.settle(); // reward.granted/issue-reward makes the first attempt after commit
      const granted = await app.prisma.redemption.findMany({ where: { memberId: m.id } });
      expect(granted).toMatchObject([
        { rewardId: reward.id, points: 0, status: 'ISSUED', attempts: 1, code: expect.stringMatching(/^TALLY-/) },
      ]);
      expect(granted[0]!.idempotencyKey).toMatch(/^tier-entry:/);
      expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === granted[0]!.code)).toHaveLength(1);
      const events = async (type: string) => (await adminApi(app.url, 'GET', `/events?type=${type}&memberId=${m.id}`)).body.events;
      expect(await events('reward.granted')).toMatchObject([
        { data: { redemptionId: granted[0]!.id }, deliveries: [{ subscriber: 'reward.granted/issue-reward', status: 'done' }] },
      ]);
      expect((await events('reward.issued')).map((e: { data: { redemptionId: string } }) => e.data.redemptionId)).toEqual([granted[0]!.id]);
      // Silver earns double: 100 points' worth of goods → 200 pending.
      await deliver('orders/paid', order({ customer: c, lines: HUNDRED }).payload);
      expect((await memberOf(c.id)).pointsPending).toBe(200);
      expect(await app.prisma.redemption.count({ where: { memberId: m.id } })).toBe(1);
    } finally {
      await adminApi(app.url, 'PUT', '/tiers', current.body);
    }
  });
});
