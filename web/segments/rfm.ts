// RFM scores and the eleven named segments (../shared/METRICS.md, "RFM
// segments"), recomputed per shop in one set-based statement: every customer
// with an order in the shop's last 730 local days is scored on recency (days
// since the last order), frequency (orders in the last 365 days) and monetary
// (net sales in the last 365 days), each 1 + floor(5 × (rank − 1) ÷ n) with
// rank() from worst to best; the segment comes from R and FM = (F + M) ÷ 2
// rounded half up. The same statement upserts CustomerRfm and deletes the
// customers no longer scored; a second one writes today's RfmSnapshot.
//
// An order is a sale as in analytics (netSalesMinor not null, not cancelled),
// dated by processedAt in the shop's time zone; "the last N days" are the N
// local days ending today (today included), as analytics' 365 days to `to`.
import type pg from 'pg';
import { ORDER_IS_SALE, memberJoin } from '../analytics/customers.js';
import { localDate, localToday, shopContext, utcStartOf } from '../analytics/range.js';
import { transaction, type Sql } from '../db/sql.js';

export { RFM_NAMES, RFM_SEGMENTS, type RfmSegment } from './rfm-segments.js';
import { RFM_SEGMENTS, type RfmSegment } from './rfm-segments.js';

/** METRICS.md's table as SQL over r and fm (a partition: every (R, FM) pair has exactly one row). */
export const SEGMENT_CASE = `CASE
    WHEN r = 5 AND fm >= 4 THEN 'champions'
    WHEN r IN (3, 4) AND fm >= 4 THEN 'loyal'
    WHEN r IN (4, 5) AND fm IN (2, 3) THEN 'potential_loyalists'
    WHEN r = 5 AND fm = 1 THEN 'new'
    WHEN r = 4 AND fm = 1 THEN 'promising'
    WHEN r = 3 AND fm = 3 THEN 'need_attention'
    WHEN r = 3 AND fm <= 2 THEN 'about_to_sleep'
    WHEN r = 1 AND fm = 5 THEN 'cannot_lose'
    WHEN (r IN (1, 2) AND fm IN (3, 4)) OR (r = 2 AND fm = 5) THEN 'at_risk'
    WHEN r = 2 AND fm <= 2 THEN 'hibernating'
    WHEN r = 1 AND fm <= 2 THEN 'lost'
  END`;

/** The same table in TypeScript (for the tests' derivations and anyone reading scores). */
export function segmentOf(r: number, fm: number): RfmSegment {
  if (r === 5 && fm >= 4) return 'champions';
  if ((r === 3 || r === 4) && fm >= 4) return 'loyal';
  if ((r === 4 || r === 5) && (fm === 2 || fm === 3)) return 'potential_loyalists';
  if (r === 5 && fm === 1) return 'new';
  if (r === 4 && fm === 1) return 'promising';
  if (r === 3 && fm === 3) return 'need_attention';
  if (r === 3 && fm <= 2) return 'about_to_sleep';
  if (r === 1 && fm === 5) return 'cannot_lose';
  if ((r <= 2 && (fm === 3 || fm === 4)) || (r === 2 && fm === 5)) return 'at_risk';
  if (r === 2 && fm <= 2) return 'hibernating';
  return 'lost';
}

// Parameters: $1 shop, $2 time zone, $3 today (the shop's local date), $4 computedAt.
const u = (day: string) => utcStartOf(day, '$2');
/** Scores every customer of the shop (columns k, recency, frequency, monetary, r, f, m, fm, segment). */
export const SCORED = `
  c AS (
    SELECT "customerKey" AS k,
           $3::date - max(${localDate('"processedAt"', '$2')}) AS recency,
           count(*) FILTER (WHERE "processedAt" >= ${u('$3::date - 364')})::int AS frequency,
           COALESCE(sum("netSalesMinor") FILTER (WHERE "processedAt" >= ${u('$3::date - 364')}), 0)::bigint AS monetary
    FROM "Order"
    WHERE shop = $1 AND "customerKey" IS NOT NULL AND ${ORDER_IS_SALE}
      AND "processedAt" >= ${u('$3::date - 729')} AND "processedAt" < ${u('$3::date + 1')}
    GROUP BY "customerKey"),
  ranked AS (
    SELECT c.*, count(*) OVER () AS n,
           rank() OVER (ORDER BY recency DESC) AS rr,
           rank() OVER (ORDER BY frequency) AS fr,
           rank() OVER (ORDER BY monetary) AS mr
    FROM c),
  scored AS (
    SELECT k, recency, frequency, monetary,
           (1 + 5 * (rr - 1) / n)::int AS r, (1 + 5 * (fr - 1) / n)::int AS f, (1 + 5 * (mr - 1) / n)::int AS m
    FROM ranked),
  segmented AS (
    SELECT scored.*, ${SEGMENT_CASE} AS segment
    FROM (SELECT scored.*, (f + m + 1) / 2 AS fm FROM scored) scored)`;

const RECOMPUTE = `WITH ${SCORED},
  gone AS (
    DELETE FROM "CustomerRfm" x WHERE x.shop = $1 AND NOT EXISTS (SELECT 1 FROM c WHERE c.k = x."customerKey")
    RETURNING 1)
  INSERT INTO "CustomerRfm" (shop, "customerKey", "recencyDays", frequency, "monetaryMinor", r, f, m, segment, "computedAt")
  SELECT $1, k, recency, frequency, monetary, r, f, m, segment, $4::timestamp FROM segmented
  ON CONFLICT (shop, "customerKey") DO UPDATE SET
    "recencyDays" = EXCLUDED."recencyDays", frequency = EXCLUDED.frequency, "monetaryMinor" = EXCLUDED."monetaryMinor",
    r = EXCLUDED.r, f = EXCLUDED.f, m = EXCLUDED.m, segment = EXCLUDED.segment, "computedAt" = EXCLUDED."computedAt"`;

// Each of the eleven segments' size today (zeros included, so next week's movement has a base).
const SNAPSHOT = `
  INSERT INTO "RfmSnapshot" (shop, "takenOn", segment, customers, members, "netSalesMinor")
  SELECT $1, $2::date, s.segment, count(x."customerKey")::int, count(m.id)::int, COALESCE(sum(x."monetaryMinor"), 0)::bigint
  FROM unnest($3::text[]) AS s(segment)
  LEFT JOIN "CustomerRfm" x ON x.shop = $1 AND x.segment = s.segment
  LEFT JOIN ${memberJoin('x."customerKey"')}
  GROUP BY s.segment
  ON CONFLICT (shop, "takenOn", segment) DO UPDATE SET
    customers = EXCLUDED.customers, members = EXCLUDED.members, "netSalesMinor" = EXCLUDED."netSalesMinor"`;

export interface RecomputeResult {
  shop: string;
  today: string;
  scored: number;
}

/** Recomputes the shop's RFM scores and today's snapshot, in one transaction. */
export async function recomputeRfm(pool: pg.Pool, shop: string, now = new Date()): Promise<RecomputeResult> {
  const { timeZone } = await shopContext(pool, shop);
  const today = localToday(timeZone, now);
  const scored = await transaction(pool, async (sql: Sql) => {
    const n = await run(sql, RECOMPUTE, [shop, timeZone, today, now]);
    await run(sql, SNAPSHOT, [shop, today, [...RFM_SEGMENTS]]);
    return n;
  });
  return { shop, today, scored };
}

/** Runs a statement text with positional parameters on an Sql (a tagged template with the values spliced in). */
export async function run(sql: Sql, text: string, values: unknown[]): Promise<number> {
  const parts = text.split(/\$(\d+)/);
  // Rebuild as a template: strings between placeholders, values by their number.
  const strings: string[] = [parts[0]!];
  const args: unknown[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    args.push(values[Number(parts[i]) - 1]);
    strings.push(parts[i + 1]!);
  }
  const template = Object.assign([...strings], { raw: [...strings] }) as unknown as TemplateStringsArray;
  return sql.$executeRaw(template, ...args);
}
