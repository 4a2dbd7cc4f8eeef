// The shapes the app proxy answers with (web/routes/proxy/*), as far as the
// widget reads them. Tier and referral appear once those features exist.
export interface WayToEarn {
  type: string;
  name: string;
  config: { points?: number; rate?: string; name?: string; limitPerMember?: number | null; percentage?: string };
  earned?: number;
}

/** What a tier gives its members (GET /member's program.tiers and member.tier). */
export interface Perks {
  /** Points orders earn, times this ("1.5"). */
  multiplier: string;
  freeShipping: boolean;
  birthdayBonus: number;
  /** The name of the reward given on entering the tier. */
  entryReward?: string | null;
}

/** One rung of the ladder of tiers, lowest first. */
export interface TierStep {
  id: string;
  name: string;
  /** Points earned, minor units spent or orders, per the program's basis. */
  threshold: number;
  perks: Perks;
}

export type TierBasis = 'points-earned' | 'amount-spent' | 'orders';

export interface Program {
  name: string;
  /** What the merchant calls points; null: the translated "points". */
  pointsName?: string | null;
  waysToEarn: WayToEarn[];
  tiers?: TierStep[];
  tierBasis?: TierBasis;
}

export interface Activity {
  kind: string;
  points: number;
  status: string;
  source: string;
  availableAt: string | null;
  createdAt: string;
}

/** One of the member's latest orders (GET /member's member.orders): the points it holds for them. */
export interface RecentOrder {
  name: string;
  processedAt: string;
  points: number;
  pending: boolean;
  availableAt: string | null;
}

export interface Member {
  firstName: string | null;
  points: { available: number; pending: number };
  tier?: { id: string; name: string; keptUntil: string | null; perks?: Perks } | null;
  nextTier?: { id: string; name: string; remaining: number; basis: TierBasis } | null;
  referral?: { code: string; url: string; friendsJoined: number } | null;
  birthday?: { month: number; day: number } | null;
  memberSince: string;
  activity: Activity[];
  orders?: RecentOrder[];
  /** The next points to expire soon, when the program's points expire. */
  expiring?: { points: number; at: string } | null;
}

/** Why a reward is recommended: `kind` picks the shopper's words; `reason` is the server's English, for kinds this script does not know. */
export interface Recommendation {
  rewardId: string;
  kind: string;
  reason: string;
  pointsAway?: number;
  segmentName?: string;
}

/** A survey due for this member (GET /surveys/next), its question texts in the storefront's language. */
export interface Survey {
  id: string;
  type: string;
  questions: Array<{ key: string; text: string; scale: { min: number; max: number }; choices?: string[] }>;
  pointsForAnswer: number;
}

export interface Reward {
  id: string;
  name: string;
  pointsCost?: number;
  slider?: { min: number; max: number; step: number };
  affordable: boolean;
  /** False for a VIP-only reward of a tier the member does not hold. */
  eligible?: boolean;
  /** Discount codes only: the cart subtotal (minor units) the code needs; absent for rewards used elsewhere (store credit, donations). */
  minimumSubtotal?: number | null;
}

export interface Redemption {
  id: string;
  /** The reward's name, shown with its code. */
  rewardName?: string | null;
  status: string;
  code: string | null;
  expiresAt: string | null;
  error: string | null;
}

/** What every widget on the page shows: fetched once, shared, refreshed after any action. */
export interface Data {
  member: Member | null;
  program: Program | null;
  rewards: Reward[];
  /** Rewards picked for this member, best first (GET /member). */
  recommendations?: Recommendation[];
}

export interface State extends Data {
  /** The latest redemption, shown until the panel reloads. */
  redemption?: Redemption;
  /** A message for the shopper (an error code or text key). */
  notice?: string;
  /** The survey due, shown as a card; null: none (or it could not be fetched). */
  survey?: Survey | null;
  /** Answered: the points the answer earned (0 when it replaced an earlier one). */
  surveyAnswered?: number;
}
