// Commands to Shopify (web/shopify/commands.ts): issuing a reward and taking
// store credit back share one state machine. An answer lost in transit holds
// the command as NEEDS_REVIEW and Shopify is never asked twice; an admin
// settles it; a transient failure is retried by the issue job and the reward
// issued exactly once; reward.issued / failed / used / expiring_soon are each
// emitted once, as GET /api/admin/events shows them.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { grantReward, issueRedemption, redemptionCommand, remindExpiringCodes, startRedemption } from '../../web/loyalty/redemptions.js';
import { debitCommand } from '../../web/loyalty/store-credit-debits.js';
import { dueCommands } from '../../web/shopify/commands.js';
import { transaction } from '../../web/db/sql.js';
import { issuePendingRedemptions } from '../../web/jobs/issue-redemption.js';
import { subscribers } from '../../web/subscribers/index.js';
import type { StoredEvent } from '../../web/events/catalog.js';
import type { Subscriber } from '../../web/events/subscriber.js';
import { useTestApp } from '../helpers/app.js';
import { delivery, send } from '../helpers/webhooks.js';
import { newCustomer, order } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' }, resetStandin: true, checkLedger: true });
const DAY = 86_400_000;

async function memberWith(points: number) {
  const c = newCustomer('command');
  const m = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email } });
  await app.prisma.$transaction((tx) =>
    adjust(tx, { shop: DEV_SHOP, memberId: m.id, points, reason: 'test balance', actor: 'test', idempotencyKey: `test:${m.id}` }),
  );
  return { ...c, numeric: c.id.split('/').pop()!, memberId: m.id };
}

const redeem = (customer: string, rewardId: string) =>
  proxyApi(app.url, 'POST', '/redemptions', customer, { rewardId, idempotencyKey: randomUUID() });
const available = async (memberId: string) =>
  Number((await app.prisma.member.findUniqueOrThrow({ where: { id: memberId } })).pointsAvailable);
const jobDeps = () => ({
  prisma: app.prisma,
  pool: app.db.pool,
  admin: app.admin,
  programs: app.programs,
  logger: pino({ level: 'silent' }),
});
/** The calls of one mutation (its root field) that reached the stand-in, whatever it answered. */
const calls = (field: string) => app.standin!.state.requests.filter((r) => r.fields.includes(field)).length;
/** …and of those, the ones it carried out. */
const carriedOut = (field: string) => app.standin!.state.requests.filter((r) => r.fields.includes(field) && r.outcome === 'ok').length;

/** The events of one type about one redemption, as the admin's Activity API lists them. */
async function eventsAbout(type: string, redemptionId: string) {
  const res = await adminApi(app.url, 'GET', `/events?type=${type}&limit=200`);
  expect(res.status).toBe(200);
  return (res.body.events as Array<{ type: string; data: { redemptionId?: string } }>).filter((e) => e.data.redemptionId === redemptionId);
}

async function storeCreditReward() {
  const reward = await app.prisma.reward.create({
    data: { shop: DEV_SHOP, type: 'store-credit', name: `Store credit ${randomUUID()}`, config: { pointsCost: 400, amountMinor: 500 } },
  });
  app.programs.forget(DEV_SHOP);
  return reward;
}

describe('an answer Shopify lost', () => {
  it('holds the store credit as NEEDS_REVIEW and never asks Shopify again, neither the job nor another attempt', async () => {
    const m = await memberWith(1000);
    const reward = await storeCreditReward();
    const before = calls('storeCreditAccountCredit');
    app.standin!.control.failNext('networkDrop', { field: 'storeCreditAccountCredit', afterExecute: true });
    const res = await redeem(m.numeric, reward.id);
    expect(res.body.redemption.status).toBe('pending'); // to the shopper it is still on its way
    const id = res.body.redemption.id as string;
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'NEEDS_REVIEW', attempts: 1 });

    expect(await issueRedemption(app.db.pool, app.admin, id)).toBe('review');
    await issuePendingRedemptions({}, jobDeps(), new Date(Date.now() + 30 * DAY));
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'NEEDS_REVIEW', attempts: 1 });
    // The one call that reached Shopify (its answer lost), and no other.
    expect(calls('storeCreditAccountCredit') - before).toBe(1);
    expect(Number(app.standin!.state.storeCredit(DEV_SHOP, m.id)[0]!.balance)).toBe(5);
    expect(await available(m.memberId)).toBe(600);
    expect(await eventsAbout('reward.issued', id)).toEqual([]);
    expect(await eventsAbout('reward.failed', id)).toEqual([]);
  });

  it('holds store credit whose first attempt never recorded its answer (its process died mid-call) for review, after giving it time, instead of crediting again', async () => {
    const m = await memberWith(1000);
    const reward = await storeCreditReward();
    // A redemption whose first attempt was claimed and never came back.
    const r = await app.prisma.redemption.create({
      data: {
        shop: DEV_SHOP,
        memberId: m.memberId,
        rewardId: reward.id,
        points: 0,
        valueMinor: 500,
        currencyCode: 'USD',
        idempotencyKey: `crashed-${randomUUID()}`,
        attempts: 1,
      },
    });
    const before = calls('storeCreditAccountCredit');
    await issuePendingRedemptions({}, jobDeps(), new Date(r.createdAt.getTime() + 60_000)); // it may still be waiting for Shopify
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: r.id } })).toMatchObject({ status: 'PENDING', attempts: 1 });
    await issuePendingRedemptions({}, jobDeps(), new Date(r.createdAt.getTime() + 10 * 60_000));
    expect(calls('storeCreditAccountCredit') - before).toBe(0);
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: r.id } })).status).toBe('NEEDS_REVIEW');
  });

  it('is settled by the admin once: credited → issued (reward.issued once), and a second settlement is refused', async () => {
    const m = await memberWith(1000);
    const reward = await storeCreditReward();
    app.standin!.control.failNext('networkDrop', { field: 'storeCreditAccountCredit', afterExecute: true });
    const id = (await redeem(m.numeric, reward.id)).body.redemption.id as string;
    const attention = async () =>
      (await adminApi(app.url, 'GET', '/dashboard?from=2026-01-01&to=2026-01-02')).body.attention.storeCreditReviews as number;
    const waiting = await attention();
    const listed = await adminApi(app.url, 'GET', '/redemptions?status=NEEDS_REVIEW');
    expect(listed.body.redemptions.map((r: { id: string }) => r.id)).toContain(id);

    expect((await adminApi(app.url, 'POST', `/redemptions/${id}/review`, { outcome: 'credited' })).body.outcome).toBe('issued');
    expect(await attention()).toBe(waiting - 1);
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id } })).status).toBe('ISSUED');
    expect((await adminApi(app.url, 'POST', `/redemptions/${id}/review`, { outcome: 'return-points' })).status).toBe(409);
    expect(await available(m.memberId)).toBe(600);
    expect(await eventsAbout('reward.issued', id)).toHaveLength(1);
  });

  it("is asked again by the issue job alone after the admin's retry, not by a late redelivery of its subscriber", async () => {
    const m = await memberWith(1000);
    const reward = await storeCreditReward();
    app.standin!.control.failNext('networkDrop', { field: 'storeCreditAccountCredit', afterExecute: false });
    const id = (await redeem(m.numeric, reward.id)).body.redemption.id as string;
    await app.jobs.events!.settle();
    expect((await adminApi(app.url, 'POST', `/redemptions/${id}/review`, { outcome: 'retry' })).body.outcome).toBe('retry');
    const before = calls('storeCreditAccountCredit');
    // The subscriber's delivery comes again (a dispatcher that lost its lease): it must not make an attempt now.
    const [redeemed] = (await eventsAbout('reward.redeemed', id)) as unknown as Array<StoredEvent<'reward.redeemed'>>;
    const issue = subscribers['reward.redeemed/issue-reward'] as Extract<Subscriber<'reward.redeemed'>, { mode: 'after-commit' }>;
    await issue.handle({ ...redeemed!, at: new Date() }, {
      pool: app.db.pool,
      admin: app.admin,
    } as never);
    expect(calls('storeCreditAccountCredit') - before).toBe(0);
    await issuePendingRedemptions({}, jobDeps(), new Date(Date.now() + 60_000)); // due by its backoff
    expect(calls('storeCreditAccountCredit') - before).toBe(1);
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id } })).status).toBe('ISSUED');
    expect(Number(app.standin!.state.storeCredit(DEV_SHOP, m.id)[0]!.balance)).toBe(5);
  });

  it('is settled by the admin as not credited: the points come back and reward.failed is emitted once', async () => {
    const m = await memberWith(1000);
    const reward = await storeCreditReward();
    app.standin!.control.failNext('networkDrop', { field: 'storeCreditAccountCredit', afterExecute: false });
    const id = (await redeem(m.numeric, reward.id)).body.redemption.id as string;
    expect((await adminApi(app.url, 'POST', `/redemptions/${id}/review`, { outcome: 'return-points' })).body.outcome).toBe('failed');
    expect((await adminApi(app.url, 'POST', `/redemptions/${id}/review`, { outcome: 'return-points' })).status).toBe(409);
    expect(await available(m.memberId)).toBe(1000);
    const [failed, ...more] = await eventsAbout('reward.failed', id);
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ type: 'reward.failed', data: { redemptionId: id, error: expect.stringMatching(/not credited/) } });
  });
});

describe('after commit', () => {
  it('issues a redeemed reward through its subscriber when the request made no attempt (it died after the commit)', async () => {
    const m = await memberWith(500);
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const started = await startRedemption(app.db.pool, {
      shop: DEV_SHOP,
      customerId: m.id,
      rewardId: reward.id,
      idempotencyKey: randomUUID(),
      currencyCode: 'USD',
    });
    expect(started.status).toBe('PENDING');
    await app.jobs.events!.settle();
    const issued = await app.prisma.redemption.findUniqueOrThrow({ where: { id: started.id } });
    expect(issued).toMatchObject({ status: 'ISSUED', attempts: 1 });
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === issued.code)).toHaveLength(1);
    const [redeemed] = await eventsAbout('reward.redeemed', started.id);
    expect(redeemed).toMatchObject({ deliveries: [{ subscriber: 'reward.redeemed/issue-reward', status: 'done' }] });
    expect(await eventsAbout('reward.issued', started.id)).toHaveLength(1);
  });

  it('names, for each command, the subscribers that make its first attempt (redeemed, granted, cashback paid, cashback reversed)', () => {
    for (const kind of [redemptionCommand, debitCommand]) {
      for (const t of kind.triggers)
        expect(subscribers[t.subscriber as keyof typeof subscribers], t.subscriber).toMatchObject({ on: t.event, mode: 'after-commit' });
    }
    expect(redemptionCommand.triggers.map((t) => t.event)).toEqual(['reward.redeemed', 'reward.granted', 'cashback.paid']);
  });

  it('issues a granted reward (tier entry, referral) through its subscriber, and the issue job leaves it alone until that delivery is done', async () => {
    const m = await memberWith(10);
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const later = new Date(Date.now() + DAY);
    await app.jobs.events!.stop(); // the outbox is not drained: reward.granted waits undelivered
    let granted: Awaited<ReturnType<typeof grantReward>>;
    try {
      granted = await transaction(app.db.pool, (sql) =>
        grantReward(sql, { shop: DEV_SHOP, memberId: m.memberId, rewardId: reward.id, idempotencyKey: `test:${randomUUID()}` }),
      );
      expect(granted).toMatchObject({ status: 'PENDING', points: 0 });
      expect(await dueCommands(app.db.pool, redemptionCommand, later)).not.toContain(granted!.id);
    } finally {
      app.jobs.events!.listen();
    }
    await app.jobs.events!.settle();
    const issued = await app.prisma.redemption.findUniqueOrThrow({ where: { id: granted!.id } });
    expect(issued).toMatchObject({ status: 'ISSUED', attempts: 1 });
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === issued.code)).toHaveLength(1);
    expect(await eventsAbout('reward.granted', granted!.id)).toMatchObject([
      { deliveries: [{ subscriber: 'reward.granted/issue-reward', status: 'done' }] },
    ]);
    expect(await eventsAbout('reward.issued', granted!.id)).toHaveLength(1);
    expect(await issueRedemption(app.db.pool, app.admin, granted!.id)).toBe('issued'); // nothing asked again
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === issued.code)).toHaveLength(1);
  });
});

describe('a transient failure', () => {
  it('is retried by the issue job once due, and the code is created and reward.issued emitted exactly once', async () => {
    const m = await memberWith(500);
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const before = carriedOut('discountCodeBasicCreate');
    app.standin!.control.failNext('http503', { count: 1, field: 'discountCodeBasicCreate' });
    const res = await redeem(m.numeric, reward.id);
    expect(res.body.redemption).toMatchObject({ status: 'pending', code: null });
    const id = res.body.redemption.id as string;
    const row = await app.prisma.redemption.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, error: expect.stringMatching(/503/) });
    // The subscriber's delivery is done (the request had claimed the attempt): the retry is the job's, not the dispatcher's.
    await app.jobs.events!.settle();
    const [redeemed] = await eventsAbout('reward.redeemed', id);
    expect(redeemed).toMatchObject({ deliveries: [{ subscriber: 'reward.redeemed/issue-reward', status: 'done', attempts: 1 }] });

    await issuePendingRedemptions({}, jobDeps(), new Date(row.createdAt.getTime() + 1_000)); // not due yet (backoff)
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id } })).status).toBe('PENDING');
    await issuePendingRedemptions({}, jobDeps(), new Date(row.createdAt.getTime() + 60_000));
    await issuePendingRedemptions({}, jobDeps(), new Date(row.createdAt.getTime() + 120_000)); // nothing more to do
    const issued = await app.prisma.redemption.findUniqueOrThrow({ where: { id } });
    expect(issued).toMatchObject({ status: 'ISSUED', attempts: 2, error: null });
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === issued.code)).toHaveLength(1);
    expect(carriedOut('discountCodeBasicCreate') - before).toBe(1);
    expect(await eventsAbout('reward.issued', id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ code: issued.code }) }),
    ]);
  });

  it('asks Shopify once when two attempts run at once', async () => {
    const m = await memberWith(1);
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    // A PENDING redemption with no event (a granted reward): only direct attempts and the job touch it.
    const code = `TALLY-RACE${Date.now()}`;
    const r = await app.prisma.redemption.create({
      data: {
        shop: DEV_SHOP,
        memberId: m.memberId,
        rewardId: reward.id,
        points: 0,
        valueMinor: 500,
        currencyCode: 'USD',
        idempotencyKey: `race-${randomUUID()}`,
        code,
      },
    });
    const outcomes = await Promise.all([issueRedemption(app.db.pool, app.admin, r.id), issueRedemption(app.db.pool, app.admin, r.id)]);
    expect(outcomes).toContain('issued');
    expect(outcomes).not.toContain('failed');
    await issuePendingRedemptions({}, jobDeps(), new Date(Date.now() + DAY));
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === code)).toHaveLength(1);
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: r.id } })).status).toBe('ISSUED');
    expect(await eventsAbout('reward.issued', r.id)).toHaveLength(1);
  });
});

describe('reward events', () => {
  it('emits reward.used once when an order uses the code, even when the order comes again', async () => {
    const m = await memberWith(500);
    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const res = await redeem(m.numeric, reward.id);
    const o = order({ customer: { id: m.id }, discountMinor: 500, discountCode: res.body.redemption.code });
    await send(app.url, delivery('orders/paid', o.payload));
    await send(app.url, delivery('orders/paid', o.payload)); // a new delivery of the same order
    const used = await eventsAbout('reward.used', res.body.redemption.id);
    expect(used).toEqual([expect.objectContaining({ data: { redemptionId: res.body.redemption.id, orderId: o.facts.orderId } })]);
  });

  it('emits reward.expiring_soon once for an unused code expiring within 7 days', async () => {
    const reward = await app.prisma.reward.create({
      data: {
        shop: DEV_SHOP,
        name: `Ten days ${randomUUID()}`,
        type: 'fixed-amount',
        config: { pointsCost: 200, amountMinor: 200, codeExpiresInDays: 10 },
      },
    });
    app.programs.forget(DEV_SHOP);
    const m = await memberWith(200);
    const id = (await redeem(m.numeric, reward.id)).body.redemption.id as string;
    expect(await remindExpiringCodes(app.db.pool, new Date())).toEqual({ reminded: 0 }); // 10 days away
    const in4Days = new Date(Date.now() + 4 * DAY);
    const first = await remindExpiringCodes(app.db.pool, in4Days);
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    await remindExpiringCodes(app.db.pool, new Date(Date.now() + 5 * DAY)); // the next day's run
    const [soon, ...more] = await eventsAbout('reward.expiring_soon', id);
    expect(more).toEqual([]);
    const expiresAt = (await app.prisma.redemption.findUniqueOrThrow({ where: { id } })).expiresAt!;
    expect(soon).toMatchObject({ data: { redemptionId: id, expiresAt: expiresAt.toISOString() } });
  });
});

describe('the data migration', () => {
  it("moves redemptions and debits marked 'needs review' in their error text to NEEDS_REVIEW, and leaves other PENDING rows alone", async () => {
    const m = await memberWith(1);
    const reward = await storeCreditReward();
    const base = { shop: DEV_SHOP, memberId: m.memberId, rewardId: reward.id, points: 0, valueMinor: 100, currencyCode: 'USD' };
    const marked = await app.prisma.redemption.create({
      data: { ...base, idempotencyKey: `marked-${randomUUID()}`, attempts: 1, error: 'needs review' },
    });
    const retrying = await app.prisma.redemption.create({
      data: { ...base, idempotencyKey: `retrying-${randomUUID()}`, attempts: 1, error: 'HTTP 503' },
    });
    const debit = await app.prisma.storeCreditDebit.create({
      data: {
        shop: DEV_SHOP,
        memberId: m.memberId,
        orderId: `gid://shopify/Order/${Date.now()}`,
        amountMinor: 100,
        debitedMinor: 100,
        currencyCode: 'USD',
        idempotencyKey: `marked-${randomUUID()}`,
        error: 'needs review',
      },
    });
    await app.db.pool.query(readFileSync('prisma/migrations/20261207050000_needs_review_status/migration.sql', 'utf8'));
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: marked.id } })).toMatchObject({
      status: 'NEEDS_REVIEW',
      error: expect.stringMatching(/answer was lost/),
    });
    expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: retrying.id } })).toMatchObject({
      status: 'PENDING',
      error: 'HTTP 503',
    });
    expect((await app.prisma.storeCreditDebit.findUniqueOrThrow({ where: { id: debit.id } })).status).toBe('NEEDS_REVIEW');
    expect((await adminApi(app.url, 'POST', `/store-credit-debits/${debit.id}/review`, { outcome: 'debited' })).body.outcome).toBe('done');
    expect(await app.prisma.storeCreditDebit.findUniqueOrThrow({ where: { id: debit.id } })).toMatchObject({
      status: 'DONE',
      debitedMinor: 100,
    });
  });
});
