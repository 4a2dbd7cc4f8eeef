// Automatic cashback: a percentage of each order credited as Shopify store
// credit once the order survives its pending period — net of refunds made
// in the meantime, once per order, through the same issue path as rewards.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import pino from 'pino';
import { issueRedemption } from '../../web/loyalty/redemptions.js';
import { debitCommand, debitStoreCredit } from '../../web/loyalty/store-credit-debits.js';
import { dueCommands } from '../../web/shopify/commands.js';
import { issuePendingRedemptions } from '../../web/jobs/issue-redemption.js';
import { STORE_CREDIT_ACCOUNT_DEBIT } from '../../web/shopify/operations/store-credit.js';
import { releaseDuePoints } from '../../web/jobs/release-pending-points.js';
import { useTestApp, withProgramSettings } from '../helpers/app.js';
import { delivery, send } from '../helpers/webhooks.js';
import { newCustomer, order, refund } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';
import { shopToday } from '../helpers/days.js';

let ruleId: string;
const app = useTestApp({ env: { TALLY_WORKER: 'false' }, checkLedger: true });
beforeAll(async () => {
  // 5% back as store credit, expiring after a year, beside the points.
  ruleId = (
    await app.prisma.earnRule.create({
      data: { shop: DEV_SHOP, type: 'cashback', name: '5% back', config: { percentage: '5', expiresInDays: 365 } },
    })
  ).id;
  app.programs.forget(DEV_SHOP);
});

const deliver = async (topic: string, payload: unknown) => {
  const [res] = await send(app.url, delivery(topic, payload));
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
};
/** The after-commit subscribers (a credit's or a debit's first attempt) are done with what has committed. */
const dispatched = () => app.jobs.events!.settle();
/** The member's events of one type, as the admin's Activity API lists them. */
const eventsOf = async (type: string, memberId: string) => {
  const res = await adminApi(app.url, 'GET', `/events?type=${type}&memberId=${memberId}&limit=50`);
  expect(res.status).toBe(200);
  return res.body.events as Array<{ data: Record<string, unknown>; deliveries: Array<{ subscriber: string; status: string }> }>;
};
const debitsOf = (orderId: string) =>
  app.prisma.storeCreditDebit.findMany({ where: { shop: DEV_SHOP, orderId }, orderBy: { createdAt: 'asc' } });
const cashbackOf = (orderId: string) =>
  app.prisma.redemption.findMany({ where: { shop: DEV_SHOP, idempotencyKey: `cashback:${orderId}` } });
const COAT = [{ title: 'Coat', priceMinor: 12_000, quantity: 2 }];

describe('automatic cashback', () => {
  it('credits 5% of the order as store credit when its pending period ends, once, in Shopify right after the release (no issue job)', async () => {
    const c = newCustomer('cashback');
    const o = order({ customer: c, lines: COAT });
    await deliver('orders/paid', o.payload);
    expect(await cashbackOf(o.facts.orderId)).toEqual([]); // not before the return window ends

    const today = await shopToday(app.prisma);
    const cashbackToday = async () =>
      (await adminApi(app.url, 'GET', `/dashboard?from=${today}&to=${today}`)).body.totals.cashbackMinor as number;
    const credited = async () =>
      (
        await app.prisma.redemption.findMany({
          where: { shop: DEV_SHOP, rewardId: `cashback:${DEV_SHOP}`, status: { in: ['ISSUED', 'USED'] } },
        })
      ).map((r) => [r.id, r.valueMinor] as const);
    const [dashboardBefore, creditedBefore] = [await cashbackToday(), await credited()];
    const due = new Date(Date.now() + 31 * 86_400_000);
    await releaseDuePoints(app.prisma, due, app.programs);
    await releaseDuePoints(app.prisma, due, app.programs); // a second run pays nothing more
    await dispatched(); // cashback.paid/issue-store-credit makes the first attempt after commit
    const [credit, ...more] = await cashbackOf(o.facts.orderId);
    expect(more).toEqual([]);
    expect(credit).toMatchObject({ status: 'ISSUED', attempts: 1, points: 0, valueMinor: 1200, currencyCode: 'USD' });
    expect(await issueRedemption(app.db.pool, app.admin, credit!.id)).toBe('issued'); // nothing more to do
    // The release also paid the other members' due cashback: the dashboard counts each credit that reached Shopify.
    const newlyCredited = (await credited()).filter(([id]) => !creditedBefore.some(([before]) => before === id));
    expect(newlyCredited).toContainEqual([credit!.id, 1200]);
    expect((await cashbackToday()) - dashboardBefore).toBe(newlyCredited.reduce((sum, [, value]) => sum + value, 0));
    const [account] = app.standin!.state.storeCredit(DEV_SHOP, c.id);
    expect(account?.currencyCode).toBe('USD');
    expect(Number(account?.balance)).toBe(12);
    expect(account!.transactions[0]!.expiresAt).toBeTruthy();
    // The order's points are untouched by the cashback; the system reward is not in the storefront catalogue.
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
    expect(member.pointsAvailable).toBe(100 + 240);
    const rewards = await proxyApi(app.url, 'GET', '/rewards', c.id.split('/').pop()!);
    expect(rewards.body.rewards.map((r: { name: string }) => r.name)).not.toContain('Cashback');
    const catalogue = await adminApi(app.url, 'GET', '/rewards');
    expect(catalogue.body.rewards.length).toBeGreaterThan(0);
    expect(catalogue.body.rewards.map((r: { name: string }) => r.name)).not.toContain('Cashback');
    const paid = await eventsOf('cashback.paid', member.id);
    expect(paid).toHaveLength(1);
    expect(paid[0]!.deliveries).toMatchObject([{ subscriber: 'cashback.paid/issue-store-credit', status: 'done' }]);
    expect((await eventsOf('reward.issued', member.id)).map((e) => e.data.redemptionId)).toEqual([credit!.id]);
  });

  it('pays on what is left after a refund inside the return window, and nothing for a cancelled order', async () => {
    const c = newCustomer('cashback-refund');
    const o = order({ customer: c, lines: COAT });
    await deliver('orders/paid', o.payload);
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    const released = await adminApi(app.url, 'POST', '/orders/release', { orderId: o.facts.orderId });
    expect(released.status).toBe(200);
    expect((await cashbackOf(o.facts.orderId)).map((r) => r.valueMinor)).toEqual([600]);

    const cancelled = order({ customer: c, lines: COAT, cancelled: true });
    await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () => deliver('orders/cancelled', cancelled.payload));
    await adminApi(app.url, 'POST', '/orders/release', { orderId: cancelled.facts.orderId });
    expect(await cashbackOf(cancelled.facts.orderId)).toEqual([]);
  });

  it('takes back the refunded share of cashback already paid, once per refund, never more than the account still holds', async () => {
    const c = newCustomer('cashback-clawback');
    const o = order({ customer: c, lines: COAT });
    await deliver('orders/paid', o.payload);
    await adminApi(app.url, 'POST', '/orders/release', { orderId: o.facts.orderId });
    await dispatched();
    expect(await cashbackOf(o.facts.orderId)).toMatchObject([{ status: 'ISSUED' }]);
    const balance = () => Number(app.standin!.state.storeCredit(DEV_SHOP, c.id)[0]?.balance ?? 0);
    expect(balance()).toBe(12);
    const today = await shopToday(app.prisma);
    const dashboard = async () => (await adminApi(app.url, 'GET', `/dashboard?from=${today}&to=${today}`)).body.totals;
    const before = await dashboard();

    // One coat of two comes back: half the cashback is owed. The same refund delivered again owes nothing more.
    const first = refund(o.facts, { fraction: 0.5 });
    await deliver('refunds/create', first);
    await deliver('refunds/create', first);
    await dispatched(); // cashback.reversed/take-back-store-credit debits Shopify after the refund commits
    const [half, ...none] = await debitsOf(o.facts.orderId);
    expect(none).toEqual([]);
    expect(half).toMatchObject({ amountMinor: 600, status: 'DONE', currencyCode: 'USD' });
    expect(await debitStoreCredit(app.db.pool, app.admin, half!.id)).toBe('done'); // done once
    expect(balance()).toBe(6);
    expect((await debitsOf(o.facts.orderId))[0]).toMatchObject({
      status: 'DONE',
      debitedMinor: 600,
      error: null,
      shopifyId: expect.stringContaining('StoreCreditAccountDebitTransaction'),
    });

    // The customer spends 4.00 of the 6.00 at checkout; then the other coat comes back: 6.00 owed, 2.00 left to take.
    await app.admin!.request(DEV_SHOP, STORE_CREDIT_ACCOUNT_DEBIT, {
      id: c.id,
      debitInput: { debitAmount: { amount: '4.00', currencyCode: 'USD' } },
    });
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    await dispatched();
    const rest = (await debitsOf(o.facts.orderId)).find((d) => d.id !== half!.id)!;
    expect(rest.amountMinor).toBe(600);
    expect(await debitStoreCredit(app.db.pool, app.admin, rest.id)).toBe('done');
    expect(balance()).toBe(0);
    expect(await app.prisma.storeCreditDebit.findUniqueOrThrow({ where: { id: rest.id } })).toMatchObject({
      debitedMinor: 200,
      error: 'the customer had already spent part of the credit',
    });
    const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
    expect(await app.prisma.event.count({ where: { memberId: member.id, type: 'cashback.reversed' } })).toBe(2);
    // Each debit's settlement says so once, with what was owed and what was taken.
    const takenBack = (await eventsOf('cashback.taken_back', member.id)).reverse();
    expect(takenBack.map((e) => e.data)).toEqual([
      { orderId: o.facts.orderId, debitId: half!.id, amountMinor: 600, takenMinor: 600 },
      { orderId: o.facts.orderId, debitId: rest.id, amountMinor: 600, takenMinor: 200 },
    ]);
    // The dashboard's cashback is net of what refunds took back: 6.00 + 2.00 debited.
    const after = await dashboard();
    expect(after.cashbackMinor - before.cashbackMinor).toBe(-800);
    expect(after.cashbackReversedMinor - before.cashbackReversedMinor).toBe(800);
  });

  it('takes cashback back only once the credit has reached Shopify, through the issue job', async () => {
    const c = newCustomer('cashback-wait');
    const o = order({ customer: c, lines: COAT });
    await deliver('orders/paid', o.payload);
    // The credit's first attempt gets no answer from Shopify: it waits for an admin, who finds nothing credited and has it tried again.
    app.standin!.control.failNext('http503', { count: 1, field: 'storeCreditAccountCredit' });
    await adminApi(app.url, 'POST', '/orders/release', { orderId: o.facts.orderId });
    await dispatched();
    const [credit] = await cashbackOf(o.facts.orderId);
    expect(credit).toMatchObject({ status: 'NEEDS_REVIEW', attempts: 1 });
    expect((await adminApi(app.url, 'POST', `/redemptions/${credit!.id}/review`, { outcome: 'retry' })).body.outcome).toBe('retry');
    await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
    await dispatched(); // the debit's first attempt waits: nothing asked of Shopify
    const [owed] = await debitsOf(o.facts.orderId);
    expect(owed).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(await debitStoreCredit(app.db.pool, app.admin, owed!.id)).toBe('waiting');
    expect(app.standin!.state.storeCredit(DEV_SHOP, c.id)).toEqual([]);

    const deps = { prisma: app.prisma, pool: app.db.pool, admin: app.admin, programs: app.programs, logger: pino({ level: 'silent' }) };
    await issuePendingRedemptions({}, deps, new Date(credit!.createdAt.getTime() + 60_000)); // the credit's retry is due: the credit first, then what the refund took back
    expect(Number(app.standin!.state.storeCredit(DEV_SHOP, c.id)[0]!.balance)).toBe(6);
    expect((await debitsOf(o.facts.orderId))[0]).toMatchObject({ status: 'DONE', debitedMinor: 600 });
  });

  it('holds a debit whose answer Shopify lost for the admin, who confirms it or cancels it', async () => {
    const lost = async () => {
      const c = newCustomer('cashback-lost');
      const o = order({ customer: c, lines: COAT });
      await deliver('orders/paid', o.payload);
      await adminApi(app.url, 'POST', '/orders/release', { orderId: o.facts.orderId });
      await dispatched(); // the credit reaches Shopify
      // The subscriber's attempt reaches Shopify, and the answer is lost.
      app.standin!.control.failNext('networkDrop', { field: 'storeCreditAccountDebit', afterExecute: true });
      await deliver('refunds/create', refund(o.facts, { fraction: 0.5 }));
      await dispatched();
      const [debit] = await debitsOf(o.facts.orderId);
      expect(debit).toMatchObject({ status: 'NEEDS_REVIEW', attempts: 1 });
      expect(await debitStoreCredit(app.db.pool, app.admin, debit!.id)).toBe('review'); // not taken twice
      expect(await dueCommands(app.db.pool, debitCommand, new Date(Date.now() + 86_400_000))).not.toContain(debit!.id); // nor by the issue job
      const member = await app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop: DEV_SHOP, customerId: c.id } } });
      expect(await eventsOf('cashback.taken_back', member.id)).toEqual([]); // not settled yet
      return { c, id: debit!.id, memberId: member.id };
    };
    const taken = await lost();
    expect(Number(app.standin!.state.storeCredit(DEV_SHOP, taken.c.id)[0]!.balance)).toBe(6);
    const listed = await adminApi(app.url, 'GET', '/store-credit-debits?status=NEEDS_REVIEW');
    expect(listed.body.debits.find((d: { id: string }) => d.id === taken.id)).toMatchObject({
      amountMinor: 600,
      debitedMinor: 600,
      status: 'NEEDS_REVIEW',
    });
    expect((await adminApi(app.url, 'POST', `/store-credit-debits/${taken.id}/review`, { outcome: 'debited' })).body.outcome).toBe('done');
    expect(await app.prisma.storeCreditDebit.findUniqueOrThrow({ where: { id: taken.id } })).toMatchObject({
      status: 'DONE',
      debitedMinor: 600,
    });
    expect((await adminApi(app.url, 'POST', `/store-credit-debits/${taken.id}/review`, { outcome: 'cancel' })).status).toBe(409);
    expect((await eventsOf('cashback.taken_back', taken.memberId)).map((e) => e.data.takenMinor)).toEqual([600]); // once, as attempted

    const cancelled = await lost();
    expect((await adminApi(app.url, 'POST', `/store-credit-debits/${cancelled.id}/review`, { outcome: 'cancel' })).body.outcome).toBe(
      'done',
    );
    expect(await app.prisma.storeCreditDebit.findUniqueOrThrow({ where: { id: cancelled.id } })).toMatchObject({
      status: 'DONE',
      debitedMinor: 0,
    });
    expect((await eventsOf('cashback.taken_back', cancelled.memberId)).map((e) => e.data.takenMinor)).toEqual([0]);
  });

  it('gives nothing to a guest (store credit needs a customer account) and nothing once the rule is off', async () => {
    const email = newCustomer('cashback-guest').email;
    const guest = order({ customer: null, lines: COAT });
    await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () =>
      deliver('orders/paid', { ...guest.payload, email, contact_email: email }),
    );
    expect(await cashbackOf(guest.facts.orderId)).toEqual([]);

    await app.prisma.earnRule.update({ where: { id: ruleId }, data: { enabled: false } });
    app.programs.forget(DEV_SHOP);
    const c = newCustomer('cashback-off');
    const o = order({ customer: c, lines: COAT });
    await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () => deliver('orders/paid', o.payload));
    expect(await cashbackOf(o.facts.orderId)).toEqual([]);
  });
});
