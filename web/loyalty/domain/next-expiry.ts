// The points a member is about to lose and when, as the expire-points job
// will take them (web/jobs/expire-points.ts): after-earning expiry is FIFO
// over credits (debits use the first-expiring credits first), grouped by the
// shop-local day the job expires them on; after-inactivity expiry takes the
// whole balance on one date. Pure: the caller loads the ledger's figures.
import { expiringFifo, type ExpiryInput } from './points.js';
import { inactivityExpiresAt, type ExpiryPolicy } from './program.js';
import { localDate } from './time.js';

export interface NextExpiry {
  points: number;
  /** When they expire (now, if they are already due and the daily job has not run yet). */
  at: Date;
}

const dayOf = (at: Date, timeZone: string) => {
  const { year, month, day } = localDate(at, timeZone);
  return `${year}-${month}-${day}`;
};

/**
 * After-earning expiry: the first shop-local day by `horizon` on which some
 * of the member's available points expire, and how many (never more than the
 * balance). `credits` are the available credits expiring by `horizon`.
 */
export function nextFifoExpiry(input: ExpiryInput & { available: number; now: Date; horizon: Date; timeZone: string }): NextExpiry | null {
  const credits = input.credits
    .filter((c): c is { points: number; expiresAt: Date } => c.expiresAt !== null && c.expiresAt <= input.horizon)
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
  const days = new Map<string, { first: Date; last: Date }>();
  for (const { expiresAt } of credits) {
    const key = dayOf(expiresAt, input.timeZone);
    days.set(key, { first: days.get(key)?.first ?? expiresAt, last: expiresAt });
  }
  let before = 0;
  for (const { first, last } of days.values()) {
    const byThen = expiringFifo({ ...input, credits, at: last });
    if (byThen > before) {
      const points = Math.min(byThen - before, input.available);
      return points > 0 ? { points, at: first > input.now ? first : input.now } : null;
    }
    before = byThen;
  }
  return null;
}

/** After-inactivity expiry: the whole balance, once the date is within `horizon`. */
export function nextInactivityExpiry(input: {
  available: number;
  lastActivityAt: Date;
  policy: ExpiryPolicy;
  now: Date;
  horizon: Date;
}): NextExpiry | null {
  const at = inactivityExpiresAt(input.lastActivityAt, input.policy);
  if (!at || at > input.horizon || input.available <= 0) return null;
  return { points: input.available, at: at > input.now ? at : input.now };
}
