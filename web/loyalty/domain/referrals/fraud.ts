// Fraud rules for a referral, checked when the friend's first order is paid.
// Pure: the caller gathers the signals, this decides. Each rule looks at one
// signal, so each blocks its own case and nothing else; the first that
// applies is the recorded reason.
import { normaliseEmail } from './identity.js';

export const BLOCK_REASONS = [
  'self_referral_customer',
  'self_referral_email',
  'self_referral_normalised_email',
  'self_referral_address',
  'self_referral_device',
  'existing_customer',
  'velocity',
  'monthly_cap',
] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

/** What the admin sees next to a blocked referral. */
export const REASON_TEXT: Record<BlockReason, string> = {
  self_referral_customer: 'The friend is the referrer (same customer account)',
  self_referral_email: "The friend used the referrer's email address",
  self_referral_normalised_email: "The friend's email reaches the referrer's mailbox (plus-addressing or Gmail dots)",
  self_referral_address: 'The order ships to an address the referrer has used',
  self_referral_device: 'The link was followed from a device the referrer uses',
  existing_customer: 'The friend was already a customer',
  velocity: "Too many of this referrer's friends ordered within 24 hours",
  monthly_cap: "The referrer reached this month's referral limit",
};

export interface ReferralSignals {
  referrer: { customerId: string; email: string | null; addressKeys: string[]; deviceIds: string[] };
  friend: { customerId: string | null; email: string | null; addressKey: string | null; deviceIds: string[] };
  /** The friend ordered before, or was a member before following the link. */
  friendIsExistingCustomer: boolean;
  /** The referrer's referrals that qualified in the last 24 hours / this month (this one not counted). */
  qualifiedLastDay: number;
  qualifiedThisMonth: number;
  limits: { maxPerDay: number; monthlyCapPerReferrer: number };
}

const same = (a: string | null, b: string | null) => a !== null && b !== null && a === b;

/** Every rule that applies, in the order above (empty: the referral qualifies). */
export function blockReasons(s: ReferralSignals): BlockReason[] {
  const reasons: BlockReason[] = [];
  const referrerEmail = s.referrer.email?.trim().toLowerCase() ?? null;
  const friendEmail = s.friend.email?.trim().toLowerCase() ?? null;
  if (same(s.friend.customerId, s.referrer.customerId)) reasons.push('self_referral_customer');
  if (same(friendEmail, referrerEmail)) reasons.push('self_referral_email');
  else if (same(normaliseEmail(friendEmail), normaliseEmail(referrerEmail))) reasons.push('self_referral_normalised_email');
  if (s.friend.addressKey && s.referrer.addressKeys.includes(s.friend.addressKey)) reasons.push('self_referral_address');
  if (s.friend.deviceIds.some((d) => s.referrer.deviceIds.includes(d))) reasons.push('self_referral_device');
  if (s.friendIsExistingCustomer) reasons.push('existing_customer');
  if (s.qualifiedLastDay >= s.limits.maxPerDay) reasons.push('velocity');
  if (s.qualifiedThisMonth >= s.limits.monthlyCapPerReferrer) reasons.push('monthly_cap');
  return reasons;
}
