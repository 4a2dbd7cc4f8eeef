// The analytics rollup kept on the orders themselves: each sale (an order
// with net sales, not cancelled; ../shared/METRICS.md) knows its customer's
// previous sale (time and net sales), next sale (time) and first sale (time),
// in (processedAt, orderId) order. With them the customer metrics are one
// pass over the orders, each order counted on its own (web/analytics/
// customers.ts), instead of a window over every customer's orders and a
// grouping by customer.
//
// Kept exact by a set-based refresh before the figures are read: an order is
// stale from its insert (the column's default) and again whenever its sale
// changes (the trigger "Order_chain_stale", whoever writes: a late refund, a
// cancellation, an order replayed with a past processed_at, customers/redact
// giving it a token); the refresh recomputes every customer of a stale order,
// the one it belongs to now and the one it was computed for (chainKey). The
// webhooks' statements are untouched: the refresh runs on the read.
//
// Concurrent writers: the refresh reads the orders once (one statement) and
// writes a stale order only if no one changed it since (its xmin), so an
// order changed meanwhile stays stale for the next refresh; refreshes of one
// shop take turns (an advisory lock).
import type pg from 'pg';
import { transaction } from '../db/sql.js';

/** An order that counts (../shared/METRICS.md): paid (it has net sales) and not cancelled. */
export const ORDER_IS_SALE = `"netSalesMinor" IS NOT NULL AND "cancelledAt" IS NULL`;

/**
 * SQL over the sales of customer `key` (of shop $1) in [lo, hi): EXISTS, or
 * their net sales. For the few figures a customer's neighbouring sales do not
 * settle (web/analytics/retention.ts), read from the (shop, customerKey,
 * processedAt …) index.
 */
export const salesBetween = (what: 'exists' | 'net', key: string, lo: string, hi: string) => {
  const from = `FROM "Order" q WHERE q.shop = $1 AND q."customerKey" = ${key} AND q."netSalesMinor" IS NOT NULL AND q."cancelledAt" IS NULL
      AND q."processedAt" >= ${lo} AND q."processedAt" < ${hi}`;
  return what === 'exists' ? `EXISTS (SELECT 1 ${from})` : `(SELECT sum(q."netSalesMinor") ${from})`;
};

const REFRESH = `
WITH stale AS (SELECT id, "customerKey" AS k, "chainKey" AS old FROM "Order" WHERE shop = $1 AND "chainStale"),
keys AS (SELECT k FROM stale WHERE k IS NOT NULL UNION SELECT old FROM stale WHERE old IS NOT NULL),
o AS (
  SELECT id, xmin AS v, "chainStale" AS was_stale, "customerKey" AS k, "processedAt" AS t, "orderId" AS oid, "netSalesMinor" AS net,
         ("customerKey" IS NOT NULL AND ${ORDER_IS_SALE}) AS sale
  FROM "Order" WHERE shop = $1 AND "customerKey" IN (SELECT k FROM keys)
  UNION ALL -- stale orders without a customer (every other stale order's customer is in keys)
  SELECT id, xmin, true, NULL, "processedAt", "orderId", "netSalesMinor", false
  FROM "Order" WHERE shop = $1 AND "chainStale" AND "customerKey" IS NULL),
w AS (
  SELECT id, v, was_stale, k,
         CASE WHEN sale THEN lag(t) OVER c END AS prev_at, CASE WHEN sale THEN lag(net) OVER c END AS prev_net,
         CASE WHEN sale THEN lead(t) OVER c END AS next_at, CASE WHEN sale THEN min(t) OVER (PARTITION BY k, sale) END AS first_at
  FROM o WINDOW c AS (PARTITION BY k, sale ORDER BY t, oid))
UPDATE "Order" x SET "prevAt" = w.prev_at, "prevNetMinor" = w.prev_net, "nextAt" = w.next_at, "firstAt" = w.first_at,
  "chainKey" = w.k, "chainStale" = CASE WHEN w.was_stale THEN false ELSE x."chainStale" END
FROM w
WHERE x.id = w.id AND (NOT w.was_stale OR x.xmin = w.v)
  AND (w.was_stale OR (x."prevAt", x."prevNetMinor", x."nextAt", x."firstAt", x."chainKey")
                      IS DISTINCT FROM (w.prev_at, w.prev_net, w.next_at, w.first_at, w.k))`;

/**
 * Brings the shop's orders' sale chains up to date (see the top of this
 * file); returns how many orders it wrote. Cheap when nothing changed: one
 * look at the (shop, chainStale) index.
 */
export async function refreshChains(pool: pg.Pool, shop: string): Promise<number> {
  const { rows } = await pool.query(`SELECT 1 FROM "Order" WHERE shop = $1 AND "chainStale" LIMIT 1`, [shop]);
  if (rows.length === 0) return 0;
  // The statement names the shop as $1 in several places: each becomes a parameter of its own.
  const parts = REFRESH.split('$1');
  const statement = Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray;
  return transaction(pool, async (sql) => {
    await sql.$executeRaw`SET LOCAL jit = off`;
    await sql.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('analytics-chains:' || ${shop}::text))`;
    return sql.$executeRaw(statement, ...parts.slice(1).map(() => shop));
  });
}
