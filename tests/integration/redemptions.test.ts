// Redeeming rewards through the storefront API: no double spend, no lost
// points, codes restricted to the shopper and validated by Shopify's schema
// (the Admin stand-in rejects anything else).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { expireUnusedCodes, issueRedemption, MAX_ATTEMPTS } from '../../web/loyalty/redemptions.js';
import { mintSessionToken } from '../../web/shopify/signing.js';
import { useTestApp, withProgramSettings } from '../helpers/app.js';
import { delivery, send } from '../helpers/webhooks.js';
import { newCustomer, order } from '../helpers/orders.js';
import { adminApi, proxyApi } from '../helpers/requests.js';

// Jobs are driven by hand here (issueRedemption), so nothing runs behind the test's back.
// One shopper races 20 redemptions, beyond the per-customer limit: limits are off here
// (they have their own tests, storefront-rate-limits.test.ts).
const app = useTestApp({ env: { TALLY_WORKER: 'false', TALLY_RATE_LIMITS: 'off' }, resetStandin: true, checkLedger: true });

/** A new member with exactly `points` available. */
async function memberWith(points: number) {
  const c = newCustomer('redeemer');
  const numeric = c.id.split('/').pop()!;
  const m = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email } });
  if (points > 0)
    await app.prisma.$transaction((tx) =>
      adjust(tx, { shop: DEV_SHOP, memberId: m.id, points, reason: 'test balance', actor: 'test', idempotencyKey: `test:${m.id}` }),
    );
  return { ...c, numeric, memberId: m.id };
}

const proxy = (method: 'GET' | 'POST', path: string, customer: string | null, body?: unknown) =>
  proxyApi(app.url, method, path, customer, body);
const rewardNamed = (name: string) => app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name } });
const available = async (memberId: string) => (await app.prisma.member.findUniqueOrThrow({ where: { id: memberId } })).pointsAvailable;

describe('the reward catalogue', () => {
  it('lists the seeded rewards with what the shopper can afford', async () => {
    const m = await memberWith(600);
    const { body } = await proxy('GET', '/rewards', m.numeric);
    expect(
      body.rewards.map((r: { name: string; pointsCost: number; affordable: boolean }) => [r.name, r.pointsCost, r.affordable]),
    ).toEqual([
      ['5 off for 500 points', 500, true],
      ['10% off for 1000 points', 1000, false],
      ['Free shipping for 300 points', 300, true],
    ]);
  });
});

describe('redeeming', () => {
  it('issues a single-use code restricted to the shopper, with a cart link, and debits the points', async () => {
    const m = await memberWith(700);
    const reward = await rewardNamed('5 off for 500 points');
    const res = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect(res.status).toBe(201);
    expect(res.body.redemption).toMatchObject({
      status: 'issued',
      code: expect.stringMatching(/^TALLY-/),
      discountUrl: `https://${DEV_SHOP}/discount/${res.body.redemption.code}`,
    });
    expect(await available(m.memberId)).toBe(200);
    const [discount] = app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === res.body.redemption.code);
    expect(discount).toMatchObject({ customerIds: [m.id], usageLimit: 1, appliesOncePerCustomer: true });
  });

  it('issues exactly 3 of 20 concurrent redemptions when the points cover 3', async () => {
    const m = await memberWith(900);
    const reward = await rewardNamed('Free shipping for 300 points');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() })),
    );
    const issued = results.filter((r) => r.status === 201);
    expect(issued).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(Array(17).fill('INSUFFICIENT_POINTS'));
    expect(new Set(issued.map((r) => r.body.redemption.code)).size).toBe(3);
    expect(await available(m.memberId)).toBe(0);
  });

  it('answers the same idempotency key with the same redemption and code', async () => {
    const m = await memberWith(1000);
    const reward = await rewardNamed('5 off for 500 points');
    const key = randomUUID();
    const [a, b] = [
      await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: key }),
      await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: key }),
    ];
    expect(b.body.redemption).toEqual(a.body.redemption);
    expect(await available(m.memberId)).toBe(500);
  });

  it('delivers the code later when Shopify fails first, without creating it twice', async () => {
    const m = await memberWith(500);
    const reward = await rewardNamed('5 off for 500 points');
    app.standin!.control.failNext('http503', { count: 1, field: 'discountCodeBasicCreate' });
    const first = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect(first.status).toBe(201);
    expect(first.body.redemption).toMatchObject({ status: 'pending', code: null });
    expect(await available(m.memberId)).toBe(0);
    // What the issue-redemption job does on its next attempt:
    expect(await issueRedemption(app.db.pool, app.admin, first.body.redemption.id)).toBe('issued');
    const later = await proxy('GET', `/redemptions/${first.body.redemption.id}`, m.numeric);
    expect(later.body.redemption).toMatchObject({ status: 'issued', code: expect.stringMatching(/^TALLY-/) });
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === later.body.redemption.code)).toHaveLength(1);
  });

  it('finds the code Shopify created when its answer was lost, instead of creating another', async () => {
    const m = await memberWith(500);
    const reward = await rewardNamed('5 off for 500 points');
    app.standin!.control.failNext('http503', { count: 1, field: 'discountCodeBasicCreate', afterExecute: true });
    const first = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect(first.body.redemption.status).toBe('pending');
    expect(await issueRedemption(app.db.pool, app.admin, first.body.redemption.id)).toBe('issued');
    const { body } = await proxy('GET', `/redemptions/${first.body.redemption.id}`, m.numeric);
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === body.redemption.code)).toHaveLength(1);
  });

  it('gives the points back when Shopify keeps failing, after the last attempt', async () => {
    const m = await memberWith(500);
    const reward = await rewardNamed('5 off for 500 points');
    app.standin!.control.failNext('http503', { count: 100, field: 'discountCodeBasicCreate' });
    const first = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    const outcomes = [];
    for (let i = 1; i < MAX_ATTEMPTS; i++) outcomes.push(await issueRedemption(app.db.pool, app.admin, first.body.redemption.id));
    expect(outcomes.at(-1)).toBe('failed');
    expect(await available(m.memberId)).toBe(500);
    const { body } = await proxy('GET', `/redemptions/${first.body.redemption.id}`, m.numeric);
    expect(body.redemption).toMatchObject({ status: 'failed', code: null, error: expect.stringMatching(/points are back/) });
  });

  it("issues a free product as that variant's price off, on that variant only", async () => {
    const variantId = 'gid://shopify/ProductVariant/4242';
    app.standin!.control.upsertVariant(DEV_SHOP, { id: variantId, title: 'Enamel mug', price: '12.50' });
    const reward = await app.prisma.reward.create({
      data: { shop: DEV_SHOP, name: 'Free mug', type: 'free-product', config: { pointsCost: 400, variantId } },
    });
    const m = await memberWith(400);
    const res = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect(res.body.redemption.status).toBe('issued');
    const discount = app.standin!.state.discounts(DEV_SHOP).find((d) => d.code === res.body.redemption.code);
    expect(JSON.stringify(discount)).toContain(variantId);
    expect(JSON.stringify(discount)).toContain('12.5');
    expect(await available(m.memberId)).toBe(0);
  });

  it('gives the points back at once when Shopify refuses the discount', async () => {
    const m = await memberWith(500);
    const reward = await rewardNamed('5 off for 500 points');
    app.standin!.control.failNext('userErrors', {
      count: 1,
      field: 'discountCodeBasicCreate',
      userError: { field: ['basicCodeDiscount', 'code'], message: 'Code is invalid', code: 'INVALID' },
    });
    const res = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect(res.body.redemption.status).toBe('failed');
    expect(await available(m.memberId)).toBe(500);
  });

  it('marks a redemption used by the order that applied its code', async () => {
    const m = await memberWith(500);
    const reward = await rewardNamed('5 off for 500 points');
    const res = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    const o = order({ customer: { id: m.id }, discountMinor: 500, discountCode: res.body.redemption.code.toLowerCase() });
    await send(app.url, delivery('orders/paid', o.payload));
    const used = await app.prisma.redemption.findUniqueOrThrow({ where: { id: res.body.redemption.id } });
    expect(used).toMatchObject({ status: 'USED', orderId: o.facts.orderId });
  });
});

describe('refusals', () => {
  it('refuses a disabled reward, a reward past its limit, a VIP-only reward and a guest, each with its code', async () => {
    const m = await memberWith(5000);
    const base = { type: 'fixed-amount', config: { pointsCost: 100, amountMinor: 100 } };
    const disabled = await app.prisma.reward.create({ data: { shop: DEV_SHOP, name: 'Old', enabled: false, ...base } });
    const once = await app.prisma.reward.create({ data: { shop: DEV_SHOP, name: 'Once', limitPerMember: 1, ...base } });
    const vip = await app.prisma.reward.create({ data: { shop: DEV_SHOP, name: 'VIP', tierIds: ['gold'], ...base } });
    const redeem = (rewardId: string, customer: string | null = m.numeric) =>
      proxy('POST', '/redemptions', customer, { rewardId, idempotencyKey: randomUUID() });
    expect((await redeem(disabled.id)).body.error.code).toBe('REWARD_DISABLED');
    expect((await redeem(once.id)).status).toBe(201);
    expect((await redeem(once.id)).body.error.code).toBe('LIMIT_REACHED');
    expect((await redeem(vip.id)).body.error.code).toBe('NOT_ELIGIBLE');
    expect((await redeem(once.id, null)).body.error.code).toBe('NOT_ELIGIBLE');
    expect(await available(m.memberId)).toBe(4900);
  });

  it("never shows one shopper another's redemption", async () => {
    const [a, b] = [await memberWith(500), await memberWith(0)];
    const reward = await rewardNamed('5 off for 500 points');
    const res = await proxy('POST', '/redemptions', a.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect((await proxy('GET', `/redemptions/${res.body.redemption.id}`, b.numeric)).status).toBe(404);
  });
});

describe('admins and expiry', () => {
  const adminApi = async (method: string, path: string, body?: unknown) => {
    const token = await mintSessionToken({ shop: DEV_SHOP, apiKey: DEV_API_KEY, secret: DEV_API_SECRET });
    const res = await fetch(`${app.url}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it('lets an admin issue a reward to a member and see every redemption with its status', async () => {
    const m = await memberWith(800);
    const reward = await rewardNamed('Free shipping for 300 points');
    const issued = await adminApi('POST', `/members/${m.memberId}/redemptions`, { rewardId: reward.id });
    expect(issued.status).toBe(201);
    expect(issued.body.redemption).toMatchObject({ status: 'ISSUED', points: 300, code: expect.stringMatching(/^TALLY-/) });
    const list = await adminApi('GET', `/redemptions?memberId=${m.memberId}`);
    expect(list.body.redemptions).toEqual([
      expect.objectContaining({
        id: issued.body.redemption.id,
        status: 'ISSUED',
        rewardName: 'Free shipping for 300 points',
        customerId: m.id,
      }),
    ]);
    expect(
      (await adminApi('POST', `/members/${m.memberId}/redemptions`, { rewardId: (await rewardNamed('10% off for 1000 points')).id })).body
        .error.code,
    ).toBe('INSUFFICIENT_POINTS');
  });

  it('disables unused codes past their expiry in Shopify and, if the merchant chose, gives the points back', async () => {
    const reward = await app.prisma.reward.create({
      data: {
        shop: DEV_SHOP,
        name: 'Short-lived',
        type: 'fixed-amount',
        config: { pointsCost: 200, amountMinor: 200, codeExpiresInDays: 1 },
      },
    });
    await withProgramSettings(app, DEV_SHOP, { returnPointsOnExpiredCodes: true }, async () => {
      const m = await memberWith(200);
      const res = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
      expect(await available(m.memberId)).toBe(0);
      expect(await expireUnusedCodes(app.db.pool, app.admin, app.programs, new Date())).toEqual({ expired: 0 });
      expect(await expireUnusedCodes(app.db.pool, app.admin, app.programs, new Date(Date.now() + 2 * 86_400_000))).toEqual({ expired: 1 });
      expect(await app.prisma.redemption.findUniqueOrThrow({ where: { id: res.body.redemption.id } })).toMatchObject({ status: 'EXPIRED' });
      expect(app.standin!.state.discounts(DEV_SHOP).find((d) => d.code === res.body.redemption.code)).toMatchObject({
        status: expect.stringMatching(/EXPIRED|INACTIVE/i),
      });
      expect(await available(m.memberId)).toBe(200);
    });
  });
});

describe('store credit whose answer Shopify lost', () => {
  const admin = (method: string, path: string, body?: unknown) => adminApi(app.url, method, path, body);
  /** A store credit redemption whose request reached Shopify (or not: `applied`) but whose answer never came back. */
  async function lostAnswer(applied: boolean) {
    const m = await memberWith(1000);
    const reward = await app.prisma.reward.create({
      data: { shop: DEV_SHOP, type: 'store-credit', name: `Store credit ${randomUUID()}`, config: { pointsCost: 400, amountMinor: 500 } },
    });
    app.programs.forget(DEV_SHOP);
    app.standin!.control.failNext('networkDrop', { field: 'storeCreditAccountCredit', afterExecute: applied });
    const res = await proxy('POST', '/redemptions', m.numeric, { rewardId: reward.id, idempotencyKey: randomUUID() });
    expect(res.status).toBe(201);
    const row = await app.prisma.redemption.findUniqueOrThrow({ where: { id: res.body.redemption.id } });
    expect(row).toMatchObject({ status: 'NEEDS_REVIEW', error: expect.stringMatching(/answer was lost/) });
    // Neither retried nor refunded behind the admin's back.
    expect(await issueRedemption(app.db.pool, app.admin, row.id)).toBe('review');
    expect(await available(m.memberId)).toBe(600);
    return { m, id: row.id };
  }
  const credit = (customerId: string) => Number(app.standin!.state.storeCredit(DEV_SHOP, customerId)[0]?.balance ?? 0);

  it('is marked issued when the admin finds the credit in Shopify; a second review is refused', async () => {
    const reviews = async () =>
      (await admin('GET', '/dashboard?from=2026-01-01&to=2026-01-02')).body.attention.storeCreditReviews as number;
    const before = await reviews();
    const { m, id } = await lostAnswer(true);
    expect(await reviews()).toBe(before + 1); // the dashboard tells the admin, whatever its date range
    expect(credit(m.id)).toBe(5);
    const reviewed = await admin('POST', `/redemptions/${id}/review`, { outcome: 'credited' });
    expect(reviewed).toMatchObject({ status: 200, body: { outcome: 'issued' } });
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id } })).status).toBe('ISSUED');
    expect(await available(m.memberId)).toBe(600);
    expect(await reviews()).toBe(before);
    expect((await admin('POST', `/redemptions/${id}/review`, { outcome: 'return-points' })).status).toBe(409);
    expect((await admin('POST', `/redemptions/${id}/review`, { outcome: 'maybe' })).status).toBe(400);
  });

  it('gives the points back when the admin finds no credit, or tries again and credits once', async () => {
    const returned = await lostAnswer(false);
    expect(credit(returned.m.id)).toBe(0);
    expect((await admin('POST', `/redemptions/${returned.id}/review`, { outcome: 'return-points' })).body.outcome).toBe('failed');
    expect(await available(returned.m.memberId)).toBe(1000);
    expect((await app.prisma.redemption.findUniqueOrThrow({ where: { id: returned.id } })).status).toBe('FAILED');

    const retried = await lostAnswer(false);
    expect((await admin('POST', `/redemptions/${retried.id}/review`, { outcome: 'retry' })).body.outcome).toBe('retry');
    expect(await issueRedemption(app.db.pool, app.admin, retried.id)).toBe('issued');
    expect(credit(retried.m.id)).toBe(5);
    expect(await available(retried.m.memberId)).toBe(600);
  });
});
