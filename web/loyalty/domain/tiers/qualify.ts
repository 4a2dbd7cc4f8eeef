// Which VIP tier a member is in: progress over the policy's period earns a
// tier; upgrades are immediate, downgrades wait for the downgrade policy; a
// manual assignment wins while it is locked.
import { addMonths } from '../time.js';
import { periodEnd, periodStart } from './period.js';
import type { Tier, TierPolicy } from './policy.js';

export interface ProgressEvent {
  at: Date;
  /** Points earned (negative for clawbacks). */
  points?: number;
  /** Net amount spent in minor units (negative for refunds). */
  amountMinor?: number;
  /** Orders placed (negative for cancellations). */
  orders?: number;
}

/** What is stored of a member's tier. */
export interface MemberTierState {
  /** The tier the member holds now and when they reached it (null: never assigned). */
  current: { tierId: string; reachedAt: Date } | null;
  /** A merchant's assignment; it wins while lockedUntil is null or in the future. */
  manual: { tierId: string; lockedUntil: Date | null } | null;
}

export interface MemberProgress extends MemberTierState {
  events: ProgressEvent[];
}

export interface Qualification {
  tier: Tier;
  /** The tier above `tier` (null: `tier` is the top). */
  nextTier: Tier | null;
  /** Basis units still needed for nextTier, ≥ 0 (0 with no next tier, or a manual tier below what progress earns). */
  remaining: number;
  /** The basis summed over the period since startDate, floored at 0. */
  progress: number;
  /** Until when `tier` is kept whatever progress does (null: for good, or a manual lock without end). */
  keptUntil: Date | null;
  /** The tier progress alone earns. */
  computedTier: Tier;
  reason: 'earned' | 'retained' | 'manual';
  /** When `tier` counts as reached: store it as current.reachedAt (re-qualifying after keptUntil renews it). */
  reachedAt: Date;
}

function basisValue(event: ProgressEvent, basis: TierPolicy['basis']): number {
  const value = basis === 'points-earned' ? event.points : basis === 'amount-spent' ? event.amountMinor : event.orders;
  return value ?? 0;
}

/** The basis summed over the period that contains `now`, counting only events at or after startDate and not after `now`; floored at 0. */
export function tierProgress(events: readonly ProgressEvent[], policy: TierPolicy, now: Date, timeZone: string): number {
  const from = periodStart(policy.period, now, timeZone)?.getTime() ?? -Infinity;
  const since = Math.max(from, policy.startDate?.getTime() ?? -Infinity);
  let sum = 0;
  for (const event of events) {
    const t = event.at.getTime();
    if (t >= since && t <= now.getTime()) sum += basisValue(event, policy.basis);
  }
  return Math.max(0, sum);
}

/** Until when a tier reached at `reachedAt` is kept under the policy (null: for good). */
export function tierKeptUntil(reachedAt: Date, policy: TierPolicy, timeZone: string): Date | null {
  switch (policy.downgrade.kind) {
    case 'never':
      return null;
    case 'end-of-period':
      return periodEnd(policy.period, reachedAt, timeZone);
    case 'after-retention':
      return addMonths(reachedAt, policy.downgrade.months);
  }
}

const stillKept = (keptUntil: Date | null, now: Date) => keptUntil === null || now.getTime() < keptUntil.getTime();

/**
 * The member's tier at `now`. `tiers` are as parseTiers returns them (any
 * order is accepted; the lowest should be 0). Unknown current or manual tier
 * ids are ignored. Calendar years are read in `timeZone`.
 */
export function qualify(member: MemberProgress, tiers: readonly Tier[], policy: TierPolicy, now: Date, timeZone: string): Qualification {
  return qualifyProgress(tierProgress(member.events, policy, now, timeZone), member, tiers, policy, now, timeZone);
}

/** qualify() for progress already summed (the database sums the ledger for many members at once). */
export function qualifyProgress(
  progress: number,
  member: MemberTierState,
  tiers: readonly Tier[],
  policy: TierPolicy,
  now: Date,
  timeZone: string,
): Qualification {
  const sorted = [...tiers].sort((a, b) => a.threshold - b.threshold);
  const lowest = sorted[0];
  if (!lowest) throw new RangeError('qualify needs at least one tier');
  const computedTier = sorted.filter((t) => t.threshold <= progress).at(-1) ?? lowest;
  const rank = (tier: Tier) => sorted.indexOf(tier);
  const byId = (id: string) => sorted.find((t) => t.id === id);

  const result = (tier: Tier, reason: Qualification['reason'], reachedAt: Date, keptUntil: Date | null): Qualification => {
    const nextTier = sorted[rank(tier) + 1] ?? null;
    const remaining = nextTier ? Math.max(0, nextTier.threshold - progress) : 0;
    return { tier, nextTier, remaining, progress, keptUntil, computedTier, reason, reachedAt };
  };

  let current =
    member.current && byId(member.current.tierId)
      ? { tier: byId(member.current.tierId) as Tier, reachedAt: member.current.reachedAt }
      : null;

  const manualTier = member.manual && byId(member.manual.tierId);
  if (member.manual && manualTier && stillKept(member.manual.lockedUntil, now)) {
    const reachedAt = current?.tier === manualTier ? current.reachedAt : now;
    return result(manualTier, 'manual', reachedAt, member.manual.lockedUntil);
  }
  // A lock that ended hands the member back to their progress: the downgrade
  // policy keeps tiers that were earned, not ones that were given.
  if (member.manual && manualTier && current?.tier === manualTier) current = null;

  if (current) {
    const keptUntil = tierKeptUntil(current.reachedAt, policy, timeZone);
    if (stillKept(keptUntil, now)) {
      if (rank(current.tier) > rank(computedTier)) return result(current.tier, 'retained', current.reachedAt, keptUntil);
      if (current.tier === computedTier) return result(computedTier, 'earned', current.reachedAt, keptUntil);
    }
  }
  // Upgraded, re-qualified after keptUntil, dropped to what progress earns, or first assignment.
  return result(computedTier, 'earned', now, tierKeptUntil(now, policy, timeZone));
}

export type TierMove = 'up' | 'down' | 'stay';

/** Whether going from `fromId` (null: no tier yet) to `to` is up, down or neither, by threshold order. */
export function tierMove(fromId: string | null, to: Tier, tiers: readonly Tier[]): TierMove {
  if (fromId === to.id) return 'stay';
  const from = tiers.find((t) => t.id === fromId);
  if (!from) return fromId === null && to.threshold === Math.min(...tiers.map((t) => t.threshold)) ? 'stay' : 'up';
  return to.threshold > from.threshold ? 'up' : 'down';
}
