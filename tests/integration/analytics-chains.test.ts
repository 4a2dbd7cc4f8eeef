// The analytics rollup kept on the orders (web/analytics/chains.ts: each
// sale's previous, next and first sale of its customer) stays exact while the
// orders change under it: a shop whose orders arrive out of order, are
// refunded later, cancelled, replayed with a past processed_at, given a
// customer by the backfill and tokenised by customers/redact — with the
// summary read between every change, so each refresh starts from the last —
// answers exactly what a shop given the final orders at once answers, and
// every stored chain equals one computed from scratch. The changes are made
// as the writers make them (raw SQL, as web/loyalty/order-points.ts,
// compliance.ts and web/jobs/backfill-order-sales.ts do): no writer marks
// anything itself.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminApi } from '../helpers/admin.js';
import { addShops, useTestApp, withProgramSettings } from '../helpers/app.js';
import { refreshAnalyticsJob } from '../../web/jobs/refresh-analytics.js';
import type { JobDeps } from '../../web/jobs/deps.js';

const app = useTestApp();
const LIVE = 'chains-live.myshopify.com';
const FRESH = 'chains-fresh.myshopify.com';
const gid = (n: number) => `gid://shopify/Customer/${n}`;
const RANGES = [
  ['2025-01-01', '2025-12-31'],
  ['2025-07-01', '2025-09-30'],
  ['2024-06-01', '2026-05-31'],
  ['2026-01-01', '2026-03-31'],
] as const;

const summary = async (shop: string, from: string, to: string) => {
  const res = await adminApi(app.url, shop)('GET', `/analytics/summary?from=${from}&to=${to}`);
  expect(res.status, res.text).toBe(200);
  const { all, members, nonMembers } = res.body as Record<string, unknown>;
  return { all, members, nonMembers };
};
const readAll = async (shop: string) => Promise.all(RANGES.map(([from, to]) => summary(shop, from, to)));

let seq = 0;
async function order(customerKey: string | null, at: string, net: number | null, cancelledAt: string | null = null): Promise<string> {
  seq += 1;
  await app.db.pool.query(
    `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                          "customerKey", "paidAt", "netSalesMinor", "cancelledAt")
     VALUES ($1, $2, $3, $1, 'EUR', 0, $4::timestamptz, $4::timestamptz, now(), $5, CASE WHEN $6::bigint IS NOT NULL THEN $4::timestamptz END,
             $6::bigint, $7::timestamptz)`,
    [`c${seq}`, LIVE, `gid://shopify/Order/${seq}`, at, customerKey, net, cancelledAt],
  );
  return `c${seq}`;
}
const sql = (text: string, params: unknown[]) => app.db.pool.query(text, params);

/** Orders whose stored chain differs from one computed from scratch over the shop's sales. */
async function wrongChains(shop: string): Promise<unknown[]> {
  const { rows } = await app.db.pool.query(
    `WITH w AS (
       SELECT id, lag("processedAt") OVER c AS pa, lag("netSalesMinor") OVER c AS pn, lead("processedAt") OVER c AS na,
              min("processedAt") OVER (PARTITION BY "customerKey") AS fa
       FROM "Order" WHERE shop = $1 AND "customerKey" IS NOT NULL AND "netSalesMinor" IS NOT NULL AND "cancelledAt" IS NULL
       WINDOW c AS (PARTITION BY "customerKey" ORDER BY "processedAt", "orderId"))
     SELECT o.id, o."prevAt", w.pa, o."nextAt", w.na, o."firstAt", w.fa, o."prevNetMinor", w.pn, o."chainStale"
     FROM "Order" o LEFT JOIN w ON w.id = o.id
     WHERE o.shop = $1 AND (o."chainStale" OR (o."prevAt", o."prevNetMinor", o."nextAt", o."firstAt") IS DISTINCT FROM (w.pa, w.pn, w.na, w.fa))`,
    [shop],
  );
  return rows;
}

beforeAll(async () => {
  await addShops(app, [
    [LIVE, 'EUR', 'Europe/Berlin'],
    [FRESH, 'EUR', 'Europe/Berlin'],
  ]);
  for (const shop of [LIVE, FRESH])
    await app.db.pool.query(
      `INSERT INTO "Member" (id, shop, "customerId", "updatedAt") VALUES ($1 || '-a', $1, $2, now()), ($1 || '-c', $1, $3, now())`,
      [shop, gid(1), gid(3)],
    );
});

describe('the analytics rollup on the orders', () => {
  it('answers as if computed from scratch after late refunds, out-of-order and replayed orders, cancellations, backfill and redaction', async () => {
    // 1. Orders as they first arrive (members: customers 1 and 3).
    const a2 = await order(gid(1), '2025-03-10T10:00:00Z', 5000);
    const a3 = await order(gid(1), '2025-08-02T10:00:00Z', 7000);
    await order(gid(1), '2025-12-20T10:00:00Z', 4000);
    await order(gid(2), '2024-11-05T10:00:00Z', 3000);
    const b2 = await order(gid(2), '2025-07-15T10:00:00Z', 3500);
    const c1 = await order(gid(3), '2025-02-01T10:00:00Z', 9000);
    await order(gid(3), '2026-02-01T10:00:00Z', 2000);
    const g1 = await order('guest@example.com', '2025-05-05T10:00:00Z', 2500);
    const g2 = await order('guest@example.com', '2025-09-09T10:00:00Z', 2600);
    const none = await order(null, '2025-06-06T10:00:00Z', 1500);
    const unpaid = await order(gid(2), '2025-10-10T10:00:00Z', null);
    // With W = 30 and the range 2025-07-01 … 09-30, customers 7 and 8 are active at start with a next order before the
    // last 30 days of the range (the lookup statement decides: 7 churned, 8 not), 7 with two orders in the 30 days before.
    for (const [n, at, net] of [
      [7, '2025-06-15', 1000],
      [7, '2025-06-20', 1100],
      [7, '2025-07-15', 1200],
      [8, '2025-06-10', 1300],
      [8, '2025-08-01', 1400],
      [8, '2025-09-15', 1500],
    ] as const)
      await order(gid(n), `${at}T10:00:00Z`, net);
    await readAll(LIVE);
    expect(await wrongChains(LIVE)).toEqual([]);

    // 2. A refund arrives after the figures were read (countStoredRefunds' UPDATE).
    await sql(`UPDATE "Order" SET "netSalesMinor" = 3000 WHERE id = $1`, [a3]);
    await readAll(LIVE);
    // 3. An earlier order of customer 1 arrives late (its first order), and one between customer 2's two.
    await order(gid(1), '2024-09-01T10:00:00Z', 6000);
    const b15 = await order(gid(2), '2025-01-20T10:00:00Z', 8000);
    await readAll(LIVE);
    // 4. Customer 2's middle order is cancelled (the upsert's cancelledAt and net).
    await sql(`UPDATE "Order" SET "cancelledAt" = now(), "netSalesMinor" = NULL WHERE id = $1`, [b15]);
    // 5. An order is replayed with a past processed_at (the upsert sets processedAt).
    await sql(`UPDATE "Order" SET "processedAt" = '2024-12-24T10:00:00Z' WHERE id = $1`, [a2]);
    await readAll(LIVE);
    // 6. The unpaid order is paid; the backfill gives the customerless order a guest key.
    await sql(`UPDATE "Order" SET "paidAt" = now(), "netSalesMinor" = 4200 WHERE id = $1`, [unpaid]);
    await sql(`UPDATE "Order" SET "customerKey" = 'guest@example.com' WHERE id = $1`, [none]);
    await readAll(LIVE);
    // 7. customers/redact: one guest order by its id gets a token of its own (the guest's others keep the email),
    //    and customer 3's orders take the customer's token.
    await sql(`UPDATE "Order" SET "customerKey" = 'redacted:1f2e', "guestEmail" = NULL WHERE id = $1`, [g2]);
    await sql(`UPDATE "Order" SET "customerKey" = 'redacted:c3' WHERE shop = $1 AND "customerKey" = $2`, [LIVE, gid(3)]);
    await app.db.pool.query(`UPDATE "Member" SET "customerId" = 'redacted:c3', "redactedAt" = now() WHERE id = $1`, [`${LIVE}-c`]);
    // 8. A refund of an order whose figures did not move otherwise, and one of an order before the range.
    await sql(`UPDATE "Order" SET "netSalesMinor" = "netSalesMinor" - 100 WHERE id IN ($1, $2, $3)`, [b2, c1, g1]);
    const live = await readAll(LIVE);
    expect(await wrongChains(LIVE)).toEqual([]);

    // The same final orders given at once to another shop.
    await app.db.pool.query(
      `INSERT INTO "Order" (id, shop, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", "updatedAt",
                            "customerKey", "paidAt", "netSalesMinor", "cancelledAt")
       SELECT 'f' || id, $2, "orderId", name, "currencyCode", "totalMinor", "processedAt", "sourceUpdatedAt", now(),
              "customerKey", "paidAt", "netSalesMinor", "cancelledAt" FROM "Order" WHERE shop = $1`,
      [LIVE, FRESH],
    );
    await app.db.pool.query(`UPDATE "Member" SET "customerId" = 'redacted:c3', "redactedAt" = now() WHERE id = $1`, [`${FRESH}-c`]);
    const fresh = await readAll(FRESH);
    expect(live).toEqual(fresh);
    expect(await wrongChains(FRESH)).toEqual([]);
    // Not a trivial comparison: the changes moved the figures (customer 1's refund and first order among them).
    expect((live[0]!.members as { netSalesMinor: number }).netSalesMinor).toBe(3000 + 4000);
    expect((live[0]!.all as { newCustomers: number }).newCustomers).toBe(5);

    // With a short activity window, where a churned customer's later orders are looked up (a range longer than W).
    const short = async (shop: string) => withProgramSettings(app, shop, { activityWindowDays: 30 }, () => readAll(shop));
    expect(await short(LIVE)).toEqual(await short(FRESH));
  });

  it('gives the churn figures that the definitions give customer by customer, with W = 365 and with W = 30', async () => {
    const { segmentRows, withBounds } = await import('../../web/analytics/customers.js');
    const { shopContext } = await import('../../web/analytics/range.js');
    // METRICS.md read literally: each customer's orders grouped, S / E / S₃₆₅ and the net sales in the W before start.
    const definition = withBounds(`
      SELECT count(*) FILTER (WHERE s) AS s, count(*) FILTER (WHERE s AND NOT e) AS churned,
             COALESCE(sum(s_net) FILTER (WHERE s), 0) AS s_net, COALESCE(sum(s_net) FILTER (WHERE s AND NOT e), 0) AS churned_net,
             count(*) FILTER (WHERE s365) AS s365, count(*) FILTER (WHERE s365 AND NOT e) AS churned365
      FROM (SELECT bool_or("processedAt" >= s_lo AND "processedAt" < r_from) AS s, bool_or("processedAt" >= e_lo) AS e,
                   sum("netSalesMinor") FILTER (WHERE "processedAt" >= s_lo AND "processedAt" < r_from) AS s_net,
                   bool_or("processedAt" >= ys_lo AND "processedAt" < y_from) AS s365
            FROM "Order" WHERE shop = $1 AND "customerKey" IS NOT NULL AND "netSalesMinor" IS NOT NULL AND "cancelledAt" IS NULL
              AND "processedAt" < r_end
            GROUP BY "customerKey") c`);
    for (const w of [365, 30]) {
      const ctx = { ...(await shopContext(app.db.pool, LIVE)), activityWindowDays: w };
      for (const [from, to] of RANGES) {
        const { rows } = await app.db.pool.query(definition, [LIVE, ctx.timeZone, from, to, w]);
        const parts = await segmentRows(app.db.pool, ctx, { from, to }, 'membership');
        const sum = (column: string) => [...parts.rows.values()].reduce((total, row) => total + Number(row[column] ?? 0), 0);
        const columns = ['s', 'churned', 's_net', 'churned_net', 's365', 'churned365'];
        expect(Object.fromEntries(columns.map((c) => [c, sum(c)])), `W ${w}, ${from} … ${to}`).toEqual(
          Object.fromEntries(columns.map((c) => [c, Number(rows[0][c])])),
        );
      }
    }
  });
  it('is brought up to date in the background by the refresh-analytics job, so a read finds nothing stale', async () => {
    const customer = gid(9_001);
    await order(customer, '2025-03-01T10:00:00Z', 1000);
    const later = await order(customer, '2025-04-01T10:00:00Z', 2000);
    await sql(`UPDATE "Order" SET "netSalesMinor" = 1500 WHERE id = $1`, [later]); // a late refund, as order-points writes it
    const stale = () => app.db.pool.query(`SELECT count(*)::int AS n FROM "Order" WHERE "chainStale"`).then((r) => r.rows[0].n as number);
    expect(await stale()).toBeGreaterThan(0);
    await refreshAnalyticsJob({}, { pool: app.db.pool, logger: app.logger } as unknown as JobDeps);
    expect(await stale()).toBe(0);
    expect(await wrongChains(LIVE)).toEqual([]);
  });
});
