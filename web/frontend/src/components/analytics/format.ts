// How the Analytics page writes its figures: money in the shop's currency with
// its own decimals, rates as percentages, and the change against the previous
// period (percentage points for rates, a relative change for the rest).
import { useMemo } from 'react';
import { currencyDigits, formatMinor } from '../../../../loyalty/domain/money';
import { formatMoney } from '../../queries';
import { useI18n } from '../../providers/I18nProvider';
import type { MetricKind } from './metrics';

export interface Change {
  /** The change as shown ("+12.5%", "−2.1 pts"). */
  text: string;
  /** Its direction: -1, 0 or 1. */
  sign: number;
}

export interface AnalyticsFormat {
  /** The figure as shown; "—" for null. */
  value(kind: MetricKind, value: number | null): string;
  /** The change from `previous` to `current`, or null when there is nothing to compare with. */
  change(kind: MetricKind, current: number | null, previous: number | null | undefined): Change | null;
  money(minor: number): string;
  percent(rate: number): string;
  /** The figure for a CSV: money as a decimal amount in the currency's digits, rates as fractions. */
  csv(kind: MetricKind, value: number | null): string | number | null;
}

export function useAnalyticsFormat(currencyCode: string): AnalyticsFormat {
  const { t, locale, formatNumber } = useI18n();
  return useMemo(() => {
    const digits = currencyDigits(currencyCode);
    const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
    const signedPercent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
    const money = (minor: number) => formatMoney(locale, minor, currencyCode, digits);
    const percent = (rate: number) => percentFormat.format(rate);
    return {
      money,
      percent,
      value(kind, value) {
        if (value === null) return '—';
        switch (kind) {
          case 'count':
            return formatNumber(value);
          case 'money':
            return money(value);
          case 'rate':
          case 'roi':
            return percent(value);
          case 'ratio':
            return decimal.format(value);
          case 'days':
            return t('Analytics.daysValue', { days: oneDecimal.format(value) });
        }
      },
      change(kind, current, previous) {
        if (current === null || previous === null || previous === undefined) return null;
        if (kind === 'rate' || kind === 'roi') {
          const points = Math.round((current - previous) * 1000) / 10;
          return { text: t('Analytics.changePoints', { value: signed.format(points) }), sign: Math.sign(points) };
        }
        if (previous === 0) return current === 0 ? { text: signedPercent.format(0), sign: 0 } : null;
        const relative = (current - previous) / Math.abs(previous);
        const rounded = Math.round(relative * 1000) / 1000;
        return { text: signedPercent.format(rounded), sign: Math.sign(rounded) };
      },
      csv(kind, value) {
        if (value === null) return null;
        if (kind === 'money') return formatMinor(Math.round(value), currencyCode);
        return value;
      },
    };
  }, [currencyCode, locale, formatNumber, t]);
}

// ------------------------------------------------------------ date ranges

const DAY = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The range of equal length that ends the day before `from`. */
export function previousRange(range: { from: string; to: string }): { from: string; to: string } {
  const length = Math.round((dayMs(range.to) - dayMs(range.from)) / DAY) + 1;
  return { from: isoDay(dayMs(range.from) - length * DAY), to: isoDay(dayMs(range.from) - DAY) };
}

/** Days for up to a month, weeks up to half a year, months beyond. */
export function trendInterval(range: { from: string; to: string }): 'day' | 'week' | 'month' {
  const days = Math.round((dayMs(range.to) - dayMs(range.from)) / DAY) + 1;
  return days <= 31 ? 'day' : days <= 183 ? 'week' : 'month';
}

/** The cohort months shown: the range's months, and at least the twelve ending with its last. */
export function cohortMonths(range: { from: string; to: string }): { from: string; to: string } {
  const to = range.to.slice(0, 7);
  const [y, m] = to.split('-').map(Number);
  const yearBefore = new Date(Date.UTC(y!, m! - 1 - 11, 1)).toISOString().slice(0, 7);
  const from = range.from.slice(0, 7) < yearBefore ? range.from.slice(0, 7) : yearBefore;
  return { from, to };
}
