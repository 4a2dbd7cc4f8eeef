// The admin API for members and the storefront's member data.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET, DEV_SHOP } from '../../web/config.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { mintSessionToken, signedProxyQuery } from '../../web/shopify/signing.js';
import { useTestApp } from '../helpers/app.js';
import { delivery, send } from '../helpers/webhooks.js';
import { HUNDRED, newCustomer, order } from '../helpers/orders.js';

const app = useTestApp({ checkLedger: true });
beforeAll(async () => {
  await app.prisma.shop.create({ data: { domain: 'other.myshopify.com', name: 'Other' } });
});

async function api(method: string, path: string, body?: unknown, shop = DEV_SHOP, headers: Record<string, string> = {}) {
  const token = await mintSessionToken({ shop, apiKey: DEV_API_KEY, secret: DEV_API_SECRET, userId: '4242' });
  const res = await fetch(`${app.url}/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
const demoCustomer = 'gid://shopify/Customer/9100000000005';

describe('admin: members', () => {
  it('finds a member by numeric customer id or GID', async () => {
    const byNumber = await api('GET', '/members?customerId=9100000000005');
    const byGid = await api('GET', `/members?customerId=${encodeURIComponent(demoCustomer)}`);
    expect(byNumber.body.members).toHaveLength(1);
    expect(byGid.body.members[0]).toEqual(byNumber.body.members[0]);
    expect(byNumber.body.members[0]).toMatchObject({ customerId: demoCustomer, points: { available: expect.any(Number) } });
    expect((await api('GET', '/members?customerId=not-an-id')).body.error.fields).toHaveProperty('customerId');
  });

  it('adjusts points with a reason, at once, recording who did it; a retried request counts once', async () => {
    const [found] = (await api('GET', `/members?customerId=${demoCustomer}`)).body.members;
    const key = { 'idempotency-key': 'adjust-test-0001' };
    const first = await api('POST', `/members/${found.id}/adjustments`, { points: 75, reason: 'Thanks for the review' }, DEV_SHOP, key);
    const retry = await api('POST', `/members/${found.id}/adjustments`, { points: 75, reason: 'Thanks for the review' }, DEV_SHOP, key);
    expect(first.status).toBe(201);
    expect(first.body.member.points.available).toBe(found.points.available + 75);
    expect(retry.body.member.points.available).toBe(found.points.available + 75);
    const history = await api('GET', `/members/${found.id}/entries`);
    expect(history.body.entries[0]).toMatchObject({
      kind: 'ADJUST',
      points: 75,
      reason: 'Thanks for the review',
      actor: '4242',
      status: 'AVAILABLE',
    });
  });

  it('pages through the whole points history, newest first, each entry once even when many share a timestamp', async () => {
    const c = newCustomer();
    await send(app.url, delivery('orders/paid', order({ customer: c, lines: HUNDRED }).payload));
    const m = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, customerId: c.id } });
    for (let i = 1; i <= 119; i++) {
      await app.prisma.$transaction((tx) =>
        adjust(tx, {
          shop: DEV_SHOP,
          memberId: m.id,
          points: 1,
          reason: `Thanks #${i}`,
          actor: 'test',
          idempotencyKey: `history:${m.id}:${i}`,
        }),
      );
    }
    // Forty entries written "in the same millisecond": only the id tells them apart.
    const tied = await app.prisma.pointEntry.findMany({
      where: { memberId: m.id },
      take: 40,
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    await app.prisma.pointEntry.updateMany({
      where: { id: { in: tied.map((e) => e.id) } },
      data: { createdAt: new Date('2026-06-01T12:00:00.000Z') },
    });
    const all = await app.prisma.pointEntry.findMany({
      where: { memberId: m.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    expect(all.length).toBeGreaterThan(120);

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { entries: Array<{ id: string }>; nextCursor: string | null } } = await api(
        'GET',
        `/members/${m.id}/entries?limit=50${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      sizes.push(page.body.entries.length);
      seen.push(...page.body.entries.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
    expect(sizes).toEqual([50, 50, all.length - 100]);
    expect((await api('GET', `/members/${m.id}/entries?limit=500`)).status).toBe(400);
    expect((await api('GET', `/members/${m.id}/entries`, undefined, 'other.myshopify.com')).status).toBe(404);
  });

  it('refuses a removal larger than the balance, a zero and a missing reason, with field errors', async () => {
    const [found] = (await api('GET', `/members?customerId=${demoCustomer}`)).body.members;
    const tooMuch = await api('POST', `/members/${found.id}/adjustments`, { points: -(found.points.available + 1), reason: 'Correction' });
    expect(tooMuch.status).toBe(409);
    const invalid = await api('POST', `/members/${found.id}/adjustments`, { points: 0, reason: '' });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.fields).sort()).toEqual(['points', 'reason']);
    expect((await api('GET', `/members?customerId=${demoCustomer}`)).body.members[0].points.available).toBe(found.points.available);
  });

  it('awards a custom action up to its per-member limit, even when clicked twice at once', async () => {
    const rule = await app.prisma.earnRule.create({
      data: {
        shop: DEV_SHOP,
        type: 'custom-action',
        name: 'Follow us',
        config: { name: 'Instagram follow', points: 30, limitPerMember: 1 },
      },
    });
    app.programs.forget(DEV_SHOP);
    const [found] = (await api('GET', `/members?customerId=${demoCustomer}`)).body.members;
    const results = await Promise.all([1, 2].map(() => api('POST', `/members/${found.id}/actions`, { ruleId: rule.id })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await api('GET', `/members?customerId=${demoCustomer}`)).body.members[0].points.available).toBe(found.points.available + 30);
  });

  it("never shows or changes another shop's member", async () => {
    const [found] = (await api('GET', `/members?customerId=${demoCustomer}`)).body.members;
    expect((await api('GET', `/members/${found.id}`, undefined, 'other.myshopify.com')).status).toBe(404);
    expect((await api('POST', `/members/${found.id}/adjustments`, { points: 5, reason: 'sneaky' }, 'other.myshopify.com')).status).toBe(
      404,
    );
    expect((await api('GET', `/members?customerId=${demoCustomer}`, undefined, 'other.myshopify.com')).body.members).toEqual([]);
  });

  it('releases an order\u2019s pending points early', async () => {
    const c = newCustomer();
    const o = order({ customer: c, lines: HUNDRED });
    await send(app.url, delivery('orders/paid', o.payload));
    const res = await api('POST', '/orders/release', { orderId: o.facts.orderId });
    expect(res.body).toEqual({ released: 100 });
    expect((await api('POST', '/orders/release', { orderId: o.facts.orderId })).body).toEqual({ released: 0 });
  });
});

describe('storefront: /proxy/member', () => {
  const proxy = async (customerNumber: string | null) => {
    const q = signedProxyQuery({ shop: DEV_SHOP, customerId: customerNumber }, DEV_API_SECRET);
    const res = await fetch(`${app.url}/proxy/member?${q}`);
    return res.json();
  };

  it('gives the signed-in shopper their points, membership date and recent activity', async () => {
    const body = await proxy('9100000000007');
    const m = await app.prisma.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: DEV_SHOP, customerId: 'gid://shopify/Customer/9100000000007' } },
    });
    expect(body.member).toMatchObject({
      points: {
        available: m.pointsAvailable,
        pending: m.pointsPending,
        lifetimeEarned: m.lifetimeEarned,
        lifetimeRedeemed: m.lifetimeRedeemed,
      },
      tier: { id: m.tierId, name: expect.any(String) },
      memberSince: m.createdAt.toISOString(),
    });
    expect(body.member.activity.length).toBeGreaterThan(0);
    expect(body.program.name).toBe('Tally Rewards');
  });

  it('gives a guest the program summary and no member', async () => {
    const body = await proxy(null);
    expect(body.member).toBeNull();
    expect(body.program.waysToEarn.map((w: { type: string }) => w.type)).toEqual(expect.arrayContaining(['purchase', 'signup']));
  });
});
