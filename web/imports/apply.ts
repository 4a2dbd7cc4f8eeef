// Applies checked member rows a batch at a time, in one transaction per batch
// and a handful of set-based statements (no statement per row): find members by
// customer id or email, create the missing ones (guests keyed by email when no
// customer is known: web/loyalty/members.ts claims them at signup), write the
// balances as IMPORT ledger entries and move the cached balances with them
// (through the ledger's appendMany, so the doctor stays clean), and
// place members in the tier the file names.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import { appendMany } from '../loyalty/ledger.js';
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
  // 1. Members known by email (rows without a customer id); a guest of that email otherwise.
  const emails = rows.filter((r) => !r.customerId && r.email).map((r) => r.email!);
  const byEmail = new Map<string, string>();
  if (emails.length > 0) {
    // One index probe per email on (shop, email): a plain `email = ANY(…)` lets the planner pick the trigram index
    // (member search), which answers equality too but ~100× slower for a batch.
    const found = await sql.$queryRaw<Array<{ email: string; customerId: string }>>`
      SELECT e.email, f."customerId" FROM unnest(${[...new Set(emails)]}::text[]) AS e(email)
      CROSS JOIN LATERAL (
        SELECT m."customerId" FROM "Member" m
        WHERE m.shop = ${shop} AND m.email = e.email AND m."customerId" NOT LIKE 'guest:%' AND m."redactedAt" IS NULL
        ORDER BY m."createdAt" LIMIT 1
      ) f`;
    for (const f of found) byEmail.set(f.email, f.customerId);
  }
  // A row found by email may name the customer another row names by id: the first row wins (the file was checked for
  // duplicates of the same email or id, not for an email that belongs to another row's customer).
  const taken = new Set<string>();
  const keyed = rows.flatMap((r) => {
    const customerId = r.customerId ?? byEmail.get(r.email!) ?? guestCustomerId(r.email!);
    if (taken.has(customerId)) return [];
    taken.add(customerId);
    return [{ r, customerId }];
  });
  const lowest = ctx.tiers[0]?.id ?? null;

  // 2. Create the missing members and lock every one, reading the balance a `set` moves from.
  const members = await sql.$queryRaw<
    Array<{ id: string; customerId: string; available: number; tierId: string | null; created: boolean }>
  >`
    INSERT INTO "Member" AS m (id, shop, "customerId", email, "firstName", "lastName", birthday, "tierId", "tierReachedAt", "tierKeptUntil", "updatedAt")
    SELECT v.id, ${shop}, v.customer, v.email, v.first, v.last, v.birthday::date, COALESCE(v.tier, ${lowest}::text),
           CASE WHEN COALESCE(v.tier, ${lowest}::text) IS NOT NULL THEN ${ctx.now}::timestamp END,
           CASE WHEN v.tier IS NOT NULL THEN ${ctx.keptUntil}::timestamp END, now()
    FROM unnest(${keyed.map(() => randomUUID())}::text[], ${keyed.map((k) => k.customerId)}::text[], ${keyed.map((k) => k.r.email)}::text[],
                ${keyed.map((k) => k.r.firstName)}::text[], ${keyed.map((k) => k.r.lastName)}::text[],
                ${keyed.map((k) => (k.r.birthday ? k.r.birthday.toISOString().slice(0, 10) : null))}::text[],
                ${keyed.map((k) => k.r.tierId)}::text[]) AS v(id, customer, email, first, last, birthday, tier)
    ON CONFLICT (shop, "customerId") DO UPDATE SET
      email = COALESCE(m.email, EXCLUDED.email), "firstName" = COALESCE(m."firstName", EXCLUDED."firstName"),
      "lastName" = COALESCE(m."lastName", EXCLUDED."lastName"), birthday = COALESCE(m.birthday, EXCLUDED.birthday), "updatedAt" = now()
    RETURNING m.id, m."customerId", m."pointsAvailable"::float8 AS available, m."tierId", (m.xmax = 0) AS created`;
  const member = new Map(members.map((m) => [m.customerId, m]));

  // 3. The ledger entries: the file's balance (set: the difference to reach it; add: the file's points).
  const entries = keyed.flatMap(({ r, customerId }) => {
    const m = member.get(customerId)!;
    const points = ctx.balance === 'set' ? r.points - m.available : r.points;
    return points === 0 ? [] : [{ memberId: m.id, points, idempotencyKey: `${ctx.keyPrefix}:row:${r.row}` }];
  });
  const points = await appendMany(sql, {
    shop,
    kind: 'ADJUST',
    source: 'IMPORT',
    sourceId: ctx.importId,
    reason: 'import',
    createdAt: ctx.now,
    expiresAt: ctx.expiresAt,
    entries,
  });

  // 4. Tiers the file names: members keep the status they had in the other app (never moved down by an import).
  const rank = new Map(ctx.tiers.map((t, i) => [t.id, i]));
  const lifts = keyed.flatMap(({ r, customerId }) => {
    const m = member.get(customerId)!;
    if (!r.tierId || m.created) return [];
    return (rank.get(r.tierId) ?? -1) > (m.tierId ? (rank.get(m.tierId) ?? -1) : -1) ? [{ id: m.id, tier: r.tierId }] : [];
  });
  if (lifts.length > 0) {
    await sql.$executeRaw`
      UPDATE "Member" m SET "tierId" = v.tier, "tierReachedAt" = ${ctx.now}::timestamp, "tierKeptUntil" = ${ctx.keptUntil}::timestamp, "updatedAt" = now()
      FROM unnest(${lifts.map((l) => l.id)}::text[], ${lifts.map((l) => l.tier)}::text[]) AS v(id, tier)
      WHERE m.id = v.id`;
  }
  return {
    members: members.length,
    created: members.filter((m) => m.created).length,
    guests: keyed.filter((k) => k.customerId.startsWith('guest:')).length,
    points,
    tiers: lifts.length + keyed.filter((k) => k.r.tierId && member.get(k.customerId)!.created).length,
  };
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
