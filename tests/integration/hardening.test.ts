// Issue 13's findings, each as the attacker (or an unlucky shopper) met it:
// real HTTP, real signatures, a real database. Every test here failed on the
// code before its fix.
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { appProxySignature } from '../../web/shopify/signing.js';
import { encodeCursor } from '../../web/loyalty/member-list.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { proxyApi } from '../helpers/requests.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';
import { delivery, post, send } from '../helpers/webhooks.js';

const app = useTestApp({ checkLedger: true });
const admin = () => adminApi(app.url);

/** The one error shape: { error: { code, message, fields? } }. */
const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

const memberOf = (customerId: string) => app.prisma.member.findUnique({ where: { shop_customerId: { shop: DEV_SHOP, customerId } } });
/** Points as a number, whether the column is INTEGER or BIGINT. */
const pointsOf = async (customerId: string) => Number((await memberOf(customerId))?.pointsAvailable);

describe('item 4: a delivery rejected as malformed is applied when it arrives again valid', () => {
  it('applies an order whose first delivery was not JSON, once', async () => {
    const customer = newCustomer('retried');
    const { payload } = order({ customer, lines: HUNDRED });
    const valid = delivery('orders/paid', payload, { eventId: `fixed-release-${customer.id}` });
    const broken = delivery('orders/paid', '{"id": 1, "name": ', { eventId: valid.headers['x-shopify-event-id'] });

    expect((await post(app.url, broken.headers, broken.body)).status).toBe(400);
    expect(await memberOf(customer.id)).toBeNull();
    const results = await send(app.url, valid, 2);
    expect(results.map((r) => (r.body as { outcome: string }).outcome)).toEqual(['processed', 'duplicate']);
    expect(await pointsOf(customer.id)).toBe(100);
    const logged = await app.prisma.webhookDelivery.findMany({ where: { shop: DEV_SHOP, eventId: valid.headers['x-shopify-event-id'] } });
    expect(logged).toMatchObject([{ status: 'PROCESSED', error: null }]);
  });

  it('applies parallel valid retries of a rejected delivery exactly once', async () => {
    const customer = newCustomer('parallel');
    const { payload } = order({ customer, lines: HUNDRED });
    const eventId = `parallel-${customer.id}`;
    const broken = delivery('orders/paid', '{"id": ', { eventId });
    expect((await post(app.url, broken.headers, broken.body)).status).toBe(400);
    const valid = delivery('orders/paid', payload, { eventId });
    const results = await Promise.all(Array.from({ length: 6 }, () => send(app.url, valid).then(([r]) => r!)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(results.filter((r) => (r.body as { outcome: string }).outcome === 'processed')).toHaveLength(1);
    expect(await pointsOf(customer.id)).toBe(100);
  });

  it('applies an order whose first delivery had the wrong shape, and a malformed repeat of an applied one changes nothing', async () => {
    const customer = newCustomer('reshaped');
    const { payload } = order({ customer, lines: HUNDRED });
    const eventId = `reshaped-${customer.id}`;
    const wrong = delivery('orders/paid', { ...payload, currency: 42 }, { eventId });
    expect((await post(app.url, wrong.headers, wrong.body)).status).toBe(400);
    expect((await app.prisma.webhookDelivery.findFirst({ where: { eventId } }))?.status).toBe('MALFORMED');
    const [applied] = await send(app.url, delivery('orders/paid', payload, { eventId }));
    expect(applied).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect((await post(app.url, wrong.headers, wrong.body)).status).toBe(400);
    expect((await app.prisma.webhookDelivery.findFirst({ where: { eventId } }))?.status).toBe('PROCESSED');
    expect(await pointsOf(customer.id)).toBe(100);
  });
});

describe('item 7: NUL characters', () => {
  it('applies an order with a NUL in the customer name and the discount code (200), without the NUL', async () => {
    const customer = { ...newCustomer('nul'), firstName: 'An\u0000na' };
    const { payload } = order({ customer, lines: HUNDRED, discountCode: 'SAVE\u000010', discountMinor: 500 });
    const [res] = await send(app.url, delivery('orders/paid', payload));
    expect(res).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await memberOf(customer.id)).toMatchObject({ firstName: 'Anna' });
  });

  // Found by the fuzz test: a JSON escape of half a surrogate pair is valid JSON that PostgreSQL refuses.
  it('applies an order with a lone surrogate in the name and the discount code (200), as U+FFFD', async () => {
    const customer = { ...newCustomer('surrogate'), firstName: 'An\ud800na' };
    const { payload } = order({ customer, lines: HUNDRED, discountCode: '\udc00SAVE', discountMinor: 500 });
    const [res] = await send(app.url, delivery('orders/create', payload));
    expect(res).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await memberOf(customer.id)).toMatchObject({ firstName: 'An\uFFFDna' });
  });

  it.each([
    ['a NUL alone', '\u0000'],
    ['a NUL in a string', '{"id": 1, "name": "\u0000'],
    ['a NUL beside a 64-bit id', '{"id": 12345678901234567, "name": "\u0000"}'],
    ['a NUL after the JSON', '{"id": 12345678901234567}\u0000'],
  ])('answers 400 with the error shape to an unparsable body holding %s, and records it', async (_name, body) => {
    const d = delivery('orders/paid', body);
    const res = await post(app.url, d.headers, d.body);
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'malformed_payload' } } });
    expect((await app.prisma.webhookDelivery.findFirst({ where: { eventId: d.headers['x-shopify-event-id'] } }))?.status).toBe('MALFORMED');
  });

  it('answers 400 to admin text holding a NUL', async () => {
    const member = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    const adjusted = await admin()('POST', `/members/${member.id}/adjustments`, { points: 5, reason: 'goodwill\u0000' });
    expect(adjusted.status).toBe(400);
    expect(adjusted.body).toMatchObject(errorShape);
    const reward = await admin()('POST', '/rewards', {
      type: 'fixed-amount',
      name: 'Five\u0000off',
      config: { pointsCost: 1, amountMinor: 1 },
    });
    expect(reward.status).toBe(400);
    expect(reward.body).toMatchObject(errorShape);
  });
});

describe('item 8: admin inputs answer 400, not 500', () => {
  const tampered = [
    ['not base64 JSON', 'AAAA'],
    ['a date cursor on the points sort', encodeCursor({ v: 'yesterday', id: 'x' })],
    ['a word where a date goes', encodeCursor({ v: 'not a date', id: 'x' })],
    ['a NUL in the id', encodeCursor({ v: '2026-01-01T00:00:00.000Z', id: 'x\u0000' })],
  ] as const;

  it.each(tampered)('refuses a tampered member-list cursor (%s)', async (_name, cursor) => {
    for (const sort of ['points', 'lastActivity', 'memberSince']) {
      if (sort !== 'points' && cursor === tampered[1][1]) continue;
      const res = await admin()('GET', `/members?sort=${sort}&cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, `${sort} ${res.text}`).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_input', fields: { cursor: expect.any(String) } } });
    }
  });

  it('refuses a tampered history cursor', async () => {
    const member = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    for (const [, cursor] of tampered) {
      const res = await admin()('GET', `/members/${member.id}/entries?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_input', fields: { cursor: expect.any(String) } } });
    }
  });

  it('keeps a good cursor working', async () => {
    const first = await admin()('GET', '/members?sort=points&limit=1');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await admin()('GET', `/members?sort=points&limit=1&cursor=${first.body.nextCursor}`)).status).toBe(200);
  });

  it('filters on a points bound larger than any balance, and refuses one beyond exact numbers', async () => {
    const huge = await admin()('GET', '/members?minPoints=99999999999');
    expect(huge.status, huge.text).toBe(200);
    expect(huge.body.members).toEqual([]);
    expect((await admin()('GET', '/members?maxPoints=-99999999999')).body.members).toEqual([]);
    const beyond = await admin()('GET', '/members?minPoints=1e30');
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ error: { code: 'invalid_input', fields: { minPoints: expect.any(String) } } });
  });

  it('refuses a search holding a NUL', async () => {
    const res = await admin()('GET', '/members?q=%00');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid_input', fields: { q: expect.any(String) } } });
    expect((await admin()('GET', '/members/export.csv?q=ann%00')).status).toBe(400);
  });

  it('refuses a limit per member too large to store', async () => {
    const res = await admin()('POST', '/rewards', {
      type: 'fixed-amount',
      name: 'Many',
      config: { pointsCost: 1, amountMinor: 1 },
      limitPerMember: 99999999999,
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid_input', fields: { limitPerMember: expect.any(String) } } });
  });
});

describe('item 9: the adjustment Idempotency-Key belongs to one member and one request', () => {
  let ids: [string, string];
  beforeAll(async () => {
    const members = await app.prisma.member.findMany({ where: { shop: DEV_SHOP }, orderBy: { id: 'asc' }, take: 2, select: { id: true } });
    ids = [members[0]!.id, members[1]!.id];
  });
  const balance = async (id: string) => (await app.prisma.member.findUniqueOrThrow({ where: { id } })).pointsAvailable;
  const adjustWith = (id: string, key: string, body: object) =>
    admin()('POST', `/members/${id}/adjustments`, body, { 'idempotency-key': key });

  it('applies the same key on another member, replays a retry, and refuses other values with 409', async () => {
    const key = `hardening-${Date.now()}`;
    const [a, b] = ids;
    const [beforeA, beforeB] = [await balance(a), await balance(b)];
    const body = { points: 7, reason: 'Apology for a late parcel' };
    expect((await adjustWith(a, key, body)).status).toBe(201);
    expect((await adjustWith(b, key, body)).status).toBe(201);
    expect([Number(await balance(a)) - Number(beforeA), Number(await balance(b)) - Number(beforeB)]).toEqual([7, 7]);

    const retry = await adjustWith(a, key, body);
    expect(retry.status).toBe(201);
    expect(Number(retry.body.member.points.available)).toBe(Number(beforeA) + 7);
    for (const other of [
      { ...body, points: 8 },
      { ...body, reason: 'Another reason entirely' },
    ]) {
      const reused = await adjustWith(a, key, other);
      expect(reused.status).toBe(409);
      expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) } });
    }
    expect(Number(await balance(a)) - Number(beforeA)).toBe(7);
  });

  it("answers 409 when an admin redemption's key comes again with another reward", async () => {
    const [a] = ids;
    const rewards = [];
    for (const name of ['Key reuse one', 'Key reuse two']) {
      rewards.push(
        (await admin()('POST', '/rewards', { type: 'fixed-amount', name, config: { pointsCost: 1, amountMinor: 100 } })).body.reward
          .id as string,
      );
    }
    await adjustWith(a, `fund-${Date.now()}`, { points: 10, reason: 'Funds for the redemptions' });
    const key = { 'idempotency-key': `redeem-${Date.now()}` };
    const first = await admin()('POST', `/members/${a}/redemptions`, { rewardId: rewards[0] }, key);
    expect(first.status, first.text).toBe(201);
    const retry = await admin()('POST', `/members/${a}/redemptions`, { rewardId: rewards[0] }, key);
    expect(retry.body.redemption.id).toBe(first.body.redemption.id);
    const reused = await admin()('POST', `/members/${a}/redemptions`, { rewardId: rewards[1] }, key);
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await app.prisma.redemption.count({ where: { shop: DEV_SHOP, rewardId: { in: rewards } } })).toBe(1);
  });

  it('refuses a malformed key instead of ignoring it', async () => {
    const res = await adjustWith(ids[0], 'no spaces allowed here', { points: 1, reason: 'A malformed key' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(errorShape);
    const redemption = await admin()(
      'POST',
      `/members/${ids[0]}/redemptions`,
      { rewardId: 'x' },
      { 'idempotency-key': 'no spaces allowed here' },
    );
    expect(redemption.status).toBe(400);
    expect(redemption.body).toMatchObject(errorShape);
  });
});

describe('item 10: storefront requests are signed whole', () => {
  const customer = newCustomer('proxy');
  beforeAll(async () => {
    await send(app.url, delivery('orders/paid', order({ customer, lines: HUNDRED }).payload));
  });
  const numeric = customer.id.split('/').pop()!;

  it('answers a correctly signed request', async () => {
    const res = await proxyApi(app.url, 'GET', '/member', numeric);
    expect(res.status).toBe(200);
  });

  it('refuses an unsigned parameter after a second ?', async () => {
    const signed = new URLSearchParams({
      shop: DEV_SHOP,
      logged_in_customer_id: numeric,
      path_prefix: '/apps/tally',
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    const query = `${signed}&signature=${appProxySignature(Object.fromEntries(signed), DEV_API_SECRET)}`;
    for (const tail of ['?logged_in_customer_id=1', '?x=1&logged_in_customer_id=1', '?']) {
      const res = await fetch(`${app.url}/proxy/member?${query}${tail}`);
      expect(res.status, tail).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_proxy_signature' } });
    }
  });

  it('refuses a repeated logged_in_customer_id even when validly signed', async () => {
    const params = {
      shop: DEV_SHOP,
      logged_in_customer_id: ['1', numeric],
      path_prefix: '/apps/tally',
      timestamp: String(Math.floor(Date.now() / 1000)),
    };
    const signature = appProxySignature(params, DEV_API_SECRET);
    // Shopify signs a repeated parameter as its values joined by commas.
    expect(signature).toBe(
      createHmac('sha256', DEV_API_SECRET)
        .update(`logged_in_customer_id=1,${numeric}path_prefix=/apps/tallyshop=${DEV_SHOP}timestamp=${params.timestamp}`)
        .digest('hex'),
    );
    const query = `shop=${DEV_SHOP}&logged_in_customer_id=1&logged_in_customer_id=${numeric}&path_prefix=%2Fapps%2Ftally&timestamp=${params.timestamp}&signature=${signature}`;
    const res = await fetch(`${app.url}/proxy/member?${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_customer' } });
  });
});

describe("item 13: a reward names only its own shop's tiers", () => {
  const OTHER = 'tier-thief.myshopify.com';
  let otherTier: string;
  let ownTier: string;
  beforeAll(async () => {
    await app.prisma.shop.create({ data: { domain: OTHER, name: 'Other' } });
    await adminApi(app.url, OTHER)('POST', '/program', { name: 'Other' });
    otherTier = (await app.prisma.tier.findFirstOrThrow({ where: { shop: OTHER } })).id;
    ownTier = (await app.prisma.tier.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id;
  });
  const reward = (tierIds: string[]) => ({ type: 'fixed-amount', name: 'Tiered', config: { pointsCost: 1, amountMinor: 1 }, tierIds });

  it("refuses another shop's tier id on create and on edit, and stores nothing", async () => {
    const before = await app.prisma.reward.count({ where: { shop: DEV_SHOP } });
    const created = await admin()('POST', '/rewards', reward([ownTier, otherTier]));
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: { code: 'invalid_input', fields: { 'tierIds.1': expect.any(String) } } });
    expect((await admin()('POST', '/rewards', reward(['no-such-tier']))).status).toBe(400);
    expect(await app.prisma.reward.count({ where: { shop: DEV_SHOP } })).toBe(before);

    const own = await admin()('POST', '/rewards', reward([ownTier]));
    expect(own.status).toBe(201);
    const edited = await admin()('PUT', `/rewards/${own.body.reward.id}`, { ...own.body.reward, tierIds: [otherTier] });
    expect(edited.status).toBe(400);
    expect((await app.prisma.reward.findUniqueOrThrow({ where: { id: own.body.reward.id } })).tierIds).toEqual([ownTier]);
  });
});
