// The one statement behind the customer metrics (purchase, retention and
// churn, value): set-based, one pass over the shop's orders up to the end of
// the range, in one round trip. Each sale carries its customer's previous,
// next and first sale (web/analytics/chains.ts, refreshed first), so every
// figure is a count or a sum over single orders (each customer counted on one
// of its orders): no window, no grouping by customer, and PostgreSQL can read
// the table in parallel like any plain scan. Orders are split into segments
// (members / non-members, or members by tier) by a join on the customer's
// membership; orders without a customer form a row of their own: they count
// in "all" orders and net sales only. Churn figures that a customer's
// neighbouring sales do not settle (web/analytics/retention.ts) are completed
// by a second statement over those customers' orders: kept apart because its
// lookups would keep PostgreSQL from aggregating in its parallel workers, and
// run beside the first on a connection of its own (its lookups are one
// process's work, so the other core would wait otherwise; a shop has such
// customers as soon as one who churned had two orders in the W before start).
//
// An order (../shared/METRICS.md): netSalesMinor not null (it was paid) and
// cancelledAt null, dated by processedAt in the shop's time zone.
// A member: a customer whose key is the customerId of a Member of the shop
// that is not a guest member ('guest:…') and not redacted, as of now.
import type pg from 'pg';
import { ORDER_IS_SALE, refreshChains } from './chains.js';
import { purchasePerOrder } from './purchase.js';
import type { DayRange, ShopContext } from './range.js';
import { utcStartOf } from './range.js';
import { retentionLookup, retentionLookups, retentionPerOrder } from './retention.js';
import { valueLookup, valueLookups, valuePerOrder } from './value.js';

export { ORDER_IS_SALE };

/** How customers are split: members against non-members (with "all" as a rollup), or members by current tier. */
export type Segmentation = 'membership' | 'tier';

/** The SQL of a customer's membership (alias m joined on the customer's key `key`). */
export const memberJoin = (key: string) =>
  `"Member" m ON m.shop = $1 AND m."customerId" = ${key} AND m."redactedAt" IS NULL AND m."customerId" NOT LIKE 'guest:%'`;

// Parameters: $1 shop, $2 time zone, $3 from, $4 to (local days), $5 W (days), $6 and $7 the
// customer keys this part covers ([$6, $7); null: unbounded; orders without a customer go with the first part).
// The bounds are written out where they are used (immutable expressions of
// the parameters, folded to constants when the statement is planned), so the
// planner knows how many orders it reads.
const u = (day: string) => utcStartOf(day, '$2');
export const BOUNDS = {
  /** The range: [r_from, r_end). */
  r_from: u('$3::date'),
  r_end: u('$4::date + 1'),
  /** Active at start: an order in [s_lo, r_from); active at end: in [e_lo, r_end). */
  s_lo: u('$3::date - $5::int'),
  e_lo: u('$4::date + 1 - $5::int'),
  /** The 365 days to `to`: [y_from, r_end); active at their start: [ys_lo, y_from). */
  y_from: u('$4::date - 364'),
  ys_lo: u('$4::date - 364 - $5::int'),
};

/** Replaces the bound names in a SQL fragment by their expressions. */
export const withBounds = (sql: string) =>
  sql.replace(/\b(r_from|r_end|s_lo|e_lo|y_from|ys_lo)\b/g, (name) => `(${BOUNDS[name as keyof typeof BOUNDS]})`);

const LOOKUP = `(o.k IS NOT NULL AND (${retentionLookup} OR ${valueLookup}))`;

/**
 * The main statement (`lookup` false): every figure, those of a few customers
 * only in part (the orders of LOOKUP, counted in its `lookups` column). The
 * lookup statement (`lookup` true): the rest of those figures, read from
 * those customers' orders; its columns add to the main statement's.
 */
function statement(by: Segmentation, lookup: boolean): string {
  const columns = lookup
    ? [...retentionLookups, ...valueLookups]
    : [...purchasePerOrder('$2'), ...retentionPerOrder, ...valuePerOrder, `count(*) FILTER (WHERE ${LOOKUP})::bigint AS lookups`];
  // Members against non-members as a boolean (the planner expects two groups, and hashes them); by tier, members only.
  // The row of orders without a customer has no segment.
  const segment =
    by === 'membership'
      ? `CASE WHEN o.k IS NOT NULL THEN m.id IS NOT NULL END`
      : `CASE WHEN o.k IS NOT NULL THEN COALESCE(m."tierId", '') END`;
  const where = [by === 'tier' ? `(o.k IS NULL OR m.id IS NOT NULL)` : '', lookup ? LOOKUP : ''].filter(Boolean);
  // Segments are disjoint and every column is a count or a sum: "all" is their sum (summed by the caller).
  return withBounds(`WITH o AS (
    SELECT "customerKey" AS k, "processedAt" AS t, "netSalesMinor" AS net,
           "prevAt" AS pa, "prevNetMinor" AS pn, "nextAt" AS na, "firstAt" AS fa
    FROM "Order"
    WHERE shop = $1 AND ${ORDER_IS_SALE} AND "processedAt" < r_end
      AND (CASE WHEN "customerKey" IS NULL THEN $6::text IS NULL
                ELSE ($6::text IS NULL OR "customerKey" >= $6::text) AND ($7::text IS NULL OR "customerKey" < $7::text) END))
  SELECT o.k IS NULL AS no_customer, ${segment} AS segment, ${columns.join(',\n    ')}
  FROM o LEFT JOIN ${memberJoin('o.k')}
  ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
  GROUP BY 1, 2`);
}

/** The statements, by segmentation (exported for the benchmark's plans). */
export const STATEMENTS: Record<Segmentation, string> = { membership: statement('membership', false), tier: statement('tier', false) };
const LOOKUPS: Record<Segmentation, string> = { membership: statement('membership', true), tier: statement('tier', true) };

export interface SegmentRows {
  /** Each segment's row of totals: "members" and "nonMembers", or a tier id ('' for none). */
  rows: Map<string, Record<string, unknown>>;
  /** Orders without a customer in the range and in the 365 days to `to`. */
  noCustomer: { orders: number; netSales: number; orders365: number; netSales365: number };
}

/**
 * Runs one statement on a connection of its own with JIT compilation off:
 * compiling this plan's expressions cost 0.1–0.45 s on every run (PostgreSQL
 * does not keep it), more than it saved. Session settings are put back
 * before the connection returns to the pool.
 */
async function withoutJit<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SET jit = off');
    return await work(client);
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    if (!broken) await client.query('RESET jit').catch((error: Error) => (broken = error));
    client.release(broken);
  }
}

const addInto = (sum: Record<string, unknown>, row: Record<string, unknown>) => {
  for (const [key, value] of Object.entries(row))
    if (key !== 'segment' && key !== 'no_customer' && key !== 'lookups')
      sum[key] = value === null && sum[key] === undefined ? null : Number(sum[key] ?? 0) + Number(value ?? 0);
};

/**
 * The statements' rows, by segment, after bringing the orders' sale chains up
 * to date (refreshChains); the main and the lookup statement run side by side.
 * `splitAt` (ascending in the database's collation)
 * cuts the customers into key ranges run side by side on connections of
 * their own (none by default: PostgreSQL reads the orders in parallel itself);
 * every column is a count or a sum over disjoint orders, so the parts add up.
 */
export async function segmentRows(
  pool: pg.Pool,
  ctx: ShopContext,
  range: DayRange,
  by: Segmentation,
  splitAt: string[] = [],
): Promise<SegmentRows> {
  await refreshChains(pool, ctx.shop);
  const edges = [null, ...splitAt, null];
  const parts = await Promise.all(
    edges.slice(1).flatMap((upper, i) => {
      const params = [ctx.shop, ctx.timeZone, range.from, range.to, ctx.activityWindowDays, edges[i], upper];
      return [STATEMENTS[by], LOOKUPS[by]].map((statement) =>
        withoutJit(pool, async (client) => (await client.query<Record<string, unknown>>(statement, params)).rows),
      );
    }),
  );
  const rows = new Map<string, Record<string, unknown>>();
  const noCustomer = { orders: 0, netSales: 0, orders365: 0, netSales365: 0 };
  for (const row of parts.flat()) {
    if (row.no_customer) {
      noCustomer.orders += Number(row.orders);
      noCustomer.netSales += Number(row.net_sales);
      noCustomer.orders365 += Number(row.orders365);
      noCustomer.netSales365 += Number(row.net365);
      continue;
    }
    const segment = typeof row.segment === 'boolean' ? (row.segment ? 'members' : 'nonMembers') : String(row.segment);
    if (!rows.has(segment)) rows.set(segment, { segment });
    addInto(rows.get(segment)!, row);
  }
  return { rows, noCustomer };
}
