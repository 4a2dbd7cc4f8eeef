// expire-points: applies each shop's expiry policy once a day, and tells
// members ahead of time ("points.expiring_soon" events for notifications).
//   after-earning     each credit expires `months` after it was earned; debits
//                     are taken to have used the oldest credits first (FIFO).
//   after-inactivity  the whole balance expires `months` after the member's
//                     last activity.
// Each member is handled in a short transaction holding the member's row
// lock, so a redemption at the same moment either comes first (and is counted
// as a debit) or waits and finds the expired balance. Expiry entries are keyed
// `expire:<memberId>:<shop-local date>`, and the FIFO amount subtracts what
// earlier expiries already took, so a re-run expires nothing more.
import type { PrismaClient, Tx } from '../db.js';
import { transaction } from '../db/sql.js';
import { expire } from '../loyalty/ledger.js';
import { emit } from '../events/emit.js';
import { expiringFifo, type ExpiryInput } from '../loyalty/domain/points.js';
import { inactivityExpiresAt, type ExpiryPolicy } from '../loyalty/domain/program.js';
import type { LoadedProgram, Programs } from '../loyalty/program.js';
import { activeShops, BATCH_SIZE, isolated, isoLocalDate, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

const DAY_MS = 86_400_000;
export const EXPIRING_SOON = 'points.expiring_soon';

export interface ExpireResult {
  /** Members whose points expired in this run. */
  members: number;
  points: number;
  /** points.expiring_soon events recorded. */
  notices: number;
  failures: Failure[];
}

type Credit = ExpiryInput['credits'][number] & { expiresAt: Date };
type MemberExpiry = Omit<ExpiryInput, 'credits'> & { credits: Credit[] };

/**
 * What FIFO expiry needs for each member: credits that expire by `horizon`
 * (oldest first), and the points debits and expiries have taken so far. A
 * redemption given back (REVERSAL of a REWARD) un-does its debit.
 */
async function loadExpiryInputs(db: Tx, shop: string, memberIds: string[], horizon: Date): Promise<Map<string, MemberExpiry>> {
  const rows = await db.$queryRaw<
    Array<{
      memberId: string;
      credits: Array<{ points: number; expiresAtMs: number }> | null;
      redeemed: number;
      taken: number;
      expired: number;
    }>
  >`
    SELECT e."memberId",
      json_agg(json_build_object('points', e.points, 'expiresAtMs', extract(epoch FROM e."expiresAt") * 1000) ORDER BY e."expiresAt")
        FILTER (WHERE e.points > 0 AND e."expiresAt" <= ${horizon}) AS credits,
      COALESCE(-sum(e.points) FILTER (WHERE e.kind = 'REDEEM' OR (e.kind = 'REVERSAL' AND e.source = 'REWARD')), 0)::bigint AS redeemed,
      COALESCE(-sum(e.points) FILTER (WHERE e.points < 0 AND (e.kind = 'ADJUST' OR (e.kind = 'REVERSAL' AND e.source <> 'REWARD'))), 0)::bigint AS taken,
      COALESCE(-sum(e.points) FILTER (WHERE e.kind = 'EXPIRE'), 0)::bigint AS expired
    FROM "PointEntry" e
    WHERE e.shop = ${shop} AND e."memberId" = ANY(${memberIds}::text[]) AND e.status = 'AVAILABLE'
    GROUP BY e."memberId"`;
  return new Map(
    rows.map((r) => [
      r.memberId,
      {
        credits: (r.credits ?? []).map((c) => ({ points: c.points, expiresAt: new Date(c.expiresAtMs) })),
        debitedSoFar: Math.max(0, r.redeemed) + r.taken,
        expiredSoFar: r.expired,
      },
    ]),
  );
}

interface LockedMember {
  available: number;
  lastActivityAt: Date | null;
  createdAt: Date;
  redactedAt: Date | null;
}

async function lockMember(tx: Tx, shop: string, memberId: string): Promise<LockedMember | null> {
  const rows = await tx.$queryRaw<LockedMember[]>`
    SELECT "pointsAvailable" AS available, "lastActivityAt", "createdAt", "redactedAt"
    FROM "Member" WHERE id = ${memberId} AND shop = ${shop} FOR UPDATE`;
  return rows[0] ?? null;
}

/** Emits a points.expiring_soon event unless the member already has one for that date. */
async function noticeOnce(
  tx: Tx,
  shop: string,
  memberId: string,
  data: { points: number; expiresOn: string; expiresAt: Date; policy: ExpiryPolicy['kind'] },
) {
  const seen = await tx.$queryRaw<unknown[]>`
    SELECT 1 FROM "Event" WHERE shop = ${shop} AND "memberId" = ${memberId} AND type = ${EXPIRING_SOON}
      AND data->>'expiresOn' = ${data.expiresOn} LIMIT 1`;
  if (seen.length > 0) return false;
  await emit(tx, {
    type: EXPIRING_SOON,
    shop,
    memberId,
    cause: `job:expire-points:${data.expiresOn}`,
    data: { ...data, expiresAt: data.expiresAt.toISOString() },
  });
  return true;
}

interface Context {
  program: LoadedProgram;
  now: Date;
  horizon: Date;
  today: string;
}

type Outcome = { expired: number; notices: number };

/** FIFO expiry for one member, then one notice per upcoming expiry date (shop-local) within the horizon. */
async function expireAfterEarning(tx: Tx, ctx: Context, memberId: string, months: number): Promise<Outcome> {
  const { program, now, horizon } = ctx;
  const member = await lockMember(tx, program.shop, memberId);
  const input = (await loadExpiryInputs(tx, program.shop, [memberId], horizon)).get(memberId);
  if (!member || !input) return { expired: 0, notices: 0 };
  // The cap only matters if the ledger holds debits FIFO does not know of.
  const due = Math.min(expiringFifo({ ...input, at: now }), Math.max(0, member.available));
  let expired = 0;
  if (due > 0) {
    const reason = `Expired ${months} month${months === 1 ? '' : 's'} after earning`;
    if (
      (await expire(tx, {
        shop: program.shop,
        memberId,
        points: due,
        reason,
        idempotencyKey: `expire:${memberId}:${ctx.today}`,
        createdAt: now,
      })) === 'appended'
    ) {
      expired = due;
    }
  }
  if (member.redactedAt) return { expired, notices: 0 };

  const after = { ...input, expiredSoFar: input.expiredSoFar + expired };
  const lastOfDay = new Map<string, { first: Date; last: Date }>();
  for (const { expiresAt } of input.credits) {
    if (expiresAt <= now) continue;
    const day = isoLocalDate(expiresAt, program.timeZone);
    const seen = lastOfDay.get(day);
    lastOfDay.set(day, { first: seen?.first ?? expiresAt, last: expiresAt });
  }
  let notices = 0;
  let before = expiringFifo({ ...after, at: now });
  for (const [expiresOn, { first, last }] of lastOfDay) {
    const byThen = expiringFifo({ ...after, at: last });
    const points = byThen - before;
    before = byThen;
    if (points > 0 && (await noticeOnce(tx, program.shop, memberId, { points, expiresOn, expiresAt: first, policy: 'after-earning' })))
      notices += 1;
  }
  return { expired, notices };
}

/** The whole balance after `months` without activity; a notice once the date is within the horizon. */
async function expireAfterInactivity(tx: Tx, ctx: Context, memberId: string, policy: ExpiryPolicy): Promise<Outcome> {
  const { program, now, horizon } = ctx;
  const member = await lockMember(tx, program.shop, memberId);
  if (!member || member.available <= 0) return { expired: 0, notices: 0 };
  const expiresAt = inactivityExpiresAt(member.lastActivityAt ?? member.createdAt, policy);
  if (!expiresAt || expiresAt > horizon) return { expired: 0, notices: 0 };
  if (expiresAt <= now) {
    const months = policy.kind === 'after-inactivity' ? policy.months : 0;
    const reason = `Expired after ${months} month${months === 1 ? '' : 's'} without activity`;
    const result = await expire(tx, {
      shop: program.shop,
      memberId,
      points: member.available,
      reason,
      idempotencyKey: `expire:${memberId}:${ctx.today}`,
      createdAt: now,
    });
    return { expired: result === 'appended' ? member.available : 0, notices: 0 };
  }
  if (member.redactedAt) return { expired: 0, notices: 0 };
  const expiresOn = isoLocalDate(expiresAt, program.timeZone);
  const noticed = await noticeOnce(tx, program.shop, memberId, {
    points: member.available,
    expiresOn,
    expiresAt,
    policy: 'after-inactivity',
  });
  return { expired: 0, notices: noticed ? 1 : 0 };
}

/** Members of the shop that may have points to expire or to warn about, in batches (keyset on id). */
async function* candidates(prisma: PrismaClient, ctx: Context): AsyncGenerator<string[]> {
  const { program, horizon } = ctx;
  const policy = program.settings.expiry;
  let after = '';
  for (;;) {
    let ids: string[];
    if (policy.kind === 'after-inactivity') {
      // Loose bound (month ends are clamped); the exact date is checked per member.
      const cutoff = new Date(horizon.getTime() - policy.months * 28 * DAY_MS);
      const rows = await prisma.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "Member"
        WHERE shop = ${program.shop} AND id > ${after} AND "pointsAvailable" > 0 AND COALESCE("lastActivityAt", "createdAt") <= ${cutoff}
        ORDER BY id LIMIT ${BATCH_SIZE}`;
      ids = rows.map((r) => r.id);
      if (ids.length === 0) return;
      after = ids[ids.length - 1]!;
      yield ids;
    } else {
      const rows = await prisma.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "Member"
        WHERE shop = ${program.shop} AND id > ${after} AND "pointsAvailable" > 0
        ORDER BY id LIMIT ${BATCH_SIZE}`;
      ids = rows.map((r) => r.id);
      if (ids.length === 0) return;
      after = ids[ids.length - 1]!;
      // Only members with something expiring by the horizon get a transaction.
      const inputs = await loadExpiryInputs(prisma, program.shop, ids, horizon);
      yield ids.filter((id) => {
        const input = inputs.get(id);
        return input !== undefined && input.credits.length > 0 && expiringFifo({ ...input, at: horizon }) > 0;
      });
    }
    if (ids.length < BATCH_SIZE) return;
  }
}

/** Applies every shop's expiry policy at `now`. */
export async function expirePoints(prisma: PrismaClient, programs: Programs, now: Date): Promise<ExpireResult> {
  const result: ExpireResult = { members: 0, points: 0, notices: 0, failures: [] };
  for (const shop of await activeShops(prisma)) {
    const program = await programs.get(shop);
    const policy = program?.settings.expiry;
    if (!program || !policy || policy.kind === 'never') continue;
    const ctx: Context = {
      program,
      now,
      horizon: new Date(now.getTime() + program.settings.expiringSoonDays * DAY_MS),
      today: isoLocalDate(now, program.timeZone),
    };
    for await (const ids of candidates(prisma, ctx)) {
      for (const memberId of ids) {
        await isolated(result.failures, shop, memberId, async () => {
          const outcome = await transaction(prisma, (tx) =>
            policy.kind === 'after-earning'
              ? expireAfterEarning(tx, ctx, memberId, policy.months)
              : expireAfterInactivity(tx, ctx, memberId, policy),
          );
          if (outcome.expired > 0) result.members += 1;
          result.points += outcome.expired;
          result.notices += outcome.notices;
        });
      }
    }
  }
  return result;
}

export async function expirePointsJob(_data: object, { prisma, programs, logger }: JobDeps): Promise<void> {
  const { members, points, notices, failures } = await expirePoints(prisma, programs, new Date());
  logger.info({ members, points, notices }, 'expired points');
  reportFailures('expire-points', failures, logger);
}
