// Ranges and the shop's time zone (../shared/METRICS.md, "Range"): a range is
// whole local days, `from`..`to` both included. Timestamps are stored as UTC
// in `timestamp(3)` columns, so a local day's bounds are computed in SQL from
// the shop's IANA zone (daylight saving included), never in Node.
import type pg from 'pg';
import { z } from 'zod';
import { parseProgramSettings } from '../loyalty/domain/program.js';
import { currencyDigits, isKnownCurrency } from '../loyalty/domain/money.js';

const DAY_MS = 86_400_000;
/** The longest range any analytics query answers: three years (a leap day included). */
export const MAX_RANGE_DAYS = 3 * 366;

const realDate = (d: string) => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};

/** A calendar day, YYYY-MM-DD, that exists (2026-02-30 does not). */
export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-24')
  .refine(realDate, 'not a real date');
/** A calendar month, YYYY-MM. */
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month like 2026-11');

export const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** `from`..`to`, whole days in the shop's time zone, both included; at most three years. */
export const rangeQuery = z
  .object({ from: daySchema, to: daySchema })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'must be on or after the start' })
  .refine((r) => daysBetween(r.from, r.to) < MAX_RANGE_DAYS, { path: ['to'], message: 'at most three years at a time' });
export type DayRange = z.infer<typeof rangeQuery>;

export const monthRangeQuery = z
  .object({ from: monthSchema, to: monthSchema })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'must be on or after the start' })
  .refine((r) => monthIndex(r.to) - monthIndex(r.from) < 36, { path: ['to'], message: 'at most 36 months at a time' });
export type MonthRange = z.infer<typeof monthRangeQuery>;

/** Months since year 0: 2026-01 → 24312. */
export const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
export const monthOf = (index: number) => `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/** The day `n` days after `day` (n may be negative). */
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

// SQL pieces. Each takes the placeholder of the shop's time zone, e.g. '$2'.
/** The local calendar day (a `date`) of a UTC timestamp column. */
export const localDate = (column: string, tz: string) => `((${column} AT TIME ZONE 'UTC') AT TIME ZONE ${tz}::text)::date`;
/** The local calendar day of a UTC timestamp column as YYYY-MM-DD text. */
export const localDay = (column: string, tz: string) => `to_char((${column} AT TIME ZONE 'UTC') AT TIME ZONE ${tz}::text, 'YYYY-MM-DD')`;
/** The UTC instant (timestamp without zone, as stored) at which a local day (a `date` expression) starts. */
export const utcStartOf = (day: string, tz: string) => `((${day})::timestamp AT TIME ZONE ${tz}::text) AT TIME ZONE 'UTC'`;
/** `column` within the local days `first`..`last` (date expressions), both included. */
export const inLocalDays = (column: string, tz: string, first: string, last: string) =>
  `${column} >= ${utcStartOf(first, tz)} AND ${column} < ${utcStartOf(`(${last}) + 1`, tz)}`;

/** What every analytics query needs to know about the shop. */
export interface ShopContext {
  shop: string;
  timeZone: string;
  currencyCode: string;
  /** Digits of the currency's minor unit (JPY 0, EUR 2, KWD 3). */
  currencyDigits: number;
  /** METRICS.md's activity window W in days: a customer is active at t with an order in (t − W, t]. */
  activityWindowDays: number;
}

export const DEFAULT_ACTIVITY_WINDOW_DAYS = 365;

export async function shopContext(pool: pg.Pool, shop: string): Promise<ShopContext> {
  const { rows } = await pool.query<{ ianaTimezone: string; currencyCode: string; settings: unknown }>(
    `SELECT s."ianaTimezone", s."currencyCode", p.settings FROM "Shop" s LEFT JOIN "Program" p ON p.shop = s.domain WHERE s.domain = $1`,
    [shop],
  );
  const row = rows[0];
  const settings = parseProgramSettings(row?.settings ?? {});
  const currencyCode = row?.currencyCode ?? 'USD';
  return {
    shop,
    timeZone: row?.ianaTimezone ?? 'UTC',
    currencyCode,
    currencyDigits: isKnownCurrency(currencyCode) ? currencyDigits(currencyCode) : 2,
    activityWindowDays: settings.ok ? settings.value.activityWindowDays : DEFAULT_ACTIVITY_WINDOW_DAYS,
  };
}

/** Today in the shop's time zone, YYYY-MM-DD. */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
