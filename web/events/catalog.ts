// The catalogue of domain events: what the loyalty engine did, named in the
// merchant's words, each with a zod schema for its data. emit() refuses an
// event whose data does not match, so every subscriber (emails, Flow,
// Klaviyo, outgoing webhooks) can rely on the shape written here.
// Every event also carries, outside `data`: the shop, the member (where there
// is one), its cause ("order:<gid>", "redemption:<id>", "admin:<who>", …)
// and its time (web/events/emit.ts).
import { z } from 'zod';

const id = z.string().min(1);
const points = z.number().int();
const minor = z.number().int();
const when = z.iso.datetime({ offset: true });
const orderId = id.nullable().optional();

/** What every points.* event says: the entry the ledger wrote and the balance after it. */
const ledgerEntry = z.object({
  points,
  /** The member's available points after the entry (absent for pending entries' own view). */
  balance: points.optional(),
  source: z.string(),
  orderId,
  sourceId: id.nullable().optional(),
  reason: z.string().nullable().optional(),
  actor: z.string().nullable().optional(),
  availableAt: when.nullable().optional(),
  expiresAt: when.nullable().optional(),
});

export const eventCatalog = {
  'member.enrolled': z.object({ customerId: id.nullable().optional(), via: z.string().optional() }),
  /** A guest's points (earned before joining) moved onto the new member. */
  'member.claimed_guest_points': z.object({ available: points, pending: points }),

  'points.earned': ledgerEntry,
  /** Earned but held (return window, fulfilment) until availableAt. */
  'points.pending': ledgerEntry,
  /** An order's held points became spendable. */
  'points.released': z.object({ orderId: id, points }),
  /** An order's held points will never be released (cancelled or refunded first). */
  'points.voided': z.object({ orderId: id, points }),
  'points.spent': ledgerEntry,
  /** Points of a redemption that did not happen, given back. */
  'points.refunded': ledgerEntry,
  'points.adjusted': ledgerEntry,
  /** Points taken back for a refunded or cancelled purchase (or a reversed referral). */
  'points.clawed_back': ledgerEntry.extend({ shortfall: points.optional() }),
  'points.expired': ledgerEntry,
  'points.expiring_soon': z.object({ points, expiresOn: z.string(), expiresAt: when, policy: z.string() }),

  'tier.changed': z.object({
    from: id.nullable(),
    fromName: z.string().nullable(),
    to: id,
    toName: z.string(),
    direction: z.enum(['up', 'down']),
    reason: z.string(),
  }),
  /** A merchant put the member in a tier by hand (or handed them back to their progress: tierId null). */
  'tier.assigned': z.object({
    tierId: id.nullable(),
    lockedUntil: when.nullable(),
    actor: z.string().nullable(),
    note: z.string().nullable(),
  }),
  'tier.at_risk': z.object({ tierId: id, tierName: z.string(), keptUntil: when, pointsShort: points }),

  'reward.redeemed': z.object({ redemptionId: id, rewardId: id, points }),
  /** A reward given without points (tier entry, referral, …). */
  'reward.granted': z.object({ redemptionId: id, rewardId: id, reason: z.string() }),
  'reward.issued': z.object({ redemptionId: id, code: z.string().nullable().optional() }),
  'reward.failed': z.object({ redemptionId: id, error: z.string() }),
  'reward.used': z.object({ redemptionId: id, orderId: id }),
  'reward.expiring_soon': z.object({ redemptionId: id, expiresAt: when }),
  /** The member gave a reward's value to a cause. */
  'reward.donated': z.object({ redemptionId: id, valueMinor: minor, cause: z.string().nullable().optional() }),

  /** The referred friend's first order counted (or an admin approved it); the member is the referrer. */
  'referral.friend_joined': z.object({ referralId: id, orderId, approvedBy: z.string().nullable().optional() }),
  /** The referrer earned the referral reward (a reward or points). */
  'referral.completed': z.object({ referralId: id, orderId, redemptionId: id.optional(), points: points.optional() }),
  'referral.reversed': z.object({ referralId: id, orderId }),

  /** A paid order counted for the first time: its points award is fixed (pending until released). */
  'order.paid': z.object({
    orderId: id,
    points,
    spentMinor: minor,
    discountCodes: z.array(z.string()),
    referralCode: z.string().nullable(),
  }),
  /**
   * A counted order now counts for a different amount toward amount-spent and orders tiers and cashback
   * (a refund, an edit; a cancellation: afterMinor 0). Its first count is order.paid's spentMinor.
   */
  'order.spend_changed': z.object({ orderId: id, beforeMinor: minor, afterMinor: minor }),
  /** An order's pending period ended: its held points (if any) became spendable; cashback and a referrer's reward follow. */
  'order.released': z.object({ orderId: id, points, spentMinor: minor, processedAt: when }),

  'cashback.paid': z.object({ orderId: id, amountMinor: minor, redemptionId: id }),
  'cashback.reversed': z.object({ orderId: id, amountMinor: minor, debitId: id }),
  /**
   * The store credit a refund took back (cashback.reversed) is settled in Shopify: `takenMinor` of the
   * `amountMinor` owed was debited — less when the customer had already spent the credit, 0 when it never reached them
   * or an admin cancelled it, null when an admin found it taken in Shopify without Tally knowing how much.
   */
  'cashback.taken_back': z.object({ orderId: id, debitId: id, amountMinor: minor, takenMinor: minor.nullable() }),

  /** A gift to a segment reached the member (web/segments/gifts.ts): points (beside points.earned) or a reward (beside reward.granted). */
  'gift.received': z.object({
    giftId: id,
    segmentId: id,
    kind: z.enum(['points', 'reward']),
    points: points.nullable(),
    rewardId: id.nullable(),
    redemptionId: id.nullable(),
    note: z.string().nullable(),
  }),

  /**
   * A shopper answered a survey (web/surveys): their answers, one number for them (the NPS/CSAT/CES answer, a CLI's
   * mean × 10, a poll's choice) and its band; `replaced` when it replaced their earlier answer in the period (no
   * points then). The member is absent for a customer who is not one (the Thank-you page).
   */
  'survey.answered': z.object({
    surveyId: id,
    responseId: id,
    type: z.enum(['nps', 'csat', 'ces', 'cli', 'poll']),
    channel: z.string(),
    period: z.number().int(),
    answers: z.record(z.string(), z.number().int()),
    score: z.number(),
    /** NPS: promoter, passive, detractor; CSAT: positive (4–5), neutral (3), negative (1–2); others null. */
    band: z.string().nullable(),
    hasComment: z.boolean(),
    customerId: id.nullable(),
    isMember: z.boolean(),
    tierId: id.nullable(),
    pointsAwarded: points,
    replaced: z.boolean(),
  }),
  /** The answer was a detractor's: NPS 0–6 or CSAT 1–2 (beside survey.answered), for the merchant to follow up. */
  'survey.detractor': z.object({
    surveyId: id,
    responseId: id,
    type: z.enum(['nps', 'csat']),
    score: z.number().int(),
    hasComment: z.boolean(),
    customerId: id.nullable(),
  }),

  'birthday.reached': z.object({ birthday: z.string() }),
  /** Settings, earn rules, campaigns, rewards, tiers or the widget changed. */
  'program.changed': z.object({
    what: z.enum(['program', 'settings', 'widget', 'earn-rules', 'campaigns', 'rewards', 'tiers', 'referrals']),
  }),
} as const;

export type EventName = keyof typeof eventCatalog;
export type EventData<N extends EventName> = z.infer<(typeof eventCatalog)[N]>;
export const eventNames = Object.keys(eventCatalog) as EventName[];

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(eventCatalog, name);
}

/** One event as its cause states it (emit adds the id and sequence). */
export type DomainEvent<N extends EventName = EventName> = {
  [K in N]: {
    type: K;
    shop: string;
    /** Absent for shop-wide events (program.changed). */
    memberId?: string | null;
    /** What caused it: "order:<gid>", "redemption:<id>", "admin:<who>", "job:<name>" … */
    cause: string;
    /** When it happened (default: now). */
    at?: Date;
    data: EventData<K>;
  };
}[N];

/** An event as stored and handed to subscribers. */
export type StoredEvent<N extends EventName = EventName> = DomainEvent<N> & { id: string; at: Date };
