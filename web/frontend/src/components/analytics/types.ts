// The analytics API's answers (issue 15's interface; definitions in
// ../shared/METRICS.md). Rates are fractions, money is in the shop currency's
// minor units, and null means there is no data to compute the figure from.

export interface CustomerMetrics {
  customers: number;
  newCustomers: number;
  orders: number;
  netSalesMinor: number;
  aovMinor: number | null;
  purchaseFrequency: number | null;
  repeatPurchaseRate: number | null;
  avgDaysBetweenOrders: number | null;
  upsellFrequency: number | null;
  retentionRate: number | null;
  churnRate: number | null;
  revenueChurnRate: number | null;
  historicalLtvMinor: number | null;
  predictedLtvMinor: number | null;
}

export interface ProgramMetrics {
  redemptionRate: number | null;
  activeMemberRate: number | null;
  pointsLiabilityMinor: number | null;
  roi: number | null;
}

export interface Summary {
  range: { from: string; to: string };
  currencyCode: string;
  activityWindowDays: number;
  all: CustomerMetrics;
  members: CustomerMetrics;
  nonMembers: CustomerMetrics;
  program: ProgramMetrics;
}

export interface Cohort {
  month: string;
  customers: number;
  /** retention[0] is the first month (1); retention[k] the share with an order k months later; null for a cohort of no one. */
  retention: (number | null)[];
}

export interface Cohorts {
  cohorts: Cohort[];
}

export type Interval = 'day' | 'week' | 'month';

export interface TrendFigures {
  orders: number;
  netSalesMinor: number;
  customers: number;
  newCustomers: number;
}

export interface TrendPoint {
  start: string;
  all: TrendFigures;
  members: TrendFigures;
  nonMembers: TrendFigures;
}

export interface Trends {
  interval: Interval;
  points: TrendPoint[];
}

export interface TierRow {
  /** null: members not placed in a tier yet. */
  tierId: string | null;
  name: string;
  members: number;
  metrics: CustomerMetrics;
}

export interface Tiers {
  tiers: TierRow[];
}

export const SEGMENTS = ['all', 'members', 'nonMembers'] as const;
export type Segment = (typeof SEGMENTS)[number];
