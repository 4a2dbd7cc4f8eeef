// Segments as the admin sees them: the eleven RFM segments (id rfm:<handle>,
// read from CustomerRfm and RfmSnapshot) and the merchant's rule segments
// (Segment rows, their rule tree compiled by rules.ts). Counts and members are
// always read now, never cached.
import type pg from 'pg';

/** What the admin's segment services need: the app's pool (routes pass their deps). */
export type Deps = { pool: pg.Pool };
import { memberJoin } from '../analytics/customers.js';
import { localToday, shopContext } from '../analytics/range.js';
import { compileRules, membersQuery, type RuleTree } from './rules.js';
import { RFM_NAMES, RFM_SEGMENTS, type RfmSegment } from './rfm.js';
import { deleteWithMembers, memberSegments, refreshMemberships } from './membership.js';

export interface SegmentMovement {
  /** The snapshot compared with: the latest taken at least 7 days before today. */
  since: string;
  customers: number;
  members: number;
}

export interface SegmentSummary {
  id: string;
  handle: string;
  name: string;
  kind: 'rfm' | 'rules';
  /** Members in the segment (customers with a non-guest, non-redacted member). */
  members: number;
  /** RFM only: customers scored into it (members and non-members), their net sales in the last 365 days, and that as a share of all scored customers'. */
  customers?: number;
  netSalesMinor?: string;
  revenueShare?: number;
  /** RFM only: change since the snapshot ≥ 7 days old (null: none that old). */
  movement?: SegmentMovement | null;
  computedAt?: string | null;
  rules?: RuleTree;
  /** Marked for Shopify: the tag tally-segment:<handle> on its members and a Shopify customer segment (its GID once created). */
  syncToShopify?: boolean;
  shopifySegmentId?: string | null;
}

const rfmId = (handle: string) => `rfm:${handle}`;
export const isRfmHandle = (handle: string): handle is RfmSegment => (RFM_SEGMENTS as readonly string[]).includes(handle);

/** The eleven RFM segments with their sizes, revenue share and movement since last week. */
export async function rfmSegments(pool: pg.Pool, shop: string, now = new Date()): Promise<SegmentSummary[]> {
  const { timeZone } = await shopContext(pool, shop);
  const today = localToday(timeZone, now);
  const { rows } = await pool.query<{
    segment: RfmSegment;
    customers: number;
    members: number;
    net: string;
    total: string;
    computed: Date | null;
    since: string | null;
    was_customers: number | null;
    was_members: number | null;
    sync: boolean | null;
    shopify_id: string | null;
  }>(
    `WITH cur AS (
       SELECT x.segment, count(*)::int AS customers, count(m.id)::int AS members, sum(x."monetaryMinor")::bigint AS net,
              max(x."computedAt") AS computed
       FROM "CustomerRfm" x LEFT JOIN ${memberJoin('x."customerKey"')}
       WHERE x.shop = $1 GROUP BY x.segment),
     base AS (SELECT max("takenOn") AS d FROM "RfmSnapshot" WHERE shop = $1 AND "takenOn" <= $2::date - 7)
     SELECT s.segment, COALESCE(cur.customers, 0) AS customers, COALESCE(cur.members, 0) AS members,
            COALESCE(cur.net, 0)::text AS net, COALESCE(sum(cur.net) OVER (), 0)::text AS total,
            max(cur.computed) OVER () AS computed,
            to_char(base.d, 'YYYY-MM-DD') AS since, p.customers AS was_customers, p.members AS was_members,
            g."syncToShopify" AS sync, g."shopifySegmentId" AS shopify_id
     FROM unnest($3::text[]) AS s(segment)
     LEFT JOIN cur ON cur.segment = s.segment
     CROSS JOIN base
     LEFT JOIN "RfmSnapshot" p ON p.shop = $1 AND p."takenOn" = base.d AND p.segment = s.segment
     LEFT JOIN "Segment" g ON g.shop = $1 AND g.kind = 'rfm' AND g.handle = s.segment`,
    [shop, today, [...RFM_SEGMENTS]],
  );
  const bySegment = new Map(rows.map((r) => [r.segment, r]));
  return RFM_SEGMENTS.map((handle) => {
    const r = bySegment.get(handle)!;
    const total = BigInt(r.total);
    return {
      id: rfmId(handle),
      handle,
      name: RFM_NAMES[handle],
      kind: 'rfm' as const,
      members: r.members,
      customers: r.customers,
      netSalesMinor: r.net,
      // Rounded to 4 decimals (0.1234 = 12.34 %); 0 when nobody spent anything.
      revenueShare: total > 0n ? Number((BigInt(r.net) * 10_000n) / total) / 10_000 : 0,
      movement: r.since
        ? { since: r.since, customers: r.customers - (r.was_customers ?? 0), members: r.members - (r.was_members ?? 0) }
        : null,
      computedAt: r.computed ? r.computed.toISOString() : null,
      syncToShopify: r.sync ?? false,
      shopifySegmentId: r.shopify_id,
    };
  });
}

interface SegmentRow {
  id: string;
  handle: string;
  name: string;
  rules: RuleTree;
  syncToShopify: boolean;
  shopifySegmentId: string | null;
}

/** $1 shop, $2 time zone, $3 today: what every members query is given. */
async function base(pool: pg.Pool, shop: string, now: Date): Promise<[string, string, string]> {
  const { timeZone } = await shopContext(pool, shop);
  return [shop, timeZone, localToday(timeZone, now)];
}

/** How many members match the rules. */
export async function countRules(pool: pg.Pool, shop: string, rules: RuleTree, now = new Date()): Promise<number> {
  const compiled = compileRules(rules);
  const { rows } = await pool.query<{ n: number }>(membersQuery(compiled, 'count(*)::int AS n'), [
    ...(await base(pool, shop, now)),
    ...compiled.values,
  ]);
  return rows[0]!.n;
}

export interface SegmentMember {
  id: string;
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}
const MEMBER_COLUMNS = `m.id, m."customerId", m.email, m."firstName", m."lastName"`;

/** The first `limit` members matching the rules, oldest member first (id breaks ties). */
export async function rulesMembers(
  pool: pg.Pool,
  shop: string,
  rules: RuleTree,
  limit: number,
  now = new Date(),
): Promise<SegmentMember[]> {
  const compiled = compileRules(rules);
  const values = [...(await base(pool, shop, now)), ...compiled.values, limit];
  const { rows } = await pool.query<SegmentMember>(
    `${membersQuery(compiled, MEMBER_COLUMNS)} ORDER BY m."createdAt", m.id LIMIT $${values.length}::int`,
    values,
  );
  return rows;
}

/** Count and a sample, for the builder's live preview. */
export async function previewRules({ pool }: Deps, shop: string, rules: RuleTree, now = new Date()) {
  const [count, sample] = await Promise.all([countRules(pool, shop, rules, now), rulesMembers(pool, shop, rules, 10, now)]);
  return { count, sample };
}

/** Members in an RFM segment. */
async function rfmMembers(pool: pg.Pool, shop: string, handle: RfmSegment, limit: number): Promise<SegmentMember[]> {
  const { rows } = await pool.query<SegmentMember>(
    `SELECT ${MEMBER_COLUMNS} FROM "CustomerRfm" x JOIN ${memberJoin('x."customerKey"')}
     WHERE x.shop = $1 AND x.segment = $2 ORDER BY m."createdAt", m.id LIMIT $3::int`,
    [shop, handle, limit],
  );
  return rows;
}

export async function listSegments({ pool }: Deps, shop: string, now = new Date()): Promise<SegmentSummary[]> {
  const rfm = await rfmSegments(pool, shop, now);
  const { rows } = await pool.query<SegmentRow>(
    `SELECT id, handle, name, rules, "syncToShopify", "shopifySegmentId" FROM "Segment" WHERE shop = $1 AND kind = 'rules' ORDER BY "createdAt", id`,
    [shop],
  );
  const rules: SegmentSummary[] = [];
  for (const row of rows) rules.push(await ruleSummary(pool, shop, row, now));
  return [...rfm, ...rules];
}

async function ruleSummary(pool: pg.Pool, shop: string, row: SegmentRow, now: Date): Promise<SegmentSummary> {
  return {
    id: row.id,
    handle: row.handle,
    name: row.name,
    kind: 'rules',
    members: await countRules(pool, shop, row.rules, now),
    rules: row.rules,
    syncToShopify: row.syncToShopify,
    shopifySegmentId: row.shopifySegmentId,
  };
}

async function findRow(pool: pg.Pool, shop: string, id: string): Promise<SegmentRow | null> {
  const { rows } = await pool.query<SegmentRow>(
    `SELECT id, handle, name, rules, "syncToShopify", "shopifySegmentId" FROM "Segment" WHERE shop = $1 AND id = $2 AND kind = 'rules'`,
    [shop, id],
  );
  return rows[0] ?? null;
}

/** One segment by id (rfm:<handle> or a rule segment's id); null: none of the shop's. */
export async function getSegment({ pool }: Deps, shop: string, id: string, now = new Date()): Promise<SegmentSummary | null> {
  if (id.startsWith('rfm:')) return (await rfmSegments(pool, shop, now)).find((s) => s.id === id) ?? null;
  const row = await findRow(pool, shop, id);
  return row ? ruleSummary(pool, shop, row, now) : null;
}

export async function segmentMembers(
  { pool }: Deps,
  shop: string,
  id: string,
  limit: number,
  now = new Date(),
): Promise<SegmentMember[] | null> {
  if (id.startsWith('rfm:')) {
    const handle = id.slice(4);
    return isRfmHandle(handle) ? rfmMembers(pool, shop, handle, limit) : null;
  }
  const row = await findRow(pool, shop, id);
  return row ? rulesMembers(pool, shop, row.rules, limit, now) : null;
}

/** A handle from the name: lower-case words joined by '-', unique in the shop, never an RFM handle. */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return s || 'segment';
}

export async function createSegment(
  { pool }: Deps,
  shop: string,
  input: { name: string; rules: RuleTree; syncToShopify?: boolean },
  now = new Date(),
): Promise<SegmentSummary> {
  const stem = slug(input.name);
  const { rows: taken } = await pool.query<{ handle: string }>(`SELECT handle FROM "Segment" WHERE shop = $1 AND handle LIKE $2`, [
    shop,
    `${stem}%`,
  ]);
  const used = new Set([...taken.map((t) => t.handle), ...RFM_SEGMENTS.map((h) => h.replace(/_/g, '-')), ...RFM_SEGMENTS]);
  let handle = stem;
  for (let i = 2; used.has(handle); i++) handle = `${stem}-${i}`;
  const { rows } = await pool.query<SegmentRow>(
    `INSERT INTO "Segment" (id, shop, handle, name, kind, rules, "syncToShopify", "updatedAt")
     VALUES ('seg_' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3, 'rules', $4::jsonb, $5, now())
     RETURNING id, handle, name, rules, "syncToShopify", "shopifySegmentId"`,
    [shop, handle, input.name, JSON.stringify(input.rules), input.syncToShopify ?? false],
  );
  await refreshMemberships(pool, shop, { segmentId: rows[0]!.id, now });
  return ruleSummary(pool, shop, rows[0]!, now);
}

export async function updateSegment(
  { pool }: Deps,
  shop: string,
  id: string,
  input: { name?: string; rules?: RuleTree; syncToShopify?: boolean },
  now = new Date(),
): Promise<SegmentSummary | null> {
  const { rows } = await pool.query<SegmentRow>(
    `UPDATE "Segment" SET name = COALESCE($3, name), rules = COALESCE($4::jsonb, rules),
            "syncToShopify" = COALESCE($5, "syncToShopify"), "updatedAt" = now()
     WHERE shop = $1 AND id = $2 AND kind = 'rules' RETURNING id, handle, name, rules, "syncToShopify", "shopifySegmentId"`,
    [shop, id, input.name ?? null, input.rules ? JSON.stringify(input.rules) : null, input.syncToShopify ?? null],
  );
  if (!rows[0]) return null;
  await refreshMemberships(pool, shop, { segmentId: rows[0].id, now });
  return ruleSummary(pool, shop, rows[0], now);
}

/** Deletes a rule segment; members whose Shopify tag must come off are left for the sync (web/segments/membership.ts). */
export async function deleteSegment({ pool }: Deps, shop: string, id: string): Promise<boolean> {
  return deleteWithMembers(pool, shop, id);
}

/**
 * Marks an RFM segment for Shopify (or not): its sync flag and Shopify
 * segment live in a Segment row of kind 'rfm' with the RFM handle. Null: no
 * such RFM segment.
 */
export async function setRfmSync({ pool }: Deps, shop: string, id: string, syncToShopify: boolean, now = new Date()) {
  const handle = id.slice(4);
  if (!id.startsWith('rfm:') || !isRfmHandle(handle)) return null;
  await pool.query(
    `INSERT INTO "Segment" (id, shop, handle, name, kind, rules, "syncToShopify", "updatedAt")
     VALUES ('seg_' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3, 'rfm', '{}'::jsonb, $4, now())
     ON CONFLICT (shop, handle) DO UPDATE SET "syncToShopify" = EXCLUDED."syncToShopify", "updatedAt" = now()`,
    [shop, handle, RFM_NAMES[handle], syncToShopify],
  );
  return (await rfmSegments(pool, shop, now)).find((s) => s.id === id) ?? null;
}

/** A member's segments (as last computed) and RFM scores, for the member page; null: no such member in the shop. */
export async function segmentsOfMember({ pool }: Deps, shop: string, memberId: string) {
  return memberSegments(pool, shop, memberId, RFM_NAMES);
}
