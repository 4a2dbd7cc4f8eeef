// Segments marked syncToShopify become, in the shop's Shopify admin, the
// customer tag tally-segment:<handle> on each member (so Shopify Email,
// Marketing and discounts can target them) and a Shopify customer segment on
// that tag, created once (Segment.shopifySegmentId).
//
// The record of what is left to do is SegmentMember (web/segments/membership.ts):
//  - a member row of a synced segment with taggedAt null: the tag is to add;
//    taggedAt is set once Shopify confirmed it (and only if the row is still
//    the one read: same since);
//  - an untag:<handle> row: the tag is to remove; the row goes once Shopify
//    confirmed it (or refused: the customer is gone, so is the tag).
// So a failed call loses nothing: the job (sync-segment-tags) fails, pg-boss
// retries it, and the rows are still there. tagsAdd and tagsRemove are
// idempotent, which makes sending one twice (a lost answer) harmless.
//
// Calls carry up to CUSTOMERS_PER_CALL customers (one aliased tagsAdd or
// tagsRemove each, every tag of that customer in it). Before each call the
// shop's bucket, as the last answer's cost extension showed it and refilled
// at its restore rate since, must hold the call's cost; otherwise it waits
// (the client still waits out a THROTTLED answer itself).
import type pg from 'pg';
import type { AdminClient, AdminExtensions, ShopifyUserError, ThrottleStatus } from '../shopify/admin.js';
import { SEGMENT_BY_NAME, SEGMENT_CREATE } from '../shopify/operations/referrals.js';
import { UNTAG_PREFIX } from './membership.js';

export const TAG_PREFIX = 'tally-segment:';
export const segmentTag = (handle: string) => `${TAG_PREFIX}${handle}`;
export const shopifySegmentQuery = (handle: string) => `customer_tags CONTAINS '${segmentTag(handle)}'`;

/** Customers per tagsAdd/tagsRemove document: 25 mutations cost 250 points, well under Shopify's 1,000 per query. */
export const CUSTOMERS_PER_CALL = 25;
const MUTATION_COST = 10;

export interface SegmentSyncDeps {
  pool: pg.Pool;
  admin: AdminClient | null;
  logger?: { warn(obj: Record<string, unknown>, msg?: string): void };
  /** Injected by tests; real waiting otherwise. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SegmentSyncResult {
  shop: string;
  /** Shopify segments created (or found, after a lost answer) and stored. */
  segmentsCreated: number;
  tagged: number;
  untagged: number;
  refused: Array<{ customerId: string; tags: string[]; errors: string[] }>;
  calls: number;
  /** Whether work was left for the next run (the time budget ran out). */
  more: boolean;
}

interface TagRow {
  memberId: string;
  customerId: string | null;
  segmentId: string;
  since: string;
  handle: string;
}

const CUSTOMER = 'gid://shopify/Customer/%';
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Each shop's Admin API bucket as this process last saw it (Shopify's bucket is per shop, across runs). */
const seenBuckets = new Map<string, { status: ThrottleStatus; at: number }>();

/** The shop's bucket, to wait before a call rather than be throttled by it. */
class Bucket {
  constructor(
    private readonly shop: string,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  note(extensions: AdminExtensions | undefined): void {
    const status = extensions?.cost?.throttleStatus;
    if (status) seenBuckets.set(this.shop, { status, at: Date.now() });
  }

  async waitFor(cost: number): Promise<void> {
    const seen = seenBuckets.get(this.shop);
    if (!seen) return;
    const { maximumAvailable, currentlyAvailable, restoreRate } = seen.status;
    const available = Math.min(maximumAvailable, currentlyAvailable + (restoreRate * (Date.now() - seen.at)) / 1000);
    const need = Math.min(cost, maximumAvailable);
    if (available < need) await this.sleep(Math.ceil(((need - available) / Math.max(restoreRate, 1)) * 1000));
  }
}

/**
 * Segments the merchant stopped syncing: the tags Shopify holds for them are
 * to come off (untag rows), their members' taggedAt cleared, in one statement.
 */
async function untagUnsynced(pool: pg.Pool, shop: string, now: Date): Promise<void> {
  await pool.query(
    `WITH seg AS (
       SELECT CASE WHEN kind = 'rfm' THEN 'rfm:' || handle ELSE id END AS sid, handle
       FROM "Segment" WHERE shop = $1 AND NOT "syncToShopify"),
     was AS (
       SELECT sm."segmentId", sm."memberId", sm."taggedAt", seg.handle FROM "SegmentMember" sm JOIN seg ON seg.sid = sm."segmentId"
       WHERE sm.shop = $1 AND sm."taggedAt" IS NOT NULL),
     cleared AS (
       UPDATE "SegmentMember" sm SET "taggedAt" = NULL FROM was
       WHERE sm."segmentId" = was."segmentId" AND sm."memberId" = was."memberId" RETURNING 1)
     INSERT INTO "SegmentMember" (shop, "segmentId", "memberId", since, "taggedAt")
     SELECT $1, 'untag:' || was.handle, was."memberId", $2::timestamp, was."taggedAt" FROM was
     ON CONFLICT ("segmentId", "memberId") DO NOTHING`,
    [shop, now],
  );
}

/** Creates the Shopify customer segment of each synced segment that has none yet; a lost answer is found by name. */
async function createShopifySegments(deps: SegmentSyncDeps, admin: AdminClient, bucket: Bucket, shop: string, result: SegmentSyncResult) {
  const { rows } = await deps.pool.query<{ id: string; handle: string; name: string; kind: string }>(
    `SELECT id, handle, name, kind FROM "Segment" WHERE shop = $1 AND "syncToShopify" AND "shopifySegmentId" IS NULL ORDER BY "createdAt", id`,
    [shop],
  );
  for (const row of rows) {
    const query = shopifySegmentQuery(row.handle);
    let shopifyId: string | null = null;
    // Names are unique in a shop: a taken name is ours (an earlier answer lost) if its query is ours, else we add the handle.
    for (const name of [`Tally: ${row.name}`, `Tally: ${row.name} (${row.handle})`]) {
      await bucket.waitFor(MUTATION_COST);
      const created = await admin.request<{
        segmentCreate: { segment: { id: string; query: string } | null; userErrors: ShopifyUserError[] };
      }>(shop, SEGMENT_CREATE, { name, query }, { operationName: 'SegmentCreate' });
      bucket.note(created.extensions);
      result.calls += 1;
      shopifyId = created.data.segmentCreate.segment?.id ?? null;
      if (shopifyId) break;
      const found = await admin.request<{ segments: { nodes: Array<{ id: string; name: string; query?: string }> } }>(
        shop,
        SEGMENT_BY_NAME,
        { query: `name:'${name.replace(/'/g, "\\'")}'` },
        { operationName: 'SegmentByName' },
      );
      bucket.note(found.extensions);
      result.calls += 1;
      const same = found.data.segments.nodes.find((s) => s.query === query);
      if (same) {
        shopifyId = same.id;
        break;
      }
      if (found.data.segments.nodes.length === 0)
        throw new Error(
          `Shopify refused the segment ${row.handle}: ${created.data.segmentCreate.userErrors.map((e) => e.message).join('; ')}`,
        );
    }
    if (!shopifyId) throw new Error(`Shopify segment names for ${row.handle} are taken by other segments`);
    await deps.pool.query(`UPDATE "Segment" SET "shopifySegmentId" = $3 WHERE shop = $1 AND id = $2 AND "shopifySegmentId" IS NULL`, [
      shop,
      row.id,
      shopifyId,
    ]);
    result.segmentsCreated += 1;
  }
}

/** Members (at most `limit`, after `after`) with tags to add: every row of theirs. */
async function toAdd(pool: pg.Pool, shop: string, after: string, limit: number): Promise<TagRow[]> {
  const { rows } = await pool.query<TagRow>(
    `WITH synced AS (
       SELECT CASE WHEN kind = 'rfm' THEN 'rfm:' || handle ELSE id END AS sid, handle
       FROM "Segment" WHERE shop = $1 AND "syncToShopify"),
     todo AS (
       SELECT sm."segmentId", sm."memberId", sm.since, synced.handle
       FROM "SegmentMember" sm JOIN synced ON synced.sid = sm."segmentId"
       WHERE sm.shop = $1 AND sm."taggedAt" IS NULL),
     members AS (
       SELECT DISTINCT todo."memberId" FROM todo JOIN "Member" m ON m.id = todo."memberId"
       WHERE m."customerId" LIKE '${CUSTOMER}' AND m."redactedAt" IS NULL AND todo."memberId" > $2
       ORDER BY 1 LIMIT $3)
     SELECT todo."memberId", m."customerId", todo."segmentId", todo.since::text AS since, todo.handle
     FROM todo JOIN members USING ("memberId") JOIN "Member" m ON m.id = todo."memberId"
     ORDER BY todo."memberId", todo.handle`,
    [shop, after, limit],
  );
  return rows;
}

/** Members (at most `limit`, after `after`) with tags to remove. Members gone or never Shopify customers come with a null customerId. */
async function toRemove(pool: pg.Pool, shop: string, after: string, limit: number): Promise<TagRow[]> {
  const { rows } = await pool.query<TagRow>(
    `WITH members AS (
       SELECT DISTINCT "memberId" FROM "SegmentMember" WHERE shop = $1 AND "segmentId" LIKE '${UNTAG_PREFIX}%' AND "memberId" > $2
       ORDER BY 1 LIMIT $3)
     SELECT u."memberId", CASE WHEN m."customerId" LIKE '${CUSTOMER}' THEN m."customerId" END AS "customerId",
            u."segmentId", u.since::text AS since, substr(u."segmentId", ${UNTAG_PREFIX.length + 1}) AS handle
     FROM "SegmentMember" u JOIN members USING ("memberId") LEFT JOIN "Member" m ON m.id = u."memberId"
     WHERE u.shop = $1 AND u."segmentId" LIKE '${UNTAG_PREFIX}%'
     ORDER BY u."memberId", u."segmentId"`,
    [shop, after, limit],
  );
  return rows;
}

/** One document: an aliased tagsAdd or tagsRemove per customer. Returns each customer's userErrors. */
async function sendTags(
  admin: AdminClient,
  bucket: Bucket,
  shop: string,
  mutation: 'tagsAdd' | 'tagsRemove',
  customers: Array<{ customerId: string; tags: string[] }>,
): Promise<Map<string, ShopifyUserError[]>> {
  const params: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  customers.forEach((c, i) => {
    params.push(`$id${i}: ID!`, `$tags${i}: [String!]!`);
    fields.push(`t${i}: ${mutation}(id: $id${i}, tags: $tags${i}) { userErrors { field message } }`);
    variables[`id${i}`] = c.customerId;
    variables[`tags${i}`] = c.tags;
  });
  const name = mutation === 'tagsAdd' ? 'AddSegmentTags' : 'RemoveSegmentTags';
  await bucket.waitFor(customers.length * MUTATION_COST);
  const { data, extensions } = await admin.request<Record<string, { userErrors: ShopifyUserError[] } | null>>(
    shop,
    `mutation ${name}(${params.join(', ')}) {\n  ${fields.join('\n  ')}\n}`,
    variables,
    { operationName: name },
  );
  bucket.note(extensions);
  return new Map(customers.map((c, i) => [c.customerId, data[`t${i}`]?.userErrors ?? []]));
}

/** Rows grouped by member (rows come ordered by member). */
function byMember(rows: TagRow[]): TagRow[][] {
  const groups: TagRow[][] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.memberId === row.memberId) last.push(row);
    else groups.push([row]);
  }
  return groups;
}

const rowKeys = (rows: TagRow[]) => [rows.map((r) => r.segmentId), rows.map((r) => r.memberId), rows.map((r) => r.since)];

async function confirmAdded(pool: pg.Pool, rows: TagRow[], now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await pool.query(
    `UPDATE "SegmentMember" sm SET "taggedAt" = $4::timestamp
     FROM unnest($1::text[], $2::text[], $3::text[]) AS v(seg, mem, since)
     WHERE sm."segmentId" = v.seg AND sm."memberId" = v.mem AND sm.since = v.since::timestamp AND sm."taggedAt" IS NULL`,
    [...rowKeys(rows), now],
  );
  return rowCount ?? 0;
}

async function confirmRemoved(pool: pg.Pool, rows: TagRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await pool.query(
    `DELETE FROM "SegmentMember" sm USING unnest($1::text[], $2::text[], $3::text[]) AS v(seg, mem, since)
     WHERE sm."segmentId" = v.seg AND sm."memberId" = v.mem AND sm.since = v.since::timestamp`,
    rowKeys(rows),
  );
  return rowCount ?? 0;
}

/**
 * One pass over a kind of work: pages of CUSTOMERS_PER_CALL members, one
 * call each, confirmed in the database after each call.
 */
async function pass(
  deps: SegmentSyncDeps,
  admin: AdminClient,
  bucket: Bucket,
  shop: string,
  kind: 'add' | 'remove',
  deadline: number,
  result: SegmentSyncResult,
  now: Date,
): Promise<boolean> {
  let after = '';
  for (;;) {
    if (Date.now() > deadline) return false;
    const rows = await (kind === 'add' ? toAdd : toRemove)(deps.pool, shop, after, CUSTOMERS_PER_CALL);
    if (rows.length === 0) return true;
    const groups = byMember(rows);
    after = groups[groups.length - 1]![0]!.memberId;
    // A member without a Shopify customer has no tag to remove.
    const gone = groups.filter((g) => !g[0]!.customerId).flat();
    const live = groups.filter((g) => g[0]!.customerId);
    const done: TagRow[] = [...gone];
    if (live.length > 0) {
      const customers = live.map((g) => ({ customerId: g[0]!.customerId!, tags: g.map((r) => segmentTag(r.handle)) }));
      const errors = await sendTags(admin, bucket, shop, kind === 'add' ? 'tagsAdd' : 'tagsRemove', customers);
      result.calls += 1;
      for (const g of live) {
        const refused = errors.get(g[0]!.customerId!) ?? [];
        if (refused.length > 0) {
          const entry = {
            customerId: g[0]!.customerId!,
            tags: g.map((r) => segmentTag(r.handle)),
            errors: refused.map((e) => `${(e.field ?? []).join('.')}: ${e.message}`),
          };
          result.refused.push(entry);
          deps.logger?.warn({ shop, ...entry }, `Shopify refused segment tags (${kind})`);
          // A refused removal is about a customer Shopify no longer has: nothing left to remove.
          if (kind === 'remove') done.push(...g);
        } else done.push(...g);
      }
    }
    if (kind === 'add') result.tagged += await confirmAdded(deps.pool, done, now);
    else result.untagged += await confirmRemoved(deps.pool, done);
  }
}

/** Whether the shop has segment sync work: a synced segment, or tags left to remove. */
export async function hasSyncWork(pool: pg.Pool, shop: string): Promise<boolean> {
  const { rows } = await pool.query<{ yes: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM "Segment" WHERE shop = $1 AND "syncToShopify")
         OR EXISTS (SELECT 1 FROM "SegmentMember" WHERE shop = $1 AND "segmentId" LIKE '${UNTAG_PREFIX}%') AS yes`,
    [shop],
  );
  return rows[0]!.yes;
}

/** Shops with segment sync work. */
export async function shopsWithSyncWork(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ shop: string }>(
    `SELECT shop FROM "Segment" WHERE "syncToShopify" OR "shopifySegmentId" IS NOT NULL
     UNION SELECT shop FROM "SegmentMember" WHERE "segmentId" LIKE '${UNTAG_PREFIX}%'
     ORDER BY 1`,
  );
  return rows.map((r) => r.shop);
}

/**
 * Brings Shopify in line with the shop's synced segments: segments created,
 * tags removed (first), then added. Throws on a failed call (the job is
 * retried; everything confirmed so far stays confirmed).
 */
export async function syncSegmentTags(
  deps: SegmentSyncDeps,
  shop: string,
  options: { budgetMs?: number; now?: Date } = {},
): Promise<SegmentSyncResult> {
  const now = options.now ?? new Date();
  const result: SegmentSyncResult = { shop, segmentsCreated: 0, tagged: 0, untagged: 0, refused: [], calls: 0, more: false };
  await untagUnsynced(deps.pool, shop, now);
  if (!(await hasSyncWork(deps.pool, shop))) return result;
  if (!deps.admin) throw new Error('segment sync needs the Admin API client');
  const bucket = new Bucket(shop, deps.sleep ?? realSleep);
  const deadline = Date.now() + (options.budgetMs ?? 8 * 60_000);
  await createShopifySegments(deps, deps.admin, bucket, shop, result);
  const removed = await pass(deps, deps.admin, bucket, shop, 'remove', deadline, result, now);
  const added = removed && (await pass(deps, deps.admin, bucket, shop, 'add', deadline, result, now));
  result.more = !added;
  return result;
}
