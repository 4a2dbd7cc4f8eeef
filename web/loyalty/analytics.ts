// The dashboard's figures for a date range, in the shop's time zone: members,
// points issued / redeemed / expired (the ledger's own definitions, as the
// doctor counts them), the liability of outstanding points in shop currency,
// the revenue of orders that used a Tally reward, and the repeat purchase rate
// of members against guests. Days with nothing happening are filled with 0.
import type pg from 'pg';
import { z } from 'zod';
import { inLocalDays, localDay as localDayOf } from '../analytics/range.js';
import { ISSUED, REDEEMED, valuePerPoint } from '../analytics/program.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-24')
  .refine((d) => !Number.isNaN(Date.parse(d)), 'not a real date');

export const dashboardQuery = z
  .object({ from: day, to: day })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'must be on or after the start' })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 <= 366, { path: ['to'], message: 'at most a year at a time' });
export type DashboardQuery = z.infer<typeof dashboardQuery>;

export interface DayFigures {
  date: string;
  pointsIssued: number;
  pointsRedeemed: number;
  newMembers: number;
  rewardRevenueMinor: number;
}

// Local calendar day of a UTC timestamp column, and whether it is in the range.
// Parameters: $2 the time zone, $3 and $4 the first and last day.
const localDay = (column: string) => localDayOf(column, '$2');
const inRange = (column: string) => inLocalDays(column, '$2', '$3::date', '$4::date');

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export { valuePerPoint };

export async function dashboard({ pool }: { pool: pg.Pool }, shop: string, range: DashboardQuery) {
  const { rows: shopRows } = await pool.query<{ ianaTimezone: string; currencyCode: string }>(
    `SELECT "ianaTimezone", "currencyCode" FROM "Shop" WHERE domain = $1`,
    [shop],
  );
  const tz = shopRows[0]?.ianaTimezone ?? 'UTC';
  const params = [shop, tz, range.from, range.to];
  const [points, members, revenue, repeat, totals, rewards, redemptions, payouts, reviews] = await Promise.all([
    pool.query(
      `SELECT ${localDay('"createdAt"')} AS date,
              COALESCE(sum(points) FILTER (WHERE ${ISSUED}), 0)::bigint AS issued,
              COALESCE(-sum(points) FILTER (WHERE ${REDEEMED}), 0)::bigint AS redeemed,
              COALESCE(-sum(points) FILTER (WHERE kind = 'EXPIRE'), 0)::bigint AS expired
       FROM "PointEntry" WHERE shop = $1 AND ${inRange('"createdAt"')} GROUP BY 1`,
      params,
    ),
    pool.query(
      `SELECT ${localDay('"createdAt"')} AS date, count(*)::int AS n FROM "Member" WHERE shop = $1 AND ${inRange('"createdAt"')} GROUP BY 1`,
      params,
    ),
    pool.query(
      `SELECT ${localDay('o."processedAt"')} AS date, COALESCE(sum(o."totalMinor"), 0)::bigint AS revenue, count(*)::int AS orders
       FROM "Order" o WHERE o.shop = $1 AND ${inRange('o."processedAt"')} AND o."cancelledAt" IS NULL
         AND EXISTS (SELECT 1 FROM "Redemption" d WHERE d.shop = o.shop AND d."orderId" = o."orderId")
       GROUP BY 1`,
      params,
    ),
    // Customers who ordered in the range, and how many of them ordered more than once.
    pool.query(
      `SELECT is_member, count(*)::int AS customers, count(*) FILTER (WHERE orders > 1)::int AS repeat
       FROM (SELECT COALESCE(o."memberId", o."guestEmail") AS who, bool_or(m."customerId" IS NOT NULL AND m."customerId" NOT LIKE 'guest:%') AS is_member, count(*) AS orders
             FROM "Order" o LEFT JOIN "Member" m ON m.id = o."memberId"
             WHERE o.shop = $1 AND ${inRange('o."processedAt"')} AND o."cancelledAt" IS NULL AND COALESCE(o."memberId", o."guestEmail") IS NOT NULL
             GROUP BY 1) c
       GROUP BY is_member`,
      params,
    ),
    pool.query(
      `SELECT count(*)::int AS members, COALESCE(sum("pointsAvailable"), 0)::bigint AS available, COALESCE(sum("pointsPending"), 0)::bigint AS pending FROM "Member" WHERE shop = $1`,
      [shop],
    ),
    pool.query(`SELECT type, config FROM "Reward" WHERE shop = $1 AND enabled`, [shop]),
    pool.query(`SELECT count(*)::int AS n FROM "Redemption" WHERE shop = $1 AND status <> 'FAILED' AND ${inRange('"createdAt"')}`, params),
    // Donations by cause, and cashback paid as store credit: value that left the program other than as discounts.
    pool.query(
      `SELECT CASE WHEN w.system THEN 'cashback' ELSE w.type END AS kind, w.config->>'cause' AS cause,
              COALESCE(sum(d."valueMinor"), 0)::bigint AS value, count(*)::int AS n
       FROM "Redemption" d JOIN "Reward" w ON w.id = d."rewardId"
       WHERE d.shop = $1 AND d.status IN ('ISSUED', 'USED') AND (w.type = 'donation' OR w.system) AND ${inRange('d."createdAt"')}
       GROUP BY 1, 2
       UNION ALL -- cashback taken back by later refunds (store credit debited)
       SELECT 'cashback-reversed', NULL, COALESCE(sum("debitedMinor"), 0)::bigint, count(*)::int
       FROM "StoreCreditDebit" WHERE shop = $1 AND status = 'DONE' AND "debitedMinor" > 0 AND ${inRange('"doneAt"')}
       ORDER BY 3 DESC`,
      params,
    ),
    // Store credit whose Shopify answer was lost, waiting for the admin (whenever it happened).
    pool.query(
      `SELECT (SELECT count(*) FROM "Redemption" WHERE shop = $1 AND status = 'NEEDS_REVIEW')::int
            + (SELECT count(*) FROM "StoreCreditDebit" WHERE shop = $1 AND status = 'NEEDS_REVIEW')::int AS n`,
      [shop],
    ),
  ]);

  const payoutOf = (kind: string) => payouts.rows.filter((r) => r.kind === kind).reduce((n, r) => n + Number(r.value), 0);
  const byDay = new Map<string, DayFigures>(
    days(range.from, range.to).map((date) => [date, { date, pointsIssued: 0, pointsRedeemed: 0, newMembers: 0, rewardRevenueMinor: 0 }]),
  );
  let expired = 0;
  for (const r of points.rows) {
    const d = byDay.get(r.date);
    if (d) Object.assign(d, { pointsIssued: r.issued, pointsRedeemed: r.redeemed });
    expired += r.expired;
  }
  for (const r of members.rows) byDay.get(r.date)!.newMembers = r.n;
  let rewardOrders = 0;
  for (const r of revenue.rows) {
    byDay.get(r.date)!.rewardRevenueMinor = Number(r.revenue);
    rewardOrders += r.orders;
  }
  const series = [...byDay.values()];
  const sum = (key: keyof Omit<DayFigures, 'date'>) => series.reduce((n, d) => n + d[key], 0);
  const rate = (group: { customers: number; repeat: number } | undefined) =>
    group && group.customers > 0 ? group.repeat / group.customers : null;
  const issued = sum('pointsIssued');
  const redeemed = sum('pointsRedeemed');
  const available = Number(totals.rows[0].available);
  const perPoint = valuePerPoint(rewards.rows);

  return {
    range: { ...range, timeZone: tz },
    currencyCode: shopRows[0]?.currencyCode ?? 'USD',
    totals: {
      members: totals.rows[0].members,
      newMembers: sum('newMembers'),
      pointsIssued: issued,
      pointsRedeemed: redeemed,
      pointsExpired: expired,
      pointsOutstanding: available + Number(totals.rows[0].pending),
      /** Available points at the most generous reward's value; null without a fixed-value reward. */
      liabilityMinor: perPoint === null ? null : Math.round(available * perPoint),
      redemptions: redemptions.rows[0].n,
      redemptionRate: issued > 0 ? redeemed / issued : null,
      rewardRevenueMinor: sum('rewardRevenueMinor'),
      rewardOrders,
      repeatRate: { members: rate(repeat.rows.find((r) => r.is_member)), guests: rate(repeat.rows.find((r) => !r.is_member)) },
      donations: {
        totalMinor: payouts.rows.filter((r) => r.kind === 'donation').reduce((n, r) => n + Number(r.value), 0),
        byCause: payouts.rows
          .filter((r) => r.kind === 'donation')
          .map((r) => ({ cause: r.cause as string, totalMinor: Number(r.value), count: r.n as number })),
      },
      // Net of what later refunds took back.
      cashbackMinor: payoutOf('cashback') - payoutOf('cashback-reversed'),
      cashbackReversedMinor: payoutOf('cashback-reversed'),
    },
    series,
    attention: { storeCreditReviews: reviews.rows[0].n as number },
  };
}
