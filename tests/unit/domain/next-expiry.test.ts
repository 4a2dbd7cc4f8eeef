// The points about to expire that the widget shows, as the expire-points job
// will take them: FIFO after debits, one shop-local day at a time, never more
// than the balance; the whole balance under inactivity expiry.
import { describe, expect, it } from 'vitest';
import { nextFifoExpiry, nextInactivityExpiry } from '../../../web/loyalty/domain/next-expiry.js';

const at = (iso: string) => new Date(iso);
const base = { now: at('2031-03-01T12:00:00Z'), horizon: at('2031-03-15T12:00:00Z'), timeZone: 'Europe/Warsaw', expiredSoFar: 0 };

describe('nextFifoExpiry', () => {
  it('gives the first day whose credits outlast what debits used, grouping credits of one shop-local day', () => {
    const credits = [
      { points: 40, expiresAt: at('2031-03-03T10:00:00Z') },
      { points: 30, expiresAt: at('2031-03-05T22:30:00Z') }, // 03-05 23:30 in Warsaw
      { points: 10, expiresAt: at('2031-03-05T23:30:00Z') }, // 03-06 00:30 in Warsaw: the next day
      { points: 5, expiresAt: at('2031-03-05T09:00:00Z') },
      { points: 99, expiresAt: null },
    ];
    // 45 spent: the 40 of 03-03 and 5 of 03-05's 35 are gone; 30 left on 03-05 (Warsaw), from its first credit's time.
    expect(nextFifoExpiry({ ...base, credits, debitedSoFar: 45, available: 500 })).toEqual({ points: 30, at: at('2031-03-05T09:00:00Z') });
    // Nothing spent: the 40 on 03-03; capped by the balance.
    expect(nextFifoExpiry({ ...base, credits, debitedSoFar: 0, available: 500 })).toEqual({ points: 40, at: at('2031-03-03T10:00:00Z') });
    expect(nextFifoExpiry({ ...base, credits, debitedSoFar: 0, available: 25 })).toEqual({ points: 25, at: at('2031-03-03T10:00:00Z') });
    // Everything due by the horizon already spent or expired: null.
    expect(nextFifoExpiry({ ...base, credits, debitedSoFar: 60, expiredSoFar: 25, available: 500 })).toBeNull();
  });

  it('says "now" for points already due that the daily job has not taken yet, and ignores credits past the horizon', () => {
    const credits = [
      { points: 20, expiresAt: at('2031-02-28T10:00:00Z') },
      { points: 50, expiresAt: at('2031-04-01T10:00:00Z') },
    ];
    expect(nextFifoExpiry({ ...base, credits, debitedSoFar: 0, available: 70 })).toEqual({ points: 20, at: base.now });
    expect(nextFifoExpiry({ ...base, credits: credits.slice(1), debitedSoFar: 0, available: 70 })).toBeNull();
  });
});

describe('nextInactivityExpiry', () => {
  const policy = { kind: 'after-inactivity', months: 6 } as const;
  it('gives the whole balance on the date six months after the last activity, within the horizon only', () => {
    const input = { available: 120, policy, now: base.now, horizon: base.horizon };
    expect(nextInactivityExpiry({ ...input, lastActivityAt: at('2030-09-10T08:00:00Z') })).toEqual({
      points: 120,
      at: at('2031-03-10T08:00:00Z'),
    });
    expect(nextInactivityExpiry({ ...input, lastActivityAt: at('2030-10-10T08:00:00Z') })).toBeNull();
    expect(nextInactivityExpiry({ ...input, available: 0, lastActivityAt: at('2030-09-10T08:00:00Z') })).toBeNull();
    expect(nextInactivityExpiry({ ...input, policy: { kind: 'never' }, lastActivityAt: at('2030-09-10T08:00:00Z') })).toBeNull();
  });
});
