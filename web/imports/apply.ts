// Applies checked member rows a batch at a time, in one transaction per batch
// and a fixed handful of set-based statements whatever the batch's size: the
// rows go into a staging table (one multi-row INSERT from arrays), members are
// found by customer id or email there, the missing ones are created with their
// opening balance and its IMPORT entry in one statement (ledger.openAccounts:
// a new member's row is written once), the known ones are locked, completed
// and lifted to the tier the file names in one UPDATE, and their balances move
// through one ledger.appendMany over the staging table. Guests are keyed by
// email when no customer is known (web/loyalty/members.ts claims them at
// signup). The ledger writes every entry, so the doctor stays clean.
import type { Sql } from '../db/sql.js';
import { fragment } from '../events/emit.js';
import { appendMany, openAccounts } from '../loyalty/ledger.js';
import { guestCustomerId } from '../loyalty/members.js';
import type { MemberRow } from './rows.js';

export interface ApplyContext {
  shop: string;
  importId: string;
  balance: 'set' | 'add';
  /** Prefix of the entries' idempotency keys (per import for `set`, per file for `add`: re-applying the same file adds nothing). */
  keyPrefix: string;
  now: Date;
  expiresAt: Date | null;
  /** Tiers by threshold, lowest first, and when a tier given from the file is kept until. */
  tiers: ReadonlyArray<{ id: string }>;
  keptUntil: Date | null;
}

export interface BatchResult {
  members: number;
  created: number;
  guests: number;
  points: number;
  tiers: number;
}

/** Applies one batch; runs inside the caller's transaction. */
export async function applyBatch(sql: Sql, ctx: ApplyContext, rows: readonly MemberRow[]): Promise<BatchResult> {
  const { shop } = ctx;
  const none: BatchResult = { members: 0, created: 0, guests: 0, points: 0, tiers: 0 };
  if (rows.length === 0) return none;
  // The batch's rows, on the transaction's own connection (a temporary table, emptied at commit). `id` is the id a
  // member created from the row gets: a row whose member has another id was found, not created.
  await sql.$executeRaw`
    CREATE TEMP TABLE IF NOT EXISTS tally_import_stage (
      row int NOT NULL, email text, customer text, guest text, points bigint NOT NULL, birthday date, tier text,
      first text, last text, id text NOT NULL DEFAULT gen_random_uuid()::text, member text, available bigint,
      old_tier text, created boolean NOT NULL DEFAULT false
    ) ON COMMIT DELETE ROWS`;
  // 1. The rows, in one statement.
  await sql.$executeRaw`
    INSERT INTO tally_import_stage (row, email, customer, guest, points, birthday, tier, first, last)
    SELECT * FROM unnest(${rows.map((r) => r.row)}::int[], ${rows.map((r) => r.email)}::text[], ${rows.map((r) => r.customerId)}::text[],
                         ${rows.map((r) => (r.email ? guestCustomerId(r.email) : null))}::text[], ${rows.map((r) => r.points)}::bigint[],
                         ${rows.map((r) => (r.birthday ? r.birthday.toISOString().slice(0, 10) : null))}::date[],
                         ${rows.map((r) => r.tierId)}::text[], ${rows.map((r) => r.firstName)}::text[], ${rows.map((r) => r.lastName)}::text[])`;
  // A temporary table has no statistics: without them the planner may scan "Member" whole for the joins below.
  await sql.$executeRaw`ANALYZE tally_import_stage`;
  // 2. Rows without a customer id: the customer a member of that email is (one (shop, email) index probe per row; a
  //    plain IN lets the planner pick the trigram search index, ~100× slower), or the email's guest.
  await sql.$executeRaw`
    UPDATE tally_import_stage s SET customer = COALESCE((
      SELECT m."customerId" FROM "Member" m
      WHERE m.shop = ${shop} AND m.email = s.email AND m."customerId" NOT LIKE 'guest:%' AND m."redactedAt" IS NULL
      ORDER BY m."createdAt" LIMIT 1), s.guest)
    WHERE s.customer IS NULL`;
  // A row found by email may name the customer another row names by id: the first row wins (the file was checked for
  // duplicates of the same email or id, not for an email that belongs to another row's customer).
  await sql.$executeRaw`
    DELETE FROM tally_import_stage a USING tally_import_stage b WHERE a.customer = b.customer AND a.row > b.row`;
  // 3. The members not known yet, created with their balance (set or add from zero: the file's points).
  const lowest = ctx.tiers[0]?.id ?? null;
  const opened = await openAccounts(sql, {
    shop,
    source: 'IMPORT',
    sourceId: ctx.importId,
    reason: 'import',
    createdAt: ctx.now,
    expiresAt: ctx.expiresAt,
    members: fragment`
      SELECT s.id, s.customer, s.email, s.first, s.last, s.birthday, COALESCE(s.tier, ${lowest}::text),
             CASE WHEN COALESCE(s.tier, ${lowest}::text) IS NOT NULL THEN ${ctx.now}::timestamp END,
             CASE WHEN s.tier IS NOT NULL THEN ${ctx.keptUntil}::timestamp END,
             s.points, ${ctx.keyPrefix} || ':row:' || s.row
      FROM tally_import_stage s
      WHERE NOT EXISTS (SELECT 1 FROM "Member" m WHERE m.shop = ${shop} AND m."customerId" = s.customer)`,
  });
  // 4. Every row's member, locked, with the balance a `set` moves from and the tier it holds.
  await sql.$executeRaw`
    WITH l AS (
      SELECT m.id, m."customerId", m."pointsAvailable", m."tierId" FROM "Member" m
      WHERE m.shop = ${shop} AND m."customerId" IN (SELECT customer FROM tally_import_stage)
      FOR UPDATE OF m
    )
    UPDATE tally_import_stage s SET member = l.id, available = l."pointsAvailable", old_tier = l."tierId", created = (l.id = s.id)
    FROM l WHERE l."customerId" = s.customer`;
  // 5. Known members: what they lack from the file, and the tier the file names when higher (members keep the status
  //    they had in the other app; an import never moves them down). Rows that change nothing are not written.
  const ranks = ctx.tiers.map((t) => t.id);
  await sql.$executeRaw`
    UPDATE "Member" m SET
      email = COALESCE(m.email, s.email), "firstName" = COALESCE(m."firstName", s.first), "lastName" = COALESCE(m."lastName", s.last),
      birthday = COALESCE(m.birthday, s.birthday),
      "tierId" = CASE WHEN s.lift THEN s.tier ELSE m."tierId" END,
      "tierReachedAt" = CASE WHEN s.lift THEN ${ctx.now}::timestamp ELSE m."tierReachedAt" END,
      "tierKeptUntil" = CASE WHEN s.lift THEN ${ctx.keptUntil}::timestamp ELSE m."tierKeptUntil" END,
      "updatedAt" = now()
    FROM (
      SELECT member, email, first, last, birthday, tier,
             COALESCE(array_position(${ranks}::text[], tier), 0) > COALESCE(array_position(${ranks}::text[], old_tier), 0) AS lift
      FROM tally_import_stage WHERE NOT created AND member IS NOT NULL
    ) s
    WHERE m.id = s.member AND (s.lift OR (m.email IS NULL AND s.email IS NOT NULL) OR (m."firstName" IS NULL AND s.first IS NOT NULL)
      OR (m."lastName" IS NULL AND s.last IS NOT NULL) OR (m.birthday IS NULL AND s.birthday IS NOT NULL))`;
  // 6. Their balances: set, the difference to the file's; add, the file's points.
  const set = ctx.balance === 'set';
  const moved = await appendMany(sql, {
    shop,
    kind: 'ADJUST',
    source: 'IMPORT',
    sourceId: ctx.importId,
    reason: 'import',
    createdAt: ctx.now,
    expiresAt: ctx.expiresAt,
    entries: {
      select: fragment`
        SELECT member, CASE WHEN ${set} THEN points - available ELSE points END, ${ctx.keyPrefix} || ':row:' || row
        FROM tally_import_stage WHERE NOT created AND member IS NOT NULL`,
    },
  });
  const [counts] = await sql.$queryRaw<Array<Omit<BatchResult, 'points' | 'created'>>>`
    SELECT count(*)::int AS members, count(*) FILTER (WHERE customer LIKE 'guest:%')::int AS guests,
           count(*) FILTER (WHERE tier IS NOT NULL AND (created OR
             COALESCE(array_position(${ranks}::text[], tier), 0) > COALESCE(array_position(${ranks}::text[], old_tier), 0)))::int AS tiers
    FROM tally_import_stage`;
  return { ...none, ...counts, created: opened.created, points: opened.points + moved };
}

export interface UndoBatch {
  last: string | null;
  members: number;
  reversed: number;
  /** Points the import gave that the member had already spent (not taken back: the balance never goes below zero). */
  spent: number;
}

/**
 * Reverses what an import gave, for the members after `after` (by id), `size` at a time: a REVERSAL entry per member of
 * what its IMPORT entries still add up to, at most the available balance. Entries are never deleted; a retried undo
 * finds the net already zero (or at the balance) and its keys already written.
 */
export async function undoBatch(sql: Sql, shop: string, importId: string, after: string, size: number, now: Date): Promise<UndoBatch> {
  const given = await sql.$queryRaw<Array<{ memberId: string; net: number; available: number }>>`
    WITH g AS (
      SELECT "memberId", sum(points)::bigint AS net FROM "PointEntry"
      WHERE shop = ${shop} AND source = 'IMPORT' AND "sourceId" = ${importId} AND status = 'AVAILABLE' AND "memberId" > ${after}
      GROUP BY "memberId" ORDER BY "memberId" LIMIT ${size}
    )
    SELECT g."memberId", g.net::float8 AS net, m."pointsAvailable"::float8 AS available
    FROM g JOIN "Member" m ON m.id = g."memberId" ORDER BY g."memberId" FOR UPDATE OF m`;
  let spent = 0;
  const entries = given.flatMap((g) => {
    const take = g.net > 0 ? Math.min(g.net, Math.max(0, g.available)) : g.net;
    if (g.net > 0) spent += g.net - take;
    return take === 0 ? [] : [{ memberId: g.memberId, points: -take, idempotencyKey: `import:${importId}:undo:${g.memberId}:${-take}` }];
  });
  const reversed = -(await appendMany(sql, {
    shop,
    kind: 'REVERSAL',
    source: 'IMPORT',
    sourceId: importId,
    reason: 'import undone',
    createdAt: now,
    entries,
  }));
  return { last: given.length === size ? given[given.length - 1]!.memberId : null, members: entries.length, reversed, spent };
}
