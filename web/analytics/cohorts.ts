// Cohort retention (../shared/METRICS.md): customers grouped by the local
// month of their first order ever; for each later month, the share of the
// cohort with ≥ 1 order in that month. retention[0] is 1 (every customer
// ordered in their first month); retention[k] is month k after it.
//
// The cohorts are the months `from`..`to`; each one's retention runs up to
// `to`, and never past the current month in the shop's time zone (a month
// that has not started has no figure), so a table for a past range stays as
// it was. The current month is counted as far as it has gone. A month with
// no new customer is listed with customers 0 and null shares.
// Members (enrolled now) and non-members are given apart as well.
import type pg from 'pg';
import { memberJoin, ORDER_IS_SALE } from './customers.js';
import { localToday, monthIndex, monthOf, shopContext, utcStartOf, type MonthRange } from './range.js';

export interface CohortRow {
  month: string;
  customers: number;
  retention: (number | null)[];
}

// Parameters: $1 shop, $2 time zone, $3 first cohort month, $4 last cohort month, $5 last month followed (each its 1st day).
const COHORTS = `WITH o AS (
    SELECT "customerKey" AS k, date_trunc('month', ("processedAt" AT TIME ZONE 'UTC') AT TIME ZONE $2::text)::date AS month
    FROM "Order"
    WHERE shop = $1 AND "customerKey" IS NOT NULL AND ${ORDER_IS_SALE}
      AND "processedAt" < ${utcStartOf(`($5::date + interval '1 month')::date`, '$2')}),
  firsts AS (SELECT k, min(month) AS cohort FROM o GROUP BY k),
  c AS (
    SELECT f.k, f.cohort, m.id IS NOT NULL AS member
    FROM firsts f LEFT JOIN ${memberJoin('f.k')}
    WHERE f.cohort BETWEEN $3::date AND $4::date)
  SELECT to_char(c.cohort, 'YYYY-MM') AS cohort, c.member,
         ((extract(year FROM o.month) - extract(year FROM c.cohort)) * 12 + extract(month FROM o.month) - extract(month FROM c.cohort))::int AS k,
         count(DISTINCT o.k)::int AS customers
  FROM c JOIN o ON o.k = c.k
  GROUP BY 1, 2, 3`;

function table(months: string[], last: number, counts: Map<string, number>): CohortRow[] {
  return months.map((month) => {
    const size = counts.get(`${month}/0`) ?? 0;
    const span = Math.max(0, last - monthIndex(month) + 1);
    return {
      month,
      customers: size,
      retention: Array.from({ length: span }, (_, k) => (size === 0 ? null : (counts.get(`${month}/${k}`) ?? 0) / size)),
    };
  });
}

export async function cohortRetention({ pool }: { pool: pg.Pool }, shop: string, range: MonthRange, now = new Date()) {
  const ctx = await shopContext(pool, shop);
  const current = monthIndex(localToday(ctx.timeZone, now).slice(0, 7));
  const last = Math.min(monthIndex(range.to), current);
  const { rows } = await pool.query<{ cohort: string; member: boolean; k: number; customers: number }>(COHORTS, [
    shop,
    ctx.timeZone,
    `${range.from}-01`,
    `${range.to}-01`,
    `${monthOf(Math.max(last, monthIndex(range.from)))}-01`,
  ]);
  const all = new Map<string, number>();
  const members = new Map<string, number>();
  const nonMembers = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.cohort}/${r.k}`;
    all.set(key, (all.get(key) ?? 0) + r.customers);
    (r.member ? members : nonMembers).set(key, r.customers);
  }
  const months: string[] = [];
  for (let m = monthIndex(range.from); m <= monthIndex(range.to); m++) months.push(monthOf(m));
  const membersTable = table(months, last, members);
  const nonMembersTable = table(months, last, nonMembers);
  return {
    range: { from: range.from, to: range.to },
    timeZone: ctx.timeZone,
    /** The last month any retention figure covers: `to`, or the current month when `to` is later. */
    followedTo: monthOf(last),
    cohorts: table(months, last, all).map((row, i) => ({ ...row, members: membersTable[i]!, nonMembers: nonMembersTable[i]! })),
  };
}
