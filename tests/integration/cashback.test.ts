// Automatic cashback: a percentage of each order credited as Shopify store
// credit once the order survives its pending period — net of refunds made
// in the meantime, once per order, through the same issue path as rewards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { issueRedemption } from '../../web/loyalty/redemptions.js';
import { releaseDuePoints } from '../../web/jobs/release-pending-points.js';
import { startTestApp, withProgramSettings, type TestApp } from '../helpers/app.js';
import { delivery, send } from '../helpers/webhooks.js';
import { newCustomer, order, refund } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';

let app: TestApp;
let ruleId: string;
beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_WORKER: 'false' } });
  // 5% back as store credit, expiring after a year, beside the points.
  ruleId = (await app.prisma.earnRule.create({ data: { shop: DEV_SHOP, type: 'cashback', name: '5% back', config: { percentage: '5', expiresInDays: 365 } } })).id;
  app.programs.forget(DEV_SHOP);
});
afterAll(async () => {
  await app?.close();
});
afterEach(async () => {
  expect((await checkLedger(app.prisma)).offenders).toEqual([]);
});

const deliver = async (topic: string, payload: unknown) => {
  const [res] = await send(app.url, delivery(topic, payload));
  expect(res!.status, JSON.stringify(res!.body)).toBe(200);
};
const cashbackOf = (orderId: string) => app.prisma.redemption.findMany({ where: { shop: DEV_SHOP, idempotencyKey: `cashback:${orderId}` } });
const COAT = [{ title: 'Coat', priceMinor: 12_000, quantity: 2 }];

describe('automatic cashback', () => {
  it('credits 5% of the order as store credit when its pending period ends, once', async () => {
    const c = newCustomer('cashback');
    const o = order({ customer: c, lines: COAT });
    await deliver('orders/paid', o.payload);
    expect(await cashbackOf(o.facts.orderId)).toEqual([]); // not before the return window ends

    const due = new Date(Date.now() + 31 * 86_400_000);
    await releaseDuePoints(app.prisma, due, app.programs);
    await releaseDuePoints(app.prisma, due, app.programs); // a second run pays nothing more
    const [credit, ...more] = await cashbackOf(o.facts.orderId);
    expect(more).toEqual([]);
    expect(credit).toMatchObject({ status: 'PENDING', points: 0, valueMinor: 1200, currencyCode: 'USD' });

    expect(await issueRedemption(app.db.pool, app.admin, credit!.id)).toBe('issued');
    const today = new Date().toISOString().slice(0, 10);
    expect((await adminApi(app.url, 'GET', `/dashboard?from=${today}&to=${today}`)).body.totals.cashbackMinor).toBe(1200);
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
    const events = await app.prisma.event.findMany({ where: { memberId: member.id, type: 'cashback_earned' } });
    expect(events).toHaveLength(1);
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

  it('gives nothing to a guest (store credit needs a customer account) and nothing once the rule is off', async () => {
    const email = newCustomer('cashback-guest').email;
    const guest = order({ customer: null, lines: COAT });
    await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () => deliver('orders/paid', { ...guest.payload, email, contact_email: email }));
    expect(await cashbackOf(guest.facts.orderId)).toEqual([]);

    await app.prisma.earnRule.update({ where: { id: ruleId }, data: { enabled: false } });
    app.programs.forget(DEV_SHOP);
    const c = newCustomer('cashback-off');
    const o = order({ customer: c, lines: COAT });
    await withProgramSettings(app, DEV_SHOP, { pendingDays: 0 }, () => deliver('orders/paid', o.payload));
    expect(await cashbackOf(o.facts.orderId)).toEqual([]);
  });
});
