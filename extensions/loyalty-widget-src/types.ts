// The shapes the app proxy answers with (web/routes/proxy/*), as far as the
// widget reads them. Tier and referral appear once those features exist.
export interface WayToEarn {
  type: string;
  name: string;
  config: { points?: number; rate?: string; name?: string; limitPerMember?: number | null; percentage?: string };
  earned?: number;
}

export interface Program {
  name: string;
  waysToEarn: WayToEarn[];
}

export interface Activity {
  kind: string;
  points: number;
  status: string;
  source: string;
  availableAt: string | null;
  createdAt: string;
}

export interface Member {
  firstName: string | null;
  points: { available: number; pending: number };
  tier?: { id: string; name: string; keptUntil: string | null } | null;
  nextTier?: { id: string; name: string; remaining: number; basis: 'points-earned' | 'amount-spent' | 'orders' } | null;
  referral?: { code: string; url: string; friendsJoined: number } | null;
  birthday?: { month: number; day: number } | null;
  memberSince: string;
  activity: Activity[];
}

export interface Reward {
  id: string;
  name: string;
  pointsCost?: number;
  slider?: { min: number; max: number; step: number };
  affordable: boolean;
  /** False for a VIP-only reward of a tier the member does not hold. */
  eligible?: boolean;
}

export interface Redemption {
  id: string;
  status: string;
  code: string | null;
  expiresAt: string | null;
  error: string | null;
}

export interface State {
  member: Member | null;
  program: Program | null;
  rewards: Reward[];
  /** The latest redemption, shown until the panel reloads. */
  redemption?: Redemption;
  /** A message for the shopper (an error code or text key). */
  notice?: string;
}
