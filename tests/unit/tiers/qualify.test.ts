import { describe, expect, it } from 'vitest';
import { periodEnd, startOfLocalYear } from '../../../web/loyalty/domain/tiers/period.js';
import { qualify, tierProgress } from '../../../web/loyalty/domain/tiers/qualify.js';
import { BRONZE, GOLD, SEED_TIERS, SILVER, at, member, points, policy } from './support.js';

const NOW = at('2025-06-15T12:00:00Z');
const UTC = 'UTC';
const WARSAW = 'Europe/Warsaw';

describe('seed tiers: points earned in a rolling 12 months', () => {
  it('puts a new member in Bronze with 500 to go', () => {
    expect(qualify(member([]), SEED_TIERS, policy(), NOW, UTC)).toEqual({
      tier: BRONZE,
      nextTier: SILVER,
      remaining: 500,
      progress: 0,
      keptUntil: at('2026-06-15T12:00:00Z'),
      computedTier: BRONZE,
      reason: 'earned',
      reachedAt: NOW,
    });
  });

  it('earns Silver at 500 and counts what is left to Gold', () => {
    const q = qualify(member([points('2025-01-10T00:00:00Z', 300), points('2025-05-01T00:00:00Z', 299)]), SEED_TIERS, policy(), NOW, UTC);
    expect(q).toMatchObject({ tier: SILVER, nextTier: GOLD, remaining: 901, progress: 599, computedTier: SILVER, reason: 'earned' });
    const edge = qualify(member([points('2025-05-01T00:00:00Z', 500)]), SEED_TIERS, policy(), NOW, UTC);
    expect(edge).toMatchObject({ tier: SILVER, remaining: 1000 });
    expect(qualify(member([points('2025-05-01T00:00:00Z', 499)]), SEED_TIERS, policy(), NOW, UTC)).toMatchObject({
      tier: BRONZE,
      remaining: 1,
    });
  });

  it('earns Gold at exactly 1500, with no next tier and nothing remaining', () => {
    const q = qualify(member([points('2025-03-01T00:00:00Z', 1500)]), SEED_TIERS, policy(), NOW, UTC);
    expect(q).toMatchObject({ tier: GOLD, nextTier: null, remaining: 0, progress: 1500 });
  });

  it('counts only the last 12 months, and nothing after now', () => {
    const events = [
      points('2024-06-15T11:59:59Z', 1000), // just outside the window
      points('2024-06-15T12:00:00Z', 400), // first instant inside it
      points('2025-06-15T12:00:01Z', 5000), // in the future
    ];
    expect(qualify(member(events), SEED_TIERS, policy(), NOW, UTC)).toMatchObject({ progress: 400, tier: BRONZE });
  });

  it('accepts the tiers in any order', () => {
    const q = qualify(member([points('2025-03-01T00:00:00Z', 700)]), [GOLD, BRONZE, SILVER], policy(), NOW, UTC);
    expect(q).toMatchObject({ tier: SILVER, nextTier: GOLD, remaining: 800 });
  });

  it('refuses an empty tier list', () => {
    expect(() => qualify(member([]), [], policy(), NOW, UTC)).toThrow(RangeError);
  });
});

describe('basis', () => {
  const events = [
    { at: at('2025-02-01T00:00:00Z'), points: 200, amountMinor: 12_000, orders: 1 },
    { at: at('2025-03-01T00:00:00Z'), points: 100, amountMinor: 8_000, orders: 1 },
    { at: at('2025-04-01T00:00:00Z'), amountMinor: -5_000 }, // a refund: no points, no order
  ];
  const tiers = [BRONZE, { ...SILVER, threshold: 2 }, { ...GOLD, threshold: 10_000 }];

  it('points-earned sums points only', () => {
    expect(tierProgress(events, policy({ basis: 'points-earned' }), NOW, UTC)).toBe(300);
  });

  it('amount-spent sums net minor units', () => {
    const q = qualify(member(events), tiers, policy({ basis: 'amount-spent' }), NOW, UTC);
    expect(q).toMatchObject({ progress: 15_000, tier: { id: 'gold' } });
  });

  it('orders counts orders', () => {
    const q = qualify(member(events), tiers, policy({ basis: 'orders' }), NOW, UTC);
    expect(q).toMatchObject({ progress: 2, tier: { id: 'silver' }, remaining: 9_998 });
  });

  it('floors progress at 0 when refunds exceed spending', () => {
    const q = qualify(
      member([{ at: at('2025-04-01T00:00:00Z'), amountMinor: -5_000 }]),
      tiers,
      policy({ basis: 'amount-spent' }),
      NOW,
      UTC,
    );
    expect(q).toMatchObject({ progress: 0, tier: BRONZE, remaining: 2 });
  });
});

describe('period', () => {
  it('lifetime counts all history', () => {
    const events = [points('2015-01-01T00:00:00Z', 1000), points('2025-01-01T00:00:00Z', 600)];
    expect(qualify(member(events), SEED_TIERS, policy({ period: 'lifetime' }), NOW, UTC)).toMatchObject({ progress: 1600, tier: GOLD });
    expect(qualify(member(events), SEED_TIERS, policy({ period: 'rolling-12-months' }), NOW, UTC)).toMatchObject({
      progress: 600,
      tier: SILVER,
    });
  });

  it('a calendar year starts at local midnight on 1 January', () => {
    expect(startOfLocalYear(2025, WARSAW)).toEqual(at('2024-12-31T23:00:00Z'));
    expect(startOfLocalYear(2025, UTC)).toEqual(at('2025-01-01T00:00:00Z'));
    expect(startOfLocalYear(2025, 'America/New_York')).toEqual(at('2025-01-01T05:00:00Z'));
    expect(startOfLocalYear(2025, 'Asia/Tokyo')).toEqual(at('2024-12-31T15:00:00Z'));
  });

  it('an order at 23:30 UTC on 31 December is next year in Warsaw, not in UTC', () => {
    const events = [points('2024-12-31T23:30:00Z', 600), points('2024-12-31T22:30:00Z', 1000)];
    const now = at('2025-01-15T00:00:00Z');
    const calendar = policy({ period: 'calendar-year' });
    expect(qualify(member(events), SEED_TIERS, calendar, now, WARSAW)).toMatchObject({ progress: 600, tier: SILVER });
    expect(qualify(member(events), SEED_TIERS, calendar, now, UTC)).toMatchObject({ progress: 0, tier: BRONZE });
  });

  it('the year rolls over in Warsaw an hour before UTC', () => {
    const events = [points('2025-06-01T00:00:00Z', 600)];
    const now = at('2025-12-31T23:30:00Z');
    const calendar = policy({ period: 'calendar-year' });
    expect(qualify(member(events), SEED_TIERS, calendar, now, UTC)).toMatchObject({ progress: 600, tier: SILVER });
    expect(qualify(member(events), SEED_TIERS, calendar, now, WARSAW)).toMatchObject({ progress: 0, tier: BRONZE });
  });

  it('ends a calendar-year period at the next local new year, others 12 months after reaching', () => {
    expect(periodEnd('calendar-year', at('2025-06-01T00:00:00Z'), WARSAW)).toEqual(at('2025-12-31T23:00:00Z'));
    expect(periodEnd('calendar-year', at('2024-12-31T23:30:00Z'), WARSAW)).toEqual(at('2025-12-31T23:00:00Z'));
    expect(periodEnd('calendar-year', at('2024-12-31T23:30:00Z'), UTC)).toEqual(at('2025-01-01T00:00:00Z'));
    expect(periodEnd('rolling-12-months', at('2025-06-01T00:00:00Z'), UTC)).toEqual(at('2026-06-01T00:00:00Z'));
    expect(periodEnd('lifetime', at('2024-02-29T00:00:00Z'), UTC)).toEqual(at('2025-02-28T00:00:00Z'));
  });
});

describe('startDate', () => {
  it('ignores history before it', () => {
    const events = [points('2025-01-31T23:59:59Z', 1000), points('2025-02-01T00:00:00Z', 600)];
    const q = qualify(member(events), SEED_TIERS, policy({ startDate: at('2025-02-01T00:00:00Z') }), NOW, UTC);
    expect(q).toMatchObject({ progress: 600, tier: SILVER });
    expect(qualify(member(events), SEED_TIERS, policy(), NOW, UTC)).toMatchObject({ progress: 1600, tier: GOLD });
  });

  it('does not widen the period', () => {
    const events = [points('2023-01-01T00:00:00Z', 1000), points('2025-02-01T00:00:00Z', 600)];
    const q = qualify(member(events), SEED_TIERS, policy({ startDate: at('2020-01-01T00:00:00Z') }), NOW, UTC);
    expect(q).toMatchObject({ progress: 600 });
  });
});

describe('upgrades and downgrades', () => {
  // Gold reached on 10 February 2025; a refund on 1 May takes 400 points back: 1200 is Silver.
  const reachedAt = at('2025-02-10T10:00:00Z');
  const events = [points('2025-02-10T10:00:00Z', 1600), points('2025-05-01T00:00:00Z', -400)];
  const gold = { tierId: 'gold', reachedAt };

  it('upgrades immediately, reached now', () => {
    const q = qualify(
      member([points('2025-06-01T00:00:00Z', 600)], { tierId: 'bronze', reachedAt: at('2024-08-01T00:00:00Z') }),
      SEED_TIERS,
      policy(),
      NOW,
      UTC,
    );
    expect(q).toMatchObject({ tier: SILVER, reason: 'earned', reachedAt: NOW, keptUntil: at('2026-06-15T12:00:00Z') });
  });

  it('a refund crossing back below a threshold does not downgrade immediately', () => {
    const q = qualify(member(events, gold), SEED_TIERS, policy(), NOW, UTC);
    expect(q).toEqual({
      tier: GOLD,
      nextTier: null,
      remaining: 0,
      progress: 1200,
      keptUntil: at('2026-02-10T10:00:00Z'),
      computedTier: SILVER,
      reason: 'retained',
      reachedAt,
    });
  });

  it('a retained tier below the top still counts what is left from progress', () => {
    const q = qualify(member([points('2025-02-10T10:00:00Z', 300)], { tierId: 'silver', reachedAt }), SEED_TIERS, policy(), NOW, UTC);
    expect(q).toMatchObject({ tier: SILVER, nextTier: GOLD, remaining: 1200, computedTier: BRONZE, reason: 'retained' });
  });

  it("'never' keeps the tier for good", () => {
    const later = at('2030-01-01T00:00:00Z');
    const q = qualify(member(events, gold), SEED_TIERS, policy({ downgrade: { kind: 'never' } }), later, UTC);
    expect(q).toMatchObject({ tier: GOLD, reason: 'retained', keptUntil: null, progress: 0, computedTier: BRONZE });
  });

  it("'end-of-period' on a rolling window keeps it 12 months after reaching", () => {
    const p = policy({ downgrade: { kind: 'end-of-period' } });
    expect(qualify(member(events, gold), SEED_TIERS, p, at('2026-02-10T09:59:59Z'), UTC)).toMatchObject({ tier: GOLD, reason: 'retained' });
    const after = at('2026-02-10T10:00:01Z'); // the 1600 has left the window too
    expect(qualify(member([...events, points('2026-01-01T00:00:00Z', 1000)], gold), SEED_TIERS, p, after, UTC)).toMatchObject({
      tier: SILVER,
      reason: 'earned',
      progress: 600,
      reachedAt: after,
      keptUntil: at('2027-02-10T10:00:01Z'),
    });
  });

  it("'end-of-period' on a calendar year keeps it to the local new year", () => {
    const p = policy({ period: 'calendar-year', downgrade: { kind: 'end-of-period' } });
    const current = { tierId: 'gold', reachedAt: at('2025-06-01T00:00:00Z') };
    const history = [points('2025-06-01T00:00:00Z', 1500)];
    expect(qualify(member(history, current), SEED_TIERS, p, at('2025-12-31T22:59:59Z'), WARSAW)).toMatchObject({
      tier: GOLD,
      reason: 'earned',
      keptUntil: at('2025-12-31T23:00:00Z'),
    });
    expect(qualify(member(history, current), SEED_TIERS, p, at('2025-12-31T23:00:00Z'), WARSAW)).toMatchObject({
      tier: BRONZE,
      progress: 0,
      reason: 'earned',
    });
    expect(qualify(member(history, current), SEED_TIERS, p, at('2025-12-31T23:30:00Z'), UTC)).toMatchObject({ tier: GOLD, progress: 1500 });
  });

  it("'after-retention' keeps it the given months after reaching", () => {
    const p = policy({ downgrade: { kind: 'after-retention', months: 3 } });
    expect(qualify(member(events, gold), SEED_TIERS, p, at('2025-05-10T09:59:59Z'), UTC)).toMatchObject({
      tier: GOLD,
      reason: 'retained',
      keptUntil: at('2025-05-10T10:00:00Z'),
    });
    expect(qualify(member(events, gold), SEED_TIERS, p, at('2025-05-10T10:00:00Z'), UTC)).toMatchObject({
      tier: SILVER,
      reason: 'earned',
      computedTier: SILVER,
    });
  });

  it('keeps the original reach date while the same tier is still earned, and renews it once keptUntil has passed', () => {
    const p = policy({ period: 'lifetime', downgrade: { kind: 'after-retention', months: 12 } });
    const history = [points('2024-01-10T00:00:00Z', 2000)];
    const current = { tierId: 'gold', reachedAt: at('2024-01-10T00:00:00Z') };
    expect(qualify(member(history, current), SEED_TIERS, p, at('2024-06-01T00:00:00Z'), UTC)).toMatchObject({
      tier: GOLD,
      reason: 'earned',
      reachedAt: at('2024-01-10T00:00:00Z'),
      keptUntil: at('2025-01-10T00:00:00Z'),
    });
    expect(qualify(member(history, current), SEED_TIERS, p, NOW, UTC)).toMatchObject({
      tier: GOLD,
      reason: 'earned',
      reachedAt: NOW,
      keptUntil: at('2026-06-15T12:00:00Z'),
    });
  });

  it('ignores a current tier that no longer exists', () => {
    const q = qualify(member([], { tierId: 'platinum', reachedAt }), SEED_TIERS, policy(), NOW, UTC);
    expect(q).toMatchObject({ tier: BRONZE, reason: 'earned' });
  });
});

describe('manual assignment', () => {
  const gold = points('2025-03-01T00:00:00Z', 1600);

  it('overrides progress while locked with no end', () => {
    const q = qualify(member([], null, { tierId: 'gold', lockedUntil: null }), SEED_TIERS, policy(), NOW, UTC);
    expect(q).toMatchObject({
      tier: GOLD,
      reason: 'manual',
      keptUntil: null,
      computedTier: BRONZE,
      progress: 0,
      nextTier: null,
      remaining: 0,
    });
  });

  it('overrides until lockedUntil, then progress applies', () => {
    const lock = { tierId: 'bronze', lockedUntil: at('2025-07-01T00:00:00Z') };
    const current = { tierId: 'gold', reachedAt: at('2025-03-01T00:00:00Z') };
    expect(qualify(member([gold], current, lock), SEED_TIERS, policy(), at('2025-06-30T23:59:59Z'), UTC)).toMatchObject({
      tier: BRONZE,
      reason: 'manual',
      keptUntil: lock.lockedUntil,
      computedTier: GOLD,
      nextTier: SILVER,
      remaining: 0,
    });
    expect(qualify(member([gold], current, lock), SEED_TIERS, policy(), at('2025-07-01T00:00:00Z'), UTC)).toMatchObject({
      tier: GOLD,
      reason: 'earned',
    });
  });

  it('after expiry, downgrade rules apply to the current tier again', () => {
    const lock = { tierId: 'silver', lockedUntil: at('2025-05-01T00:00:00Z') };
    const current = { tierId: 'gold', reachedAt: at('2025-01-01T00:00:00Z') };
    expect(qualify(member([], current, lock), SEED_TIERS, policy(), NOW, UTC)).toMatchObject({ tier: GOLD, reason: 'retained' });
  });

  it('does not retain a tier that was given, once its lock ends: progress decides', () => {
    const lock = { tierId: 'gold', lockedUntil: at('2025-05-01T00:00:00Z') };
    const current = { tierId: 'gold', reachedAt: at('2025-04-01T00:00:00Z') };
    const earned = points('2025-03-01T00:00:00Z', 600);
    expect(qualify(member([earned], current, lock), SEED_TIERS, policy(), at('2025-04-30T00:00:00Z'), UTC)).toMatchObject({
      tier: GOLD,
      reason: 'manual',
    });
    expect(qualify(member([earned], current, lock), SEED_TIERS, policy(), at('2025-05-02T00:00:00Z'), UTC)).toMatchObject({
      tier: SILVER,
      reason: 'earned',
    });
  });

  it('ignores a manual tier that no longer exists', () => {
    expect(qualify(member([gold], null, { tierId: 'platinum', lockedUntil: null }), SEED_TIERS, policy(), NOW, UTC)).toMatchObject({
      tier: GOLD,
      reason: 'earned',
    });
  });
});
