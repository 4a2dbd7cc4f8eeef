import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tier, TierPolicy } from '../../../web/loyalty/domain/tiers/policy.js';
import { tierKeptUntil, qualify, type MemberProgress, type ProgressEvent } from '../../../web/loyalty/domain/tiers/qualify.js';

const MIN = new Date('2022-01-01T00:00:00Z').getTime();
const MAX = new Date('2027-01-01T00:00:00Z').getTime();
const instant = fc.integer({ min: MIN, max: MAX }).map((t) => new Date(t));

const tiersArb: fc.Arbitrary<Tier[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 5 })
  .map((ts) => [0, ...ts].sort((a, b) => a - b).map((threshold, i) => ({ id: `t${i}`, name: `Tier ${i}`, threshold })));

const policyArb: fc.Arbitrary<TierPolicy> = fc.record({
  basis: fc.constantFrom('points-earned', 'amount-spent', 'orders'),
  period: fc.constantFrom('lifetime', 'calendar-year', 'rolling-12-months'),
  startDate: fc.option(instant, { nil: null }),
  downgrade: fc.oneof(
    fc.constant({ kind: 'never' as const }),
    fc.constant({ kind: 'end-of-period' as const }),
    fc.integer({ min: 1, max: 120 }).map((months) => ({ kind: 'after-retention' as const, months })),
  ),
});

const eventArb: fc.Arbitrary<ProgressEvent> = fc.record({
  at: instant,
  points: fc.integer({ min: -1000, max: 3000 }),
  amountMinor: fc.integer({ min: -1000, max: 3000 }),
  orders: fc.integer({ min: -1, max: 3 }),
});

const zoneArb = fc.constantFrom('UTC', 'Europe/Warsaw', 'Asia/Tokyo', 'America/New_York');

/** A member whose current and manual tier ids may or may not exist among t0…t5. */
const memberArb: fc.Arbitrary<MemberProgress> = fc.record({
  events: fc.array(eventArb, { maxLength: 8 }),
  current: fc.option(fc.record({ tierId: fc.constantFrom('t0', 't1', 't2', 't3', 't4', 't5'), reachedAt: instant }), { nil: null }),
  manual: fc.option(fc.record({ tierId: fc.constantFrom('t0', 't1', 't2', 't5'), lockedUntil: fc.option(instant, { nil: null }) }), {
    nil: null,
  }),
});

const scenario = fc.record({ member: memberArb, tiers: tiersArb, policy: policyArb, now: instant, zone: zoneArb });
const rank = (tiers: Tier[], tier: Tier) => tiers.findIndex((t) => t.id === tier.id);

describe('qualify properties', () => {
  it('the computed tier is the highest whose threshold ≤ progress, and progress ≥ 0', () => {
    fc.assert(
      fc.property(scenario, ({ member, tiers, policy, now, zone }) => {
        const q = qualify(member, tiers, policy, now, zone);
        expect(q.progress).toBeGreaterThanOrEqual(0);
        expect(q.computedTier.threshold).toBeLessThanOrEqual(q.progress);
        const above = tiers[rank(tiers, q.computedTier) + 1];
        if (above) expect(above.threshold).toBeGreaterThan(q.progress);
      }),
    );
  });

  it("an 'earned' tier is the computed tier; only 'retained' or 'manual' may sit above progress, and only 'manual' below it", () => {
    fc.assert(
      fc.property(scenario, ({ member, tiers, policy, now, zone }) => {
        const q = qualify(member, tiers, policy, now, zone);
        if (q.reason === 'earned') expect(q.tier).toEqual(q.computedTier);
        if (q.reason !== 'manual') expect(rank(tiers, q.tier)).toBeGreaterThanOrEqual(rank(tiers, q.computedTier));
        if (q.reason === 'retained') {
          expect(rank(tiers, q.tier)).toBeGreaterThan(rank(tiers, q.computedTier));
          expect(q.tier.id).toBe(member.current?.tierId);
          if (q.keptUntil) expect(q.keptUntil.getTime()).toBeGreaterThan(now.getTime());
        }
        if (q.reason === 'manual') {
          expect(q.tier.id).toBe(member.manual?.tierId);
          expect(q.keptUntil).toEqual(member.manual?.lockedUntil);
        }
      }),
    );
  });

  it('nextTier is the tier right above; remaining = max(0, its threshold − progress), 0 only at the top or for a manual tier below progress', () => {
    fc.assert(
      fc.property(scenario, ({ member, tiers, policy, now, zone }) => {
        const q = qualify(member, tiers, policy, now, zone);
        expect(q.nextTier).toEqual(tiers[rank(tiers, q.tier) + 1] ?? null);
        expect(q.remaining).toBeGreaterThanOrEqual(0);
        if (q.nextTier === null) expect(q.remaining).toBe(0);
        else expect(q.remaining).toBe(Math.max(0, q.nextTier.threshold - q.progress));
        if (q.remaining === 0 && q.nextTier !== null) expect(q.reason).toBe('manual');
      }),
    );
  });

  it('more progress never gives a lower tier (same member, same moment)', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 5000 }), ({ member, tiers, policy, now, zone }, extra) => {
        const more: MemberProgress = {
          ...member,
          events: [...member.events, { at: now, points: extra, amountMinor: extra, orders: extra }],
        };
        const before = qualify(member, tiers, policy, now, zone);
        const after = qualify(more, tiers, policy, now, zone);
        expect(after.progress).toBeGreaterThanOrEqual(before.progress);
        expect(rank(tiers, after.computedTier)).toBeGreaterThanOrEqual(rank(tiers, before.computedTier));
        expect(rank(tiers, after.tier)).toBeGreaterThanOrEqual(rank(tiers, before.tier));
      }),
    );
  });

  it('the order of events and of tiers does not matter', () => {
    fc.assert(
      fc.property(scenario, ({ member, tiers, policy, now, zone }) => {
        const q = qualify(member, tiers, policy, now, zone);
        const shuffled = qualify({ ...member, events: [...member.events].reverse() }, [...tiers].reverse(), policy, now, zone);
        expect(shuffled).toEqual(q);
      }),
    );
  });

  it('with no current tier and no manual lock, the tier is what progress earns', () => {
    fc.assert(
      fc.property(scenario, ({ member, tiers, policy, now, zone }) => {
        const q = qualify({ ...member, current: null, manual: null }, tiers, policy, now, zone);
        expect(q.reason).toBe('earned');
        expect(q.tier.threshold).toBeLessThanOrEqual(q.progress);
        expect(q.reachedAt).toEqual(now);
      }),
    );
  });

  it('never upgrades below a threshold: a tier above the current one is earned only with progress at or above its threshold', () => {
    fc.assert(
      fc.property(scenario, ({ member, tiers, policy, now, zone }) => {
        const q = qualify({ ...member, manual: null }, tiers, policy, now, zone);
        const current = tiers.find((t) => t.id === member.current?.tierId);
        if (current && rank(tiers, q.tier) > rank(tiers, current)) expect(q.progress).toBeGreaterThanOrEqual(q.tier.threshold);
      }),
      { numRuns: 500 },
    );
  });

  it('never downgrades before the policy allows: while the current tier is kept, no lower tier comes out', () => {
    fc.assert(
      fc.property(scenario, ({ member, tiers, policy, now, zone }) => {
        const current = tiers.find((t) => t.id === member.current?.tierId);
        if (!current || !member.current) return;
        const keptUntil = tierKeptUntil(member.current.reachedAt, policy, zone);
        const q = qualify({ ...member, manual: null }, tiers, policy, now, zone);
        if (keptUntil === null || now < keptUntil) expect(rank(tiers, q.tier)).toBeGreaterThanOrEqual(rank(tiers, current));
        if (policy.downgrade.kind === 'never') expect(rank(tiers, q.tier)).toBeGreaterThanOrEqual(rank(tiers, current));
      }),
      { numRuns: 500 },
    );
  });
});
