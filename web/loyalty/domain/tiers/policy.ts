// VIP tiers and the policy that decides who is in which: zod schemas, so admin
// routes get field → message errors like the program settings do.
import { z } from 'zod';
import { multiplierSchema } from '../points.js';
import { parseWith, type Parsed } from '../validation.js';
import { messages } from '../messages.js';

/** What qualification needs of a tier. */
export interface Tier {
  id: string;
  name: string;
  /** Minor units for 'amount-spent', points for 'points-earned', a count for 'orders'. */
  threshold: number;
}

/** What a tier gives its members, besides the rewards limited to it (Reward.tierIds). */
export const tierPerksSchema = z.object({
  /** Multiplies the points orders earn ("1.5": Gold earns half as much again). */
  multiplier: multiplierSchema.default('1'),
  /** A reward issued once each time a member enters the tier (a 0-point redemption). */
  entryRewardId: z.string().trim().min(1).nullable().default(null),
  /** Shown as a perk; merchants build the discount on the tier's tag or metafield in Shopify. */
  freeShipping: z.boolean().default(false),
  /** Points added to the birthday rule's award. */
  birthdayBonus: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  /** The Shopify customer tag members of the tier carry (for segments and discounts). */
  tag: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[^,]+$/, messages.tagWithoutComma)
    .nullable()
    .default(null),
});
export type TierPerks = z.output<typeof tierPerksSchema>;

export const tierSchema = z.object({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(60),
  /** Up to 2^53 − 1 (stored as BIGINT): an IDR amount-spent threshold passes 2^31 minor units. */
  threshold: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  perks: tierPerksSchema.default(() => tierPerksSchema.parse({})),
});
/** A tier as the merchant configures it. */
export type TierDefinition = z.output<typeof tierSchema>;

/**
 * Tiers sorted by threshold. Ids are unique, thresholds distinct, and the
 * lowest is 0 so every member has a tier. Error paths use the input's indices.
 */
export const tiersSchema = z
  .array(tierSchema)
  .min(1, messages.atLeastOneTier)
  .superRefine((tiers, ctx) => {
    const ids = new Set<string>();
    const thresholds = new Set<number>();
    tiers.forEach((tier, i) => {
      if (ids.has(tier.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: messages.duplicateTierId });
      if (thresholds.has(tier.threshold)) ctx.addIssue({ code: 'custom', path: [i, 'threshold'], message: messages.duplicateThreshold });
      ids.add(tier.id);
      thresholds.add(tier.threshold);
    });
    const lowest = Math.min(...tiers.map((t) => t.threshold));
    if (lowest !== 0) {
      const at = tiers.findIndex((t) => t.threshold === lowest);
      ctx.addIssue({ code: 'custom', path: [at, 'threshold'], message: messages.lowestTierAtZero });
    }
  })
  .transform((tiers) => [...tiers].sort((a, b) => a.threshold - b.threshold));

/** Tiers from admin input or storage, sorted by threshold, or field → message errors. */
export function parseTiers(raw: unknown): Parsed<TierDefinition[]> {
  return parseWith(tiersSchema, raw);
}

const months = z.number().int().min(1).max(120);

export const downgradeSchema = z.discriminatedUnion('kind', [
  /** A tier, once reached, is kept for good (until a manual change). */
  z.object({ kind: z.literal('never') }),
  /** Kept to the end of the period it was reached in (calendar year; 12 months for rolling and lifetime). */
  z.object({ kind: z.literal('end-of-period') }),
  /** Kept `months` after it was reached. */
  z.object({ kind: z.literal('after-retention'), months }),
]);
export type DowngradePolicy = z.infer<typeof downgradeSchema>;

export const tierPolicySchema = z.object({
  basis: z.enum(['points-earned', 'amount-spent', 'orders']),
  period: z.enum(['lifetime', 'calendar-year', 'rolling-12-months']),
  /** History before it does not count (the day the program launched tiers). */
  startDate: z.coerce.date().nullable().default(null),
  downgrade: downgradeSchema,
});
export type TierPolicy = z.output<typeof tierPolicySchema>;
export type TierBasis = TierPolicy['basis'];
export type TierPeriod = TierPolicy['period'];

/** A policy from admin input or storage (startDate may be an ISO string), or field → message errors. */
export function parseTierPolicy(raw: unknown): Parsed<TierPolicy> {
  return parseWith(tierPolicySchema, raw);
}
