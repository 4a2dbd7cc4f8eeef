// The one statement behind the customer metrics (purchase, retention and
// churn, value): set-based, in one round trip. Every paid, uncancelled order
// of a customer up to the end of the range is read once, in customer and date
// order (the (shop, customerKey, processedAt …) index), with its previous
// order beside it (lag); each customer's orders are folded into one row of
// facts; customers are split into segments (members / non-members, or
// members by tier) and folded again. Orders without a customer are summed
// apart: they count in "all" orders and net sales only.
//
// An order (../shared/METRICS.md): netSalesMinor not null (it was paid) and
// cancelledAt null, dated by processedAt in the shop's time zone.
// A member: a customer whose key is the customerId of a Member of the shop
// that is not a guest member ('guest:…') and not redacted, as of now.
import type pg from 'pg';
import { purchasePerCustomer, purchasePerSegment } from './purchase.js';
import type { DayRange, ShopContext } from './range.js';
import { utcStartOf } from './range.js';
import { retentionPerCustomer, retentionPerSegment } from './retention.js';
import { valuePerCustomer, valuePerSegment } from './value.js';

/** How customers are split: members against non-members (with "all" as a rollup), or members by current tier. */
export type Segmentation = 'membership' | 'tier';

export const ORDER_IS_SALE = `"netSalesMinor" IS NOT NULL AND "cancelledAt" IS NULL`;

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

// Each customer's dates every concern reads: first and last order (up to the
// end of the range) and the last order before the range.
const DATES = [`min(o.t) AS first_t`, `max(o.t) AS last_t`, `max(o.t) FILTER (WHERE o.t < r_from) AS last_before_t`];

function statement(by: Segmentation): string {
  const perCustomer = [...DATES, ...purchasePerCustomer, ...retentionPerCustomer, ...valuePerCustomer];
  const perSegment = [...purchasePerSegment('$2'), ...retentionPerSegment, ...valuePerSegment];
  // Members against non-members as a boolean, so the planner expects two groups (and hashes them).
  const segmented =
    by === 'membership'
      ? `SELECT c.*, m.id IS NOT NULL AS segment FROM c LEFT JOIN ${memberJoin('c.k')}`
      : `SELECT c.*, COALESCE(m."tierId", '') AS segment FROM c JOIN ${memberJoin('c.k')}`;
  // Segments are disjoint and every column is a count or a sum: "all" is their sum (summed by the caller).
  // The only window is the previous order's net sales (upsell); the index hands the orders over in window order.
  return withBounds(`WITH o AS (
    SELECT "customerKey" AS k, "processedAt" AS t, "netSalesMinor" AS net,
           lag("netSalesMinor") OVER (PARTITION BY "customerKey" ORDER BY "processedAt", "orderId") AS prev_net
    FROM "Order"
    WHERE shop = $1 AND "customerKey" IS NOT NULL AND ${ORDER_IS_SALE} AND "processedAt" < r_end
      AND ($6::text IS NULL OR "customerKey" >= $6::text) AND ($7::text IS NULL OR "customerKey" < $7::text)),
  c AS (SELECT o.k, ${perCustomer.join(', ')} FROM o GROUP BY o.k),
  nc AS (
    SELECT count(*) FILTER (WHERE "processedAt" >= r_from)::bigint AS nc_orders,
           COALESCE(sum("netSalesMinor") FILTER (WHERE "processedAt" >= r_from), 0)::bigint AS nc_net,
           count(*) FILTER (WHERE "processedAt" >= y_from)::bigint AS nc_orders365,
           COALESCE(sum("netSalesMinor") FILTER (WHERE "processedAt" >= y_from), 0)::bigint AS nc_net365
    FROM "Order"
    WHERE shop = $1 AND "customerKey" IS NULL AND ${ORDER_IS_SALE} AND "processedAt" >= least(r_from, y_from) AND "processedAt" < r_end
      AND $6::text IS NULL)
  SELECT g.*, nc.* FROM (
    SELECT segment, ${perSegment.join(', ')} FROM (${segmented}) c GROUP BY segment
  ) g RIGHT JOIN nc ON true`);
}

/** The statements, by segmentation (exported for the benchmark's plans). */
export const STATEMENTS: Record<Segmentation, string> = { membership: statement('membership'), tier: statement('tier') };

export interface SegmentRows {
  /** Each segment's row of totals: "members" and "nonMembers", or a tier id ('' for none). */
  rows: Map<string, Record<string, unknown>>;
  /** Orders without a customer in the range and in the 365 days to `to`. */
  noCustomer: { orders: number; netSales: number; orders365: number; netSales365: number };
}

/**
 * Where to cut the shop's customers into key ranges that run side by side:
 * the median customer key of a 1% sample of the orders table, for a shop with
 * enough orders to be worth it (none for a small one). Like PostgreSQL's own
 * parallel workers for a scan, which the window over each customer's orders
 * cannot have.
 */
async function splitKeys(pool: pg.Pool, shop: string): Promise<string[]> {
  const { rows } = await pool.query<{ mid: string | null; n: number }>(
    `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY "customerKey") AS mid, count(*)::int AS n
     FROM "Order" TABLESAMPLE SYSTEM (1) WHERE shop = $1 AND "customerKey" IS NOT NULL`,
    [shop],
  );
  return rows[0]?.mid && rows[0].n >= 500 ? [rows[0].mid] : [];
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
    if (key !== 'segment') sum[key] = value === null && sum[key] === undefined ? null : Number(sum[key] ?? 0) + Number(value ?? 0);
};

/**
 * The statement's rows, by segment. `splitAt` (ascending in the database's
 * collation) cuts the customers into key ranges run side by side (by default:
 * splitKeys); every column is a count or a sum over disjoint customers, so the
 * parts add up.
 */
export async function segmentRows(
  pool: pg.Pool,
  ctx: ShopContext,
  range: DayRange,
  by: Segmentation,
  splitAt?: string[],
): Promise<SegmentRows> {
  const keys = splitAt ?? (await splitKeys(pool, ctx.shop));
  const edges = [null, ...keys, null];
  const parts = await Promise.all(
    edges.slice(1).map((upper, i) =>
      withoutJit(pool, async (client) => {
        const params = [ctx.shop, ctx.timeZone, range.from, range.to, ctx.activityWindowDays, edges[i], upper];
        return (await client.query<Record<string, unknown>>(STATEMENTS[by], params)).rows;
      }),
    ),
  );
  const rows = new Map<string, Record<string, unknown>>();
  for (const row of parts.flat()) {
    if (row.segment === null) continue;
    const segment = typeof row.segment === 'boolean' ? (row.segment ? 'members' : 'nonMembers') : String(row.segment);
    if (!rows.has(segment)) rows.set(segment, { segment });
    addInto(rows.get(segment)!, row);
  }
  const first = parts[0]?.[0] ?? {};
  return {
    rows,
    noCustomer: {
      orders: Number(first.nc_orders ?? 0),
      netSales: Number(first.nc_net ?? 0),
      orders365: Number(first.nc_orders365 ?? 0),
      netSales365: Number(first.nc_net365 ?? 0),
    },
  };
}
