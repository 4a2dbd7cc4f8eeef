// The member page's orders and figures (GET /api/admin/members/:id/orders and
// /figures), against a hand computation from ../shared/METRICS.md. The orders
// are written as rows (what the order webhooks store: net sales, dates, the
// customer) so that every figure is known in advance; a shop in Auckland
// (UTC+13 in summer) puts some orders on another day than UTC's.
import { beforeAll, describe, expect, it } from 'vitest';
import { addShops, useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';

const SHOP = 'member-figures.myshopify.com';
const TZ = 'Pacific/Auckland';
const app = useTestApp();
let api: ReturnType<typeof adminApi>;
let memberId = '';
let emptyId = '';
const CUSTOMER = 'gid://shopify/Customer/5500001';
const EMAIL = 'ana@example.com';

const day = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

async function addOrder(o: {
  n: number;
  at: string;
  net: number | null;
  customerKey: string | null;
  memberId?: string | null;
  codes?: string[];
}) {
  const orderId = `gid://shopify/Order/${9_000_000 + o.n}`;
  await app.prisma.order.create({
    data: {
      shop: SHOP,
      orderId,
      name: `#${1000 + o.n}`,
      currencyCode: 'EUR',
      totalMinor: o.net ?? 5000,
      processedAt: new Date(o.at),
      sourceUpdatedAt: new Date(o.at),
      paidAt: o.net === null ? null : new Date(o.at),
      netSalesMinor: o.net,
      customerKey: o.customerKey,
      memberId: o.memberId ?? null,
      facts: { discountCodes: o.codes ?? [] },
    },
  });
  return orderId;
}

async function entry(orderId: string, points: number, kind: 'EARN' | 'REVERSAL', status: 'AVAILABLE' | 'PENDING' | 'VOID', key: string) {
  await app.prisma.pointEntry.create({
    data: {
      shop: SHOP,
      memberId,
      orderId,
      sourceId: orderId,
      kind,
      points,
      status,
      source: kind === 'EARN' ? 'ORDER' : 'REFUND',
      idempotencyKey: key,
    },
  });
}

beforeAll(async () => {
  await addShops(app, [[SHOP, 'EUR', TZ]]);
  api = adminApi(app.url, SHOP);
  const member = await app.prisma.member.create({ data: { shop: SHOP, customerId: CUSTOMER, email: EMAIL, firstName: 'Ana' } });
  memberId = member.id;
  emptyId = (await app.prisma.member.create({ data: { shop: SHOP, customerId: 'gid://shopify/Customer/5500002' } })).id;
  // The member's four sales (UTC → Auckland day):
  //   #1001  2025-01-10 11:30Z → 2025-01-11   40.00, reward code used on it
  //   #1002  2025-01-20 10:00Z → 2025-01-20   25.50
  //   #1007  2025-02-10 00:00Z → 2025-02-10   14.50  a guest order (customer = email) the member claimed
  //   #1003  2025-03-01 12:00Z → 2025-03-02   10.01  after a refund
  const o1 = await addOrder({
    n: 1,
    at: '2025-01-10T11:30:00Z',
    net: 4000,
    customerKey: CUSTOMER,
    memberId,
    codes: ['tally-aaaa-bbbb-cccc'],
  });
  const o2 = await addOrder({ n: 2, at: '2025-01-20T10:00:00Z', net: 2550, customerKey: CUSTOMER, memberId });
  const o3 = await addOrder({ n: 3, at: '2025-03-01T12:00:00Z', net: 1001, customerKey: CUSTOMER, memberId });
  const o7 = await addOrder({ n: 7, at: '2025-02-10T00:00:00Z', net: 1450, customerKey: EMAIL, memberId });
  // Not sales: cancelled (net sales null) and never paid; and another customer's order.
  await addOrder({ n: 4, at: '2025-02-01T09:00:00Z', net: null, customerKey: CUSTOMER, memberId });
  await addOrder({ n: 5, at: '2025-04-01T09:00:00Z', net: null, customerKey: CUSTOMER });
  await addOrder({ n: 6, at: '2025-02-15T09:00:00Z', net: 99_999, customerKey: 'gid://shopify/Customer/5500003' });
  await entry(o1, 40, 'EARN', 'AVAILABLE', 'e1');
  await entry(o2, 25, 'EARN', 'PENDING', 'e2');
  await entry(o3, 10, 'EARN', 'AVAILABLE', 'e3');
  await entry(o3, -5, 'REVERSAL', 'AVAILABLE', 'e3r');
  await entry(o7, 14, 'EARN', 'VOID', 'e7');
  const reward = await app.prisma.reward.create({ data: { shop: SHOP, type: 'fixed-discount', name: '5 € off' } });
  await app.prisma.redemption.create({
    data: {
      shop: SHOP,
      memberId,
      rewardId: reward.id,
      status: 'USED',
      points: 500,
      valueMinor: 500,
      currencyCode: 'EUR',
      code: 'TALLY-AAAA-BBBB-CCCC',
      idempotencyKey: 'r1',
      orderId: o1,
      usedAt: new Date('2025-01-10T11:30:00Z'),
    },
  });
});

describe("a member's orders and figures on the member page", () => {
  it('computes LTV, AOV, orders, days since the last order and the average gap by hand', async () => {
    const res = await api('GET', `/members/${memberId}/figures`);
    expect(res.status).toBe(200);
    // LTV = 4000 + 2550 + 1450 + 1001 = 9001 (cents); AOV = 9001 / 4 = 2250.25 → 2250.
    // Gaps: 01-10 11:30 → 01-20 10:00 = 9 d 22.5 h = 9.9375 d; → 02-10 00:00 = 20 d 14 h = 20.58333 d;
    // → 03-01 12:00 = 19 d 12 h = 19.5 d; mean = 50.02083 / 3 = 16.67361 d.
    // Days since: today in Auckland − 2025-03-02 (the last order's Auckland day, not UTC's 03-01).
    const today = Date.parse(day(new Date()));
    expect(res.body.figures).toEqual({
      currencyCode: 'EUR',
      orders: 4,
      ltvMinor: 9001,
      aovMinor: 2250,
      daysSinceLastOrder: Math.round((today - Date.parse('2025-03-02')) / 86_400_000),
      avgDaysBetweenOrders: expect.closeTo((9.9375 + 20 + 14 / 24 + 19.5) / 3, 9),
      firstOrderAt: '2025-01-10T11:30:00.000Z',
      lastOrderAt: '2025-03-01T12:00:00.000Z',
    });
    expect(res.body.figures.avgDaysBetweenOrders).toBeCloseTo(16.67361, 5);
  });

  it('gives null figures, not zeros, to a member without orders, and 404 to another shop', async () => {
    const res = await api('GET', `/members/${emptyId}/figures`);
    expect(res.body.figures).toEqual({
      currencyCode: 'EUR',
      orders: 0,
      ltvMinor: null,
      aovMinor: null,
      daysSinceLastOrder: null,
      avgDaysBetweenOrders: null,
      firstOrderAt: null,
      lastOrderAt: null,
    });
    expect((await adminApi(app.url)('GET', `/members/${memberId}/figures`)).status).toBe(404);
    expect((await adminApi(app.url)('GET', `/members/${memberId}/orders`)).status).toBe(404);
  });

  it('lists the orders newest first with the shop-local date, net sales, points, pending and the reward used, a page at a time', async () => {
    const first = await api('GET', `/members/${memberId}/orders?limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.orders).toEqual([
      {
        orderId: 'gid://shopify/Order/9000003',
        name: '#1003',
        processedAt: '2025-03-01T12:00:00.000Z',
        date: '2025-03-02',
        netSalesMinor: 1001,
        points: 5,
        pointsPending: false,
        rewards: [],
      },
      {
        orderId: 'gid://shopify/Order/9000007',
        name: '#1007',
        processedAt: '2025-02-10T00:00:00.000Z',
        date: '2025-02-10',
        netSalesMinor: 1450,
        points: 0,
        pointsPending: false,
        rewards: [],
      },
      {
        orderId: 'gid://shopify/Order/9000002',
        name: '#1002',
        processedAt: '2025-01-20T10:00:00.000Z',
        date: '2025-01-20',
        netSalesMinor: 2550,
        points: 25,
        pointsPending: true,
        rewards: [],
      },
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api('GET', `/members/${memberId}/orders?limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toEqual({
      orders: [
        {
          orderId: 'gid://shopify/Order/9000001',
          name: '#1001',
          processedAt: '2025-01-10T11:30:00.000Z',
          date: '2025-01-11',
          netSalesMinor: 4000,
          points: 40,
          pointsPending: false,
          rewards: [{ name: '5 € off', code: 'TALLY-AAAA-BBBB-CCCC' }],
        },
      ],
      nextCursor: null,
    });
    expect((await api('GET', `/members/${memberId}/orders?cursor=nonsense`)).status).toBe(400);
  });
});
