// Is this member in these segments, now? For what a segment targets (a
// segment-only reward, a segment campaign): the member's own answer, read
// when it matters, never a per-member loop over the segment. A rule segment's
// rule SQL (rules.ts) restricted to the one member, its order facts read from
// that member's orders only; an RFM segment from the member's CustomerRfm row.
// All the asked segments in one statement (after one read of their rules and
// the shop's time zone when rule segments are among them).
//
// Segment references are a rule segment's id or an RFM segment's handle
// ("champions"; the admin API's "rfm:champions" is accepted too). A reference
// to a segment that no longer exists matches nobody. Members are segments'
// members: not guests, not erased (rules.ts).
import type { Sql } from '../db/sql.js';
import type { Fragment } from '../events/emit.js';
import { runFragment } from '../events/emit.js';
import { ORDER_IS_SALE } from '../analytics/customers.js';
import { localToday } from '../analytics/range.js';
import { compileRules, latestNps, type RuleTree } from './rules.js';
import { RFM_SEGMENTS } from './rfm.js';

/** A stored reference as kept in Reward.segmentIds and Campaign.segmentId: "rfm:champions" becomes "champions". */
export const segmentRef = (id: string) => (id.startsWith('rfm:') ? id.slice(4) : id);
export const isRfmRef = (ref: string) => (RFM_SEGMENTS as readonly string[]).includes(segmentRef(ref));

/**
 * SQL with numbered placeholders ($1 … $n, each usable many times, as
 * rules.ts writes them) as a tagged-template fragment any Sql runs (a pg
 * client, a Prisma transaction).
 */
export function numbered(text: string, values: readonly unknown[]): Fragment {
  const strings: string[] = [];
  const used: unknown[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    strings.push(text.slice(last, match.index));
    used.push(values[Number(match[1]) - 1]);
    last = match.index + match[0].length;
  }
  strings.push(text.slice(last));
  return { strings, values: used };
}

/** What the caller already holds: the shop's time zone and rule segments' trees (by id), saving the first read. */
export interface KnownSegments {
  timeZone: string;
  rules: ReadonlyMap<string, RuleTree>;
}

/**
 * Of `refs` (rule segment ids and RFM handles), those `memberId` is in at
 * `now`. No query when `refs` is empty; one when only RFM segments are asked
 * or `known` holds every rule segment's tree; two otherwise (the rules and
 * the time zone, then the answer).
 */
export async function segmentsOfMember(
  sql: Sql,
  shop: string,
  memberId: string,
  refs: readonly string[],
  now = new Date(),
  known?: KnownSegments,
): Promise<Set<string>> {
  const wanted = [...new Set(refs.map(segmentRef))];
  if (wanted.length === 0) return new Set();
  const ruleIds = wanted.filter((r) => !isRfmRef(r));
  let timeZone = known?.timeZone ?? 'UTC';
  let rules: Array<{ id: string; rules: RuleTree }> = [];
  if (known && ruleIds.every((id) => known.rules.has(id))) rules = ruleIds.map((id) => ({ id, rules: known.rules.get(id)! }));
  else if (ruleIds.length > 0) {
    const [row] = await sql.$queryRaw<Array<{ tz: string | null; segments: Array<{ id: string; rules: RuleTree }> }>>`
      SELECT (SELECT "ianaTimezone" FROM "Shop" WHERE domain = ${shop}) AS tz,
             (SELECT COALESCE(json_agg(json_build_object('id', g.id, 'rules', g.rules)), '[]'::json)
              FROM "Segment" g WHERE g.shop = ${shop} AND g.kind = 'rules' AND g.id = ANY(${ruleIds}::text[])) AS segments`;
    timeZone = row?.tz ?? 'UTC';
    rules = row?.segments ?? [];
  }
  // $1 shop, $2 time zone, $3 today, $4 the member; each rule segment's values after.
  const values: unknown[] = [shop, timeZone, localToday(timeZone, now), memberId];
  let orders = false;
  let nps = false;
  const columns = rules.map((segment, i) => {
    const compiled = compileRules(segment.rules, values.length + 1);
    values.push(...compiled.values);
    if (compiled.needs.has('orders')) orders = true;
    if (compiled.needs.has('nps')) nps = true;
    return `(${compiled.where}) AS "r${i}"`;
  });
  const text = `
    SELECT x.segment AS rfm ${columns.map((c) => `, ${c}`).join('')}
    FROM "Member" m
    ${
      orders
        ? `LEFT JOIN LATERAL (
             SELECT count(*) AS orders, sum("netSalesMinor") AS net, max("processedAt") AS last_t, min("processedAt") AS first_t
             FROM "Order" WHERE shop = $1 AND "customerKey" = m."customerId" AND ${ORDER_IS_SALE}) o ON true`
        : ''
    }
    LEFT JOIN "CustomerRfm" x ON x.shop = $1 AND x."customerKey" = m."customerId"
    ${nps ? `LEFT JOIN (${latestNps('r."memberId" = $4')}) n ON n."memberId" = m.id` : ''}
    WHERE m.shop = $1 AND m.id = $4 AND m."redactedAt" IS NULL AND m."customerId" NOT LIKE 'guest:%'
      AND $2::text IS NOT NULL AND $3::date IS NOT NULL`;
  const [row] = await runFragment<Array<Record<string, unknown>>>(sql, numbered(text, values));
  const inside = new Set<string>();
  if (!row) return inside;
  if (typeof row.rfm === 'string' && wanted.includes(row.rfm)) inside.add(row.rfm);
  rules.forEach((segment, i) => {
    if (row[`r${i}`] === true) inside.add(segment.id);
  });
  return inside;
}

/** Whether something limited to `refs` (empty: everyone) is open to the member, given the segments they are in. */
export const openTo = (refs: readonly string[], inside: ReadonlySet<string>) =>
  refs.length === 0 || refs.some((r) => inside.has(segmentRef(r)));

/** Of `refs`, those naming no segment of the shop (an RFM handle always names one), for the admin's checks. */
export async function unknownSegmentRefs(sql: Sql, shop: string, refs: readonly string[]): Promise<string[]> {
  const ruleIds = [...new Set(refs.map(segmentRef).filter((r) => !isRfmRef(r)))];
  if (ruleIds.length === 0) return [];
  const found = await sql.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM "Segment" WHERE shop = ${shop} AND kind = 'rules' AND id = ANY(${ruleIds}::text[])`;
  const known = new Set(found.map((f) => f.id));
  return refs.filter((r) => !isRfmRef(r) && !known.has(segmentRef(r)));
}
