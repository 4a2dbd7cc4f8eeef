// VIP tiers in the engine. Progress is never stored: it is summed from the
// ledger and the orders whenever it is needed, so editing thresholds, basis or
// period loses nobody's progress. What is stored is the tier a member holds
// (Member.tierId, tierReachedAt, tierKeptUntil), because downgrades wait for
// the policy and that must be remembered.
//
// Two ways in, one decision (qualifyProgress in the pure domain):
//  - reviewTier: after a ledger change that may raise progress, in the same
//    transaction. It only ever moves a member up: a refund that crosses back
//    below a threshold never downgrades at once.
//  - planTiers / applyTierPlan: every member of a shop (or those whose tier
//    is due for review) in one set-based pass: one aggregate query, the pure
//    decision in memory, bulk UPDATEs with unnest. Used by tier edits (with a
//    preview first) and by the hourly review job, which applies downgrades.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.js';
import { emit, emitMany } from '../events/emit.js';
import type { DomainEvent } from '../events/catalog.js';
import { periodStart } from './domain/tiers/period.js';
import type { TierDefinition, TierPolicy } from './domain/tiers/policy.js';
import { qualifyProgress, tierMove, type MemberTierState, type Qualification, type TierMove } from './domain/tiers/qualify.js';
import type { LoadedProgram } from './program.js';
import { applyingTiers } from './working-program.js';

/** The tiers and policy a computation uses: the program's, or an edit being previewed. */
export interface TierSetup {
  shop: string;
  timeZone: string;
  tiers: readonly TierDefinition[];
  policy: TierPolicy;
}

export const tierSetup = (program: LoadedProgram): TierSetup => ({
  shop: program.shop,
  timeZone: program.timeZone,
  tiers: program.tiers,
  policy: program.settings.tierPolicy,
});

/** The instant progress starts counting at `now`: the period's start or the policy's start date, whichever is later. */
function countingFrom(policy: TierPolicy, now: Date, timeZone: string): Date {
  const from = periodStart(policy.period, now, timeZone)?.getTime() ?? 0;
  return new Date(Math.max(from, policy.startDate?.getTime() ?? 0));
}

/**
 * Progress per member at `now` (members with none are absent). `memberIds`
 * null means every member of the shop. The three bases:
 *  - points-earned: available earnings (earns, their clawbacks, positive
 *    adjustments — lifetimeEarned's rule) dated when they became available,
 *    so pending points do not count and redemptions never lower progress;
 *  - amount-spent: Order.spentMinor (earn base net of refunds) by order date;
 *  - orders: paid orders not cancelled or fully refunded, by order date.
 */
export async function sumProgress(
  sql: Sql,
  setup: Pick<TierSetup, 'shop' | 'policy' | 'timeZone'>,
  now: Date,
  memberIds: string[] | null,
): Promise<Map<string, number>> {
  const { shop, policy } = setup;
  const from = countingFrom(policy, now, setup.timeZone);
  // `$ids IS NULL OR … = ANY($ids)`: unnamed statements are planned with their values, so the member index is still used.
  let rows: Array<{ id: string; progress: string | number }>;
  switch (policy.basis) {
    case 'points-earned':
      rows = await sql.$queryRaw`
        SELECT "memberId" AS id, sum(points)::bigint AS progress FROM "PointEntry"
        WHERE shop = ${shop} AND (${memberIds}::text[] IS NULL OR "memberId" = ANY(${memberIds}::text[])) AND status = 'AVAILABLE'
          AND (kind = 'EARN' OR (kind = 'REVERSAL' AND source <> 'REWARD') OR (kind = 'ADJUST' AND points > 0))
          AND COALESCE("availableAt", "createdAt") BETWEEN ${from} AND ${now}
        GROUP BY "memberId"`;
      break;
    case 'amount-spent':
      rows = await sql.$queryRaw`
        SELECT "memberId" AS id, sum("spentMinor")::bigint AS progress FROM "Order"
        WHERE shop = ${shop} AND "memberId" IS NOT NULL AND (${memberIds}::text[] IS NULL OR "memberId" = ANY(${memberIds}::text[]))
          AND "processedAt" BETWEEN ${from} AND ${now}
        GROUP BY "memberId"`;
      break;
    case 'orders':
      rows = await sql.$queryRaw`
        SELECT "memberId" AS id, count(*)::bigint AS progress FROM "Order"
        WHERE shop = ${shop} AND "memberId" IS NOT NULL AND (${memberIds}::text[] IS NULL OR "memberId" = ANY(${memberIds}::text[]))
          AND "earnBaseMinor" IS NOT NULL AND "cancelledAt" IS NULL AND COALESCE("financialStatus", '') <> 'refunded'
          AND "processedAt" BETWEEN ${from} AND ${now}
        GROUP BY "memberId"`;
      break;
  }
  return new Map(rows.map((r) => [r.id, Math.max(0, Number(r.progress))]));
}

interface StoredTier {
  id: string;
  tierId: string | null;
  tierReachedAt: Date | null;
  tierKeptUntil: Date | null;
  manualTierId: string | null;
  manualTierLockedUntil: Date | null;
}

const stateOf = (m: StoredTier): MemberTierState => ({
  current: m.tierId && m.tierReachedAt ? { tierId: m.tierId, reachedAt: m.tierReachedAt } : null,
  manual: m.manualTierId ? { tierId: m.manualTierId, lockedUntil: m.manualTierLockedUntil } : null,
});

/** A member's tier decided: what to store, and how it moved. */
export interface PlannedTier {
  memberId: string;
  fromTierId: string | null;
  move: TierMove;
  q: Qualification;
  /** Whether the stored row differs from what should be stored (a move, a renewed keptUntil, a first assignment). */
  changed: boolean;
}

function plan(m: StoredTier, progress: number, setup: TierSetup, now: Date): PlannedTier {
  const q = qualifyProgress(progress, stateOf(m), setup.tiers, setup.policy, now, setup.timeZone);
  const move = tierMove(m.tierId, q.tier, setup.tiers);
  const changed =
    move !== 'stay' ||
    m.tierId !== q.tier.id ||
    m.tierReachedAt?.getTime() !== q.reachedAt.getTime() ||
    (m.tierKeptUntil?.getTime() ?? null) !== (q.keptUntil?.getTime() ?? null);
  return { memberId: m.id, fromTierId: m.tierId, move, q, changed };
}

export type ChangeReason = 'upgrade' | 'downgrade' | 'manual' | 'edit';

/**
 * Stores planned tiers in bulk. A row is written only if its tier did not
 * change since it was planned (a webhook may have upgraded it meanwhile; its
 * own review stands). Moves up or down record a TierChange and a
 * `tier.changed` event, whose subscribers react (the entry reward of an
 * upgrade: web/subscribers/tier.changed/). Every write bumps balanceVersion
 * so the Shopify sync sends the new tier tag.
 */
export async function applyTierPlan(
  sql: Sql,
  setup: TierSetup,
  planned: readonly PlannedTier[],
  how: { reason?: ChangeReason; actor?: string | null; note?: string | null },
  now: Date,
  onChunk: (done: number, total: number) => void = () => undefined,
): Promise<number> {
  const rows = planned.filter((p) => p.changed);
  // The tiers applied (a tier edit's new ones) are what this transaction's tier.changed subscribers read.
  applyingTiers(sql, setup);
  onChunk(0, rows.length);
  const byId = new Map(setup.tiers.map((t) => [t.id, t]));
  let written = 0;
  for (let i = 0; i < rows.length; i += 20_000) {
    const chunk = rows.slice(i, i + 20_000);
    const updated = await sql.$queryRaw<Array<{ id: string }>>`
      UPDATE "Member" m SET "tierId" = v.tier, "tierReachedAt" = v.reached, "tierKeptUntil" = v.kept,
        "balanceVersion" = m."balanceVersion" + 1, "updatedAt" = now()
      FROM unnest(${chunk.map((p) => p.memberId)}::text[], ${chunk.map((p) => p.fromTierId)}::text[], ${chunk.map((p) => p.q.tier.id)}::text[],
                  ${chunk.map((p) => p.q.reachedAt)}::timestamp[], ${chunk.map((p) => p.q.keptUntil)}::timestamp[]) AS v(id, was, tier, reached, kept)
      WHERE m.id = v.id AND m.shop = ${setup.shop} AND m."tierId" IS NOT DISTINCT FROM v.was
      RETURNING m.id`;
    written += updated.length;
    const done = new Set(updated.map((u) => u.id));
    const moves = chunk.filter((p) => p.move !== 'stay' && done.has(p.memberId));
    await recordChanges(sql, setup, moves, how, byId, now);
    onChunk(i + chunk.length, rows.length);
  }
  return written;
}

async function recordChanges(
  sql: Sql,
  setup: TierSetup,
  moves: PlannedTier[],
  how: { reason?: ChangeReason; actor?: string | null; note?: string | null },
  byId: Map<string, TierDefinition>,
  now: Date,
) {
  if (moves.length === 0) return;
  const reasons = moves.map((p) => how.reason ?? (p.move === 'up' ? 'upgrade' : 'downgrade'));
  const fromNames = moves.map((p) => (p.fromTierId ? (byId.get(p.fromTierId)?.name ?? null) : null));
  const changed = await sql.$queryRaw<
    Array<{ memberId: string; fromTierId: string | null; fromName: string | null; toTierId: string; toName: string; reason: string }>
  >`
    INSERT INTO "TierChange" (id, shop, "memberId", "fromTierId", "toTierId", "fromName", "toName", reason, actor, note, "createdAt")
    SELECT gen_random_uuid()::text, ${setup.shop}, v.member, v.was, v.tier, v.was_name, v.tier_name, v.reason, ${how.actor ?? null}, ${how.note ?? null}, ${now}
    FROM unnest(${moves.map((p) => p.memberId)}::text[], ${moves.map((p) => p.fromTierId)}::text[], ${moves.map((p) => p.q.tier.id)}::text[],
                ${fromNames}::text[], ${moves.map((p) => p.q.tier.name)}::text[], ${reasons}::text[]) AS v(member, was, tier, was_name, tier_name, reason)
    RETURNING "memberId", "fromTierId", "fromName", "toTierId", "toName", reason`;
  const up = new Map(moves.map((p) => [p.memberId, p.move === 'up']));
  // A manual placement or a tier edit moves up or down by where the member lands.
  const direction = (c: { memberId: string; reason: string }) =>
    c.reason === 'upgrade' || (['edit', 'manual'].includes(c.reason) && up.get(c.memberId)) ? 'up' : 'down';
  await emitMany(
    sql,
    changed.map((c) => ({
      type: 'tier.changed' as const,
      shop: setup.shop,
      memberId: c.memberId,
      cause: how.actor ? `admin:${how.actor}` : `tier-review:${c.reason}`,
      at: now,
      data: { from: c.fromTierId, fromName: c.fromName, to: c.toTierId, toName: c.toName, direction: direction(c), reason: c.reason },
    })),
  );
}

/**
 * After a ledger change that may have raised progress: moves the member up
 * (or assigns their first tier) at once, in the caller's transaction.
 * Never moves down; the review job applies downgrades when the policy allows.
 */
export async function reviewTier(sql: Sql, program: LoadedProgram | null, memberId: string, now = new Date()): Promise<PlannedTier | null> {
  if (!program || program.tiers.length === 0) return null;
  const setup = tierSetup(program);
  const [member] = await sql.$queryRaw<StoredTier[]>`
    SELECT id, "tierId", "tierReachedAt", "tierKeptUntil", "manualTierId", "manualTierLockedUntil"
    FROM "Member" WHERE id = ${memberId} AND shop = ${program.shop} AND "redactedAt" IS NULL FOR UPDATE`;
  if (!member) return null;
  const progress = (await sumProgress(sql, setup, now, [memberId])).get(memberId) ?? 0;
  const planned = plan(member, progress, setup, now);
  if (!planned.changed || planned.move === 'down') return null;
  // Keeping the same tier: only a first assignment is written here; renewals are the job's.
  if (planned.move === 'stay' && member.tierId !== null) return null;
  await applyTierPlan(sql, setup, [planned], {}, now);
  return planned;
}

/** How far ahead a downgrade is announced (tier.at_risk). */
export const AT_RISK_DAYS = 30;
const DAY = 86_400_000;

/**
 * Announces downgrades due within AT_RISK_DAYS: a member whose tier is kept
 * until a date in that window, and whom the progress that will count then
 * (what they have earned so far of the period that date falls in) puts in a
 * lower tier, gets one `tier.at_risk` per tier period — the event names the
 * kept-until date, and a member already told of it is not told again.
 * Members are judged per day of their kept-until date (one progress query per
 * day, whatever the number of members). Returns how many were told.
 */
export async function announceTiersAtRisk(sql: Sql, setup: TierSetup, now: Date): Promise<number> {
  if (setup.tiers.length < 2) return 0;
  const horizon = new Date(now.getTime() + AT_RISK_DAYS * DAY);
  const members = await sql.$queryRaw<StoredTier[]>`
    SELECT m.id, m."tierId", m."tierReachedAt", m."tierKeptUntil", m."manualTierId", m."manualTierLockedUntil" FROM "Member" m
    WHERE m.shop = ${setup.shop} AND m."redactedAt" IS NULL AND m."tierId" IS NOT NULL AND m."tierKeptUntil" > ${now} AND m."tierKeptUntil" <= ${horizon}
      AND NOT EXISTS (SELECT 1 FROM "Event" e WHERE e.shop = m.shop AND e."memberId" = m.id AND e.type = 'tier.at_risk'
                      AND e.data->>'keptUntil' = to_char(m."tierKeptUntil", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
  const byDay = new Map<string, StoredTier[]>();
  for (const m of members) {
    const day = m.tierKeptUntil!.toISOString().slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), m]);
  }
  const sorted = [...setup.tiers].sort((a, b) => a.threshold - b.threshold);
  const events: DomainEvent<'tier.at_risk'>[] = [];
  for (const group of byDay.values()) {
    const due = new Date(Math.max(...group.map((m) => m.tierKeptUntil!.getTime())));
    // What counts at the kept-until date: the period it falls in, up to now (later entries do not exist yet).
    const progress = await sumProgress(
      sql,
      setup,
      due,
      group.map((m) => m.id),
    );
    for (const m of group) {
      const held = sorted.find((t) => t.id === m.tierId);
      if (!held) continue;
      const left = progress.get(m.id) ?? 0;
      const then = qualifyProgress(left, stateOf(m), setup.tiers, setup.policy, new Date(m.tierKeptUntil!.getTime() + 1), setup.timeZone);
      if (then.tier.threshold >= held.threshold) continue;
      events.push({
        type: 'tier.at_risk',
        shop: setup.shop,
        memberId: m.id,
        cause: 'job:review-tiers',
        at: now,
        data: {
          tierId: held.id,
          tierName: held.name,
          keptUntil: m.tierKeptUntil!.toISOString(),
          pointsShort: Math.max(0, held.threshold - left),
        },
      });
    }
  }
  await emitMany(sql, events);
  return events.length;
}

export interface MemberTierView extends Qualification {
  /** The tier as stored (what perks and rewards use); the computed one until the member has one. */
  held: TierDefinition;
}

/** A member's tier and progress for display (widget, admin): reads only. */
export async function memberTier(sql: Sql, program: LoadedProgram, member: StoredTier, now = new Date()): Promise<MemberTierView | null> {
  if (program.tiers.length === 0) return null;
  const setup = tierSetup(program);
  const progress = (await sumProgress(sql, setup, now, [member.id])).get(member.id) ?? 0;
  const q = qualifyProgress(progress, stateOf(member), setup.tiers, setup.policy, now, setup.timeZone);
  const held = program.tiers.find((t) => t.id === member.tierId) ?? program.tiers.find((t) => t.id === q.tier.id)!;
  const rank = program.tiers.indexOf(held);
  const nextTier = program.tiers[rank + 1] ?? null;
  const keptUntil = member.tierId === held.id ? member.tierKeptUntil : q.keptUntil;
  return { ...q, held, tier: held, nextTier, remaining: nextTier ? Math.max(0, nextTier.threshold - progress) : 0, keptUntil };
}

export type PlanScope = 'all' | 'due';

/**
 * Decides every member's tier under `setup` at `now`, without writing.
 * 'due' takes only members whose tier may change without a ledger change:
 * kept-until passed (a manual lock stores its end there too) or no tier yet.
 */
export async function planTiers(sql: Sql, setup: TierSetup, now: Date, scope: PlanScope): Promise<PlannedTier[]> {
  const members = await sql.$queryRaw<StoredTier[]>`
    SELECT id, "tierId", "tierReachedAt", "tierKeptUntil", "manualTierId", "manualTierLockedUntil" FROM "Member"
    WHERE shop = ${setup.shop} AND "redactedAt" IS NULL
      AND (${scope === 'all'} OR "tierId" IS NULL OR "tierKeptUntil" <= ${now})`;
  if (members.length === 0) return [];
  const progress = await sumProgress(sql, setup, now, scope === 'all' ? null : members.map((m) => m.id));
  return members.map((m) => plan(m, progress.get(m.id) ?? 0, setup, now));
}

export interface TierPreview {
  byTier: Array<{ tierId: string; name: string; before: number; after: number }>;
  up: number;
  down: number;
  stay: number;
  /** Up to `sampleSize` members who move, for the merchant to check. */
  sample: Array<{ memberId: string; name: string | null; email: string | null; from: string | null; to: string; move: TierMove }>;
}

/** What applying `planned` would do, in the merchant's terms. */
export async function previewOf(
  sql: Sql,
  setup: TierSetup,
  current: readonly TierDefinition[],
  planned: readonly PlannedTier[],
  sampleSize = 20,
): Promise<TierPreview> {
  const names = new Map([...current, ...setup.tiers].map((t) => [t.id, t.name]));
  const counts = new Map<string, { tierId: string; name: string; before: number; after: number }>();
  const bucket = (id: string) => {
    let c = counts.get(id);
    if (!c) counts.set(id, (c = { tierId: id, name: names.get(id) ?? id, before: 0, after: 0 }));
    return c;
  };
  for (const t of [...setup.tiers, ...current]) bucket(t.id);
  const lowestNow = [...current].sort((a, b) => a.threshold - b.threshold)[0];
  const tally = { up: 0, down: 0, stay: 0 };
  for (const p of planned) {
    const before = p.fromTierId ?? lowestNow?.id;
    if (before) bucket(before).before += 1;
    bucket(p.q.tier.id).after += 1;
    tally[p.move] += 1;
  }
  const movers = planned.filter((p) => p.move !== 'stay').slice(0, sampleSize);
  const people = movers.length
    ? await sql.$queryRaw<Array<{ id: string; firstName: string | null; lastName: string | null; email: string | null }>>`
        SELECT id, "firstName", "lastName", email FROM "Member" WHERE id = ANY(${movers.map((p) => p.memberId)}::text[])`
    : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    byTier: [...counts.values()],
    ...tally,
    sample: movers.map((p) => {
      const person = byId.get(p.memberId);
      const name = [person?.firstName, person?.lastName].filter(Boolean).join(' ') || null;
      return {
        memberId: p.memberId,
        name,
        email: person?.email ?? null,
        from: p.fromTierId ? (names.get(p.fromTierId) ?? p.fromTierId) : null,
        to: p.q.tier.name,
        move: p.move,
      };
    }),
  };
}

/** A merchant puts a member in a tier (locked until a date, or for good), or hands them back to their progress (tierId null). */
export async function assignTier(
  sql: Sql,
  program: LoadedProgram,
  memberId: string,
  input: { tierId: string | null; lockedUntil: Date | null; actor: string | null; note: string | null },
  now = new Date(),
): Promise<PlannedTier | null> {
  const setup = tierSetup(program);
  const [member] = await sql.$queryRaw<StoredTier[]>`
    UPDATE "Member" SET "manualTierId" = ${input.tierId}, "manualTierLockedUntil" = ${input.tierId ? input.lockedUntil : null}, "updatedAt" = now()
    WHERE id = ${memberId} AND shop = ${program.shop}
    RETURNING id, "tierId", "tierReachedAt", "tierKeptUntil", "manualTierId", "manualTierLockedUntil"`;
  if (!member) return null;
  const progress = (await sumProgress(sql, setup, now, [memberId])).get(memberId) ?? 0;
  const planned = plan(member, progress, setup, now);
  await applyTierPlan(sql, setup, [planned], { reason: 'manual', actor: input.actor, note: input.note }, now);
  await emit(sql, {
    type: 'tier.assigned',
    shop: program.shop,
    memberId,
    cause: `admin:${input.actor ?? 'unknown'}`,
    at: now,
    data: { tierId: input.tierId, lockedUntil: input.lockedUntil?.toISOString() ?? null, actor: input.actor, note: input.note },
  });
  return planned;
}

/** New ids for tiers an edit adds; existing tiers keep theirs (members' tiers follow them). */
export const newTierId = () => `tier_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
