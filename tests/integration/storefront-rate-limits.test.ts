// Issue 13: every storefront write a shopper (or a script) can repeat is
// limited per address and per customer — referral visits, redemptions,
// birthday — answered 429 rate_limited with Retry-After, changing nothing; and
// the address is the one Shopify's app proxy forwarded, not one the client
// wrote into X-Forwarded-For. Real HTTP, real proxy signatures.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';
import { STOREFRONT_LIMITS } from '../../web/routes/proxy/rate-limit.js';
import { useTestApp } from '../helpers/app.js';
import { newCustomer } from '../helpers/orders.js';
import { proxyApi } from '../helpers/requests.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' }, resetStandin: true, checkLedger: true });

const numeric = (gid: string) => gid.split('/').pop()!;

/** The address Tally's host proxy (Fly, Render, Heroku…) sees: Shopify's app proxy. */
const SHOPIFY_APP_PROXY = '34.120.0.9';

/**
 * X-Forwarded-For as a request reaches Tally on a host behind one proxy, with
 * the default TRUST_PROXY=2: whatever the client wrote (`spoofed`), then the
 * shopper's address as Shopify's app proxy forwards it, then Shopify's own
 * address appended by the host's proxy (here the test client itself).
 */
const forwardedFor = (shopper: string, spoofed?: string) => [spoofed, shopper, SHOPIFY_APP_PROXY].filter(Boolean).join(', ');

let addresses = 0;
/** A shopper address of its own for each test: the limits live as long as the app. */
const freshAddress = () => `198.51.${100 + (++addresses >> 8)}.${addresses & 255}`;

interface Answer {
  status: number;
  retryAfter: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A signed storefront write from `shopper` (an address) as `customerId` (a GID; null: a guest). */
async function write(path: string, customerId: string | null, body: unknown, xForwardedFor: string): Promise<Answer> {
  const q = signedProxyQuery({ shop: DEV_SHOP, customerId: customerId && numeric(customerId) }, DEV_API_SECRET);
  const res = await fetch(`${app.url}/proxy${path}?${q}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': xForwardedFor },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

/** 429 in the app's error shape, with a Retry-After (whole seconds) within the limit's window. */
function expectLimited(answer: Answer, windowMs: number) {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/try again in \d+ seconds/) } });
  expect(answer.retryAfter).toMatch(/^\d+$/);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(Number(answer.retryAfter)).toBeLessThanOrEqual(windowMs / 1000);
}

async function member(points = 0) {
  const c = newCustomer('limited');
  const m = await app.prisma.member.create({ data: { shop: DEV_SHOP, customerId: c.id, email: c.email } });
  if (points > 0)
    await app.prisma.$transaction((tx) =>
      adjust(tx, { shop: DEV_SHOP, memberId: m.id, points, reason: 'test balance', actor: 'test', idempotencyKey: `test:${m.id}` }),
    );
  return { customerId: c.id, memberId: m.id };
}

const cheapReward = () => app.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: 'Free shipping for 300 points' } });
const redemptionsOf = (memberId: string) => app.prisma.redemption.count({ where: { shop: DEV_SHOP, memberId } });
const pointsOf = async (memberId: string) =>
  Number((await app.prisma.member.findUniqueOrThrow({ where: { id: memberId } })).pointsAvailable);
const birthdayOf = async (memberId: string) => (await app.prisma.member.findUniqueOrThrow({ where: { id: memberId } })).birthday;
const redeem = async (customerId: string, rewardId: string, xff: string) =>
  write('/redemptions', customerId, { rewardId, idempotencyKey: randomUUID() }, xff);

describe('redemptions', () => {
  const { perCustomer, perAddress } = STOREFRONT_LIMITS.redemption;

  it(`answer 429 with Retry-After after ${perCustomer.max} by one customer in a minute, debiting nothing more; another customer at the same address goes on`, async () => {
    const reward = await cheapReward();
    const m = await member(300 * (perCustomer.max + 1));
    const address = freshAddress();
    for (let i = 0; i < perCustomer.max; i++) expect((await redeem(m.customerId, reward.id, forwardedFor(address))).status).toBe(201);
    // Even from another address: the customer is who the signed query says.
    expectLimited(await redeem(m.customerId, reward.id, forwardedFor(freshAddress())), perCustomer.windowMs);
    expect(await redemptionsOf(m.memberId)).toBe(perCustomer.max);
    expect(await pointsOf(m.memberId)).toBe(300);
    const other = await member(300);
    expect((await redeem(other.customerId, reward.id, forwardedFor(address))).status).toBe(201);
  });

  it(`answer 429 after ${perAddress.max} from one address in 10 minutes, whatever the customers`, async () => {
    const reward = await cheapReward();
    const address = freshAddress();
    // Customers who are not members: refused (403) without a debit, but counted all the same.
    for (let i = 0; i < perAddress.max; i++)
      expect((await redeem(newCustomer('nomember').id, reward.id, forwardedFor(address))).status).toBe(403);
    const m = await member(300);
    expectLimited(await redeem(m.customerId, reward.id, forwardedFor(address)), perAddress.windowMs);
    expect(await redemptionsOf(m.memberId)).toBe(0);
    expect(await pointsOf(m.memberId)).toBe(300);
    expect((await redeem(m.customerId, reward.id, forwardedFor(freshAddress()))).status).toBe(201);
  });
});

describe('birthday', () => {
  const { perCustomer, perAddress } = STOREFRONT_LIMITS.birthday;

  it(`answers 429 with Retry-After after ${perCustomer.max} attempts by one customer in a day, saving nothing`, async () => {
    const m = await member();
    const address = freshAddress();
    for (let i = 0; i < perCustomer.max; i++)
      expect((await write('/birthday', m.customerId, { month: 2, day: 30 }, forwardedFor(address))).status).toBe(400);
    expectLimited(await write('/birthday', m.customerId, { month: 2, day: 28 }, forwardedFor(freshAddress())), perCustomer.windowMs);
    expect(await birthdayOf(m.memberId)).toBeNull();
    const other = await member();
    expect(await write('/birthday', other.customerId, { month: 2, day: 28 }, forwardedFor(address))).toMatchObject({
      status: 200,
      body: { birthday: { month: 2, day: 28 } },
    });
  });

  it(`answers 429 after ${perAddress.max} attempts from one address in an hour, whatever the customers`, async () => {
    const address = freshAddress();
    for (let i = 0; i < perAddress.max; i++)
      expect((await write('/birthday', newCustomer('nomember').id, { month: 3, day: 1 }, forwardedFor(address))).status).toBe(404);
    const m = await member();
    expectLimited(await write('/birthday', m.customerId, { month: 3, day: 1 }, forwardedFor(address)), perAddress.windowMs);
    expect(await birthdayOf(m.memberId)).toBeNull();
    expect((await write('/birthday', m.customerId, { month: 3, day: 1 }, forwardedFor(freshAddress()))).status).toBe(200);
  });
});

describe('a client writing its own X-Forwarded-For', () => {
  async function referralCode() {
    const m = await member();
    const res = await proxyApi(app.url, 'GET', '/member', m.customerId);
    return res.body.member.referral.code as string;
  }

  const writes = {
    'referral visits': async () => {
      const code = await referralCode();
      return {
        limit: STOREFRONT_LIMITS.referralVisit.perAddress,
        send: (xff: string) => write('/referrals/visits', null, { code, deviceId: randomUUID(), claim: false }, xff),
      };
    },
    redemptions: async () => {
      const reward = await cheapReward();
      return { limit: STOREFRONT_LIMITS.redemption.perAddress, send: (xff: string) => redeem(newCustomer('rotating').id, reward.id, xff) };
    },
    birthday: async () => ({
      limit: STOREFRONT_LIMITS.birthday.perAddress,
      send: (xff: string) => write('/birthday', newCustomer('rotating').id, { month: 4, day: 1 }, xff),
    }),
  };

  it.each(Object.keys(writes) as (keyof typeof writes)[])(
    'is limited on %s like any other: a fresh spoofed address per request counts as the one Shopify forwarded',
    async (name) => {
      const { limit, send } = await writes[name]();
      const shopper = freshAddress();
      const spoofed = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`;
      for (let i = 0; i < limit.max; i++) expect((await send(forwardedFor(shopper, spoofed(i)))).status).not.toBe(429);
      expectLimited(await send(forwardedFor(shopper, spoofed(limit.max))), limit.windowMs);
      // Several spoofed entries change nothing either.
      expectLimited(await send(forwardedFor(shopper, `${spoofed(9999)}, ${spoofed(9998)}`)), limit.windowMs);
    },
  );
});
