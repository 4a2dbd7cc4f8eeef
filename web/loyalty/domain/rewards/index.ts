// The registry of reward types, and the stored reward: its type, its config,
// and who may redeem it how often, which applies to every type alike.
import { z } from 'zod';
import type { Parsed } from '../validation.js';
import { createRegistry, parseDefinition, UnknownTypeError } from '../registry.js';
import { donation } from './donation.js';
import { fixedAmount } from './fixed-amount.js';
import { freeProduct } from './free-product.js';
import { freeShipping } from './free-shipping.js';
import { percentage } from './percentage.js';
import { pointsSlider } from './points-slider.js';
import { storeCredit } from './store-credit.js';
import type { CostError, CostRequest, RewardCost, RewardType } from './types.js';

export type { AppliesTo, CodeOptions, CombinesWith, CostError, CostRequest, RewardCost, RewardIssue, RewardType } from './types.js';
export type { DonationConfig } from './donation.js';
export type { FixedAmountConfig } from './fixed-amount.js';
export type { FreeProductConfig } from './free-product.js';
export type { FreeShippingConfig } from './free-shipping.js';
export type { PercentageConfig } from './percentage.js';
export type { PointsSliderConfig } from './points-slider.js';
export type { StoreCreditConfig } from './store-credit.js';

// Each type's cost() is only ever given the output of its own schema, so the
// registry may forget the config type.
const erase = <C>(reward: RewardType<C>) => reward as unknown as RewardType<unknown>;

const registry = createRegistry('reward', [
  erase(fixedAmount),
  erase(percentage),
  erase(freeShipping),
  erase(freeProduct),
  erase(pointsSlider),
  erase(storeCredit),
  erase(donation),
]);

export const rewardTypes = registry.types;
export const rewardType = registry.get;
/** A reward's config checked against its type's schema, defaults filled in. */
export const parseRewardConfig = registry.parseConfig;
/** A stored config re-checked for use; a config that no longer parses is a bug, not input. */
export const requireRewardConfig = registry.requireConfig;
export { UnknownTypeError as UnknownRewardTypeError, InvalidConfigError as InvalidRewardConfigError } from '../registry.js';

/** A reward as stored: the type, its config, and who may redeem it how often. */
export interface RewardDefinition {
  type: string;
  config: unknown;
  /** Tiers whose members may redeem it; empty = every member. */
  tierIds: string[];
  /** Segments whose members alone see and redeem it (a rule segment's id or an RFM handle); empty = everyone. */
  segmentIds: string[];
  /** Redemptions per member; null = unlimited. */
  limitPerMember: number | null;
}

const rewardShape = z.object({
  type: z.string(),
  config: z.unknown(),
  tierIds: z.array(z.string().trim().min(1).max(64)).max(100).default([]),
  // "rfm:champions" (the segments API's id) is kept as its handle.
  segmentIds: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(64)
        .transform((id) => (id.startsWith('rfm:') ? id.slice(4) : id)),
    )
    .max(100)
    .default([]),
  limitPerMember: z.number().int().min(1).max(1_000_000).nullable().default(null),
});

/** A whole reward from admin input: type, config (errors under "config.…"), tiers and limit. */
export function parseReward(raw: unknown): Parsed<RewardDefinition> {
  const parsed = parseDefinition(registry, rewardShape, raw);
  if (!parsed.ok) return parsed;
  const { type, config, tierIds, segmentIds, limitPerMember } = parsed.value;
  return { ok: true, value: { type, config, tierIds: [...new Set(tierIds)], segmentIds: [...new Set(segmentIds)], limitPerMember } };
}

/** What a stored reward costs for this request; throws on an unknown type or a broken config. */
export function rewardCost(reward: Pick<RewardDefinition, 'type' | 'config'>, request: CostRequest = {}): RewardCost | CostError {
  const type = rewardType(reward.type);
  if (!type) throw new UnknownTypeError('reward', reward.type);
  return type.cost(requireRewardConfig(reward.type, reward.config), request);
}

export type RedeemRefusal = 'NOT_IN_TIER' | 'LIMIT_REACHED';

/** Why a member may not redeem a reward, or null when they may (points are checked elsewhere). */
export function redeemRefusal(
  reward: Pick<RewardDefinition, 'tierIds' | 'limitPerMember'>,
  member: { tierId: string | null; timesRedeemed: number },
): RedeemRefusal | null {
  if (reward.tierIds.length > 0 && (member.tierId === null || !reward.tierIds.includes(member.tierId))) return 'NOT_IN_TIER';
  if (reward.limitPerMember !== null && member.timesRedeemed >= reward.limitPerMember) return 'LIMIT_REACHED';
  return null;
}
