// Points at each anniversary of joining the program (shop time zone).
import { z } from 'zod';
import { localDate } from '../time.js';
import { pointsSchema, type EarnRuleType } from './types.js';

export const anniversaryConfig = z.object({ pointsPerYear: pointsSchema });
export type AnniversaryConfig = z.infer<typeof anniversaryConfig>;

export interface AnniversaryState {
  /** Full years of membership at `now`. */
  years: number;
  /** Calendar year of the latest anniversary (the value to record as lastAwardedYear). */
  year: number;
}

/**
 * Full years between `memberSince` and `now`, counted on calendar dates in
 * `timeZone`; null before the first anniversary. A member who joined on
 * 29 February has the anniversary on 1 March in other years.
 */
export function latestAnniversary(memberSince: Date, now: Date, timeZone: string): AnniversaryState | null {
  const since = localDate(memberSince, timeZone);
  const today = localDate(now, timeZone);
  const beforeDate = today.month < since.month || (today.month === since.month && today.day < since.day);
  const years = today.year - since.year - (beforeDate ? 1 : 0);
  return years >= 1 ? { years, year: since.year + years } : null;
}

export const anniversary: EarnRuleType<AnniversaryConfig> = {
  type: 'anniversary',
  label: 'Membership anniversary',
  config: anniversaryConfig,
  trigger: 'anniversary',
  // pointsPerYear each anniversary; a run that missed the day still pays it
  // until the next one, and never twice for the same anniversary.
  evaluate(config, context) {
    const since = context.member?.memberSince;
    if (!since) return 0;
    const latest = latestAnniversary(since, context.now, context.timeZone);
    if (!latest || context.lastAwardedYear === latest.year) return 0;
    return config.pointsPerYear;
  },
};
