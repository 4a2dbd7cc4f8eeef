// Program settings: one zod schema with defaults, used by the whole app, and
// the rules of the default program a merchant gets in one click.
import { z } from 'zod';
import { roundingSchema } from './points.js';
import type { RuleDefinition } from './rules/index.js';
import type { PurchaseConfig } from './rules/purchase.js';
import type { SignupConfig } from './rules/signup.js';
import { addMonths } from './time.js';
import { tierPolicySchema, type TierDefinition, type TierPolicy } from './tiers/policy.js';
import { parseWith, type Parsed } from './validation.js';
import { referralSettingsSchema } from './referrals/settings.js';
import { messages } from './messages.js';
import type { WidgetSettings } from './widget.js';

const months = z.number().int().min(1).max(120);

/** Points earned in a rolling 12 months; a tier is kept to the end of the 12 months after reaching it. */
export const DEFAULT_TIER_POLICY: Readonly<TierPolicy> = Object.freeze<TierPolicy>({
  basis: 'points-earned',
  period: 'rolling-12-months',
  startDate: null,
  downgrade: { kind: 'end-of-period' },
});

/**
 * The default tiers: Bronze for everyone, Silver at 500 points earned, Gold
 * at 1500, each with a Shopify customer tag to build segments and discounts
 * on. Earning perks (multipliers, birthday bonus) are left for the merchant
 * to choose: a default should not change what points cost them.
 */
export const DEFAULT_TIERS: readonly Omit<TierDefinition, 'id'>[] = Object.freeze([
  {
    name: 'Bronze',
    threshold: 0,
    perks: { multiplier: '1', entryRewardId: null, freeShipping: false, birthdayBonus: 0, tag: 'Tally Bronze' },
  },
  {
    name: 'Silver',
    threshold: 500,
    perks: { multiplier: '1', entryRewardId: null, freeShipping: false, birthdayBonus: 0, tag: 'Tally Silver' },
  },
  {
    name: 'Gold',
    threshold: 1500,
    perks: { multiplier: '1', entryRewardId: null, freeShipping: false, birthdayBonus: 0, tag: 'Tally Gold' },
  },
]);

export const expirySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  /** Each credit expires `months` after it was earned. */
  z.object({ kind: z.literal('after-earning'), months }),
  /** All points expire after `months` without earning or redeeming. */
  z.object({ kind: z.literal('after-inactivity'), months }),
]);
export type ExpiryPolicy = z.infer<typeof expirySchema>;

export const programSettingsSchema = z.object({
  /** What the merchant calls points ("stars", "beans"). */
  currencyName: z.string().trim().min(1).max(40).default('points'),
  rounding: roundingSchema.default('down'),
  /** Days order points stay pending (refund window) before they can be spent. */
  pendingDays: z.number().int().min(0).max(365).default(30),
  /** Keep order points pending until the order is fulfilled, as well. */
  pendingUntilFulfilled: z.boolean().default(false),
  expiry: expirySchema.default({ kind: 'never' }),
  /** How far ahead "points expiring soon" notices look. */
  expiringSoonDays: z.number().int().min(1).max(365).default(14),
  /** What a clawback does when it exceeds the balance. */
  negativeBalance: z.enum(['allow-negative', 'floor-at-zero']).default('floor-at-zero'),
  /** Give the points back when a reward code expires unused (the code is disabled in Shopify either way). */
  returnPointsOnExpiredCodes: z.boolean().default(false),
  /** The referral program (web/loyalty/domain/referrals/settings.ts). */
  referrals: referralSettingsSchema.prefault({}),
  /** How members qualify for VIP tiers (the tiers themselves are rows of their own). */
  tierPolicy: tierPolicySchema.default(() => ({ ...DEFAULT_TIER_POLICY })),
  /** Analytics' activity window W (../shared/METRICS.md): a customer is active with an order in the last W days. */
  activityWindowDays: z.number().int().min(30).max(730).default(365),
  /** Customer tags of removed or renamed tiers: the Shopify sync still takes them off members. Kept by tier edits. */
  retiredTierTags: z.array(z.string()).max(100).default([]),
});
export type ProgramSettings = z.infer<typeof programSettingsSchema>;

/** The program's name, shown to shoppers in the widget. */
export const programNameSchema = z.string().trim().min(1, messages.programName).max(60, messages.atMost60Characters);

export const DEFAULT_PROGRAM_SETTINGS: Readonly<ProgramSettings> = Object.freeze(programSettingsSchema.parse({}));

/** Settings from admin input or storage, defaults filled in, or field → message errors. */
export function parseProgramSettings(raw: unknown): Parsed<ProgramSettings> {
  return parseWith(programSettingsSchema, raw ?? {});
}

const defaultPurchase: PurchaseConfig = {
  rate: '1',
  rounding: 'down',
  includeTax: false,
  includeShipping: false,
  includeTips: false,
  includeGiftCards: false,
  excludedProductIds: [],
  minimumOrderMinor: 0,
};
const defaultSignup: SignupConfig = { points: 100 };

/**
 * The default program: 1 point per whole unit of shop currency on line items
 * after discounts (no tax, shipping, tips or gift cards), rounded down; a
 * signup bonus of 100 points.
 */
export const DEFAULT_RULES: readonly RuleDefinition[] = Object.freeze([
  { type: 'purchase', config: defaultPurchase, startsAt: null, endsAt: null },
  { type: 'signup', config: defaultSignup, startsAt: null, endsAt: null },
]);

/** When a credit earned at `earnedAt` expires under `expiry` (null: it does not expire by itself). */
export function creditExpiresAt(earnedAt: Date, expiry: ExpiryPolicy): Date | null {
  return expiry.kind === 'after-earning' ? addMonths(earnedAt, expiry.months) : null;
}

/** When a member's points expire for inactivity, given their last earning or redemption (null: never). */
export function inactivityExpiresAt(lastActivityAt: Date, expiry: ExpiryPolicy): Date | null {
  return expiry.kind === 'after-inactivity' ? addMonths(lastActivityAt, expiry.months) : null;
}

/**
 * The program as the admin API sends it (GET/POST/PUT /api/admin/program)
 * and the admin UI reads it: one shape for both sides of the wire.
 */
export interface ProgramInfo {
  name: string;
  enabled: boolean;
  settings: ProgramSettings;
  widget: WidgetSettings;
  onboardedAt: string | null;
  /** The owner opened the theme editor from onboarding (its step 2). */
  embedOpenedAt: string | null;
  /** The storefront widget first asked for a shopper: the app embed is on. */
  embedSeenAt: string | null;
}
