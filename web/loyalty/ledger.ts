// The points ledger — the only writer of points. Every change is an
// append-only entry with an idempotency key unique per shop, and the member's
// cached balances move in the same statement, so at any time
//   available = Σ AVAILABLE entries      pending = Σ PENDING entries
//   lifetimeEarned = Σ available earnings (earns, clawbacks of them, positive adjustments)
//   lifetimeRedeemed = Σ available redemptions (net of redemptions given back)
// `npm run doctor` (web/loyalty/doctor.ts) proves it. Entries only ever change
// status (pending → available when released, pending → void when the order
// is cancelled first); points and keys never change. Each entry also writes
// its points.* event (web/events) in the same statement.
import { randomUUID } from 'node:crypto';
import type { Sql as Tx } from '../db/sql.js';
import type { PointKind, PointSource, PointStatus } from '../generated/prisma/enums.js';
import type { DomainEvent, StoredEvent } from '../events/catalog.js';
import { emitMany, emitted, fragment, joinFragments, outboxCte, prepare, runFragment, type Fragment } from '../events/emit.js';

export class NotEnoughPoints extends Error {
  constructor(
    readonly memberId: string,
    readonly requested: number,
  ) {
    super(`Member ${memberId} has fewer than ${requested} points available`);
  }
}

/**
 * The entry would take a balance beyond what a JavaScript number holds
 * exactly (±(2^53 − 1) points; the columns are BIGINT). Answered 422 like any
 * error carrying a 4xx `status` (web/http/errors.ts), never stored.
 */
export class BalanceLimitReached extends Error {
  readonly status = 422;
  readonly type = 'balance.limit';
  constructor(
    readonly memberId: string,
    readonly points: number,
  ) {
    super(
      `Adding ${points} points would take a balance of member ${memberId} beyond ${Number.MAX_SAFE_INTEGER}, the largest Tally counts exactly`,
    );
  }
}

export interface Entry {
  shop: string;
  memberId: string;
  kind: PointKind;
  /** Signed: credits positive, debits negative. */
  points: number;
  status: PointStatus;
  source: PointSource;
  idempotencyKey: string;
  sourceId?: string | null;
  orderId?: string | null;
  reason?: string | null;
  actor?: string | null;
  shortfall?: number;
  availableAt?: Date | null;
  expiresAt?: Date | null;
  createdAt?: Date;
}

export type AppendResult = 'appended' | 'duplicate';

/** What an AVAILABLE entry adds to lifetime earned / redeemed (the doctor uses the same rule in SQL). */
export function lifetimeEffect(kind: PointKind, source: PointSource, points: number): { earned: number; redeemed: number } {
  if (kind === 'REDEEM') return { earned: 0, redeemed: -points };
  if (kind === 'REVERSAL' && source === 'REWARD') return { earned: 0, redeemed: -points };
  if (kind === 'EARN' || kind === 'REVERSAL') return { earned: points, redeemed: 0 };
  if (kind === 'ADJUST' && points > 0) return { earned: points, redeemed: 0 };
  return { earned: 0, redeemed: 0 };
}

/**
 * Appends one entry and moves the member's balances, in one statement. A
 * repeated idempotency key changes nothing ('duplicate'). With `guard`, a
 * debit that would take the available balance below zero throws
 * NotEnoughPoints (and the caller's transaction rolls back).
 */
export async function append(tx: Tx, entry: Entry, options: { guard?: boolean } = {}): Promise<AppendResult> {
  // One instant for the entry, its activity and its event: the event's in-transaction reactions (the tier review
  // counts entries dated up to the event's time) must see the entry they react to, even across a millisecond tick.
  const e: Entry = { ...entry, createdAt: entry.createdAt ?? new Date() };
  // A zero-point entry only records a clawback shortfall (floor-at-zero policy).
  if (!Number.isSafeInteger(e.points) || (e.points === 0 && !e.shortfall))
    throw new Error(`Points must be a non-zero integer, got ${e.points}`);
  const available = e.status === 'AVAILABLE' ? e.points : 0;
  const pending = e.status === 'PENDING' ? e.points : 0;
  const { earned, redeemed } = e.status === 'AVAILABLE' ? lifetimeEffect(e.kind, e.source, e.points) : { earned: 0, redeemed: 0 };
  const guard = options.guard === true && available < 0;
  // Inactivity expiry counts from the shopper's own doings: earning, spending, an admin's adjustment.
  const activity = e.kind === 'EARN' || e.kind === 'REDEEM' || e.kind === 'ADJUST' ? e.createdAt! : null;
  // The entry, the balances and the entry's points.* event: one statement, one round trip.
  const event = prepare(entryEvent(e));
  const statement = joinFragments(
    fragment`
    WITH e AS (
      INSERT INTO "PointEntry" (id, shop, "memberId", kind, points, status, source, "sourceId", "orderId", reason, actor,
                                shortfall, "idempotencyKey", "availableAt", "expiresAt", "createdAt")
      VALUES (${randomUUID()}, ${e.shop}, ${e.memberId}, ${e.kind}::"PointKind", ${e.points}, ${e.status}::"PointStatus",
              ${e.source}::"PointSource", ${e.sourceId ?? null}, ${e.orderId ?? null}, ${e.reason ?? null}, ${e.actor ?? null},
              ${e.shortfall ?? 0}, ${e.idempotencyKey}, ${e.availableAt ?? null}, ${e.expiresAt ?? null}, ${e.createdAt!})
      ON CONFLICT (shop, "idempotencyKey") DO NOTHING
      RETURNING 1
    ), u AS (
      UPDATE "Member" SET
        "pointsAvailable" = "pointsAvailable" + ${available},
        "pointsPending" = "pointsPending" + ${pending},
        "lifetimeEarned" = "lifetimeEarned" + ${earned},
        "lifetimeRedeemed" = "lifetimeRedeemed" + ${redeemed},
        "lastActivityAt" = GREATEST("lastActivityAt", ${activity}::timestamp),
        "balanceVersion" = "balanceVersion" + 1,
        "updatedAt" = now()
      WHERE id = ${e.memberId} AND shop = ${e.shop} AND EXISTS (SELECT 1 FROM e)
        AND (${!guard} OR "pointsAvailable" + ${available} >= 0)
        -- Balances stay within what a JavaScript number holds exactly (2^53 − 1): BalanceLimitReached otherwise.
        -- Available and pending together too, so releasing pending points never passes it.
        AND abs("pointsAvailable" + ${available}) <= 9007199254740991 AND abs("pointsAvailable" + "pointsPending" + ${available} + ${pending}) <= 9007199254740991
          AND "lifetimeEarned" + ${earned} <= 9007199254740991 AND "lifetimeRedeemed" + ${redeemed} <= 9007199254740991
      RETURNING "pointsAvailable"::bigint AS balance
    ), `,
    outboxCte(event, 'u'),
    fragment`
    SELECT (SELECT count(*) FROM e)::int AS inserted, (SELECT count(*) FROM u)::int AS updated, (SELECT balance FROM u)::float8 AS balance`,
  );
  const [row] = await runFragment<Array<{ inserted: number; updated: number; balance: number | null }>>(tx, statement);
  if (row!.inserted === 0) return 'duplicate';
  if (row!.updated === 0) {
    const [member] = await tx.$queryRaw<Array<{ within: boolean }>>`
      SELECT abs("pointsAvailable" + ${available}) <= 9007199254740991 AND abs("pointsAvailable" + "pointsPending" + ${available} + ${pending}) <= 9007199254740991
             AND "lifetimeEarned" + ${earned} <= 9007199254740991 AND "lifetimeRedeemed" + ${redeemed} <= 9007199254740991 AS within
      FROM "Member" WHERE id = ${e.memberId} AND shop = ${e.shop}`;
    if (member && !member.within) throw new BalanceLimitReached(e.memberId, e.points);
    if (guard) throw new NotEnoughPoints(e.memberId, -available);
    throw new Error(`No member ${e.memberId} in ${e.shop}`);
  }
  await emitted(tx, { ...event, data: { ...event.data, balance: row!.balance ?? undefined } } as StoredEvent);
  return 'appended';
}

/** Which points.* event an entry is, in the merchant's words. */
function entryEventName(e: Entry): PointsEventName {
  if (e.kind === 'EARN') return e.status === 'PENDING' ? 'points.pending' : 'points.earned';
  if (e.kind === 'REDEEM') return 'points.spent';
  if (e.kind === 'REVERSAL') return e.source === 'REWARD' ? 'points.refunded' : 'points.clawed_back';
  if (e.kind === 'ADJUST') return 'points.adjusted';
  return 'points.expired';
}

type PointsEventName =
  'points.earned' | 'points.pending' | 'points.spent' | 'points.refunded' | 'points.clawed_back' | 'points.adjusted' | 'points.expired';

/** The entry's event; its cause is the entry's idempotency key (order:<gid>:earn, redemption:<id>, …). */
function entryEvent(e: Entry): DomainEvent<PointsEventName> {
  return {
    type: entryEventName(e),
    shop: e.shop,
    memberId: e.memberId,
    cause: e.idempotencyKey,
    at: e.createdAt ?? new Date(),
    data: {
      points: e.points,
      source: e.source,
      orderId: e.orderId ?? null,
      sourceId: e.sourceId ?? null,
      reason: e.reason ?? null,
      actor: e.actor ?? null,
      availableAt: e.availableAt?.toISOString() ?? null,
      expiresAt: e.expiresAt?.toISOString() ?? null,
      ...(e.shortfall ? { shortfall: e.shortfall } : {}),
    },
  } as DomainEvent<PointsEventName>;
}

type Base = Pick<Entry, 'shop' | 'memberId' | 'idempotencyKey'> &
  Partial<Pick<Entry, 'sourceId' | 'orderId' | 'reason' | 'expiresAt' | 'createdAt'>>;
const positive = (points: number) => {
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error(`Expected a positive number of points, got ${points}`);
  return points;
};

/** Points the member can spend now. */
export const earn = (tx: Tx, e: Base & { points: number; source: PointSource }) =>
  append(tx, { ...e, kind: 'EARN', status: 'AVAILABLE', points: positive(e.points) });

/** Points earned but held (return window, fulfilment) until `availableAt`. */
export const hold = (tx: Tx, e: Base & { points: number; source: PointSource; availableAt: Date | null }) =>
  append(tx, { ...e, kind: 'EARN', status: 'PENDING', points: positive(e.points) });

/** Spends points; never below zero. */
export const redeem = (tx: Tx, e: Base & { points: number; sourceId: string }) =>
  append(tx, { ...e, kind: 'REDEEM', status: 'AVAILABLE', source: 'REWARD', points: -positive(e.points) }, { guard: true });

/** Gives back the points of a redemption that did not happen (e.g. Shopify refused the discount). */
export const refundRedemption = (tx: Tx, e: Base & { points: number; sourceId: string }) =>
  append(tx, { ...e, kind: 'REVERSAL', status: 'AVAILABLE', source: 'REWARD', points: positive(e.points) });

/** A manual change by an admin, with the reason and who made it; a removal cannot go below zero. */
export const adjust = (tx: Tx, e: Base & { points: number; reason: string; actor: string | null }) =>
  append(tx, { ...e, kind: 'ADJUST', status: 'AVAILABLE', source: 'ADMIN' }, { guard: true });

/** Points that reached their expiry date or the inactivity limit. */
export const expire = (tx: Tx, e: Base & { points: number }) =>
  append(tx, { ...e, kind: 'EXPIRE', status: 'AVAILABLE', source: 'RULE', points: -positive(e.points) }, { guard: true });

/**
 * Takes back points of a refunded or cancelled purchase. While the order's
 * points are pending the clawback is pending too. Once available, the
 * merchant's policy decides whether the balance may go below zero; with
 * 'floor-at-zero' what could not be taken is recorded as the shortfall.
 */
export async function clawBack(
  tx: Tx,
  e: Base & {
    points: number;
    status: 'AVAILABLE' | 'PENDING';
    availableAt?: Date | null;
    policy: 'allow-negative' | 'floor-at-zero';
    source?: 'REFUND' | 'REFERRAL';
  },
): Promise<AppendResult> {
  let take = positive(e.points);
  let shortfall = 0; // counts as taken: the order is settled, the member is not chased
  if (e.status === 'AVAILABLE' && e.policy === 'floor-at-zero') {
    const [member] = await tx.$queryRaw<Array<{ available: number }>>`
      SELECT "pointsAvailable" AS available FROM "Member" WHERE id = ${e.memberId} FOR UPDATE`;
    const available = Math.max(0, member?.available ?? 0);
    shortfall = Math.max(0, take - available);
    take -= shortfall;
  }
  return append(tx, { ...e, kind: 'REVERSAL', source: e.source ?? 'REFUND', points: -take, shortfall, availableAt: e.availableAt ?? null });
}

/**
 * Makes an order's pending points available; returns how many points were
 * released. availableAt becomes when they actually did (an early release is
 * earlier than planned): tier progress counts points from then.
 */
export async function release(tx: Tx, shop: string, orderId: string, now = new Date()): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ memberId: string; points: number }>>`
    WITH r AS (
      UPDATE "PointEntry" SET status = 'AVAILABLE', "availableAt" = LEAST(COALESCE("availableAt", ${now}::timestamp), ${now}::timestamp)
      WHERE shop = ${shop} AND "orderId" = ${orderId} AND status = 'PENDING'
      RETURNING "memberId", points, kind, source
    ), s AS (
      SELECT "memberId", sum(points)::bigint AS points,
             sum(CASE WHEN kind IN ('EARN', 'REVERSAL') AND source <> 'REWARD' THEN points ELSE 0 END)::bigint AS earned
      FROM r GROUP BY "memberId"
    ), u AS (
      UPDATE "Member" m SET
        "pointsAvailable" = m."pointsAvailable" + s.points,
        "pointsPending" = m."pointsPending" - s.points,
        "lifetimeEarned" = m."lifetimeEarned" + s.earned,
        "balanceVersion" = m."balanceVersion" + 1,
        "updatedAt" = now()
      FROM s WHERE m.id = s."memberId"
      RETURNING s."memberId", s.points
    )
    SELECT "memberId", points FROM u`;
  await emitMany(
    tx,
    rows.map((r) => ({
      type: 'points.released',
      shop,
      memberId: r.memberId,
      cause: `order:${orderId}`,
      at: now,
      data: { orderId, points: r.points },
    })),
  );
  return rows.reduce((sum, r) => sum + r.points, 0);
}

/** An order cancelled or fully refunded before its points were released: they never reach the balance. */
export async function voidPending(tx: Tx, shop: string, orderId: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ memberId: string; points: number }>>`
    WITH v AS (
      UPDATE "PointEntry" SET status = 'VOID'
      WHERE shop = ${shop} AND "orderId" = ${orderId} AND status = 'PENDING'
      RETURNING "memberId", points
    ), s AS (SELECT "memberId", sum(points)::bigint AS points FROM v GROUP BY "memberId"),
    u AS (
      UPDATE "Member" m SET "pointsPending" = m."pointsPending" - s.points, "balanceVersion" = m."balanceVersion" + 1, "updatedAt" = now()
      FROM s WHERE m.id = s."memberId"
      RETURNING s."memberId", s.points
    )
    SELECT "memberId", points FROM u`;
  await emitMany(
    tx,
    rows.map((r) => ({
      type: 'points.voided',
      shop,
      memberId: r.memberId,
      cause: `order:${orderId}`,
      data: { orderId, points: r.points },
    })),
  );
  return rows.reduce((sum, r) => sum + r.points, 0);
}

/** One member's entry in a bulk append (appendMany). */
export interface BulkEntry {
  memberId: string;
  points: number;
  idempotencyKey: string;
}

/**
 * Appends many AVAILABLE entries of one kind and source in one statement and
 * moves each member's cached balances by what was actually written (a
 * repeated key changes nothing), by the same lifetime rule as append(). For
 * set-based writers such as imports, where a statement per entry would not
 * keep up; they emit no points.* event per entry (an import is not news to
 * the member). The entries are a list, or `{ select }`: a SELECT yielding
 * (member id, points, idempotency key) rows, run in the same statement (e.g.
 * from an import's staging table, so the rows never travel to the app and
 * back). Returns the net points written.
 */
export async function appendMany(
  tx: Tx,
  batch: {
    shop: string;
    kind: Extract<PointKind, 'ADJUST' | 'REVERSAL'>;
    source: PointSource;
    sourceId: string;
    reason: string;
    createdAt: Date;
    expiresAt?: Date | null;
    entries: readonly BulkEntry[] | { select: Fragment };
  },
): Promise<number> {
  const { shop, kind, source, entries } = batch;
  if (Array.isArray(entries) && entries.length === 0) return 0;
  const raw = (text: string): Fragment => ({ strings: [text], values: [] });
  const rows: Fragment =
    'select' in entries
      ? joinFragments(raw('SELECT gen_random_uuid()::text, q.* FROM ('), entries.select, raw(') AS q'))
      : fragment`SELECT * FROM unnest(${entries.map(() => randomUUID())}::text[], ${entries.map((e) => e.memberId)}::text[],
                     ${entries.map((e) => e.points)}::bigint[], ${entries.map((e) => e.idempotencyKey)}::text[])`;
  // lifetimeEffect() in SQL: a reversal moves lifetime earned by its points, a positive adjustment by its points.
  const earned = raw(kind === 'REVERSAL' ? 'points' : 'GREATEST(points, 0)');
  const touches = kind === 'ADJUST' ? fragment`"lastActivityAt" = GREATEST(m."lastActivityAt", ${batch.createdAt}::timestamp),` : raw('');
  const [moved] = await runFragment<Array<{ points: number }>>(
    tx,
    joinFragments(
      fragment`WITH v (id, member, points, key) AS (`,
      rows,
      fragment`), e AS (
         INSERT INTO "PointEntry" (id, shop, "memberId", kind, points, status, source, "sourceId", reason, "idempotencyKey", "expiresAt", "createdAt")
         SELECT v.id, ${shop}, v.member, ${kind}::"PointKind", v.points, 'AVAILABLE', ${source}::"PointSource", ${batch.sourceId}, ${batch.reason},
                v.key, ${batch.expiresAt ?? null}::timestamp, ${batch.createdAt}::timestamp
         FROM v WHERE v.points <> 0
         ON CONFLICT (shop, "idempotencyKey") DO NOTHING
         RETURNING "memberId", points
       ), s AS (
         SELECT "memberId", sum(points)::bigint AS points, sum(`,
      earned,
      fragment`)::bigint AS earned FROM e GROUP BY "memberId"
       ), u AS (
         UPDATE "Member" m SET "pointsAvailable" = m."pointsAvailable" + s.points, "lifetimeEarned" = m."lifetimeEarned" + s.earned, `,
      touches,
      fragment` "balanceVersion" = m."balanceVersion" + 1, "updatedAt" = now()
         FROM s WHERE m.id = s."memberId"
         RETURNING s.points
       )
       SELECT COALESCE(sum(points), 0)::float8 AS points FROM u`,
    ),
  );
  return moved?.points ?? 0;
}

/**
 * Creates members that start with a balance, each with its one AVAILABLE
 * ADJUST entry, in one statement: the member's row is written once with its
 * balances already moved (available and lifetime earned = the entry's points,
 * balanceVersion 1), instead of created at zero and updated (an update
 * rewrites every index of the row, the trigram one too: the largest cost of a
 * bulk import). `members` is a SELECT yielding, in this order: id,
 * "customerId", email, "firstName", "lastName", birthday (date), "tierId",
 * "tierReachedAt", "tierKeptUntil", points (≥ 0; 0 writes no entry) and the
 * entry's idempotency key. A customer that already has a member is skipped
 * (ON CONFLICT DO NOTHING: the caller finds it afterwards, its row id is not
 * the one given). If an entry's key was already written, the new member's
 * balance goes back to zero in the same transaction, so balances always equal
 * the entries (the doctor's rule). Returns the members created and the points
 * written.
 */
export async function openAccounts(
  tx: Tx,
  batch: {
    shop: string;
    source: PointSource;
    sourceId: string;
    reason: string;
    createdAt: Date;
    expiresAt?: Date | null;
    members: Fragment;
  },
): Promise<{ created: number; points: number }> {
  const { shop, createdAt } = batch;
  const [result] = await runFragment<Array<{ created: number; points: number; negative: number; unwritten: string[] | null }>>(
    tx,
    joinFragments(
      fragment`WITH v (id, customer, email, first, last, birthday, tier, reached, kept, points, key) AS (`,
      batch.members,
      fragment`), m AS (
         INSERT INTO "Member" AS m (id, shop, "customerId", email, "firstName", "lastName", birthday, "tierId", "tierReachedAt", "tierKeptUntil",
                                    "pointsAvailable", "lifetimeEarned", "lastActivityAt", "balanceVersion", "updatedAt")
         SELECT v.id, ${shop}, v.customer, v.email, v.first, v.last, v.birthday, v.tier, v.reached, v.kept,
                v.points, v.points, CASE WHEN v.points <> 0 THEN ${createdAt}::timestamp END, CASE WHEN v.points <> 0 THEN 1 ELSE 0 END, now()
         FROM v WHERE v.points >= 0
         ON CONFLICT (shop, "customerId") DO NOTHING
         RETURNING m.id, m."pointsAvailable" AS points
       ), e AS (
         INSERT INTO "PointEntry" (id, shop, "memberId", kind, points, status, source, "sourceId", reason, "idempotencyKey", "expiresAt", "createdAt")
         SELECT gen_random_uuid()::text, ${shop}, m.id, 'ADJUST', m.points, 'AVAILABLE', ${batch.source}::"PointSource", ${batch.sourceId},
                ${batch.reason}, v.key, ${batch.expiresAt ?? null}::timestamp, ${createdAt}::timestamp
         FROM m JOIN v ON v.id = m.id WHERE m.points <> 0
         ON CONFLICT (shop, "idempotencyKey") DO NOTHING
         RETURNING "memberId", points
       )
       SELECT (SELECT count(*) FROM m)::int AS created, (SELECT COALESCE(sum(points), 0) FROM e)::float8 AS points,
              (SELECT count(*) FROM v WHERE v.points < 0)::int AS negative,
              (SELECT array_agg(m.id) FROM m LEFT JOIN e ON e."memberId" = m.id WHERE m.points <> 0 AND e."memberId" IS NULL) AS unwritten`,
    ),
  );
  if (result!.negative > 0) throw new Error(`openAccounts: ${result!.negative} members would start below zero`);
  if (result!.unwritten?.length) {
    await tx.$executeRaw`
      UPDATE "Member" SET "pointsAvailable" = 0, "lifetimeEarned" = 0, "lastActivityAt" = NULL, "balanceVersion" = 0, "updatedAt" = now()
      WHERE id = ANY(${result!.unwritten}::text[])`;
  }
  return { created: result!.created, points: result!.points };
}
