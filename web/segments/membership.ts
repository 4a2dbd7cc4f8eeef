// Who is in each segment, as last computed: SegmentMember rows, kept current
// by the nightly refresh (refresh-segments), the admin's refresh and every
// save of a rule segment. Each segment is refreshed by ONE statement: the
// members now (the rule tree's query, or CustomerRfm for the eleven RFM
// segments, ids rfm:<handle>) are computed once; one INSERT … SELECT adds
// those who joined, one DELETE takes out those who left.
//
// The Shopify tag tally-segment:<handle> (web/segments/shopify-sync.ts) must
// come off a member who left. A leaver of a synced segment (or one whose tag
// was confirmed, taggedAt set) therefore leaves a row behind under the
// segment id untag:<handle> in the same statement: the sync removes the tag
// and then that row, so no removal is lost between the refresh and the sync,
// whatever fails. A member who comes back before the sync ran loses the
// untag row (and is tagged again, tagsAdd being idempotent).
import type pg from 'pg';
import { memberJoin } from '../analytics/customers.js';
import { localToday, shopContext } from '../analytics/range.js';
import { compileRules, membersQuery, type RuleTree } from './rules.js';

/** The SegmentMember id of an RFM segment's members (the admin API's segment id). */
export const rfmSegmentId = (handle: string) => `rfm:${handle}`;
/** The SegmentMember id of members whose tally-segment:<handle> tag must come off. */
export const untagId = (handle: string) => `untag:${handle}`;
export const UNTAG_PREFIX = 'untag:';

export interface MembershipChange {
  segmentId: string;
  joined: number;
  left: number;
}

interface RuleSegmentRow {
  id: string;
  handle: string;
  rules: RuleTree;
  syncToShopify: boolean;
}

/**
 * The statement for one segment. `cur` is the member ids now; placeholders
 * after the caller's: seg the segment id, untag its untag id, sync whether
 * it is synced, now the time.
 */
function refreshStatement(cur: string, p: { seg: string; untag: string; sync: string; now: string }): string {
  return `WITH cur AS MATERIALIZED (${cur}),
    joined AS (
      INSERT INTO "SegmentMember" (shop, "segmentId", "memberId", since)
      SELECT $1, ${p.seg}::text, cur.id, ${p.now}::timestamp FROM cur
      ON CONFLICT ("segmentId", "memberId") DO NOTHING RETURNING 1),
    gone AS (
      DELETE FROM "SegmentMember" sm WHERE sm.shop = $1 AND sm."segmentId" = ${p.seg}::text
        AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.id = sm."memberId")
      RETURNING sm."memberId", sm."taggedAt"),
    untag AS (
      INSERT INTO "SegmentMember" (shop, "segmentId", "memberId", since, "taggedAt")
      SELECT $1, ${p.untag}::text, gone."memberId", ${p.now}::timestamp, gone."taggedAt" FROM gone
      WHERE ${p.sync}::boolean OR gone."taggedAt" IS NOT NULL
      ON CONFLICT ("segmentId", "memberId") DO NOTHING RETURNING 1),
    back AS (
      DELETE FROM "SegmentMember" u WHERE u.shop = $1 AND u."segmentId" = ${p.untag}::text
        AND EXISTS (SELECT 1 FROM cur WHERE cur.id = u."memberId")
      RETURNING 1)
    SELECT (SELECT count(*) FROM joined)::int AS joined, (SELECT count(*) FROM gone)::int AS "left",
           (SELECT count(*) FROM untag)::int AS untagged, (SELECT count(*) FROM back)::int AS back`;
}

async function todayOf(pool: pg.Pool, shop: string, now: Date): Promise<[string, string]> {
  const { timeZone } = await shopContext(pool, shop);
  return [timeZone, localToday(timeZone, now)];
}

/** Refreshes one rule segment's members (the segment as read from its row). */
async function refreshRuleSegment(pool: pg.Pool, shop: string, row: RuleSegmentRow, now: Date): Promise<MembershipChange> {
  const compiled = compileRules(row.rules);
  const values: unknown[] = [shop, ...(await todayOf(pool, shop, now)), ...compiled.values];
  const at = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const text = refreshStatement(membersQuery(compiled, 'm.id'), {
    seg: at(row.id),
    untag: at(untagId(row.handle)),
    sync: at(row.syncToShopify),
    now: at(now),
  });
  const { rows } = await pool.query<{ joined: number; left: number }>(text, values);
  return { segmentId: row.id, joined: rows[0]!.joined, left: rows[0]!.left };
}

/**
 * The eleven RFM segments' members in one statement (every scored member is
 * in exactly one): a member whose RFM segment changed leaves one and joins
 * another. A synced RFM segment is a Segment row of kind 'rfm' with its handle.
 */
async function refreshRfmSegments(pool: pg.Pool, shop: string, now: Date): Promise<MembershipChange> {
  const { rows } = await pool.query<{ joined: number; left: number }>(
    `WITH cur AS MATERIALIZED (
       SELECT 'rfm:' || x.segment AS seg, m.id FROM "CustomerRfm" x JOIN ${memberJoin('x."customerKey"')} WHERE x.shop = $1),
     synced AS (SELECT handle FROM "Segment" WHERE shop = $1 AND kind = 'rfm' AND "syncToShopify"),
     joined AS (
       INSERT INTO "SegmentMember" (shop, "segmentId", "memberId", since)
       SELECT $1, cur.seg, cur.id, $2::timestamp FROM cur
       ON CONFLICT ("segmentId", "memberId") DO NOTHING RETURNING 1),
     gone AS (
       DELETE FROM "SegmentMember" sm WHERE sm.shop = $1 AND sm."segmentId" LIKE 'rfm:%'
         AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.seg = sm."segmentId" AND cur.id = sm."memberId")
       RETURNING sm."segmentId", sm."memberId", sm."taggedAt"),
     untag AS (
       INSERT INTO "SegmentMember" (shop, "segmentId", "memberId", since, "taggedAt")
       SELECT $1, 'untag:' || substr(gone."segmentId", 5), gone."memberId", $2::timestamp, gone."taggedAt" FROM gone
       WHERE gone."taggedAt" IS NOT NULL OR substr(gone."segmentId", 5) IN (SELECT handle FROM synced)
       ON CONFLICT ("segmentId", "memberId") DO NOTHING RETURNING 1),
     back AS (
       DELETE FROM "SegmentMember" u WHERE u.shop = $1 AND u."segmentId" LIKE 'untag:%'
         AND EXISTS (SELECT 1 FROM cur WHERE cur.seg = 'rfm:' || substr(u."segmentId", 7) AND cur.id = u."memberId")
       RETURNING 1)
     SELECT (SELECT count(*) FROM joined)::int AS joined, (SELECT count(*) FROM gone)::int AS "left",
            (SELECT count(*) FROM untag)::int AS untagged, (SELECT count(*) FROM back)::int AS back`,
    [shop, now],
  );
  return { segmentId: 'rfm', joined: rows[0]!.joined, left: rows[0]!.left };
}

/**
 * Refreshes the members of every segment of the shop (the eleven RFM segments
 * from the scores as last recomputed, and each rule segment), or of the one
 * rule segment `segmentId`.
 */
export async function refreshMemberships(
  pool: pg.Pool,
  shop: string,
  options: { segmentId?: string; now?: Date } = {},
): Promise<MembershipChange[]> {
  const now = options.now ?? new Date();
  const changes: MembershipChange[] = [];
  if (!options.segmentId) changes.push(await refreshRfmSegments(pool, shop, now));
  const { rows } = await pool.query<RuleSegmentRow>(
    `SELECT id, handle, rules, "syncToShopify" FROM "Segment"
     WHERE shop = $1 AND kind = 'rules' AND ($2::text IS NULL OR id = $2) ORDER BY "createdAt", id`,
    [shop, options.segmentId ?? null],
  );
  for (const row of rows) changes.push(await refreshRuleSegment(pool, shop, row, now));
  return changes;
}

/**
 * Deletes a rule segment with its members: those whose tag Shopify may hold
 * (a synced segment's, or a confirmed tag) leave an untag row, in the
 * statement that deletes the segment.
 */
export async function deleteWithMembers(pool: pg.Pool, shop: string, id: string, now = new Date()): Promise<boolean> {
  const { rows } = await pool.query<{ deleted: number }>(
    `WITH seg AS (DELETE FROM "Segment" WHERE shop = $1 AND id = $2 AND kind = 'rules' RETURNING id, handle, "syncToShopify"),
     gone AS (
       DELETE FROM "SegmentMember" sm USING seg WHERE sm.shop = $1 AND sm."segmentId" = seg.id
       RETURNING sm."memberId", sm."taggedAt", seg.handle, seg."syncToShopify"),
     untag AS (
       INSERT INTO "SegmentMember" (shop, "segmentId", "memberId", since, "taggedAt")
       SELECT $1, 'untag:' || gone.handle, gone."memberId", $3::timestamp, gone."taggedAt" FROM gone
       WHERE gone."syncToShopify" OR gone."taggedAt" IS NOT NULL
       ON CONFLICT ("segmentId", "memberId") DO NOTHING RETURNING 1)
     SELECT (SELECT count(*) FROM seg)::int AS deleted, (SELECT count(*) FROM untag)::int AS untagged`,
    [shop, id, now],
  );
  return rows[0]!.deleted > 0;
}

export interface MemberSegments {
  /** The member's RFM scores as last recomputed (null: no sale in the last 730 days, or not computed yet). */
  rfm: {
    segment: string;
    name: string;
    r: number;
    f: number;
    m: number;
    recencyDays: number;
    frequency: number;
    monetaryMinor: number;
    computedAt: string;
  } | null;
  /** The segments the member is in, as last computed, oldest membership first. */
  segments: Array<{
    id: string;
    handle: string;
    name: string;
    kind: 'rfm' | 'rules';
    since: string;
    syncToShopify: boolean;
    /** When Shopify confirmed the tag (null: not synced, or not yet). */
    taggedAt: string | null;
  }>;
}

/** A member's segments and RFM scores; null when the shop has no such member. */
export async function memberSegments(pool: pg.Pool, shop: string, memberId: string, rfmNames: Record<string, string>) {
  const { rows: members } = await pool.query<{ customerId: string }>(`SELECT "customerId" FROM "Member" WHERE shop = $1 AND id = $2`, [
    shop,
    memberId,
  ]);
  if (!members[0]) return null;
  const [{ rows: scores }, { rows }] = await Promise.all([
    pool.query<{
      segment: string;
      r: number;
      f: number;
      m: number;
      recencyDays: number;
      frequency: number;
      monetaryMinor: number;
      computedAt: Date;
    }>(
      `SELECT segment, r, f, m, "recencyDays", frequency, "monetaryMinor", "computedAt" FROM "CustomerRfm" WHERE shop = $1 AND "customerKey" = $2`,
      [shop, members[0].customerId],
    ),
    pool.query<{ id: string; handle: string; name: string; kind: 'rfm' | 'rules'; since: Date; sync: boolean; taggedAt: Date | null }>(
      `SELECT sm."segmentId" AS id, COALESCE(s.handle, substr(sm."segmentId", 5)) AS handle, s.name,
              CASE WHEN sm."segmentId" LIKE 'rfm:%' THEN 'rfm' ELSE 'rules' END AS kind, sm.since,
              COALESCE(s."syncToShopify", false) AS sync, sm."taggedAt"
       FROM "SegmentMember" sm
       LEFT JOIN "Segment" s ON s.shop = sm.shop
         AND ((s.kind = 'rules' AND s.id = sm."segmentId") OR (s.kind = 'rfm' AND sm."segmentId" = 'rfm:' || s.handle))
       WHERE sm.shop = $1 AND sm."memberId" = $2 AND sm."segmentId" NOT LIKE '${UNTAG_PREFIX}%'
         AND (s.id IS NOT NULL OR sm."segmentId" LIKE 'rfm:%')
       ORDER BY sm.since, sm."segmentId"`,
      [shop, memberId],
    ),
  ]);
  const score = scores[0];
  const result: MemberSegments = {
    rfm: score
      ? {
          segment: score.segment,
          name: rfmNames[score.segment] ?? score.segment,
          r: score.r,
          f: score.f,
          m: score.m,
          recencyDays: score.recencyDays,
          frequency: score.frequency,
          monetaryMinor: score.monetaryMinor,
          computedAt: score.computedAt.toISOString(),
        }
      : null,
    segments: rows.map((r) => ({
      id: r.id,
      handle: r.handle,
      name: r.name ?? rfmNames[r.handle] ?? r.handle,
      kind: r.kind,
      since: r.since.toISOString(),
      syncToShopify: r.sync,
      taggedAt: r.taggedAt ? r.taggedAt.toISOString() : null,
    })),
  };
  return result;
}
