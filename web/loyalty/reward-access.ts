// Who may see and redeem a reward, in one place for every path that shows or
// redeems one (the storefront's catalogue, a redemption, the reward_unlocked
// email): VIP-only rewards (Reward.tierIds) show to everyone — something to
// climb for — and only their tiers redeem them; segment-only rewards
// (Reward.segmentIds: a rule segment's id or an RFM handle) are the
// personalised offers: outside all of their segments a member neither sees
// nor redeems them, and a guest never sees them. A segment's membership is
// the member's own, read now (web/segments/targeting.ts): one statement for
// every segment the rewards name, none when no reward is segment-only.
import type { Sql } from '../db/sql.js';
import { openTo, segmentsOfMember } from '../segments/targeting.js';

export interface Restricted {
  tierIds: readonly string[];
  segmentIds: readonly string[];
}

export interface Access {
  /** Shown in the storefront's catalogue. */
  visible: boolean;
  /** May be redeemed (points aside; a guest must join first). */
  eligible: boolean;
  /** Why not eligible: 'tier' (a VIP-only reward) or 'segment' (a segment-only reward); null when eligible. */
  refusal: 'tier' | 'segment' | null;
}

/**
 * The access rule for `member` (null: a guest) to each of `rewards`: a
 * function answering for any of them. Reads the member's segments once, for
 * all the rewards' segments together.
 */
export async function rewardAccess(
  sql: Sql,
  shop: string,
  member: { id: string; tierId: string | null } | null,
  rewards: readonly Restricted[],
  now = new Date(),
): Promise<(reward: Restricted) => Access> {
  const refs = rewards.flatMap((r) => r.segmentIds);
  const inside = member && refs.length > 0 ? await segmentsOfMember(sql, shop, member.id, refs, now) : new Set<string>();
  return accessWithin(member, inside);
}

/** The same rule when the member's segments (of those the rewards name) are already read. */
export function accessWithin(member: { tierId: string | null } | null, inside: ReadonlySet<string>): (reward: Restricted) => Access {
  return (reward) => {
    const inSegment = member !== null && openTo(reward.segmentIds, inside);
    if (reward.segmentIds.length > 0 && !inSegment) return { visible: false, eligible: false, refusal: 'segment' };
    const inTier = reward.tierIds.length === 0 || (member?.tierId != null && reward.tierIds.includes(member.tierId));
    return { visible: true, eligible: inTier, refusal: inTier ? null : 'tier' };
  };
}

/** The shopper's message for a refusal (answered with NOT_ELIGIBLE). */
export const REFUSAL_MESSAGE = {
  tier: 'This reward is for members of a higher tier',
  segment: 'This reward is not available to you',
} as const;
