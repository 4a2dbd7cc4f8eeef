// Text for the shopper: translations come from the theme's locale files
// (rendered into the page by Liquid's `t` filter); numbers, money and dates
// are formatted for the storefront's locale and currency.
import { ISO_4217_MORE_DIGITS } from '../../web/loyalty/domain/currency-digits.js';

export type Strings = Record<string, string>;

/** `pointsName`: what the merchant calls points ("stars"), used as typed for every count; empty: the translated "points". */
export function formatter(strings: Strings, locale: string, currency: string, pointsName = '') {
  const plural = new Intl.PluralRules(locale);
  const number = new Intl.NumberFormat(locale);
  const moneyFormat = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = Math.max(moneyFormat.resolvedOptions().maximumFractionDigits ?? 2, ISO_4217_MORE_DIGITS[currency] ?? 0);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const month = { month: 'long', timeZone: 'UTC' } as const;
  const dayMonth = new Intl.DateTimeFormat(locale, { ...month, day: 'numeric' });
  const monthName = new Intl.DateTimeFormat(locale, month);

  /** A translated string with {name} placeholders filled in; its `_renamed` variant ("Use your {name}") when the merchant named points. */
  const t = (key: string, values: Record<string, string | number> = {}) => {
    const named = self.pointsName && strings[`${key}_renamed`];
    const all: Record<string, string | number> = named ? { name: self.pointsName, ...values } : values;
    return (named || (strings[key] ?? key)).replace(/\{(\w+)\}/g, (whole, name: string) => (name in all ? String(all[name]) : whole));
  };

  const self = {
    t,
    /** The same, escaped for HTML. */
    h: (key: string, values?: Record<string, string | number>) => esc(t(key, values)),
    number: (n: number) => number.format(n),
    /** A multiplier such as 1.5, in the locale's digits. */
    decimal: (n: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n),
    points: (n: number) =>
      self.pointsName
        ? t('points_renamed', { n: number.format(n), name: self.pointsName })
        : t(plural.select(n) === 'one' ? 'points_one' : 'points_other', { n: number.format(n) }),
    /** Changed when the app proxy's answer names points otherwise (it is fresher than the page's metafield). */
    pointsName,
    /** Decimal digits of the shop's currency (minor units = units × 10^digits). */
    digits,
    /** Minor units of the shop's currency. */
    money: (minor: number) => moneyFormat.format(minor / 10 ** digits),
    /** One unit of the currency ("$1.00"), for earn rates. */
    unit: moneyFormat.format(1),
    date: (iso: string) => dates.format(new Date(iso)),
    dayMonth: (month: number, day: number) => dayMonth.format(new Date(Date.UTC(2000, month - 1, day))),
    monthNames: () => Array.from({ length: 12 }, (_, m) => monthName.format(new Date(Date.UTC(2000, m, 1)))),
  };
  return self;
}

export type Format = ReturnType<typeof formatter>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Everything from the server or the locale files is escaped before it becomes HTML (attributes are always double-quoted). */
export const esc = (value: unknown) => String(value ?? '').replace(/[&<>"]/g, (c) => ESCAPES[c]!);
