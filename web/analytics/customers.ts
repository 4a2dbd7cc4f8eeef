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

// Parameters: $1 shop, $2 time zone, $3 from, $4 to (local days), $5 W (days).
const u = (day: string) => utcStartOf(day, '$2');
const BOUNDS = `b AS (
  SELECT ${u('$3::date')} AS r_from, ${u('$4::date + 1')} AS r_end,
         ${u('$3::date - $5::int')} AS s_lo, ${u('$4::date + 1 - $5::int')} AS e_lo,
         ${u('$4::date - 364')} AS y_from, ${u('$4::date - 364 - $5::int')} AS ys_lo)`;

function statement(by: Segmentation): string {
  const perCustomer = [...purchasePerCustomer('$2'), ...retentionPerCustomer, ...valuePerCustomer];
  const perSegment = [...purchasePerSegment, ...retentionPerSegment, ...valuePerSegment];
  const segmented =
    by === 'membership'
      ? `SELECT c.*, CASE WHEN m.id IS NULL THEN 'nonMembers' ELSE 'members' END AS segment FROM c LEFT JOIN ${memberJoin('c.k')}`
      : `SELECT c.*, COALESCE(m."tierId", '') AS segment FROM c JOIN ${memberJoin('c.k')}`;
  return `WITH ${BOUNDS},
  o AS (
    SELECT x.k, x.t, x.net, x.prev_t, x.prev_net,
           x.t >= b.r_from AS in_r, (x.t >= b.s_lo AND x.t < b.r_from) AS in_s, x.t >= b.e_lo AS in_e,
           x.t >= b.y_from AS in_y, (x.t >= b.ys_lo AND x.t < b.y_from) AS in_ys
    FROM (SELECT "customerKey" AS k, "processedAt" AS t, "netSalesMinor" AS net,
                 lag("processedAt") OVER w AS prev_t, lag("netSalesMinor") OVER w AS prev_net
          FROM "Order"
          WHERE shop = $1 AND "customerKey" IS NOT NULL AND ${ORDER_IS_SALE} AND "processedAt" < (SELECT r_end FROM b)
          WINDOW w AS (PARTITION BY "customerKey" ORDER BY "processedAt", "orderId")) x
    CROSS JOIN b),
  c AS (SELECT o.k, ${perCustomer.join(', ')} FROM o GROUP BY o.k),
  sc AS (${segmented}),
  nc AS (
    SELECT count(*) FILTER (WHERE "processedAt" >= b.r_from)::bigint AS nc_orders,
           COALESCE(sum("netSalesMinor") FILTER (WHERE "processedAt" >= b.r_from), 0)::bigint AS nc_net,
           count(*) FILTER (WHERE "processedAt" >= b.y_from)::bigint AS nc_orders365,
           COALESCE(sum("netSalesMinor") FILTER (WHERE "processedAt" >= b.y_from), 0)::bigint AS nc_net365
    FROM "Order" CROSS JOIN b
    WHERE shop = $1 AND "customerKey" IS NULL AND ${ORDER_IS_SALE} AND "processedAt" >= least(b.r_from, b.y_from) AND "processedAt" < b.r_end)
  SELECT g.*, nc.* FROM (
    SELECT segment, ${perSegment.join(', ')} FROM sc c GROUP BY ${by === 'membership' ? 'ROLLUP (segment)' : 'segment'}
  ) g CROSS JOIN nc`;
}

const statements: Record<Segmentation, string> = { membership: statement('membership'), tier: statement('tier') };

export interface SegmentRows {
  /** Each segment's row of totals: "members", "nonMembers" and null (all) for membership; a tier id ('' for none) for tier. */
  rows: Map<string | null, Record<string, unknown>>;
  /** Orders without a customer in the range and in the 365 days to `to`. */
  noCustomer: { orders: number; netSales: number; orders365: number; netSales365: number };
}

export async function segmentRows(pool: pg.Pool, ctx: ShopContext, range: DayRange, by: Segmentation): Promise<SegmentRows> {
  const { rows } = await pool.query<Record<string, unknown>>(statements[by], [
    ctx.shop,
    ctx.timeZone,
    range.from,
    range.to,
    ctx.activityWindowDays,
  ]);
  const first = rows[0] ?? {};
  return {
    rows: new Map(rows.map((r) => [r.segment as string | null, r])),
    noCustomer: {
      orders: Number(first.nc_orders ?? 0),
      netSales: Number(first.nc_net ?? 0),
      orders365: Number(first.nc_orders365 ?? 0),
      netSales365: Number(first.nc_net365 ?? 0),
    },
  };
}
