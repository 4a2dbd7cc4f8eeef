// The registry of reward types, and the stored reward: its type, its config,
// and who may redeem it how often, which applies to every type alike.
import { z } from 'zod';
import { parseWith, type FieldErrors, type Parsed } from '../validation.js';
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

export const rewardTypes: Readonly<Record<string, RewardType<unknown>>> = Object.freeze(
  Object.fromEntries(
    [
      erase(fixedAmount),
      erase(percentage),
      erase(freeShipping),
      erase(freeProduct),
      erase(pointsSlider),
      erase(storeCredit),
      erase(donation),
    ].map((reward) => [reward.type, reward]),
  ),
);

export function rewardType(type: string): RewardType<unknown> | undefined {
  return Object.hasOwn(rewardTypes, type) ? rewardTypes[type] : undefined;
}

export class UnknownRewardTypeError extends Error {
  override readonly name = 'UnknownRewardTypeError';
  constructor(readonly type: string) {
    super(`unknown reward type ${JSON.stringify(type)}`);
  }
}

export class InvalidRewardConfigError extends Error {
  override readonly name = 'InvalidRewardConfigError';
  constructor(
    readonly type: string,
    readonly errors: FieldErrors,
  ) {
    super(`invalid ${type} reward config: ${Object.entries(errors).map(([k, v]) => `${k || '(config)'}: ${v}`).join('; ')}`);
  }
}

/** A reward's config checked against its type's schema, defaults filled in. */
export function parseRewardConfig(type: string, raw: unknown): Parsed<unknown> {
  const reward = rewardType(type);
  if (!reward) return { ok: false, errors: { type: `unknown reward type ${JSON.stringify(type)}` } };
  return parseWith(reward.config, raw ?? {});
}

/** A stored config re-checked for use; a config that no longer parses is a bug, not input. */
export function requireRewardConfig(type: string, raw: unknown): unknown {
  const reward = rewardType(type);
  if (!reward) throw new UnknownRewardTypeError(type);
  const config = parseWith(reward.config, raw ?? {});
  if (!config.ok) throw new InvalidRewardConfigError(type, config.errors);
  return config.value;
}

/** A reward as stored: the type, its config, and who may redeem it how often. */
export interface RewardDefinition {
  type: string;
  config: unknown;
  /** Tiers whose members may redeem it; empty = every member. */
  tierIds: string[];
  /** Redemptions per member; null = unlimited. */
  limitPerMember: number | null;
}

const rewardShape = z.object({
  type: z.string(),
  config: z.unknown(),
  tierIds: z.array(z.string().trim().min(1)).default([]),
  limitPerMember: z.number().int().min(1).nullable().default(null),
});

/** A whole reward from admin input: type, config (errors under "config.…"), tiers and limit. */
export function parseReward(raw: unknown): Parsed<RewardDefinition> {
  const shape = parseWith(rewardShape, raw);
  if (!shape.ok) return shape;
  const config = parseRewardConfig(shape.value.type, shape.value.config);
  if (!config.ok) {
    const errors: FieldErrors = {};
    for (const [key, message] of Object.entries(config.errors)) errors[key === 'type' ? key : key ? `config.${key}` : 'config'] = message;
    return { ok: false, errors };
  }
  const { type, tierIds, limitPerMember } = shape.value;
  return { ok: true, value: { type, config: config.value, tierIds: [...new Set(tierIds)], limitPerMember } };
}

/** What a stored reward costs for this request; throws on an unknown type or a broken config. */
export function rewardCost(reward: Pick<RewardDefinition, 'type' | 'config'>, request: CostRequest = {}): RewardCost | CostError {
  const type = rewardType(reward.type);
  if (!type) throw new UnknownRewardTypeError(reward.type);
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
