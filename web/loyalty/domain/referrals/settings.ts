// Referral program settings, kept under `referrals` in the program settings
// (web/loyalty/domain/program.ts). Both sides are configurable: the friend's
// first-order offer and the referrer's points, plus the limits that make
// abuse unprofitable.
import { z } from 'zod';
import { messages } from '../messages.js';

export const friendOfferSchema = z.discriminatedUnion('kind', [
  /** A fixed amount off the first order, in the shop's currency (minor units). */
  z.object({ kind: z.literal('fixed-amount'), amountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  z.object({ kind: z.literal('percentage'), percentage: z.number().min(1).max(100) }),
  z.object({ kind: z.literal('free-shipping') }),
]);
export type FriendOffer = z.infer<typeof friendOfferSchema>;

export const referralSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  /** How long the referral cookie remembers the referrer after the friend followed the link. */
  cookieDays: z.number().int().min(1).max(365).default(30),
  /** Points the referrer gets once the friend's first order is paid and its pending period is over (0: none). */
  referrerPoints: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(500),
  /** A reward from the catalogue (any type) the referrer gets at the same moment, besides or instead of points. */
  referrerRewardId: z.string().trim().min(1).nullable().default(null),
  friendOffer: friendOfferSchema.default({ kind: 'fixed-amount', amountMinor: 1000 }),
  /** The friend's order must reach this subtotal for the code to apply (minor units; 0 = none). */
  friendMinimumSubtotalMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  /** Days the friend's code stays valid after the visit. */
  friendOfferDays: z.number().int().min(1).max(365).default(30),
  /** Rewarded (or pending) referrals per referrer per calendar month, in the shop's time zone. */
  monthlyCapPerReferrer: z.number().int().min(1).max(1000).default(10),
  /** Velocity limit: referrals of one referrer qualifying within 24 hours; more looks like a farm. */
  maxPerDay: z.number().int().min(1).max(1000).default(3),
});
export type ReferralSettings = z.infer<typeof referralSettingsSchema>;

/** A referrer must be rewarded with something. */
export const rewardsSomething = (s: Pick<ReferralSettings, 'referrerPoints' | 'referrerRewardId'>) =>
  s.referrerPoints > 0 || s.referrerRewardId !== null;

/** What the admin saves (the API and the admin's form check the same): no unknown field, and a reward for the referrer. */
export const referralSettingsInput = referralSettingsSchema
  .strict()
  .refine(rewardsSomething, { path: ['referrerPoints'], message: messages.referrerGetsSomething });

export const DEFAULT_REFERRAL_SETTINGS: Readonly<ReferralSettings> = Object.freeze(referralSettingsSchema.parse({}));
