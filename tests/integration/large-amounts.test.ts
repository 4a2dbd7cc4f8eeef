// Ordinary orders in currencies with many minor units exceed 2^31 of them:
// 25,000,000.00 IDR, 3,000,000,000 VND, 25,000,000.00 LBP. Money and points
// are BIGINT (issue 13, item 1): such orders are applied through real signed
// webhooks, stored exactly, and earn exactly; a member whose points pass 2^31
// sees exact balances in the admin and the storefront, redeems, and climbs
// amount-spent tiers whose thresholds pass 2^31. Amounts beyond what a JSON
// number holds exactly (2^53 − 1 minor units) are refused with a 400.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { webhookHmac } from '../../web/shopify/signing.js';
import { toShopifyJson } from '../../dev/payloads.js';
import { createDefaultProgram } from '../../web/loyalty/program.js';
import { releaseOrder } from '../../web/loyalty/order-points.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { addShops, useTestApp } from '../helpers/app.js';
import { newCustomer, order } from '../helpers/orders.js';
import { deliverOk, delivery, post, send } from '../helpers/webhooks.js';
import { adminApi, proxyApi } from '../helpers/requests.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' }, checkLedger: true });

const IDR_SHOP = 'tally-rupiah.myshopify.com';
const VND_SHOP = 'tally-dong.myshopify.com';
const LBP_SHOP = 'tally-lira.myshopify.com';
const INT32_MAX = 2 ** 31 - 1;

beforeAll(() =>
  addShops(app, [
    [IDR_SHOP, 'IDR', 'Asia/Jakarta'],
    [VND_SHOP, 'VND', 'Asia/Ho_Chi_Minh'],
    [LBP_SHOP, 'LBP', 'Asia/Beirut'],
  ]),
);

const deliver = (shop: string, topic: string, payload: unknown) => deliverOk(app.url, shop, topic, payload);

const stored = (shop: string, orderId: string) =>
  app.prisma.order.findFirstOrThrow({
    where: { shop, orderId },
    select: { currencyCode: true, totalMinor: true, earnBaseMinor: true, pointsAwarded: true, spentMinor: true },
  });

const memberOf = (shop: string, customerId: string) =>
  app.prisma.member.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId } } });

/** One line of `minor` units, no tax, no shipping: the whole total is the earn base. */
const oneLine = (currency: string, minor: number, customer = newCustomer(currency.toLowerCase())) =>
  order({ currency, customer, lines: [{ title: 'Motorbike', priceMinor: minor }], shippingMinor: 0, taxRate: 0 });

describe('orders of 2^31 minor units and more', () => {
  it.each([
    // shop, currency, what Shopify sends, minor units, points at 1 per unit of currency
    [IDR_SHOP, 'IDR', '25000000.00', 2_500_000_000, 25_000_000],
    [VND_SHOP, 'VND', '3000000000', 3_000_000_000, 3_000_000_000],
    [LBP_SHOP, 'LBP', '25000000.00', 2_500_000_000, 25_000_000],
  ])('applies a paid %s order of %s %s exactly', async (shop, currency, amount, minor, points) => {
    const o = oneLine(currency, minor);
    expect((o.payload.current_total_price_set as { shop_money: { amount: string } }).shop_money.amount).toBe(amount);
    await deliver(shop, 'orders/paid', o.payload);
    expect(await stored(shop, o.facts.orderId)).toMatchObject({
      currencyCode: currency,
      totalMinor: minor,
      earnBaseMinor: minor,
      pointsAwarded: points,
    });
    const m = await memberOf(shop, o.payload.customer ? (o.payload.customer as { admin_graphql_api_id: string }).admin_graphql_api_id : '');
    // The default program's signup bonus (100) plus the order's points, pending until released.
    expect({ available: m.pointsAvailable, pending: m.pointsPending }).toEqual({ available: 100, pending: points });
    await app.prisma.$transaction((tx) => releaseOrder(tx, shop, o.facts.orderId));
    const released = await memberOf(shop, m.customerId);
    expect({ available: released.pointsAvailable, pending: released.pointsPending, earned: released.lifetimeEarned }).toEqual({
      available: 100 + points,
      pending: 0,
      earned: 100 + points,
    });
  });

  it('answers the same delivery again as a duplicate, counting the points once', async () => {
    const o = oneLine('VND', 4_000_000_000);
    const d = delivery('orders/paid', o.payload, { shop: VND_SHOP });
    const [first, again] = await send(app.url, d, 2);
    expect([first!.status, again!.status]).toEqual([200, 200]);
    const m = await memberOf(VND_SHOP, (o.payload.customer as { admin_graphql_api_id: string }).admin_graphql_api_id);
    expect(m.pointsPending).toBe(4_000_000_000);
  });

  it('refuses an amount beyond 2^53 − 1 minor units with a 400, never a 500 or a rounded total', async () => {
    const o = oneLine('VND', 1000);
    const huge = '9007199254740993'; // 2^53 + 1: a double would read it as 2^53
    const payload = JSON.parse(JSON.stringify(o.payload).replaceAll('"1000"', `"${huge}"`)) as Record<string, unknown>;
    const d = delivery('orders/paid', payload, { shop: VND_SHOP });
    const res = await post(app.url, d.headers, d.body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body?.error).toMatchObject({ code: 'malformed_payload', message: expect.any(String) });
    expect(await app.prisma.order.count({ where: { shop: VND_SHOP, orderId: o.facts.orderId } })).toBe(0);
  });
  it('reads an amount sent as a JSON number of 16 digits exactly, not as the nearest double', async () => {
    // 90,071,992,547,409.91 USD = 2^53 − 1 cents; as a double it is 90071992547409.90625, printed "90071992547409.9".
    const o = order({ customer: newCustomer('usd'), lines: [{ title: 'Island', priceMinor: 123 }], shippingMinor: 0, taxRate: 0 });
    // Every amount as Shopify writes it (a string), but the line's shop-money price as a bare JSON number.
    const payload = JSON.parse(JSON.stringify(o.payload).replaceAll('"1.23"', '"90071992547409.91"')) as {
      line_items: Array<{ price_set: { shop_money: { amount: string } } }>;
    };
    payload.line_items[0]!.price_set.shop_money.amount = '__NUMBER__';
    const body = toShopifyJson(payload).replace('"__NUMBER__"', '90071992547409.91');
    const d = delivery('orders/paid', o.payload);
    const res = await post(app.url, { ...d.headers, 'x-shopify-hmac-sha256': webhookHmac(body, DEV_API_SECRET) }, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(
      await app.prisma.order.findFirst({
        where: { shop: DEV_SHOP, orderId: o.facts.orderId },
        select: { totalMinor: true, earnBaseMinor: true, pointsAwarded: true },
      }),
    ).toEqual({ totalMinor: Number.MAX_SAFE_INTEGER, earnBaseMinor: Number.MAX_SAFE_INTEGER, pointsAwarded: 90_071_992_547_409 });
  });

  it('refuses an order whose lines add up beyond 2^53 − 1 minor units with a 400, though each line is within it', async () => {
    // Two ships of 2^52 đồng (4,503,599,627,370,496): the payload is built small and its line prices rewritten.
    const o = order({
      currency: 'VND',
      customer: newCustomer('vnd'),
      lines: [
        { title: 'Ship', priceMinor: 1111 },
        { title: 'Ship', priceMinor: 2222 },
      ],
      shippingMinor: 0,
      taxRate: 0,
    });
    const payload = JSON.parse(JSON.stringify(o.payload).replaceAll(/"(1111|2222)"/g, `"${2 ** 52}"`)) as Record<string, unknown>;
    const d = delivery('orders/paid', payload, { shop: VND_SHOP });
    const res = await post(app.url, d.headers, d.body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body?.error?.fields).toMatchObject({ line_items: expect.stringContaining('add up to more than') });
  });
});

describe('points beyond 2^53 − 1', () => {
  it("answers an order whose points at the shop's rate exceed 2^53 − 1 with a 422, storing nothing", async () => {
    const shop = 'tally-generous.myshopify.com';
    await app.prisma.$transaction(async (tx) => {
      await tx.shop.create({ data: { domain: shop, name: shop, currencyCode: 'VND', ianaTimezone: 'Asia/Ho_Chi_Minh' } });
      await createDefaultProgram(tx, shop);
    });
    // A million points per đồng: a 10,000,000,000 VND order would earn 10^16 points.
    const purchase = await app.prisma.earnRule.findFirstOrThrow({ where: { shop, type: 'purchase' } });
    await app.prisma.earnRule.update({ where: { id: purchase.id }, data: { config: { ...(purchase.config as object), rate: '1000000' } } });
    const o = oneLine('VND', 10_000_000_000);
    const [res] = await send(app.url, delivery('orders/paid', o.payload, { shop }));
    expect(res!.status, JSON.stringify(res!.body)).toBe(422);
    expect(res!.body).toMatchObject({ error: { message: expect.stringContaining(String(Number.MAX_SAFE_INTEGER)) } });
    expect(await app.prisma.order.count({ where: { shop, orderId: o.facts.orderId } })).toBe(0);
  });
});

describe('a member whose points pass 2^31', () => {
  it('sees exact balances in the admin and the storefront, redeems, and the ledger stays whole', async () => {
    const c = newCustomer('tycoon');
    const numeric = c.id.split('/').pop()!;
    // Three orders of 3,000,000,000 VND: 9,000,000,000 points, each order alone past 2^31.
    const orders = [1, 2, 3].map(() => oneLine('VND', 3_000_000_000, c));
    for (const o of orders) await deliver(VND_SHOP, 'orders/paid', o.payload);
    for (const o of orders) await app.prisma.$transaction((tx) => releaseOrder(tx, VND_SHOP, o.facts.orderId));
    const m = await memberOf(VND_SHOP, c.id);
    const earned = 100 + 9_000_000_000;
    expect(m.lifetimeEarned).toBeGreaterThan(INT32_MAX);
    expect({ available: m.pointsAvailable, pending: m.pointsPending, earned: m.lifetimeEarned }).toEqual({
      available: earned,
      pending: 0,
      earned,
    });

    const admin = await adminApi(app.url, 'GET', `/members/${m.id}`, undefined, VND_SHOP);
    expect(admin.status, JSON.stringify(admin.body)).toBe(200);
    expect(admin.body.member.points).toEqual({ available: earned, pending: 0, lifetimeEarned: earned, lifetimeRedeemed: 0 });
    const list = await adminApi(app.url, 'GET', `/members?minPoints=${INT32_MAX}`, undefined, VND_SHOP);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.members.map((x: { id: string; points: { available: number } }) => [x.id, x.points.available])).toContainEqual([
      m.id,
      earned,
    ]);

    const storefront = await proxyApi(app.url, 'GET', '/member', numeric, undefined, { shop: VND_SHOP });
    expect(storefront.status, JSON.stringify(storefront.body)).toBe(200);
    expect(storefront.body.member.points).toMatchObject({ available: earned, pending: 0 });

    const reward = await app.prisma.reward.findFirstOrThrow({ where: { shop: VND_SHOP, name: '5 off for 500 points' } });
    const redeemed = await proxyApi(
      app.url,
      'POST',
      '/redemptions',
      numeric,
      { rewardId: reward.id, idempotencyKey: randomUUID() },
      { shop: VND_SHOP },
    );
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
    const after = await memberOf(VND_SHOP, c.id);
    expect({ available: after.pointsAvailable, redeemed: after.lifetimeRedeemed }).toEqual({ available: earned - 500, redeemed: 500 });

    // An adjustment past 2^31 in one go, through the admin API.
    const adjusted = await adminApi(
      app.url,
      'POST',
      `/members/${m.id}/adjustments`,
      { points: 5_000_000_000, reason: 'bulk import' },
      VND_SHOP,
    );
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);
    expect((await memberOf(VND_SHOP, c.id)).pointsAvailable).toBe(earned - 500 + 5_000_000_000);
    expect((await checkLedger(app.prisma, VND_SHOP)).offenders).toEqual([]);

    // The dashboard sums points and money past 2^31 as well.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const dashboard = await adminApi(app.url, 'GET', `/dashboard?from=${today}&to=${today}`, undefined, VND_SHOP);
    expect(dashboard.status, JSON.stringify(dashboard.body)).toBe(200);
    const members = await app.prisma.member.findMany({ where: { shop: VND_SHOP } });
    expect(dashboard.body.totals.pointsOutstanding).toBe(members.reduce((n, x) => n + x.pointsAvailable + x.pointsPending, 0));
    expect(dashboard.body.totals.pointsIssued).toBeGreaterThanOrEqual(earned + 5_000_000_000);
  });

  it('refuses an adjustment that would take a balance beyond 2^53 − 1 with a 422, changing nothing', async () => {
    const c = newCustomer('ceiling');
    await deliver(VND_SHOP, 'orders/paid', oneLine('VND', 1000, c).payload);
    const m = await memberOf(VND_SHOP, c.id);
    const up = (points: number) => adminApi(app.url, 'POST', `/members/${m.id}/adjustments`, { points, reason: 'ceiling test' }, VND_SHOP);
    // Available and pending together (the order's 1,000 points wait) may reach 2^53 − 1, not pass it.
    const top = Number.MAX_SAFE_INTEGER - m.pointsAvailable - m.pointsPending;
    expect((await up(top)).status).toBe(201);
    const over = await up(1);
    expect(over.status, JSON.stringify(over.body)).toBe(422);
    expect(over.body.error.message).toContain(String(Number.MAX_SAFE_INTEGER));
    const after = await adminApi(app.url, 'GET', `/members/${m.id}`, undefined, VND_SHOP);
    expect(after.body.member.points.available + after.body.member.points.pending).toBe(Number.MAX_SAFE_INTEGER);
    expect((await checkLedger(app.prisma, VND_SHOP)).offenders).toEqual([]);
  });

  it('counts amount spent past 2^31 minor units towards tiers whose thresholds pass it too', async () => {
    const current = await adminApi(app.url, 'GET', '/tiers', undefined, IDR_SHOP);
    expect(current.status).toBe(200);
    // Silver at IDR 40,000,000.00, Gold at IDR 100,000,000.00 spent.
    const thresholds = [0, 4_000_000_000, 10_000_000_000];
    const tiers = current.body.tiers.map((t: object, i: number) => ({ ...t, threshold: thresholds[i] }));
    const put = await adminApi(app.url, 'PUT', '/tiers', { tiers, policy: { ...current.body.policy, basis: 'amount-spent' } }, IDR_SHOP);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const saved = await adminApi(app.url, 'GET', '/tiers', undefined, IDR_SHOP);
    expect(saved.body.tiers.map((t: { name: string; threshold: number }) => [t.name, t.threshold])).toEqual([
      ['Bronze', 0],
      ['Silver', 4_000_000_000],
      ['Gold', 10_000_000_000],
    ]);

    const c = newCustomer('spender');
    await deliver(IDR_SHOP, 'orders/paid', oneLine('IDR', 2_500_000_000, c).payload);
    await deliver(IDR_SHOP, 'orders/paid', oneLine('IDR', 2_500_000_000, c).payload);
    const { body } = await proxyApi(app.url, 'GET', '/member', c.id.split('/').pop()!, undefined, { shop: IDR_SHOP });
    expect(body.member.tier).toMatchObject({ name: 'Silver' });
    expect(body.member.tierProgress).toMatchObject({ value: 5_000_000_000, basis: 'amount-spent' });
    expect(body.member.nextTier).toMatchObject({ name: 'Gold', remaining: 5_000_000_000 });
  });

  it('takes money and points settings past 2^31 in the admin and refuses them beyond 2^53 − 1', async () => {
    const big = { type: 'fixed-amount', name: 'Scooter voucher', config: { pointsCost: 3_000_000_000, amountMinor: 3_000_000_000_000 } };
    const created = await adminApi(app.url, 'POST', '/rewards', big, VND_SHOP);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.reward.config).toMatchObject({ pointsCost: 3_000_000_000, amountMinor: 3_000_000_000_000 });
    // The richest member redeems it: 3,000,000,000 points for 3,000,000,000,000 đồng off.
    const rich = await app.prisma.member.findFirstOrThrow({ where: { shop: VND_SHOP }, orderBy: { pointsAvailable: 'desc' } });
    const redeemed = await proxyApi(
      app.url,
      'POST',
      '/redemptions',
      rich.customerId.split('/').pop()!,
      { rewardId: created.body.reward.id, idempotencyKey: randomUUID() },
      { shop: VND_SHOP },
    );
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
    expect(
      await app.prisma.redemption.findFirstOrThrow({
        where: { shop: VND_SHOP, rewardId: created.body.reward.id },
        select: { points: true, valueMinor: true },
      }),
    ).toEqual({ points: 3_000_000_000, valueMinor: 3_000_000_000_000 });
    expect((await memberOf(VND_SHOP, rich.customerId)).pointsAvailable).toBe(rich.pointsAvailable - 3_000_000_000);
    const tooBig = await adminApi(app.url, 'POST', '/rewards', { ...big, config: { pointsCost: 2 ** 53, amountMinor: 1000 } }, VND_SHOP);
    expect(tooBig.status, JSON.stringify(tooBig.body)).toBe(400);
    const adjustTooBig = await adminApi(
      app.url,
      'POST',
      `/members/${(await app.prisma.member.findFirstOrThrow({ where: { shop: VND_SHOP } })).id}/adjustments`,
      { points: 2 ** 53, reason: 'overflow' },
      VND_SHOP,
    );
    expect(adjustTooBig.status, JSON.stringify(adjustTooBig.body)).toBe(400);
  });
});
