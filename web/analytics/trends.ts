// Trends: orders, net sales, customers and new customers per day, week or
// month of a range, for all, members and non-members. Periods are local
// calendar days, ISO weeks (Monday to Sunday) or calendar months, cut to the
// range: the first point starts at `from` even mid-week or mid-month.
// Periods without orders are listed with zeros. customers: distinct
// customers with an order in the period; newCustomers: those whose first
// order ever is in it. Orders without a customer count in all's orders and
// net sales only.
import type pg from 'pg';
import { z } from 'zod';
import { memberJoin, ORDER_IS_SALE } from './customers.js';
import { addDays, inLocalDays, localDate, rangeQuery, shopContext, type DayRange } from './range.js';

export const trendsQuery = z
  .object({ from: z.string(), to: z.string(), interval: z.enum(['day', 'week', 'month']).default('day') })
  .and(rangeQuery);
export type TrendsQuery = z.infer<typeof trendsQuery>;

export interface TrendFigures {
  orders: number;
  netSalesMinor: number;
  customers: number;
  newCustomers: number;
}

// Parameters: $1 shop, $2 time zone, $3 from, $4 to, $5 interval.
const bucket = (day: string) => `greatest(date_trunc($5::text, ${day})::date, $3::date)`;
const TRENDS = `WITH o AS (
    SELECT "customerKey" AS k, ${localDate('"processedAt"', '$2')} AS d, "netSalesMinor" AS net
    FROM "Order" WHERE shop = $1 AND ${ORDER_IS_SALE} AND ${inLocalDays('"processedAt"', '$2', '$3::date', '$4::date')}),
  firsts AS (
    SELECT "customerKey" AS k, ${localDate('min("processedAt")', '$2')} AS d
    FROM "Order" WHERE shop = $1 AND ${ORDER_IS_SALE} AND "customerKey" IN (SELECT k FROM o WHERE k IS NOT NULL)
    GROUP BY 1),
  -- '' stands for "no customer" so that the join hashes (IS NOT DISTINCT FROM would compare every pair).
  seg AS (
    SELECT x.k, CASE WHEN x.k = '' THEN 'none' WHEN m.id IS NULL THEN 'nonMembers' ELSE 'members' END AS segment
    FROM (SELECT DISTINCT COALESCE(k, '') AS k FROM o) x LEFT JOIN ${memberJoin('x.k')})
  SELECT to_char(p.start, 'YYYY-MM-DD') AS start, p.segment, sum(p.orders)::bigint AS orders, sum(p.net)::bigint AS net,
         sum(p.customers)::bigint AS customers, sum(p.new_customers)::bigint AS new_customers
  FROM (
    SELECT ${bucket('o.d')} AS start, s.segment, count(*) AS orders, sum(o.net) AS net, count(DISTINCT o.k) AS customers, 0 AS new_customers
    FROM o JOIN seg s ON s.k = COALESCE(o.k, '') GROUP BY 1, 2
    UNION ALL
    SELECT ${bucket('f.d')}, s.segment, 0, 0, 0, count(*)
    FROM firsts f JOIN seg s ON s.k = f.k WHERE f.d >= $3::date GROUP BY 1, 2) p
  GROUP BY 1, 2`;

/** The first day of each period of the range. */
export function periodStarts(range: DayRange, interval: 'day' | 'week' | 'month'): string[] {
  const starts: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 1 = Monday
    if (day === range.from || interval === 'day' || (interval === 'week' && weekday === 1) || (interval === 'month' && day.endsWith('-01')))
      starts.push(day);
  }
  return starts;
}

const zero = (): TrendFigures => ({ orders: 0, netSalesMinor: 0, customers: 0, newCustomers: 0 });

export async function trends({ pool }: { pool: pg.Pool }, shop: string, query: TrendsQuery) {
  const ctx = await shopContext(pool, shop);
  const { rows } = await pool.query<Record<string, string | number>>(TRENDS, [shop, ctx.timeZone, query.from, query.to, query.interval]);
  const points = new Map(
    periodStarts(query, query.interval).map((start) => [start, { start, all: zero(), members: zero(), nonMembers: zero() }]),
  );
  for (const r of rows) {
    const point = points.get(String(r.start));
    if (!point) continue;
    const figures = {
      orders: Number(r.orders),
      netSalesMinor: Number(r.net),
      customers: Number(r.customers),
      newCustomers: Number(r.new_customers),
    };
    if (r.segment === 'members' || r.segment === 'nonMembers') {
      const segment = point[r.segment];
      for (const key of Object.keys(figures) as (keyof TrendFigures)[]) segment[key] += figures[key];
    }
    for (const key of Object.keys(figures) as (keyof TrendFigures)[]) point.all[key] += figures[key];
  }
  return {
    range: { from: query.from, to: query.to },
    timeZone: ctx.timeZone,
    currencyCode: ctx.currencyCode,
    interval: query.interval,
    points: [...points.values()],
  };
}
