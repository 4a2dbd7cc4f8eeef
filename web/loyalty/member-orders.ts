// A member's orders for the admin's member page, and their figures: lifetime
// value, average order value, orders, days since the last order and the
// average gap between orders (../shared/METRICS.md). An order is a sale: a
// row with net sales (paid, not cancelled); the member's orders are those of
// their Shopify customer (Order.customerKey) and those credited to them
// (Order.memberId, e.g. guest orders they claimed). Dates are the shop's.
import { z } from 'zod';
import { decodeCursor, encodeCursor } from './member-list.js';
import type { LoyaltyDeps } from './services.js';

export const memberOrdersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional(),
});
export type MemberOrdersQuery = z.infer<typeof memberOrdersQuery>;

/** One order on the member page (`When` is string once it has travelled as JSON). */
export interface MemberOrder<When = Date> {
  orderId: string;
  /** The order's name as the shop shows it ("#1001"). */
  name: string;
  processedAt: When;
  /** The day it was placed, in the shop's time zone (YYYY-MM-DD). */
  date: string;
  /** Net sales after refunds, in the shop currency's minor units. */
  netSalesMinor: number;
  /** Points the order holds for the member now (earned less taken back), and whether some still wait. */
  points: number;
  pointsPending: boolean;
  /** Tally rewards whose discount code was used on the order. */
  rewards: Array<{ name: string; code: string | null }>;
}

/** The member's figures; null where there is nothing to compute from (no order, one order). */
export interface MemberFigures {
  currencyCode: string;
  orders: number;
  /** Net sales to date (lifetime value, historical), minor units. */
  ltvMinor: number | null;
  /** Net sales ÷ orders, rounded to the minor unit. */
  aovMinor: number | null;
  /** Whole days from the shop-local day of the last order to today's. */
  daysSinceLastOrder: number | null;
  /** Mean gap between consecutive orders, in days (fractional). */
  avgDaysBetweenOrders: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

// $1 the shop, $2 the member; the customer as a scalar subquery of the member CTE `m`, so that the planner
// reads the two indexes (shop, customerKey, processedAt) and (shop, memberId) rather than joining (a full scan).
const ORDERS_OF_MEMBER = `o.shop = $1 AND (o."customerKey" = (SELECT "customerId" FROM m) OR o."memberId" = (SELECT id FROM m)) AND o."netSalesMinor" IS NOT NULL`;

/** The member's figures in one set-based statement (lag() over their orders); null when not the shop's member. */
export async function memberFigures({ pool }: Pick<LoyaltyDeps, 'pool'>, shop: string, memberId: string, now = new Date()) {
  const { rows } = await pool.query<MemberFigures & { found: boolean }>(
    `WITH m AS (
       SELECT mm.id, mm.shop, mm."customerId", s."ianaTimezone" AS tz, s."currencyCode"
       FROM "Member" mm JOIN "Shop" s ON s.domain = mm.shop WHERE mm.shop = $1 AND mm.id = $2
     ), o AS (
       SELECT o."processedAt", o."netSalesMinor",
              o."processedAt" - lag(o."processedAt") OVER (ORDER BY o."processedAt", o.id) AS gap
       FROM "Order" o WHERE ${ORDERS_OF_MEMBER}
     )
     SELECT true AS found, m."currencyCode",
       (SELECT count(*) FROM o)::int AS orders,
       (SELECT sum("netSalesMinor") FROM o)::bigint AS "ltvMinor",
       (SELECT round(avg("netSalesMinor")) FROM o)::bigint AS "aovMinor",
       (SELECT (($3::timestamptz AT TIME ZONE m.tz)::date - (max("processedAt") AT TIME ZONE 'UTC' AT TIME ZONE m.tz)::date) FROM o)
         AS "daysSinceLastOrder",
       (SELECT (avg(extract(epoch FROM gap)) / 86400)::float8 FROM o) AS "avgDaysBetweenOrders",
       (SELECT min("processedAt") FROM o) AS "firstOrderAt",
       (SELECT max("processedAt") FROM o) AS "lastOrderAt"
     FROM m`,
    [shop, memberId, now],
  );
  const row = rows[0];
  if (!row) return null;
  const { found: _found, ...figures } = row;
  return figures;
}

/** A page of the member's orders, newest first (keyset on processedAt, id); null when not the shop's member. */
export async function memberOrders(
  { pool }: Pick<LoyaltyDeps, 'pool'>,
  shop: string,
  memberId: string,
  query: MemberOrdersQuery,
): Promise<{ orders: MemberOrder[]; nextCursor: string | null } | null> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const at = cursor && typeof cursor.v === 'string' ? new Date(cursor.v) : null;
  const { rows } = await pool.query<{ found: boolean; orders: Array<MemberOrder<string> & { id: string }> | null }>(
    `WITH m AS (
       SELECT mm.id, mm.shop, mm."customerId", s."ianaTimezone" AS tz
       FROM "Member" mm JOIN "Shop" s ON s.domain = mm.shop WHERE mm.shop = $1 AND mm.id = $2
     ), page AS (
       SELECT o.id, o."orderId", o.name, o."processedAt", o."netSalesMinor", o.facts,
              to_char(o."processedAt" AT TIME ZONE 'UTC' AT TIME ZONE (SELECT tz FROM m), 'YYYY-MM-DD') AS date
       FROM "Order" o
       WHERE ${ORDERS_OF_MEMBER}
         AND ($3::timestamp IS NULL OR (o."processedAt", o.id) < ($3::timestamp, $4::text))
       ORDER BY o."processedAt" DESC, o.id DESC LIMIT $5
     )
     SELECT true AS found, (
       SELECT json_agg(json_build_object(
           'id', p.id, 'orderId', p."orderId", 'name', p.name, 'processedAt', p."processedAt", 'date', p.date,
           'netSalesMinor', p."netSalesMinor", 'points', pts.points, 'pointsPending', pts.pending, 'rewards', rw.rewards)
         ORDER BY p."processedAt" DESC, p.id DESC)
       FROM page p
       CROSS JOIN LATERAL (
         SELECT COALESCE(sum(e.points), 0)::bigint AS points, COALESCE(bool_or(e.status = 'PENDING'), false) AS pending
         FROM "PointEntry" e
         WHERE e.shop = $1 AND e."orderId" = p."orderId" AND e."memberId" = $2 AND e.status <> 'VOID' AND e.source IN ('ORDER', 'REFUND')
       ) pts
       CROSS JOIN LATERAL (
         SELECT COALESCE(json_agg(json_build_object('name', w.name, 'code', d.code) ORDER BY d."usedAt"), '[]'::json) AS rewards
         FROM "Redemption" d JOIN "Reward" w ON w.id = d."rewardId"
         -- By the order's discount codes, on the (shop, code) index: Tally's codes are upper case.
         WHERE d.shop = $1 AND d."orderId" = p."orderId"
           AND d.code = ANY(ARRAY(SELECT upper(c) FROM jsonb_array_elements_text(COALESCE(p.facts->'discountCodes', '[]'::jsonb)) c))
       ) rw
     ) AS orders
     FROM m`,
    [shop, memberId, at, cursor?.id ?? '', query.limit + 1],
  );
  const row = rows[0];
  if (!row) return null;
  const all = row.orders ?? [];
  const orders = all.slice(0, query.limit).map(({ id: _id, ...o }) => ({
    ...o,
    processedAt: new Date(`${o.processedAt}Z`),
    netSalesMinor: Number(o.netSalesMinor),
    points: Number(o.points),
  }));
  const last = all[query.limit - 1];
  const nextCursor =
    all.length > query.limit && last ? encodeCursor({ v: new Date(`${last.processedAt}Z`).toISOString(), id: last.id }) : null;
  return { orders, nextCursor };
}
