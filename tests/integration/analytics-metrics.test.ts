// The analytics summary against ../shared/METRICS.md, figure by figure, on a
// small fixture whose every expected value is worked out by hand below.
// Orders are inserted as the order webhooks leave them (customerKey,
// netSalesMinor with refunds applied, processedAt, cancelledAt), and asked
// for through the real admin API with a real session token.
import { beforeAll, describe, expect, it } from 'vitest';
import { addShops, useTestApp, withProgramSettings } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';

const app = useTestApp();
const SHOP = 'analytics-eur.myshopify.com'; // EUR, Europe/Berlin (UTC+1 in winter, UTC+2 in summer)
const YEN = 'analytics-jpy.myshopify.com'; // JPY (no decimals), Asia/Tokyo
const EMPTY = 'analytics-empty.myshopify.com';
const gid = (n: number) => `gid://shopify/Customer/${n}`;

let seq = 0;
async function order(shop: string, customerKey: string | null, at: string, net: number | null, extra: { cancelledAt?: string } = {}) {
  seq += 1;
  await app.db.pool.query(
    `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                          "customerKey", "paidAt", "netSalesMinor", "cancelledAt")
     VALUES ($1, $2, $3, $4, 'EUR', COALESCE($6::bigint, 0), $5::timestamptz, $5::timestamptz, now(), $7,
             CASE WHEN $6::bigint IS NULL THEN NULL ELSE $5::timestamptz END, $6::bigint, $8::timestamptz)`,
    [`o${seq}`, shop, `gid://shopify/Order/${seq}`, `#${seq}`, at, net, customerKey, extra.cancelledAt ?? null],
  );
}

async function member(
  shop: string,
  id: string,
  customerId: string,
  options: { available?: number; redacted?: boolean; createdAt?: string } = {},
) {
  await app.db.pool.query(
    `INSERT INTO "Member" (id, shop, "customerId", "pointsAvailable", "redactedAt", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, COALESCE($6::timestamptz, now()), now())`,
    [id, shop, customerId, options.available ?? 0, options.redacted ? new Date() : null, options.createdAt ?? null],
  );
}

async function entry(memberId: string, kind: string, source: string, points: number, at: string) {
  seq += 1;
  await app.db.pool.query(
    `INSERT INTO "PointEntry" (id, shop, "memberId", kind, source, points, "idempotencyKey", "createdAt")
     VALUES ($1, $2, $3, $4::"PointKind", $5::"PointSource", $6, $1, $7)`,
    [`e${seq}`, SHOP, memberId, kind, source, points, at],
  );
}

async function reward(id: string, type: string, config: object, system = false) {
  await app.db.pool.query(
    `INSERT INTO "Reward" (id, shop, type, name, config, system, "updatedAt") VALUES ($1, $2, $3, $1, $4, $5, now())`,
    [id, SHOP, type, JSON.stringify(config), system],
  );
}

async function redemption(rewardId: string, status: string, valueMinor: number, at: { issuedAt?: string; usedAt?: string }) {
  seq += 1;
  await app.db.pool.query(
    `INSERT INTO "Redemption" (id, shop, "memberId", "rewardId", status, points, "valueMinor", "currencyCode", "idempotencyKey", "createdAt", "issuedAt", "usedAt")
     VALUES ($1, $2, 'mA', $3, $4::"RedemptionStatus", 0, $5, 'EUR', $1, COALESCE($6::timestamptz, $7::timestamptz), $6, $7)`,
    [`d${seq}`, SHOP, rewardId, status, valueMinor, at.issuedAt ?? null, at.usedAt ?? null],
  );
}

// Local Berlin times written as UTC instants: winter +01:00, summer +02:00.
beforeAll(async () => {
  await addShops(app, [
    [SHOP, 'EUR', 'Europe/Berlin'],
    [YEN, 'JPY', 'Asia/Tokyo'],
    [EMPTY, 'EUR', 'UTC'],
  ]);
  // Members now: A, B (enrolled after all their orders), D, E. Not members: R (redacted), the guest
  // member row of g@example.com (guest members are not members), C (never enrolled).
  await member(SHOP, 'mA', gid(1), { available: 1000 });
  await member(SHOP, 'mB', gid(2), { available: 500, createdAt: '2026-01-05T10:00:00Z' });
  await member(SHOP, 'mR', gid(3), { redacted: true });
  await member(SHOP, 'mG', 'guest:g@example.com', { available: 101 });
  await member(SHOP, 'mD', gid(5));
  await member(SHOP, 'mE', gid(6), { available: 250 });

  // A (member)
  await order(SHOP, gid(1), '2024-03-10T12:00:00+01:00', 5000); // a1
  await order(SHOP, gid(1), '2024-09-15T12:00:00+02:00', 4000); // a2
  await order(SHOP, gid(1), '2025-08-01T12:00:00+02:00', 6000); // a3
  await order(SHOP, gid(1), '2025-10-31T23:30:00+01:00', 3000); // a4: 23:30 local, 22:30 UTC
  // B (member enrolled in 2026): b1 is 2025-07-01 00:30 local but 2025-06-30 in UTC; b2 is 23:30 local on the
  // range's last day; b3 is 00:30 local on the day after the range, still 2025-12-31 in UTC.
  await order(SHOP, gid(2), '2025-07-01T00:30:00+02:00', 2000); // b1
  await order(SHOP, gid(2), '2025-12-31T23:30:00+01:00', 2500); // b2
  await order(SHOP, gid(2), '2026-01-01T00:30:00+01:00', 9999); // b3: after the range
  // R (redacted member: a non-member)
  await order(SHOP, gid(3), '2024-11-20T10:00:00+01:00', 3000); // r1
  // G (guest, by normalised email)
  await order(SHOP, 'g@example.com', '2025-02-10T10:00:00+01:00', 1500); // g1
  await order(SHOP, 'g@example.com', '2025-09-05T10:00:00+02:00', 1500); // g2
  await order(SHOP, 'g@example.com', '2025-09-20T10:00:00+02:00', 8000, { cancelledAt: '2025-09-21T10:00:00Z' }); // g3: cancelled
  // C (customer never enrolled): c1 10000 less a 3000 refund, c2 fully refunded (net 0, still an order), c3 never paid.
  await order(SHOP, gid(4), '2025-11-11T10:00:00+01:00', 7000); // c1
  await order(SHOP, gid(4), '2025-11-12T10:00:00+01:00', 0); // c2
  await order(SHOP, gid(4), '2025-11-13T10:00:00+01:00', null); // c3: not a sale
  // D (member, churned)
  await order(SHOP, gid(5), '2023-05-01T10:00:00+02:00', 10000); // d1
  await order(SHOP, gid(5), '2024-08-01T10:00:00+02:00', 2000); // d2
  // E (member, ordered in 2025 before the range only)
  await order(SHOP, gid(6), '2025-03-03T10:00:00+01:00', 4000); // e1
  // Orders without a customer
  await order(SHOP, null, '2025-08-08T10:00:00+02:00', 1200); // n1
  await order(SHOP, null, '2024-12-01T10:00:00+01:00', 800); // n2

  // Points: issued in the range = A's 100 + B's 40 (00:30 local on 07-01) + E's adjustment 10 = 150;
  // redeemed = A's 50 − 20 given back = 30; D's earning is before the range.
  await entry('mA', 'EARN', 'ORDER', 100, '2025-08-01T10:00:00Z');
  await entry('mA', 'REDEEM', 'REWARD', -50, '2025-09-01T10:00:00Z');
  await entry('mA', 'REVERSAL', 'REWARD', 20, '2025-09-02T10:00:00Z');
  await entry('mB', 'EARN', 'ORDER', 40, '2025-06-30T22:30:00Z');
  await entry('mE', 'ADJUST', 'ADMIN', 10, '2025-08-01T10:00:00Z');
  await entry('mD', 'EARN', 'ORDER', 200, '2024-08-01T10:00:00Z');

  // Rewards (besides the default 500 points → 5.00, 1 minor unit a point): 200 points → 3.00 is the best, 1.5 a point;
  // store credit 1.25, the donation 1 a point; the cashback reward is Tally's own (system), in no catalogue.
  await reward('wFixed', 'fixed-amount', { pointsCost: 200, amountMinor: 300 });
  await reward('wCredit', 'store-credit', { pointsCost: 400, amountMinor: 500 });
  await reward('wCashback', 'store-credit', { pointsCost: 1, amountMinor: 100 }, true);
  await reward('wDonation', 'donation', { pointsCost: 1000, amountMinor: 1000, cause: 'trees' });
  await redemption('wFixed', 'USED', 500, { issuedAt: '2025-05-01T10:00:00Z', usedAt: '2025-09-10T10:00:00Z' }); // counts: used in range
  await redemption('wFixed', 'ISSUED', 700, { issuedAt: '2025-09-10T10:00:00Z' }); // not used: no cost yet
  await redemption('wFixed', 'USED', 400, { issuedAt: '2025-05-01T10:00:00Z', usedAt: '2025-06-15T10:00:00Z' }); // used before the range
  await redemption('wCredit', 'ISSUED', 300, { issuedAt: '2025-10-01T10:00:00Z' }); // counts
  await redemption('wCashback', 'ISSUED', 200, { issuedAt: '2025-11-15T10:00:00Z' }); // counts
  await redemption('wDonation', 'ISSUED', 1000, { issuedAt: '2025-10-01T10:00:00Z' }); // a donation: no reward cost
  await app.db.pool.query(
    `INSERT INTO "StoreCreditDebit" (id, shop, "memberId", "orderId", "amountMinor", "debitedMinor", "currencyCode", status, "idempotencyKey", "doneAt")
     VALUES ('sc1', $1, 'mA', 'gid://shopify/Order/x', 50, 50, 'EUR', 'DONE', 'sc1', '2025-11-20T10:00:00Z')`,
    [SHOP],
  );

  await order(YEN, gid(1), '2025-05-01T10:00:00+09:00', 1000);
  await order(YEN, gid(1), '2025-05-02T10:00:00+09:00', 1000);
  await order(YEN, gid(2), '2025-05-03T10:00:00+09:00', 1001);
});

const summary = async (shop: string, from: string, to: string) => {
  const res = await adminApi(app.url, shop)('GET', `/analytics/summary?from=${from}&to=${to}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
};

/*
 * Range 2025-07-01 .. 2025-12-31 (Berlin), W = 365 (the default).
 *   start window (active at start): local days 2025-07-01 − 365 = 2024-07-01 .. 2025-06-30
 *   end window (active at end):     2025-12-31 − 364 = 2025-01-01 .. 2025-12-31
 *   365 days to `to` (₃₆₅):          2025-01-01 .. 2025-12-31; its start window 2024-01-02 .. 2024-12-31
 *   historical LTV: first order on or before 2025-01-01 00:00 local
 *
 * Orders in the range: A a3 6000, a4 3000; B b1 2000, b2 2500; G g2 1500; C c1 7000, c2 0; none n1 1200.
 * (b3 is after the range in Berlin though 2025-12-31 in UTC; g3 cancelled; c3 unpaid.)
 *   members A, B:     customers 2, orders 4, net 13500
 *   non-members G, C: customers 2, orders 3, net 8500
 *   all:              customers 4, orders 4 + 3 + 1 (n1) = 8, net 13500 + 8500 + 1200 = 23200
 * new customers (first order ever in the range): B (b1 is 07-01 local), C → members 1, non-members 1, all 2
 * AOV: 13500 / 4 = 3375; 8500 / 3 = 2833.33 → 2833; 23200 / 8 = 2900
 * purchase frequency (the orders above ÷ customers): 4 / 2 = 2; 3 / 2 = 1.5; 8 / 4 = 2
 * repeat purchase rate (≥ 2 orders in range): A, B → 2/2 = 1; C → 1/2; all 3/4
 * gaps whose later order is in the range, in local days:
 *   A a2 2024-09-15 → a3 2025-08-01 = 320; a3 → a4 2025-10-31 = 91; B b1 2025-07-01 → b2 2025-12-31 = 183
 *   G g1 2025-02-10 → g2 2025-09-05 = 207; C c1 → c2 = 1
 *   members (320 + 91 + 183) / 3 = 198; non-members (207 + 1) / 2 = 104; all 802 / 5 = 160.4
 * upsell (repeat orders in range above the previous order): a3 6000 > 4000 yes, a4 no, b2 2500 > 2000 yes,
 *   g2 1500 = 1500 no, c2 0 < 7000 no → members 2/3; non-members 0/2 = 0; all 2/5 = 0.4
 * S (an order 2024-07-01 .. 2025-06-30): A (a2), D (d2), E (e1); R (r1), G (g1) → members 3, non 2, all 5
 *   (B's b1 is 2025-06-30 in UTC but 07-01 in Berlin: not active at start)
 * E (an order in 2025): A, B, E; G, C → members 3, non 2, all 5
 * retention (E − N) / S: (3 − 1) / 3 = 2/3; (2 − 1) / 2 = 0.5; (5 − 2) / 5 = 0.6
 * churned (S, not E): D; R → churn 1/3; 1/2; 2/5
 * revenue churn (net in the start window): members D 2000 / (A 4000 + D 2000 + E 4000) = 0.2;
 *   non-members R 3000 / (R 3000 + G 1500) = 2/3; all 5000 / 14500 = 10/29
 * historical LTV (first order by 2025-01-01, net sales to the end of the range):
 *   A 5000 + 4000 + 6000 + 3000 = 18000, D 12000; R 3000 → members 15000; non-members 3000; all 33000 / 3 = 11000
 * predicted LTV (₃₆₅ = 2025): members A (a3, a4), B (b1, b2), E (e1): 3 customers, 5 orders, 17500;
 *   non-members G (g1, g2), C (c1, c2): 2, 4, 10000; all: 5 customers, 10 orders (9 + n1), 28700.
 *   Active 2024-01-02 .. 2024-12-31: A, D; R. Churned by the end: D; R. churn₃₆₅ 1/2; 1/1; 2/3.
 *   members 3500 × 5/3 × min(10, 2) = 11666.67 → 11667; non-members 2500 × 2 × 1 = 5000;
 *   all 2870 × 2 × 1.5 = 8610
 */
describe('analytics summary (METRICS.md)', () => {
  it('gives every customer metric for all customers, members and non-members as computed by hand', async () => {
    const s = await summary(SHOP, '2025-07-01', '2025-12-31');
    expect(s.range).toEqual({ from: '2025-07-01', to: '2025-12-31' });
    expect(s.currencyCode).toBe('EUR');
    expect(s.activityWindowDays).toBe(365);
    expect(s.members).toEqual({
      customers: 2,
      newCustomers: 1,
      orders: 4,
      netSalesMinor: 13500,
      aovMinor: 3375,
      purchaseFrequency: 2,
      repeatPurchaseRate: 1,
      avgDaysBetweenOrders: 198,
      upsellFrequency: 2 / 3,
      retentionRate: 2 / 3,
      churnRate: 1 / 3,
      revenueChurnRate: 0.2,
      historicalLtvMinor: 15000,
      predictedLtvMinor: 11667,
    });
    expect(s.nonMembers).toEqual({
      customers: 2,
      newCustomers: 1,
      orders: 3,
      netSalesMinor: 8500,
      aovMinor: 2833,
      purchaseFrequency: 1.5,
      repeatPurchaseRate: 0.5,
      avgDaysBetweenOrders: 104,
      upsellFrequency: 0,
      retentionRate: 0.5,
      churnRate: 0.5,
      revenueChurnRate: 2 / 3,
      historicalLtvMinor: 3000,
      predictedLtvMinor: 5000,
    });
    expect(s.all).toEqual({
      customers: 4,
      newCustomers: 2,
      orders: 8,
      netSalesMinor: 23200,
      aovMinor: 2900,
      purchaseFrequency: 2,
      repeatPurchaseRate: 0.75,
      avgDaysBetweenOrders: 160.4,
      upsellFrequency: 0.4,
      retentionRate: 0.6,
      churnRate: 0.4,
      revenueChurnRate: 10 / 29,
      historicalLtvMinor: 11000,
      predictedLtvMinor: 8610,
    });
  });

  /*
   * Program, same range:
   *   redemption rate: redeemed 30 ÷ issued 150 = 0.2
   *   active member rate: members A, B, D, E (R redacted, the guest member row not a member) = 4; earned or
   *     redeemed in the range: A, B (E's is an adjustment) → 2/4 = 0.5
   *   liability: available 1000 + 500 + 101 + 250 = 1851 points × 1.5 = 2776.5 → 2777 (half up)
   *   reward cost: discount used 500 + store credit 300 + cashback 200 − cashback taken back 50 = 950
   *   incremental sales: (13500 / 2 − 8500 / 2) × 2 = 5000; ROI (5000 − 950) / 950 = 81/19
   */
  it('gives the program figures: redemption rate, active member rate, points liability and ROI', async () => {
    const s = await summary(SHOP, '2025-07-01', '2025-12-31');
    expect(s.program).toMatchObject({
      redemptionRate: 0.2,
      activeMemberRate: 0.5,
      pointsLiabilityMinor: 2777,
      roi: 81 / 19,
      incrementalSalesMinor: 5000,
      rewardCostMinor: 950,
    });
  });

  /*
   * W = 180: start window 2025-07-01 − 180 = 2025-01-02 .. 2025-06-30: G (g1), E (e1);
   * end window 2025-12-31 − 179 = 2025-07-05 .. 2025-12-31: A, B (b2), G, C.
   *   members: S = {E}, E = {A, B}, N = 1 → retention (2 − 1) / 1 = 1, churn 1/1, revenue churn 4000 / 4000 = 1
   *   non-members: S = {G}, E = {G, C}, N = 1 → retention 1, churn 0, revenue churn 0 / 1500 = 0
   *   all: S 2, E 4, N 2 → retention 1, churn 1/2, revenue churn 4000 / 5500 = 8/11
   * ₃₆₅'s start window 2024-07-05 .. 2024-12-31 holds A (a2), D (d2), R (r1) as before: predicted LTV unchanged.
   */
  it("reads the activity window W from the program's settings", async () => {
    await withProgramSettings(app, SHOP, { activityWindowDays: 180 }, async () => {
      const s = await summary(SHOP, '2025-07-01', '2025-12-31');
      expect(s.activityWindowDays).toBe(180);
      const pick = (m: Record<string, unknown>) => [m.retentionRate, m.churnRate, m.revenueChurnRate, m.predictedLtvMinor];
      expect(pick(s.members)).toEqual([1, 1, 1, 11667]);
      expect(pick(s.nonMembers)).toEqual([1, 0, 0, 5000]);
      expect(pick(s.all)).toEqual([1, 0.5, 8 / 11, 8610]);
    });
  });

  it('answers null, never 0 or NaN, for every ratio of a shop with no orders', async () => {
    const s = await summary(EMPTY, '2025-01-01', '2025-12-31');
    const empty = {
      customers: 0,
      newCustomers: 0,
      orders: 0,
      netSalesMinor: 0,
      aovMinor: null,
      purchaseFrequency: null,
      repeatPurchaseRate: null,
      avgDaysBetweenOrders: null,
      upsellFrequency: null,
      retentionRate: null,
      churnRate: null,
      revenueChurnRate: null,
      historicalLtvMinor: null,
      predictedLtvMinor: null,
    };
    expect(s.all).toEqual(empty);
    expect(s.members).toEqual(empty);
    expect(s.nonMembers).toEqual(empty);
    // No points issued, no members, no reward cost: nulls; liability 0 points × 1 (the default 500 → 5.00) = 0.
    expect(s.program).toMatchObject({ redemptionRate: null, activeMemberRate: null, pointsLiabilityMinor: 0, roi: null });
  });

  // JPY has no minor unit: 1000 + 1000 + 1001 yen over 3 orders = 1000.33 → 1000 yen.
  it("counts money in the shop currency's own minor units (JPY)", async () => {
    const s = await summary(YEN, '2025-05-01', '2025-05-31');
    expect(s.currencyCode).toBe('JPY');
    expect(s.currencyDigits).toBe(0);
    expect(s.all).toMatchObject({ customers: 2, orders: 3, netSalesMinor: 3001, aovMinor: 1000, purchaseFrequency: 1.5 });
    // A non-member customer who is a member in the EUR shop is no member here.
    expect(s.members.customers).toBe(0);
  });

  it('refuses bad dates and ranges with the error shape of every admin endpoint', async () => {
    const api = adminApi(app.url, SHOP);
    for (const [query, field] of [
      ['from=2025-02-30&to=2025-03-01', 'from'],
      ['from=2025-01-01', 'to'],
      ['from=2025-03-01&to=2025-02-01', 'to'],
      ['from=2020-01-01&to=2025-01-01', 'to'],
      ['from=yesterday&to=2025-01-01', 'from'],
    ] as const) {
      const res = await api('GET', `/analytics/summary?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(Object.keys(res.body.error.fields)).toContain(field);
    }
  });
});

const get = async (path: string) => {
  const res = await adminApi(app.url, SHOP)('GET', path);
  expect(res.status, res.text).toBe(200);
  return res.body;
};

describe('analytics cohorts, trends and tiers', () => {
  /*
   * First orders by local month: A 2024-03, D 2023-05, R 2024-11 (before the cohorts); G 2025-02, E 2025-03,
   * B 2025-07 (b1 is 06-30 in UTC: a UTC month would put B in June), C 2025-11.
   * Retention is followed to `to` (2025-12): a cohort of month m has 12 − m + 1 shares.
   *   2025-02 G: orders in Feb and Sep (k = 7)  → [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]
   *   2025-03 E: March only                      → [1, 0 × 9]
   *   2025-07 B: July and December (k = 5); b3 is January 2026, not followed → [1, 0, 0, 0, 0, 1]
   *   2025-11 C: two orders in November          → [1, 0]
   *   months without a new customer: customers 0, every share null.
   */
  it('groups customers by the local month of their first order and follows each cohort month by month', async () => {
    const { cohorts } = await get('/analytics/cohorts?from=2025-01&to=2025-12');
    expect(cohorts.map((c: { month: string }) => c.month)).toEqual([
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
    ]);
    const byMonth = Object.fromEntries(cohorts.map((c: { month: string }) => [c.month, c]));
    expect(byMonth['2025-01']).toMatchObject({ customers: 0, retention: Array(12).fill(null) });
    expect(byMonth['2025-02']).toMatchObject({ customers: 1, retention: [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0] });
    expect(byMonth['2025-03']).toMatchObject({ customers: 1, retention: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] });
    expect(byMonth['2025-06']).toMatchObject({ customers: 0, retention: Array(7).fill(null) });
    expect(byMonth['2025-07']).toMatchObject({ customers: 1, retention: [1, 0, 0, 0, 0, 1] });
    expect(byMonth['2025-11']).toMatchObject({ customers: 1, retention: [1, 0] });
    expect(byMonth['2025-12']).toMatchObject({ customers: 0, retention: [null] });
    // Members (E, B) and non-members (G, C) apart.
    expect(byMonth['2025-07'].members).toEqual({ month: '2025-07', customers: 1, retention: [1, 0, 0, 0, 0, 1] });
    expect(byMonth['2025-07'].nonMembers).toEqual({ month: '2025-07', customers: 0, retention: [null, null, null, null, null, null] });
    expect(byMonth['2025-02'].nonMembers.customers).toBe(1);
    expect(byMonth['2025-02'].members.customers).toBe(0);
  });

  it('follows cohorts no further than the current month', async () => {
    const { cohortRetention } = await import('../../web/analytics/cohorts.js');
    // On 2026-01-15 the months after January 2026 have not started: C's cohort has Nov, Dec, Jan.
    const table = await cohortRetention({ pool: app.db.pool }, SHOP, { from: '2025-11', to: '2026-03' }, new Date('2026-01-15T12:00:00Z'));
    expect(table.followedTo).toBe('2026-01');
    expect(table.cohorts.map((c) => [c.month, c.customers, c.retention])).toEqual([
      ['2025-11', 1, [1, 0, 0]],
      ['2025-12', 0, [null, null]],
      ['2026-01', 0, [null]],
      ['2026-02', 0, []],
      ['2026-03', 0, []],
    ]);
  });

  /*
   * Months of 2025-07 .. 2025-12 (local):
   *   Jul b1 (B, first order) 2000 · Aug a3 (A) 6000 and n1 (no customer) 1200 · Sep g2 (G) 1500 (g3 cancelled)
   *   Oct a4 (A, 23:30 local) 3000 · Nov c1 7000, c2 0 (C, first order) · Dec b2 (B, 23:30 local on the 31st) 2500
   */
  it('gives trends by month with members and non-members apart and empty figures as zeros', async () => {
    const t = await get('/analytics/trends?from=2025-07-01&to=2025-12-31&interval=month');
    expect(t.interval).toBe('month');
    const z = { orders: 0, netSalesMinor: 0, customers: 0, newCustomers: 0 };
    expect(t.points).toEqual([
      {
        start: '2025-07-01',
        all: { orders: 1, netSalesMinor: 2000, customers: 1, newCustomers: 1 },
        members: { orders: 1, netSalesMinor: 2000, customers: 1, newCustomers: 1 },
        nonMembers: z,
      },
      {
        start: '2025-08-01',
        all: { orders: 2, netSalesMinor: 7200, customers: 1, newCustomers: 0 },
        members: { orders: 1, netSalesMinor: 6000, customers: 1, newCustomers: 0 },
        nonMembers: z,
      },
      {
        start: '2025-09-01',
        all: { orders: 1, netSalesMinor: 1500, customers: 1, newCustomers: 0 },
        members: z,
        nonMembers: { orders: 1, netSalesMinor: 1500, customers: 1, newCustomers: 0 },
      },
      {
        start: '2025-10-01',
        all: { orders: 1, netSalesMinor: 3000, customers: 1, newCustomers: 0 },
        members: { orders: 1, netSalesMinor: 3000, customers: 1, newCustomers: 0 },
        nonMembers: z,
      },
      {
        start: '2025-11-01',
        all: { orders: 2, netSalesMinor: 7000, customers: 1, newCustomers: 1 },
        members: z,
        nonMembers: { orders: 2, netSalesMinor: 7000, customers: 1, newCustomers: 1 },
      },
      {
        start: '2025-12-01',
        all: { orders: 1, netSalesMinor: 2500, customers: 1, newCustomers: 0 },
        members: { orders: 1, netSalesMinor: 2500, customers: 1, newCustomers: 0 },
        nonMembers: z,
      },
    ]);
  });

  it('puts an order in the local day and ISO week it was placed in', async () => {
    // b1: 2025-07-01 00:30 in Berlin, 2025-06-30 22:30 UTC.
    const days = await get('/analytics/trends?from=2025-06-30&to=2025-07-01&interval=day');
    expect(days.points.map((p: { start: string; all: { orders: number } }) => [p.start, p.all.orders])).toEqual([
      ['2025-06-30', 0],
      ['2025-07-01', 1],
    ]);
    // Weeks from Wednesday 2025-10-29: that partial week (a4 on Friday the 31st), Mon 11-03 (nothing), Mon 11-10 (c1, c2).
    const weeks = await get('/analytics/trends?from=2025-10-29&to=2025-11-12&interval=week');
    expect(
      weeks.points.map((p: { start: string; all: { orders: number; netSalesMinor: number } }) => [
        p.start,
        p.all.orders,
        p.all.netSalesMinor,
      ]),
    ).toEqual([
      ['2025-10-29', 1, 3000],
      ['2025-11-03', 0, 0],
      ['2025-11-10', 2, 7000],
    ]);
    expect((await adminApi(app.url, SHOP)('GET', '/analytics/trends?from=2025-01-01&to=2025-01-02&interval=hour')).status).toBe(400);
  });

  /*
   * Tiers now: A Gold; B and E Bronze; D none; Silver nobody. Range 2025-07-01 .. 2025-12-31.
   *   Bronze (B, E): customers B = 1, new 1, orders 2, net 4500, AOV 2250, frequency 2, repeat 1, gap 183,
   *     upsell 1/1; S {E}, E {B, E}, N 1 → retention 1, churn 0, revenue churn 0 / 4000 = 0;
   *     historical LTV: nobody's first order is by 2025-01-01 → null; ₃₆₅: nobody active in 2024 → null
   *   Gold (A): 1 customer, orders 2, net 9000, AOV 4500, gaps (320 + 91) / 2 = 205.5, upsell 1/2; S {A}, E {A},
   *     retention 1, churn 0, revenue churn 0; historical 18000; predicted 4500 × 2 × 10 (no churn: the cap) = 90000
   *   No tier (D): no order in the range; S {D}, E {} → retention 0, churn 1, revenue churn 2000 / 2000 = 1;
   *     historical 12000; predicted null (no order in 2025)
   */
  it("gives each tier's members the customer metrics, by their current tier", async () => {
    const { rows: tiers } = await app.db.pool.query<{ id: string; name: string }>(`SELECT id, name FROM "Tier" WHERE shop = $1`, [SHOP]);
    const tier = (name: string) => tiers.find((t) => t.name === name)!.id;
    await app.db.pool.query(`UPDATE "Member" SET "tierId" = $1 WHERE id = 'mA'`, [tier('Gold')]);
    await app.db.pool.query(`UPDATE "Member" SET "tierId" = $1 WHERE id IN ('mB', 'mE')`, [tier('Bronze')]);
    const body = await get('/analytics/tiers?from=2025-07-01&to=2025-12-31');
    const none = {
      customers: 0,
      newCustomers: 0,
      orders: 0,
      netSalesMinor: 0,
      aovMinor: null,
      purchaseFrequency: null,
      repeatPurchaseRate: null,
      avgDaysBetweenOrders: null,
      upsellFrequency: null,
      retentionRate: null,
      churnRate: null,
      revenueChurnRate: null,
      historicalLtvMinor: null,
      predictedLtvMinor: null,
    };
    expect(body.tiers).toEqual([
      {
        tierId: tier('Bronze'),
        name: 'Bronze',
        members: 2,
        metrics: {
          customers: 1,
          newCustomers: 1,
          orders: 2,
          netSalesMinor: 4500,
          aovMinor: 2250,
          purchaseFrequency: 2,
          repeatPurchaseRate: 1,
          avgDaysBetweenOrders: 183,
          upsellFrequency: 1,
          retentionRate: 1,
          churnRate: 0,
          revenueChurnRate: 0,
          historicalLtvMinor: null,
          predictedLtvMinor: null,
        },
      },
      { tierId: tier('Silver'), name: 'Silver', members: 0, metrics: none },
      {
        tierId: tier('Gold'),
        name: 'Gold',
        members: 1,
        metrics: {
          customers: 1,
          newCustomers: 0,
          orders: 2,
          netSalesMinor: 9000,
          aovMinor: 4500,
          purchaseFrequency: 2,
          repeatPurchaseRate: 1,
          avgDaysBetweenOrders: 205.5,
          upsellFrequency: 0.5,
          retentionRate: 1,
          churnRate: 0,
          revenueChurnRate: 0,
          historicalLtvMinor: 18000,
          predictedLtvMinor: 90000,
        },
      },
      {
        tierId: null,
        name: 'No tier',
        members: 1,
        metrics: { ...none, retentionRate: 0, churnRate: 1, revenueChurnRate: 1, historicalLtvMinor: 12000 },
      },
    ]);
  });
});

describe('analytics statement split by customer key', () => {
  it('adds up to the same totals whether the customers are read in one part or in key ranges side by side', async () => {
    const { segmentRows } = await import('../../web/analytics/customers.js');
    const { shopContext } = await import('../../web/analytics/range.js');
    const ctx = await shopContext(app.db.pool, SHOP);
    const range = { from: '2025-07-01', to: '2025-12-31' };
    const whole = await segmentRows(app.db.pool, ctx, range, 'membership', []);
    expect(whole.rows.get('members')?.customers).toBe(2);
    for (const cuts of [[gid(3)], [gid(2), gid(5)]]) {
      const split = await segmentRows(app.db.pool, ctx, range, 'membership', cuts);
      expect(split.noCustomer).toEqual(whole.noCustomer);
      expect(Object.fromEntries(split.rows)).toEqual(
        Object.fromEntries(
          [...whole.rows].map(([k, r]) => [k, Object.fromEntries(Object.entries(r).map(([c, v]) => [c, c === 'segment' ? k : Number(v)]))]),
        ),
      );
    }
  });
});
