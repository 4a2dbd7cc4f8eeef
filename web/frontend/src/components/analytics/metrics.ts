// Which figures the Analytics page shows, in which groups, how each is
// formatted and compared, and where its words are (locales: Analytics.metrics.*).
import type { MessageKey } from '../../i18n';
import type { CustomerMetrics, ProgramMetrics } from './types';

/** count: a whole number; money: minor units; rate: a fraction shown as %; ratio: a plain number; days. */
export type MetricKind = 'count' | 'money' | 'rate' | 'ratio' | 'days' | 'roi';
/** Which way is good news: colours the change against the previous period. */
export type Better = 'up' | 'down' | 'neutral';

export interface MetricDef<K extends string> {
  key: K;
  kind: MetricKind;
  better: Better;
  /** Formulas whose seed form differs from the industry's: both are shown, labelled. */
  twoForms?: boolean;
  /** A figure that is an estimate, labelled so. */
  estimate?: boolean;
}

export type CustomerMetricKey = keyof CustomerMetrics;
export type ProgramMetricKey = keyof ProgramMetrics;
export type MetricKey = CustomerMetricKey | ProgramMetricKey;

export const PURCHASE_METRICS: readonly MetricDef<CustomerMetricKey>[] = [
  { key: 'customers', kind: 'count', better: 'up' },
  { key: 'newCustomers', kind: 'count', better: 'up' },
  { key: 'orders', kind: 'count', better: 'up' },
  { key: 'netSalesMinor', kind: 'money', better: 'up' },
  { key: 'aovMinor', kind: 'money', better: 'up' },
  { key: 'purchaseFrequency', kind: 'ratio', better: 'up' },
  { key: 'repeatPurchaseRate', kind: 'rate', better: 'up' },
  { key: 'avgDaysBetweenOrders', kind: 'days', better: 'down' },
  { key: 'upsellFrequency', kind: 'rate', better: 'up' },
];

export const RETENTION_METRICS: readonly MetricDef<CustomerMetricKey>[] = [
  { key: 'retentionRate', kind: 'rate', better: 'up', twoForms: true },
  { key: 'churnRate', kind: 'rate', better: 'down', twoForms: true },
  { key: 'revenueChurnRate', kind: 'rate', better: 'down', twoForms: true },
];

export const VALUE_METRICS: readonly MetricDef<CustomerMetricKey>[] = [
  { key: 'historicalLtvMinor', kind: 'money', better: 'up' },
  { key: 'predictedLtvMinor', kind: 'money', better: 'up', twoForms: true },
];

export const PROGRAM_METRICS: readonly MetricDef<ProgramMetricKey>[] = [
  { key: 'redemptionRate', kind: 'rate', better: 'neutral' },
  { key: 'activeMemberRate', kind: 'rate', better: 'up' },
  { key: 'pointsLiabilityMinor', kind: 'money', better: 'neutral' },
  { key: 'roi', kind: 'roi', better: 'up', twoForms: true, estimate: true },
];

export const CUSTOMER_METRICS: readonly MetricDef<CustomerMetricKey>[] = [...PURCHASE_METRICS, ...RETENTION_METRICS, ...VALUE_METRICS];

/** The translation keys of a metric's words (tsc checks every metric has a label, formula and empty-figure reason). */
export function metricText(key: MetricKey) {
  const label: MessageKey = `Analytics.metrics.${key}.label` as const;
  const formula: MessageKey = `Analytics.metrics.${key}.formula` as const;
  const empty: MessageKey = `Analytics.metrics.${key}.empty` as const;
  // Only the metrics with twoForms have these.
  const other = (name: 'formulaLabel' | 'alternative' | 'alternativeLabel') => `Analytics.metrics.${key}.${name}` as MessageKey;
  return {
    label,
    formula,
    empty,
    formulaLabel: other('formulaLabel'),
    alternative: other('alternative'),
    alternativeLabel: other('alternativeLabel'),
  };
}

/** The unit a CSV column states for a figure of this kind. */
export function csvUnit(kind: MetricKind, currencyCode: string): string {
  switch (kind) {
    case 'money':
      return currencyCode;
    case 'rate':
    case 'roi':
      return 'fraction';
    case 'days':
      return 'days';
    case 'ratio':
      return 'orders per customer';
    case 'count':
      return 'count';
  }
}
