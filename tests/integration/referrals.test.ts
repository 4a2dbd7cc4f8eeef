// The referral program end to end, through the signed app proxy and signed
// webhooks: a member's link, a friend's visit and offer (a real discount code
// in the Admin stand-in, new customers only), the friend's first order, the
// reward after the pending period, reversal on refund, every fraud rule
// blocking its own case, the monthly cap under parallel orders, and the
// admin's review.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { releaseDuePoints } from '../../web/jobs/release-pending-points.js';
import { complianceDataRequest, complianceRedact, type OrderSpec } from '../../dev/payloads.js';
import { useTestApp } from '../helpers/app.js';
import { onPostgres } from '../helpers/database.js';
import { HUNDRED, newCustomer, order, refund } from '../helpers/orders.js';
import { delivery, send } from '../helpers/webhooks.js';
import { proxyApi } from '../helpers/requests.js';
import { adminApi as adminClient } from '../helpers/admin.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { VISIT_LIMITS } from '../../web/routes/proxy/referrals.js';

const DAY = 86_400_000;

// The release job is driven by hand (releaseDuePoints) so the pending period can be skipped.
const app = useTestApp({ env: { TALLY_WORKER: 'false' }, checkLedger: true });

const numeric = (gid: string) => gid.split('/').pop()!;

const proxy = (method: 'GET' | 'POST', path: string, customerId: string | null, body?: unknown, extra: Record<string, string> = {}) =>
  proxyApi(app.url, method, path, customerId, body, { extra });
const adminApi = (method: string, path: string, body?: unknown) => adminClient(app.url)(method, path, body);

/** Runs `fn` with some referral settings changed, then puts them back. */
async function withReferralSettings<T>(changes: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  const before = (await adminApi('GET', '/referrals/settings')).body.settings;
  expect((await adminApi('PUT', '/referrals/settings', { ...before, ...changes })).status).toBe(200);
  try {
    return await fn();
  } finally {
    await adminApi('PUT', '/referrals/settings', before);
  }
}

/** A member who shares their link; `device` is the cookie of the browser they use the widget from. */
async function referrer(options: { email?: string; device?: string } = {}) {
  const c = newCustomer('referrer');
  const email = options.email ?? c.email;
  const member = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email, firstName: 'Rita' } });
  const res = await proxy('GET', '/member', c.id, undefined, options.device ? { device: options.device } : {});
  expect(res.status).toBe(200);
  return { ...c, email, memberId: member.id, referral: res.body.member.referral as { code: string; url: string; friendsJoined: number } };
}

/** A visit of `code`'s link from a shopper at `address` (Shopify's proxy forwards it as X-Forwarded-For). */
async function visitFrom(address: string, code: string, deviceId: string = randomUUID(), customerId: string | null = null) {
  const q = signedProxyQuery({ shop: DEV_SHOP, customerId: customerId && numeric(customerId) }, DEV_API_SECRET);
  const res = await fetch(`${app.url}/proxy/referrals/visits?${q}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ code, deviceId }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

let friendAddresses = 0;
/** A friend's browser following the link: its device cookie and the offer it got (each friend at an address of their own). */
async function visit(code: string, deviceId: string = randomUUID(), customerId: string | null = null) {
  friendAddresses += 1;
  return visitFrom(`10.${(friendAddresses >> 8) & 255}.${friendAddresses & 255}.1`, code, deviceId, customerId);
}

async function friendOrders(spec: OrderSpec) {
  const o = order({ lines: HUNDRED, ...spec });
  const [res] = await send(app.url, delivery('orders/paid', o.payload));
  expect(res!.status).toBe(200);
  return o;
}

const referralOf = (offerCode: string) => app.prisma.referral.findFirstOrThrow({ where: { shop: DEV_SHOP, offerCode } });
const balance = async (memberId: string) => (await app.prisma.member.findUniqueOrThrow({ where: { id: memberId } })).pointsAvailable;
const afterPendingPeriod = () => releaseDuePoints(app.prisma, new Date(Date.now() + 31 * DAY));

/** A referrer, a friend who visited, and the friend's code: the usual start. */
async function referredFriend(options: { email?: string; device?: string; friendDevice?: string } = {}) {
  const r = await referrer(options);
  const v = await visit(r.referral.code, options.friendDevice);
  expect(v.status).toBe(201);
  return { r, offerCode: v.body.offer.code as string, friend: newCustomer('friend') };
}

describe('the happy path', () => {
  it('gives the friend a new-customer code and the referrer points once the first order survives its pending period', async () => {
    const r = await referrer();
    expect(r.referral).toMatchObject({ code: expect.stringMatching(/^RITA-[A-Z0-9]{6}$/), friendsJoined: 0 });
    expect(r.referral.url).toContain(`/apps/tally/r/${r.referral.code}`);
    // The same member always gets the same code.
    expect((await proxy('GET', '/member', r.id)).body.member.referral.code).toBe(r.referral.code);

    // The link's landing page keeps the referral in first-party cookies for the configured days.
    const page = await proxy('GET', `/r/${r.referral.code.toLowerCase()}`, null);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-code="${r.referral.code}"`);
    expect(page.text).toContain('data-days="30"');
    expect(page.text).toContain('data-visits="/apps/tally/referrals/visits"');

    const device = randomUUID();
    const v = await visit(r.referral.code, device);
    expect(v.status).toBe(201);
    expect(v.body.offer).toMatchObject({
      code: expect.stringMatching(/^FRIEND-/),
      description: '10.00 USD off your first order',
      discountUrl: expect.stringContaining(`https://${DEV_SHOP}/discount/FRIEND-`),
    });
    // Following the link again from the same browser is the same referral, with the same code.
    expect((await visit(r.referral.code, device)).body.offer.code).toBe(v.body.offer.code);

    // A real discount in Shopify: one use, once per customer, only for the segment of customers without orders.
    const [segment] = app.standin!.state.segments(DEV_SHOP);
    expect(segment).toMatchObject({ query: 'number_of_orders = 0' });
    const discount = app.standin!.state.discounts(DEV_SHOP).find((d) => d.code === v.body.offer.code);
    expect(discount).toMatchObject({
      segmentIds: [segment!.id],
      customerIds: null,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      value: { kind: 'amount', amount: '10.0' },
    });

    const friend = newCustomer('friend');
    const o = await friendOrders({
      customer: friend,
      discountMinor: 1000,
      discountCode: v.body.offer.code,
      attributes: { _tally_ref: r.referral.code, _tally_device: device },
    });
    expect(await referralOf(v.body.offer.code)).toMatchObject({
      status: 'PENDING',
      reason: null,
      orderId: o.facts.orderId,
      friendCustomerId: friend.id,
      rewardPoints: 500,
    });
    expect((await proxy('GET', '/member', r.id)).body.member.referral.friendsJoined).toBe(1);
    expect(await balance(r.memberId)).toBe(0); // nothing before the pending period
    expect(await app.prisma.event.count({ where: { memberId: r.memberId, type: 'referral.friend_joined' } })).toBe(1);

    await afterPendingPeriod();
    expect(await referralOf(v.body.offer.code)).toMatchObject({ status: 'REWARDED' });
    expect(await balance(r.memberId)).toBe(500);
    const entries = await app.prisma.pointEntry.findMany({ where: { memberId: r.memberId } });
    expect(entries.map((e) => [e.kind, e.source, e.points])).toEqual([['EARN', 'REFERRAL', 500]]);
    expect(await app.prisma.event.count({ where: { memberId: r.memberId, type: 'referral.completed' } })).toBe(1);

    // Shopify delivering the order again, and the job running again, change nothing.
    await send(app.url, delivery('orders/paid', o.payload));
    await afterPendingPeriod();
    expect(await balance(r.memberId)).toBe(500);
  });

  it("makes the reward expire like any credit under the shop's expiry policy", async () => {
    const program = await app.prisma.program.findUniqueOrThrow({ where: { shop: DEV_SHOP } });
    await app.prisma.program.update({
      where: { shop: DEV_SHOP },
      data: { settings: { ...(program.settings as object), expiry: { kind: 'after-earning', months: 12 } } },
    });
    app.programs.forget(DEV_SHOP);
    try {
      const { r, offerCode, friend } = await referredFriend();
      await friendOrders({ customer: friend, discountCode: offerCode });
      await afterPendingPeriod();
      const reward = await app.prisma.pointEntry.findFirstOrThrow({ where: { memberId: r.memberId, source: 'REFERRAL' } });
      expect(reward.expiresAt!.getTime() - reward.createdAt.getTime()).toBeGreaterThan(364 * DAY);
    } finally {
      await app.prisma.program.update({ where: { shop: DEV_SHOP }, data: { settings: program.settings as object } });
      app.programs.forget(DEV_SHOP);
    }
  });

  it('links an order that carries the referral cart attributes even when the code was not used', async () => {
    const r = await referrer();
    const device = randomUUID();
    await visit(r.referral.code, device);
    await friendOrders({ customer: newCustomer('friend'), attributes: { _tally_ref: r.referral.code, _tally_device: device } });
    const referral = await app.prisma.referral.findFirstOrThrow({ where: { shop: DEV_SHOP, code: r.referral.code, deviceId: device } });
    expect(referral.status).toBe('PENDING');
  });

  it('finds the code Shopify created when its answer was lost, instead of creating another', async () => {
    const r = await referrer();
    const device = randomUUID();
    // Shopify creates the discount but the answer is lost; the client's retry then hears "code taken".
    app.standin!.control.failNext('http503', { count: 1, field: 'discountCodeBasicCreate', afterExecute: true });
    const first = await visit(r.referral.code, device);
    expect(first.status).toBe(202);
    expect(first.body.offer).toBeNull();
    const again = await visit(r.referral.code, device);
    expect(again.status).toBe(201);
    expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === again.body.offer.code)).toHaveLength(1);
  });

  it('makes the new-customers segment again when it was deleted in Shopify', async () => {
    const r = await referrer();
    app.standin!.control.reset(); // Shopify forgets everything Tally created, the segment included
    const v = await visit(r.referral.code);
    expect(v.status).toBe(201);
    const [segment] = app.standin!.state.segments(DEV_SHOP);
    expect(app.standin!.state.discounts(DEV_SHOP).find((d) => d.code === v.body.offer.code)?.segmentIds).toEqual([segment!.id]);
  });

  it('answers a device whose gift is past its days with OFFER_EXPIRED', async () => {
    const r = await referrer();
    const device = randomUUID();
    expect((await visit(r.referral.code, device)).status).toBe(201);
    await app.prisma.referral.updateMany({
      where: { shop: DEV_SHOP, code: r.referral.code, deviceId: device },
      data: { createdAt: new Date(Date.now() - 31 * DAY) },
    });
    const late = await visit(r.referral.code, device);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('OFFER_EXPIRED');
  });

  it('refuses unknown codes and a member following their own link', async () => {
    const r = await referrer();
    expect((await visit('NOPE-ZZZZZZ')).body.error.code).toBe('NOT_FOUND');
    expect((await visit(r.referral.code, randomUUID(), r.id)).status).toBe(409);
    expect((await visit('<script>', randomUUID())).status).toBe(400);
    expect((await proxy('GET', '/r/%3Cb%3E', null)).status).toBe(404);
    expect(await app.prisma.referral.count({ where: { code: r.referral.code } })).toBe(0);
  });
});

describe('refunds and cancellations', () => {
  it("reverses the referrer's reward when the friend's order is refunded in full after it", async () => {
    const { r, offerCode, friend } = await referredFriend();
    const o = await friendOrders({ customer: friend, discountCode: offerCode });
    await afterPendingPeriod();
    expect(await balance(r.memberId)).toBe(500);
    await send(app.url, delivery('refunds/create', refund(o.facts, { fraction: 1 })));
    expect(await referralOf(offerCode)).toMatchObject({ status: 'REVERSED', reason: 'order_refunded' });
    expect(await balance(r.memberId)).toBe(0);
    const entries = await app.prisma.pointEntry.findMany({ where: { memberId: r.memberId } });
    expect(entries.map((e) => [e.kind, e.source, e.points]).sort()).toEqual([
      ['EARN', 'REFERRAL', 500],
      ['REVERSAL', 'REFERRAL', -500],
    ]);
  });

  it('can reward the referrer with a reward from the catalogue instead of points, issued right after the release (no issue job), and takes it back with the order', async () => {
    const gift = await app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: '5 off for 500 points' } });
    const bad = await adminApi('PUT', '/referrals/settings', {
      ...(await adminApi('GET', '/referrals/settings')).body.settings,
      referrerPoints: 0,
      referrerRewardId: null,
    });
    expect(bad.body.error.fields).toEqual({ referrerPoints: 'Give the referrer points, a reward, or both' });
    await withReferralSettings({ referrerPoints: 0, referrerRewardId: gift.id }, async () => {
      const { r, offerCode, friend } = await referredFriend();
      const o = await friendOrders({ customer: friend, discountCode: offerCode });
      await afterPendingPeriod();
      await afterPendingPeriod(); // once per referral
      expect(await balance(r.memberId)).toBe(0);
      await app.jobs.events!.settle(); // reward.granted/issue-reward makes the first attempt after commit
      const granted = await app.prisma.redemption.findMany({ where: { memberId: r.memberId } });
      expect(granted).toMatchObject([
        { rewardId: gift.id, points: 0, status: 'ISSUED', attempts: 1, code: expect.stringMatching(/^TALLY-/) },
      ]);
      expect(app.standin!.state.discounts(DEV_SHOP).filter((d) => d.code === granted[0]!.code)).toHaveLength(1);
      const grants = (await adminApi('GET', `/events?type=reward.granted&memberId=${r.memberId}`)).body.events;
      expect(grants).toMatchObject([
        { data: { redemptionId: granted[0]!.id }, deliveries: [{ subscriber: 'reward.granted/issue-reward', status: 'done' }] },
      ]);
      const issued = (await adminApi('GET', `/events?type=reward.issued&memberId=${r.memberId}`)).body.events;
      expect(issued.map((e: { data: { redemptionId: string } }) => e.data.redemptionId)).toEqual([granted[0]!.id]);
      // The friend's order comes back: the issued code expires now (the expiry job disables it in Shopify).
      await send(app.url, delivery('refunds/create', refund(o.facts, { fraction: 1 })));
      expect(await referralOf(offerCode)).toMatchObject({ status: 'REVERSED' });
      const taken = await app.prisma.redemption.findUniqueOrThrow({ where: { id: granted[0]!.id } });
      expect(taken.status).toBe('ISSUED');
      expect(taken.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now());
    });
  });

  it('gives nothing when the order is refunded in full before the pending period ends; a partial refund keeps the referral', async () => {
    const a = await referredFriend();
    const full = await friendOrders({ customer: a.friend, discountCode: a.offerCode });
    const b = await referredFriend();
    const partial = await friendOrders({ customer: b.friend, discountCode: b.offerCode });
    await send(app.url, delivery('refunds/create', refund(full.facts, { fraction: 1 })));
    await send(app.url, delivery('refunds/create', refund(partial.facts, { fraction: 0.5 })));
    await afterPendingPeriod();
    expect(await referralOf(a.offerCode)).toMatchObject({ status: 'CANCELLED', reason: 'order_refunded' });
    expect(await balance(a.r.memberId)).toBe(0);
    expect(await referralOf(b.offerCode)).toMatchObject({ status: 'REWARDED' });
    expect(await balance(b.r.memberId)).toBe(500);
  });

  it('gives nothing for a cancelled order', async () => {
    const { r, offerCode, friend } = await referredFriend();
    const o = await friendOrders({ customer: friend, discountCode: offerCode });
    await send(
      app.url,
      delivery(
        'orders/cancelled',
        order({
          id: numeric(o.facts.orderId),
          customer: friend,
          lines: HUNDRED,
          discountCode: offerCode,
          cancelled: true,
          updatedAt: new Date(Date.now() + 1000),
        }).payload,
      ),
    );
    await afterPendingPeriod();
    expect(await referralOf(offerCode)).toMatchObject({ status: 'CANCELLED', reason: 'order_cancelled' });
    expect(await balance(r.memberId)).toBe(0);
  });
});

describe('fraud rules: each blocks its own case and only its case', () => {
  it('lets a genuine friend through (the control: no rule fires)', async () => {
    const { offerCode, friend } = await referredFriend();
    await friendOrders({ customer: friend, discountCode: offerCode });
    expect(await referralOf(offerCode)).toMatchObject({ status: 'PENDING', reason: null });
  });

  it('self-referral by customer account', async () => {
    const { r, offerCode } = await referredFriend();
    await friendOrders({ customer: { id: r.id, email: r.email }, discountCode: offerCode });
    expect(await referralOf(offerCode)).toMatchObject({ status: 'BLOCKED', reason: 'self_referral_customer' });
  });

  it('self-referral by email', async () => {
    const { r, offerCode, friend } = await referredFriend();
    await friendOrders({ customer: { ...friend, email: r.email.toUpperCase() }, discountCode: offerCode });
    expect(await referralOf(offerCode)).toMatchObject({ status: 'BLOCKED', reason: 'self_referral_email' });
  });

  it('self-referral by normalised email: plus-addressing and Gmail dots', async () => {
    const tag = randomUUID().slice(0, 8);
    const { offerCode, friend } = await referredFriend({ email: `jane.doe.${tag}@gmail.com` });
    await friendOrders({ customer: { ...friend, email: `janedoe${tag}+deal@googlemail.com` }, discountCode: offerCode });
    expect(await referralOf(offerCode)).toMatchObject({ status: 'BLOCKED', reason: 'self_referral_normalised_email' });
    // Plus-addressing on any provider.
    const other = await referredFriend({ email: `sam.${tag}@example.org` });
    await friendOrders({ customer: { ...other.friend, email: `sam.${tag}+2@example.org` }, discountCode: other.offerCode });
    expect(await referralOf(other.offerCode)).toMatchObject({ status: 'BLOCKED', reason: 'self_referral_normalised_email' });
  });

  it('self-referral by shipping address', async () => {
    const { r, offerCode, friend } = await referredFriend();
    const street = `${Date.now() % 100000} Orchard Lane`;
    await friendOrders({ customer: { id: r.id, email: r.email }, shippingAddress: { address1: street, zip: '10001', country_code: 'US' } });
    await friendOrders({
      customer: friend,
      discountCode: offerCode,
      shippingAddress: { address1: `  ${street.toUpperCase()}.`, zip: '10001 ', country_code: 'us' },
    });
    expect(await referralOf(offerCode)).toMatchObject({ status: 'BLOCKED', reason: 'self_referral_address' });
  });

  it("self-referral from the referrer's own device", async () => {
    const device = randomUUID();
    const { offerCode, friend } = await referredFriend({ device, friendDevice: device });
    await friendOrders({ customer: friend, discountCode: offerCode });
    expect(await referralOf(offerCode)).toMatchObject({ status: 'BLOCKED', reason: 'self_referral_device' });
  });

  it('a friend who was already a customer', async () => {
    const { offerCode, friend } = await referredFriend();
    await friendOrders({ customer: friend, updatedAt: new Date(Date.now() - 10 * DAY) });
    await friendOrders({ customer: friend, discountCode: offerCode });
    expect(await referralOf(offerCode)).toMatchObject({ status: 'BLOCKED', reason: 'existing_customer' });
  });

  it('velocity: more friends in 24 hours than allowed', async () => {
    await withReferralSettings({ maxPerDay: 1 }, async () => {
      const r = await referrer();
      const codes = [(await visit(r.referral.code)).body.offer.code, (await visit(r.referral.code)).body.offer.code];
      for (const code of codes) await friendOrders({ customer: newCustomer('friend'), discountCode: code });
      expect((await referralOf(codes[0])).status).toBe('PENDING');
      expect(await referralOf(codes[1])).toMatchObject({ status: 'BLOCKED', reason: 'velocity' });
    });
  });
});

describe('the monthly cap', () => {
  it(`holds exactly when friends' orders for one referrer arrive in parallel${onPostgres ? ' (PostgreSQL)' : ' (PGlite)'}`, async () => {
    await withReferralSettings({ monthlyCapPerReferrer: 2, maxPerDay: 100 }, async () => {
      const r = await referrer();
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) codes.push((await visit(r.referral.code)).body.offer.code);
      const orders = codes.map((code) =>
        delivery('orders/paid', order({ customer: newCustomer('friend'), lines: HUNDRED, discountCode: code }).payload),
      );
      const results = await Promise.all(orders.map((d) => send(app.url, d)));
      expect(results.map(([res]) => res!.status)).toEqual(Array(6).fill(200));
      const referrals = await app.prisma.referral.findMany({ where: { shop: DEV_SHOP, referrerId: r.memberId } });
      expect(referrals.filter((x) => x.status === 'PENDING')).toHaveLength(2);
      expect(referrals.filter((x) => x.status === 'BLOCKED').map((x) => x.reason)).toEqual(Array(4).fill('monthly_cap'));
      await afterPendingPeriod();
      expect(await balance(r.memberId)).toBe(1000);
    });
  });
});

describe('the admin', () => {
  it('validates referral settings field by field and changes nothing on bad input', async () => {
    const before = (await adminApi('GET', '/referrals/settings')).body.settings;
    const bad = await adminApi('PUT', '/referrals/settings', {
      ...before,
      cookieDays: 0,
      referrerPoints: -5,
      friendOffer: { kind: 'percentage', percentage: 150 },
      surprise: true,
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['', 'cookieDays', 'friendOffer.percentage', 'referrerPoints']);
    expect((await adminApi('GET', '/referrals/settings')).body.settings).toEqual(before);
  });

  it('uses the configured offer and cookie days', async () => {
    await withReferralSettings(
      { friendOffer: { kind: 'percentage', percentage: 15 }, cookieDays: 7, friendMinimumSubtotalMinor: 5000 },
      async () => {
        const r = await referrer();
        expect((await proxy('GET', `/r/${r.referral.code}`, null)).text).toContain('data-days="7"');
        const v = await visit(r.referral.code);
        expect(v.body.offer.description).toBe('15% off your first order');
        const discount = app.standin!.state.discounts(DEV_SHOP).find((d) => d.code === v.body.offer.code);
        expect(discount).toMatchObject({ value: { kind: 'percentage', percentage: 0.15 }, minimumRequirement: { kind: 'subtotal' } });
      },
    );
  });

  it('lists referrals with status and reason, ranks top referrers, and reviews blocked ones', async () => {
    const blocked = await referredFriend();
    await friendOrders({ customer: { id: blocked.r.id, email: blocked.r.email }, discountCode: blocked.offerCode });
    const rejected = await referredFriend();
    await friendOrders({ customer: { id: rejected.r.id, email: rejected.r.email }, discountCode: rejected.offerCode });

    const list = await adminApi('GET', '/referrals?status=BLOCKED');
    const row = list.body.referrals.find((x: { offerCode: string }) => x.offerCode === blocked.offerCode);
    expect(row).toMatchObject({
      status: 'BLOCKED',
      reason: 'self_referral_customer',
      reasonText: expect.stringContaining('same customer account'),
      referrerCustomerId: blocked.r.id,
    });
    expect((await adminApi('GET', '/referrals?status=SOMETHING')).status).toBe(400);

    // The order's pending period ends first; the approval then rewards at once.
    await afterPendingPeriod();
    const before = await balance(blocked.r.memberId); // the referrer's own order's points
    const approved = await adminApi('POST', `/referrals/${row.id}/approve`);
    expect(approved.body.referral).toMatchObject({ status: 'REWARDED' });
    expect(await balance(blocked.r.memberId)).toBe(before + 500);
    expect((await adminApi('POST', `/referrals/${row.id}/approve`)).status).toBe(409);

    const other = (await referralOf(rejected.offerCode)).id;
    expect((await adminApi('POST', `/referrals/${other}/reject`)).body.referral.status).toBe('REJECTED');
    expect(await app.prisma.pointEntry.count({ where: { memberId: rejected.r.memberId, source: 'REFERRAL' } })).toBe(0);
    expect((await adminApi('POST', `/referrals/nope/approve`)).status).toBe(404);

    const top = await adminApi('GET', '/referrals/top?limit=100');
    expect(top.body.referrers.find((x: { memberId: string }) => x.memberId === blocked.r.memberId)).toMatchObject({
      friendsJoined: 1,
      rewarded: 1,
      pointsEarned: 500,
      code: blocked.r.referral.code,
    });
    expect(top.body.referrers.some((x: { memberId: string }) => x.memberId === rejected.r.memberId)).toBe(false);
  });
});

describe('privacy', () => {
  it("exports a member's referrals and erases a redacted friend from the referral", async () => {
    const { r, offerCode, friend } = await referredFriend();
    await friendOrders({ customer: friend, discountCode: offerCode });
    await send(app.url, delivery('customers/data_request', complianceDataRequest(DEV_SHOP, numeric(r.id))));
    const request = await app.prisma.complianceRequest.findFirstOrThrow({
      where: { shop: DEV_SHOP, customerId: r.id, topic: 'CUSTOMERS_DATA_REQUEST' },
    });
    expect(
      (request.export as { member: { referralCode: string; referrals: Array<{ role: string; status: string }> } }).member,
    ).toMatchObject({
      referralCode: r.referral.code,
      referrals: [{ role: 'referrer', status: 'PENDING' }],
    });

    await send(app.url, delivery('customers/redact', complianceRedact(DEV_SHOP, numeric(friend.id))));
    expect(await referralOf(offerCode)).toMatchObject({ status: 'PENDING', friendCustomerId: null, friendEmail: null, deviceId: null });
  });
});

// Issue 13, item 5: anonymous visits created a real discount code per fresh device id, without limit.
describe('referral visit limits', () => {
  const offersOf = (code: string) => app.prisma.referral.count({ where: { shop: DEV_SHOP, code, offerShopifyId: { not: null } } });

  it('creates no discount code for a visit alone: only when the friend claims the gift, once per device', async () => {
    const r = await referrer();
    const device = randomUUID();
    const q = signedProxyQuery({ shop: DEV_SHOP, customerId: null }, DEV_API_SECRET);
    const post = (claim: boolean) =>
      fetch(`${app.url}/proxy/referrals/visits?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.50' },
        body: JSON.stringify({ code: r.referral.code, deviceId: device, claim }),
      });
    const codesInShopify = () => app.standin!.state.discounts(DEV_SHOP).length;
    const before = codesInShopify();
    const looked = await post(false);
    expect(looked.status).toBe(201);
    const lookedBody = await looked.json();
    expect(lookedBody.offer).toBeNull();
    expect(lookedBody.gift.description).toMatch(/off/);
    expect(codesInShopify()).toBe(before);
    expect(
      await app.prisma.referral.findFirstOrThrow({ where: { shop: DEV_SHOP, code: r.referral.code, deviceId: device } }),
    ).toMatchObject({ offerShopifyId: null });
    const claimed = await (await post(true)).json();
    expect(claimed.offer.code).toMatch(/^FRIEND-/);
    expect(codesInShopify()).toBe(before + 1);
    // Claimed again, or looked at again, from the same device: the same code, none created.
    expect((await (await post(true)).json()).offer.code).toBe(claimed.offer.code);
    expect((await (await post(false)).json()).offer.code).toBe(claimed.offer.code);
    expect(codesInShopify()).toBe(before + 1);
  });

  it('answers 429 with Retry-After once one address has made 20 visits in 10 minutes, creating no more codes; other addresses go on', async () => {
    const r = await referrer();
    for (let i = 0; i < VISIT_LIMITS.perAddress.max; i++) expect((await visitFrom('203.0.113.7', r.referral.code)).status).toBe(201);
    const refused = await visitFrom('203.0.113.7', r.referral.code);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(600);
    expect(await offersOf(r.referral.code)).toBe(VISIT_LIMITS.perAddress.max);
    expect((await visitFrom('198.51.100.9', r.referral.code)).status).toBe(201);
  });

  it('answers 429 once one referral link has had 60 visits in an hour, whatever the addresses', async () => {
    const r = await referrer();
    const max = VISIT_LIMITS.perCode.max;
    for (let i = 0; i < max; i++) expect((await visitFrom(`192.0.2.${i}`, r.referral.code)).status).toBe(201);
    const refused = await visitFrom('192.0.2.200', r.referral.code);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(await offersOf(r.referral.code)).toBe(max);
    // Another member's link is not affected.
    expect((await visitFrom('192.0.2.201', (await referrer()).referral.code)).status).toBe(201);
  });

  it("leaves half the shop's Admin API budget to redemptions: with less free, a friend's code waits, then is made", async () => {
    const r = await referrer();
    const claim = () => visit(r.referral.code);
    // Something else (say, a burst of work for the shop) spends most of the bucket: 3 × (2 + 250) points a query.
    const heavy =
      '{ a: segments(first: 250) { nodes { id } } b: segments(first: 250) { nodes { id } } c: segments(first: 250) { nodes { id } } }';
    for (let i = 0; i < 2; i++) await app.admin.request(DEV_SHOP, heavy);
    // This claim's answer shows the bucket below half: the next friends wait.
    expect((await claim()).status).toBe(201);
    const codes = app.standin!.state.discounts(DEV_SHOP).length;
    const waiting = await claim();
    expect(waiting.status).toBe(202);
    expect(waiting.body.offer).toBeNull();
    expect(app.standin!.state.discounts(DEV_SHOP).length).toBe(codes);
    // The bucket refills (100 points a second): the friend's claim goes through.
    const device = randomUUID();
    await expect.poll(async () => (await visit(r.referral.code, device)).status, { timeout: 15_000, interval: 1000 }).toBe(201);
    expect(app.standin!.state.discounts(DEV_SHOP).length).toBe(codes + 1);
  });
});
