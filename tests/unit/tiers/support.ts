// Shared fixtures for the tier tests: the dev seed's tiers and small builders.
import type { MemberProgress, ProgressEvent } from '../../../web/loyalty/domain/tiers/qualify.js';
import type { Tier, TierPolicy } from '../../../web/loyalty/domain/tiers/policy.js';

export const at = (iso: string) => new Date(iso);

export const BRONZE: Tier = { id: 'bronze', name: 'Bronze', threshold: 0 };
export const SILVER: Tier = { id: 'silver', name: 'Silver', threshold: 500 };
export const GOLD: Tier = { id: 'gold', name: 'Gold', threshold: 1500 };
/** The dev seed's tiers: points earned in a rolling 12 months. */
export const SEED_TIERS: Tier[] = [BRONZE, SILVER, GOLD];

export function policy(overrides: Partial<TierPolicy> = {}): TierPolicy {
  return { basis: 'points-earned', period: 'rolling-12-months', startDate: null, downgrade: { kind: 'end-of-period' }, ...overrides };
}

export function member(
  events: ProgressEvent[],
  current: MemberProgress['current'] = null,
  manual: MemberProgress['manual'] = null,
): MemberProgress {
  return { events, current, manual };
}

export const points = (iso: string, n: number): ProgressEvent => ({ at: at(iso), points: n });
