import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidRateError,
  applyMultiplier,
  clawbackPlan,
  divideRounded,
  expiringFifo,
  expiringWithin,
  orderTargetPoints,
  parseRate,
  pointsForAmount,
  type Rounding,
} from '../../../web/loyalty/domain/points.js';

const rounding = fc.constantFrom<Rounding>('down', 'nearest', 'up');
const rateText = fc
  .tuple(fc.nat({ max: 1000 }), fc.nat({ max: 9999 }), fc.integer({ min: 0, max: 4 }))
  .map(([whole, fraction, places]) => (places === 0 ? String(whole) : `${whole}.${String(fraction).padStart(4, '0').slice(0, places)}`));

describe('parseRate', () => {
  it('turns decimal strings into exact ratios', () => {
    expect(parseRate('1')).toEqual({ text: '1', numerator: 1n, denominator: 1n });
    expect(parseRate('1.5')).toEqual({ text: '1.5', numerator: 15n, denominator: 10n });
    expect(parseRate('0.25')).toEqual({ text: '0.25', numerator: 25n, denominator: 100n });
    expect(parseRate('0.0001')).toEqual({ text: '0.0001', numerator: 1n, denominator: 10000n });
    expect(parseRate('0')).toMatchObject({ numerator: 0n });
  });

  it.each(['-1', '1.23456', 'abc', '', '1e2', '.5', '1.', '1,5', 'Infinity'])('rejects %j', (text) => {
    expect(() => parseRate(text)).toThrow(InvalidRateError);
  });
});

describe('pointsForAmount', () => {
  it('multiplies whole currency units by the rate and rounds by the rule', () => {
    expect(pointsForAmount(1999, 2, parseRate('1'), 'down')).toBe(19);
    expect(pointsForAmount(1999, 2, parseRate('1'), 'nearest')).toBe(20);
    expect(pointsForAmount(1999, 2, parseRate('1'), 'up')).toBe(20);
    expect(pointsForAmount(1999, 2, '1.5', 'down')).toBe(29); // 29.985
    expect(pointsForAmount(1999, 2, '1.5', 'nearest')).toBe(30);
    expect(pointsForAmount(1900, 2, '1', 'up')).toBe(19); // exact stays exact
  });

  it('rounds halves up under "nearest"', () => {
    expect(pointsForAmount(1234, 0, '0.25', 'nearest')).toBe(309); // 308.5 JPY × 0.25
    expect(pointsForAmount(1234, 0, '0.25', 'down')).toBe(308);
    expect(pointsForAmount(1250, 2, '1', 'nearest')).toBe(13);
    expect(pointsForAmount(1249, 2, '1', 'nearest')).toBe(12);
  });

  it('knows the size of a currency unit: JPY has none below it, KWD has 1000 fils', () => {
    expect(pointsForAmount(1200, 0, '1', 'down')).toBe(1200);
    expect(pointsForAmount(12345, 3, '10', 'down')).toBe(123);
  });

  it('has no floating-point error (1.15 × 100 = 114.999… in floats)', () => {
    expect(Math.floor(1.15 * 100)).toBe(114);
    expect(pointsForAmount(10000, 2, '1.15', 'down')).toBe(115);
    expect(pointsForAmount(30000, 2, '0.07', 'down')).toBe(21); // 0.07 × 300 = 21.000000000000004
  });

  it('stays exact where amount × rate passes 2^53', () => {
    const amount = Number.MAX_SAFE_INTEGER;
    const exact = (BigInt(amount) * 12345n) / (100n * 10000n);
    expect(pointsForAmount(amount, 2, '1.2345', 'down')).toBe(Number(exact));
  });

  it('rejects negative or fractional amounts', () => {
    expect(() => pointsForAmount(-1, 2, '1', 'down')).toThrow(RangeError);
    expect(() => pointsForAmount(1.5, 2, '1', 'down')).toThrow(RangeError);
  });
});

describe('rounding (property)', () => {
  it('down ≤ exact ≤ up, up − down ≤ 1, nearest within ½ of exact', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 12 }), fc.integer({ min: 0, max: 3 }), rateText, (amount, digits, text) => {
        const rate = parseRate(text);
        const n = BigInt(amount) * rate.numerator;
        const d = 10n ** BigInt(digits) * rate.denominator;
        const down = BigInt(pointsForAmount(amount, digits, rate, 'down'));
        const up = BigInt(pointsForAmount(amount, digits, rate, 'up'));
        const nearest = BigInt(pointsForAmount(amount, digits, rate, 'nearest'));
        expect(down * d <= n).toBe(true);
        expect(n <= up * d).toBe(true);
        expect(up - down <= 1n).toBe(true);
        const distance = 2n * nearest * d - 2n * n;
        expect(distance > -d && distance <= d).toBe(true); // −½ < nearest − exact ≤ ½: halves go up
      }),
    );
  });

  it('divideRounded agrees with exact integer division when there is no remainder', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 10n }), rounding, (q, d, r) => {
        expect(divideRounded(q * d, d, r)).toBe(q);
      }),
    );
  });
});

describe('applyMultiplier', () => {
  it('multiplies and rounds', () => {
    expect(applyMultiplier(101, '2', 'down')).toBe(202);
    expect(applyMultiplier(101, '1.5', 'down')).toBe(151);
    expect(applyMultiplier(101, '1.5', 'nearest')).toBe(152);
    expect(applyMultiplier(101, '1.5', 'up')).toBe(152);
    expect(applyMultiplier(0, '3', 'up')).toBe(0);
  });
});

describe('orderTargetPoints', () => {
  it('scales the awarded points by what is left of the earn base', () => {
    expect(orderTargetPoints({ awarded: 100, earnBaseMinor: 10000, netBaseMinor: 10000, rounding: 'down' })).toBe(100);
    expect(orderTargetPoints({ awarded: 100, earnBaseMinor: 10000, netBaseMinor: 2500, rounding: 'down' })).toBe(25);
    expect(orderTargetPoints({ awarded: 58, earnBaseMinor: 5800, netBaseMinor: 2900, rounding: 'down' })).toBe(29);
    expect(orderTargetPoints({ awarded: 100, earnBaseMinor: 10000, netBaseMinor: 0, rounding: 'up' })).toBe(0);
  });

  it('uses the rate of the award, not today’s: 1.5 points per unit stay 1.5 after a refund', () => {
    // 150 points for 100.00 at 1.5; refunding 40.00 leaves 60.00 → 90 points.
    expect(orderTargetPoints({ awarded: 150, earnBaseMinor: 10000, netBaseMinor: 6000, rounding: 'down' })).toBe(90);
  });

  it('rounds by the rule and gives 0 when the earn base was 0', () => {
    expect(orderTargetPoints({ awarded: 10, earnBaseMinor: 3, netBaseMinor: 1, rounding: 'down' })).toBe(3);
    expect(orderTargetPoints({ awarded: 10, earnBaseMinor: 3, netBaseMinor: 1, rounding: 'up' })).toBe(4);
    expect(orderTargetPoints({ awarded: 10, earnBaseMinor: 3, netBaseMinor: 1, rounding: 'nearest' })).toBe(3);
    expect(orderTargetPoints({ awarded: 10, earnBaseMinor: 0, netBaseMinor: 0, rounding: 'up' })).toBe(0);
  });

  it('treats a negative net base as nothing left, and grows past awarded only when the base grew', () => {
    expect(orderTargetPoints({ awarded: 10, earnBaseMinor: 100, netBaseMinor: -50, rounding: 'up' })).toBe(0);
    expect(orderTargetPoints({ awarded: 10, earnBaseMinor: 100, netBaseMinor: 150, rounding: 'down' })).toBe(15);
  });

  it('is exact for large orders', () => {
    expect(orderTargetPoints({ awarded: 1_000_000_000, earnBaseMinor: 10 ** 12, netBaseMinor: 10 ** 12 - 1, rounding: 'down' })).toBe(
      999_999_999,
    );
  });
});

describe('orderTargetPoints (property)', () => {
  const input = fc
    .record({ awarded: fc.nat({ max: 10 ** 9 }), earnBaseMinor: fc.integer({ min: 1, max: 10 ** 12 }), rounding })
    .chain((i) =>
      fc.record({ netBaseMinor: fc.integer({ min: -i.earnBaseMinor, max: 2 * i.earnBaseMinor }) }).map((n) => ({ ...i, ...n })),
    );

  it('is never negative', () => {
    fc.assert(fc.property(input, (i) => orderTargetPoints(i) >= 0));
  });

  it('never exceeds awarded while the net base is at most the earn base', () => {
    fc.assert(fc.property(input, (i) => i.netBaseMinor > i.earnBaseMinor || orderTargetPoints(i) <= i.awarded));
  });

  it('equals awarded when nothing was refunded', () => {
    fc.assert(fc.property(input, (i) => orderTargetPoints({ ...i, netBaseMinor: i.earnBaseMinor }) === i.awarded));
  });

  it('is monotonic in the net base', () => {
    fc.assert(
      fc.property(input, fc.double({ min: 0, max: 1, noNaN: true }), (i, share) => {
        const larger = i.netBaseMinor + Math.floor(share * (2 * i.earnBaseMinor - i.netBaseMinor));
        return orderTargetPoints(i) <= orderTargetPoints({ ...i, netBaseMinor: larger });
      }),
    );
  });

  it('successive partial refunds within the earn base never take back more than was awarded', () => {
    const scenario = fc
      .record({ awarded: fc.nat({ max: 10 ** 7 }), earnBaseMinor: fc.integer({ min: 1, max: 10 ** 9 }), rounding })
      .chain((s) =>
        fc.array(fc.integer({ min: 0, max: s.earnBaseMinor }), { minLength: 1, maxLength: 8 }).map((cuts) => {
          // Refund sizes whose total stays within the earn base.
          let left = s.earnBaseMinor;
          const refunds = cuts.map((c) => {
            const r = Math.min(c, left);
            left -= r;
            return r;
          });
          return { ...s, refunds };
        }),
      );
    fc.assert(
      fc.property(scenario, ({ awarded, earnBaseMinor, rounding: r, refunds }) => {
        let held = awarded;
        let net = earnBaseMinor;
        let takenBack = 0;
        for (const refund of refunds) {
          net -= refund;
          const target = orderTargetPoints({ awarded, earnBaseMinor, netBaseMinor: net, rounding: r });
          const delta = held - target;
          expect(delta).toBeGreaterThanOrEqual(0);
          takenBack += delta;
          held = target;
        }
        expect(takenBack).toBeLessThanOrEqual(awarded);
        expect(held).toBeGreaterThanOrEqual(0);
        if (net === 0) expect(takenBack).toBe(awarded);
      }),
    );
  });
});

describe('clawbackPlan', () => {
  it('takes it all and lets the balance go negative under allow-negative', () => {
    expect(clawbackPlan({ balance: 30, clawback: 50, policy: 'allow-negative' })).toEqual({ points: -50, shortfall: 0 });
  });

  it('stops at zero and records the shortfall under floor-at-zero', () => {
    expect(clawbackPlan({ balance: 80, clawback: 50, policy: 'floor-at-zero' })).toEqual({ points: -50, shortfall: 0 });
    expect(clawbackPlan({ balance: 30, clawback: 50, policy: 'floor-at-zero' })).toEqual({ points: -30, shortfall: 20 });
    expect(clawbackPlan({ balance: -10, clawback: 50, policy: 'floor-at-zero' })).toEqual({ points: 0, shortfall: 50 });
    expect(Object.is(clawbackPlan({ balance: 0, clawback: 0, policy: 'floor-at-zero' }).points, 0)).toBe(true);
  });

  it('accounts for the whole clawback and never pushes a floored balance below zero (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.nat({ max: 10 ** 6 }),
        fc.constantFrom('allow-negative' as const, 'floor-at-zero' as const),
        (balance, clawback, policy) => {
          const plan = clawbackPlan({ balance, clawback, policy });
          expect(plan.points).toBeLessThanOrEqual(0);
          expect(plan.shortfall).toBeGreaterThanOrEqual(0);
          expect(-plan.points + plan.shortfall).toBe(clawback);
          if (policy === 'floor-at-zero') expect(balance + plan.points).toBeGreaterThanOrEqual(Math.min(0, balance));
        },
      ),
    );
  });

  it('rejects a negative clawback', () => {
    expect(() => clawbackPlan({ balance: 10, clawback: -5, policy: 'allow-negative' })).toThrow(RangeError);
  });
});

describe('expiringFifo', () => {
  const d = (iso: string) => new Date(iso);
  const credits = [
    { points: 100, expiresAt: d('2025-01-01T00:00:00Z') },
    { points: 50, expiresAt: d('2025-02-01T00:00:00Z') },
    { points: 70, expiresAt: d('2025-06-01T00:00:00Z') },
    { points: 40, expiresAt: null },
  ];

  it('expires the due credits less what debits already consumed, oldest first', () => {
    expect(expiringFifo({ credits, debitedSoFar: 120, expiredSoFar: 0, at: d('2025-03-01T00:00:00Z') })).toBe(30);
  });

  it('does not expire the same points twice', () => {
    expect(expiringFifo({ credits, debitedSoFar: 120, expiredSoFar: 30, at: d('2025-03-01T00:00:00Z') })).toBe(0);
    expect(expiringFifo({ credits, debitedSoFar: 120, expiredSoFar: 30, at: d('2025-06-01T00:00:00Z') })).toBe(70);
  });

  it('expires a credit at its expiry instant, not before', () => {
    expect(expiringFifo({ credits, debitedSoFar: 0, expiredSoFar: 0, at: d('2024-12-31T23:59:59.999Z') })).toBe(0);
    expect(expiringFifo({ credits, debitedSoFar: 0, expiredSoFar: 0, at: d('2025-01-01T00:00:00Z') })).toBe(100);
  });

  it('never expires credits without an expiry, nor anything once debits covered the due credits', () => {
    expect(expiringFifo({ credits, debitedSoFar: 500, expiredSoFar: 0, at: d('2030-01-01T00:00:00Z') })).toBe(0);
    expect(
      expiringFifo({ credits: [{ points: 40, expiresAt: null }], debitedSoFar: 0, expiredSoFar: 0, at: d('2030-01-01T00:00:00Z') }),
    ).toBe(0);
  });

  it('tells what will expire within the notice window', () => {
    const from = d('2025-05-20T00:00:00Z');
    expect(expiringWithin({ credits, debitedSoFar: 150, expiredSoFar: 0 }, from, 7)).toBe(0);
    expect(expiringWithin({ credits, debitedSoFar: 150, expiredSoFar: 0 }, from, 14)).toBe(70);
  });

  it('never expires more than the unspent credits (property)', () => {
    const credit = fc.record({
      points: fc.integer({ min: 1, max: 10_000 }),
      expiresAt: fc.option(fc.date({ min: d('2024-01-01T00:00:00Z'), max: d('2026-01-01T00:00:00Z'), noInvalidDate: true }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(credit, { maxLength: 12 }),
        fc.nat({ max: 50_000 }),
        fc.nat({ max: 50_000 }),
        fc.date({ min: d('2024-01-01T00:00:00Z'), max: d('2026-06-01T00:00:00Z'), noInvalidDate: true }),
        (cs, debited, expired, at) => {
          const total = cs.reduce((s, c) => s + c.points, 0);
          const unspent = Math.max(0, total - debited - expired);
          const now = expiringFifo({ credits: cs, debitedSoFar: debited, expiredSoFar: expired, at });
          expect(now).toBeGreaterThanOrEqual(0);
          expect(now).toBeLessThanOrEqual(unspent);
          // Expiring what is due leaves nothing due at the same moment.
          expect(expiringFifo({ credits: cs, debitedSoFar: debited, expiredSoFar: expired + now, at })).toBe(0);
        },
      ),
    );
  });
});
