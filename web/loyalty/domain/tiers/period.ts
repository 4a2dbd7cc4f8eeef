// Period boundaries as instants. Calendar years start at local midnight on
// 1 January in the shop's time zone: 23:30 UTC on 31 December is already the
// new year in Warsaw.
import { addMonths, localDate, wallClock } from '../time.js';
import type { TierPeriod } from './policy.js';

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const p = wallClock(at, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant local midnight of 1 January `year` begins in `timeZone`. */
export function startOfLocalYear(year: number, timeZone: string): Date {
  const wall = Date.UTC(year, 0, 1);
  const guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  return new Date(wall - zoneOffsetMs(new Date(guess), timeZone));
}

/** The earliest instant whose events count towards progress at `now` (null: all history). */
export function periodStart(period: TierPeriod, now: Date, timeZone: string): Date | null {
  switch (period) {
    case 'lifetime':
      return null;
    case 'calendar-year':
      return startOfLocalYear(localDate(now, timeZone).year, timeZone);
    case 'rolling-12-months':
      return addMonths(now, -12);
  }
}

/** When the period a tier was reached in ends: the next local 1 January, or reachedAt + 12 months for rolling and lifetime. */
export function periodEnd(period: TierPeriod, reachedAt: Date, timeZone: string): Date {
  return period === 'calendar-year' ? startOfLocalYear(localDate(reachedAt, timeZone).year + 1, timeZone) : addMonths(reachedAt, 12);
}
