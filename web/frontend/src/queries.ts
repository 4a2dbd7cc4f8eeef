// The admin API's answers as the pages use them, and the react-query hooks
// that load them. Types of settings come from the domain (type-only imports).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProgramInfo } from '../../loyalty/domain/program';
import { apiGet } from './api';

export interface ShopInfo {
  domain: string;
  name: string;
  currencyCode: string;
  ianaTimezone: string;
}

export type { ProgramInfo } from '../../loyalty/domain/program';

export interface EarnRule {
  id: string;
  type: string;
  name: string;
  config: Record<string, unknown>;
  enabled: boolean;
  startsAt: string | null;
  endsAt: string | null;
}

export interface Campaign {
  id: string;
  name: string;
  multiplier: string;
  startsAt: string;
  endsAt: string;
  ruleTypes: string[];
  /** Only this segment's members earn it (a rule segment's id or an RFM handle); null: every member. */
  segmentId: string | null;
}

export interface Reward {
  id: string;
  type: string;
  name: string;
  config: Record<string, unknown>;
  tierIds: string[];
  /** Only these segments' members see and redeem it (rule segment ids or RFM handles); empty: everyone. */
  segmentIds: string[];
  limitPerMember: number | null;
  enabled: boolean;
  redemptions: number;
}

export interface Member {
  id: string;
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  points: { available: number; pending: number; lifetimeEarned: number; lifetimeRedeemed: number };
  memberSince: string;
  lastActivityAt: string | null;
  tierId?: string | null;
}

export const keys = {
  program: ['admin', 'program'] as const,
  rules: ['admin', 'earn-rules'] as const,
  rewards: ['admin', 'rewards'] as const,
  members: ['admin', 'members'] as const,
  dashboard: ['admin', 'dashboard'] as const,
  tiers: ['admin', 'tiers'] as const,
};

export interface TierInfo {
  id: string;
  name: string;
  threshold: number;
  perks: {
    multiplier: string;
    freeShipping: boolean;
    birthdayBonus: number;
    tag: string | null;
    entryRewardId: string | null;
    rewardIds?: string[];
  };
}

export interface TierPolicyInfo {
  basis: 'points-earned' | 'amount-spent' | 'orders';
  period: 'lifetime' | 'calendar-year' | 'rolling-12-months';
  startDate: string | null;
  downgrade: { kind: 'never' | 'end-of-period' | 'after-retention'; months?: number };
}

/** The shop's tiers (lowest first), the policy, and members per tier. */
export function useTiers() {
  return useQuery({
    queryKey: keys.tiers,
    queryFn: ({ signal }) =>
      apiGet<{ tiers: TierInfo[]; policy: TierPolicyInfo; members: Record<string, number> }>('/api/admin/tiers', { signal }),
  });
}

export function useProgram() {
  return useQuery({
    queryKey: keys.program,
    queryFn: ({ signal }) => apiGet<{ shop: ShopInfo; program: ProgramInfo | null }>('/api/admin/program', { signal }),
  });
}

export function useEarnRules() {
  return useQuery({
    queryKey: keys.rules,
    queryFn: ({ signal }) => apiGet<{ rules: EarnRule[]; campaigns: Campaign[] }>('/api/admin/earn-rules', { signal }),
  });
}

export function useRewards() {
  return useQuery({ queryKey: keys.rewards, queryFn: ({ signal }) => apiGet<{ rewards: Reward[] }>('/api/admin/rewards', { signal }) });
}

/** Drops cached answers under `key` so every page shows what was just saved. */
export function useInvalidate() {
  const client = useQueryClient();
  return (...queryKeys: readonly (readonly string[])[]) => Promise.all(queryKeys.map((queryKey) => client.invalidateQueries({ queryKey })));
}

/** Minor units → "5.00 USD" in the page's locale. */
export function formatMoney(locale: string, minor: number, currency: string, digits = 2): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}
