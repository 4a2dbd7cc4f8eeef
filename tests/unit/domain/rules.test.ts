import { describe, expect, it } from 'vitest';
import { orderFacts, type OrderFacts } from '../../../web/loyalty/domain/order-facts.js';
import {
  InvalidRuleConfigError,
  UnknownRuleTypeError,
  evaluateRule,
  parseRule,
  parseRuleConfig,
  ruleType,
  ruleTypes,
  type RuleContext,
} from '../../../web/loyalty/domain/rules/index.js';
import { latestAnniversary } from '../../../web/loyalty/domain/rules/anniversary.js';
import { order, withAllocations } from './support.js';

const at = (iso: string) => new Date(iso);
const ctx = (extra: Partial<RuleContext> = {}): RuleContext => ({ now: at('2025-06-15T12:00:00Z'), timeZone: 'UTC', ...extra });

/** Tee 2 × 29.00 with 5.00 off, shipping 5.00, 8% tax, placed 2025-06-15 noon UTC. */
function teeOrder(): OrderFacts {
  return orderFacts(
    withAllocations(
      order({
        lines: [{ title: 'Tee', priceMinor: 2900, quantity: 2 }],
        shippingMinor: 500,
        taxRate: 0.08,
        updatedAt: at('2025-06-15T12:00:00Z'),
      }),
      [500],
    ),
  );
}

describe('rule registry', () => {
  it('registers every earn rule type with its trigger', () => {
    expect(Object.fromEntries(Object.values(ruleTypes).map((t) => [t.type, t.trigger]))).toEqual({
      purchase: 'order',
      'fixed-per-order': 'order',
      signup: 'signup',
      birthday: 'birthday',
      anniversary: 'anniversary',
      newsletter: 'newsletter',
      'custom-action': 'custom',
      cashback: 'order',
    });
    expect(ruleType('purchase')?.label).toBeTruthy();
    expect(ruleType('nope')).toBeUndefined();
    expect(ruleType('toString')).toBeUndefined();
  });

  it('fills purchase defaults: 1 point per unit, rounded down, line items only', () => {
    expect(parseRuleConfig('purchase', {})).toEqual({
      ok: true,
      value: {
        rate: '1',
        rounding: 'down',
        includeTax: false,
        includeShipping: false,
        includeTips: false,
        includeGiftCards: false,
        excludedProductIds: [],
        minimumOrderMinor: 0,
      },
    });
  });

  it('normalises excluded product ids to GIDs', () => {
    const parsed = parseRuleConfig('purchase', { excludedProductIds: ['123', 'gid://shopify/Product/456'] });
    expect(parsed.ok && (parsed.value as { excludedProductIds: string[] }).excludedProductIds).toEqual([
      'gid://shopify/Product/123',
      'gid://shopify/Product/456',
    ]);
  });

  it('returns field errors for a bad config, and for an unknown type', () => {
    const bad = parseRuleConfig('purchase', { rate: '1.23456', rounding: 'sideways', minimumOrderMinor: -1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['minimumOrderMinor', 'rate', 'rounding']);
    expect(parseRuleConfig('signup', { points: 1.5 })).toMatchObject({ ok: false, errors: { points: expect.any(String) } });
    expect(parseRuleConfig('custom-action', { points: 10 })).toMatchObject({ ok: false, errors: { name: expect.any(String) } });
    expect(parseRuleConfig('nope', {})).toEqual({ ok: false, errors: { type: 'unknown rule type "nope"' } });
  });

  it('parses a whole rule, reporting config errors under "config." and a backwards window', () => {
    expect(parseRule({ type: 'signup', config: { points: 100 }, startsAt: '2025-01-01T00:00:00Z' })).toEqual({
      ok: true,
      value: { type: 'signup', config: { points: 100 }, startsAt: at('2025-01-01T00:00:00Z'), endsAt: null },
    });
    expect(parseRule({ type: 'signup', config: { points: -1 } })).toMatchObject({
      ok: false,
      errors: { 'config.points': expect.any(String) },
    });
    expect(parseRule({ type: 'signup', config: { points: 1 }, startsAt: '2025-02-01', endsAt: '2025-01-01' })).toMatchObject({
      ok: false,
      errors: { endsAt: expect.any(String) },
    });
  });
});

describe('purchase rule', () => {
  const facts = teeOrder();

  it('gives 1 point per unit of the discounted line items by default', () => {
    expect(evaluateRule({ type: 'purchase', config: {} }, ctx({ order: facts }))).toBe(53);
  });

  it('applies a fractional rate with its rounding', () => {
    expect(evaluateRule({ type: 'purchase', config: { rate: '1.5' } }, ctx({ order: facts }))).toBe(79); // 79.5
    expect(evaluateRule({ type: 'purchase', config: { rate: '1.5', rounding: 'nearest' } }, ctx({ order: facts }))).toBe(80);
  });

  it('counts shipping and tax when configured', () => {
    expect(evaluateRule({ type: 'purchase', config: { includeShipping: true, includeTax: true } }, ctx({ order: facts }))).toBe(
      Math.floor((5300 + 500 + facts.taxMinor) / 100),
    );
  });

  it('gives nothing below the minimum order', () => {
    expect(evaluateRule({ type: 'purchase', config: { minimumOrderMinor: 5301 } }, ctx({ order: facts }))).toBe(0);
    expect(evaluateRule({ type: 'purchase', config: { minimumOrderMinor: 5300 } }, ctx({ order: facts }))).toBe(53);
  });

  it('earns whole yen in a JPY shop', () => {
    // The generator writes amounts in the currency's digits: priceMinor 1234 is "1234" yen.
    const yen = orderFacts(order({ currency: 'JPY', lines: [{ title: 'Matcha', priceMinor: 1234 }], taxRate: 0 }));
    expect(evaluateRule({ type: 'purchase', config: { rate: '0.01' } }, ctx({ order: yen }))).toBe(12);
  });

  it('needs an order', () => {
    expect(() => evaluateRule({ type: 'purchase', config: {} }, ctx())).toThrow(/needs an order/);
  });
});

describe('fixed-per-order rule', () => {
  it('gives its points per order at or above the minimum', () => {
    const facts = teeOrder();
    expect(evaluateRule({ type: 'fixed-per-order', config: { points: 25 } }, ctx({ order: facts }))).toBe(25);
    expect(evaluateRule({ type: 'fixed-per-order', config: { points: 25, minimumOrderMinor: 5300 } }, ctx({ order: facts }))).toBe(25);
    expect(evaluateRule({ type: 'fixed-per-order', config: { points: 25, minimumOrderMinor: 5301 } }, ctx({ order: facts }))).toBe(0);
  });
});

describe('once-per-member rules', () => {
  it('gives the signup bonus and the newsletter points once', () => {
    for (const type of ['signup', 'newsletter']) {
      expect(evaluateRule({ type, config: { points: 100 } }, ctx())).toBe(100);
      expect(evaluateRule({ type, config: { points: 100 } }, ctx({ alreadyAwarded: true }))).toBe(0);
    }
  });

  it('gives a custom action until the per-member limit, or forever without one', () => {
    const rule = { type: 'custom-action', config: { name: 'Follow us on Instagram', points: 50, limitPerMember: 2 } };
    expect(evaluateRule(rule, ctx({ timesAwarded: 0 }))).toBe(50);
    expect(evaluateRule(rule, ctx({ timesAwarded: 1 }))).toBe(50);
    expect(evaluateRule(rule, ctx({ timesAwarded: 2 }))).toBe(0);
    expect(evaluateRule({ ...rule, config: { name: 'Review', points: 20 } }, ctx({ timesAwarded: 99 }))).toBe(20);
  });
});

describe('birthday rule', () => {
  const rule = { type: 'birthday', config: { points: 200 } };
  const member = { birthday: { month: 6, day: 30 } };

  it('gives points in the birthday month, once a year', () => {
    expect(evaluateRule(rule, ctx({ member }))).toBe(200);
    expect(evaluateRule(rule, ctx({ member, lastAwardedYear: 2025 }))).toBe(0);
    expect(evaluateRule(rule, ctx({ member, lastAwardedYear: 2024 }))).toBe(200);
  });

  it('gives nothing outside the birthday month or without a birthday', () => {
    expect(evaluateRule(rule, ctx({ member: { birthday: { month: 7 } } }))).toBe(0);
    expect(evaluateRule(rule, ctx({ member: {} }))).toBe(0);
    expect(evaluateRule(rule, ctx())).toBe(0);
  });

  it("judges the month in the shop's time zone", () => {
    const april = { birthday: { month: 4 } };
    const now = at('2025-03-31T23:30:00Z'); // still March in UTC, already April in Tokyo
    expect(evaluateRule(rule, ctx({ now, member: april }))).toBe(0);
    expect(evaluateRule(rule, ctx({ now, member: april, timeZone: 'Asia/Tokyo' }))).toBe(200);
    // …and the year too: New Year's Eve in Los Angeles is already the next year in UTC.
    const nye = at('2026-01-01T03:00:00Z');
    expect(
      evaluateRule(rule, ctx({ now: nye, member: { birthday: { month: 12 } }, timeZone: 'America/Los_Angeles', lastAwardedYear: 2026 })),
    ).toBe(200);
  });
});

describe('anniversary rule', () => {
  const rule = { type: 'anniversary', config: { pointsPerYear: 150 } };
  const memberSince = at('2023-06-15T10:00:00Z');

  it('gives nothing before the first anniversary', () => {
    expect(evaluateRule(rule, ctx({ now: at('2024-06-14T23:59:00Z'), member: { memberSince } }))).toBe(0);
  });

  it('gives pointsPerYear at each anniversary, once', () => {
    expect(evaluateRule(rule, ctx({ now: at('2024-06-15T00:00:00Z'), member: { memberSince } }))).toBe(150);
    expect(evaluateRule(rule, ctx({ now: at('2024-06-15T00:00:00Z'), member: { memberSince }, lastAwardedYear: 2024 }))).toBe(0);
    expect(evaluateRule(rule, ctx({ now: at('2025-06-15T00:00:00Z'), member: { memberSince }, lastAwardedYear: 2024 }))).toBe(150);
  });

  it('still pays an anniversary a run missed, until the next one', () => {
    expect(evaluateRule(rule, ctx({ now: at('2025-01-10T00:00:00Z'), member: { memberSince }, lastAwardedYear: 2023 }))).toBe(150);
  });

  it("counts full years on the shop's calendar", () => {
    expect(latestAnniversary(memberSince, at('2026-06-14T12:00:00Z'), 'UTC')).toEqual({ years: 2, year: 2025 });
    expect(latestAnniversary(memberSince, at('2026-06-15T00:00:00Z'), 'UTC')).toEqual({ years: 3, year: 2026 });
    // Joined 15 June 22:00 UTC = 16 June in Tokyo: the anniversary there is the 16th.
    const late = at('2023-06-15T22:00:00Z');
    expect(latestAnniversary(late, at('2024-06-15T12:00:00Z'), 'Asia/Tokyo')).toBeNull();
    expect(latestAnniversary(late, at('2024-06-15T16:00:00Z'), 'Asia/Tokyo')).toEqual({ years: 1, year: 2024 });
  });

  it('celebrates a 29 February joiner on 1 March in other years', () => {
    const leap = at('2024-02-29T12:00:00Z');
    expect(latestAnniversary(leap, at('2025-02-28T12:00:00Z'), 'UTC')).toBeNull();
    expect(latestAnniversary(leap, at('2025-03-01T00:00:00Z'), 'UTC')).toEqual({ years: 1, year: 2025 });
  });
});

describe('rule windows', () => {
  const window = { startsAt: at('2025-06-01T00:00:00Z'), endsAt: at('2025-07-01T00:00:00Z') };
  const signup = { type: 'signup', config: { points: 100 }, ...window };

  it('gives points only within [startsAt, endsAt)', () => {
    expect(evaluateRule(signup, ctx({ now: at('2025-05-31T23:59:59Z') }))).toBe(0);
    expect(evaluateRule(signup, ctx({ now: at('2025-06-01T00:00:00Z') }))).toBe(100);
    expect(evaluateRule(signup, ctx({ now: at('2025-06-30T23:59:59Z') }))).toBe(100);
    expect(evaluateRule(signup, ctx({ now: at('2025-07-01T00:00:00Z') }))).toBe(0);
  });

  it('leaves either end open', () => {
    expect(evaluateRule({ ...signup, startsAt: null }, ctx({ now: at('2000-01-01T00:00:00Z') }))).toBe(100);
    expect(evaluateRule({ ...signup, endsAt: null }, ctx({ now: at('2100-01-01T00:00:00Z') }))).toBe(100);
  });

  it('judges an order rule at the time the order was placed, not when its webhook arrived', () => {
    const facts = teeOrder(); // placed 2025-06-15
    const purchase = { type: 'purchase', config: {}, ...window };
    expect(evaluateRule(purchase, ctx({ order: facts, now: at('2025-07-03T00:00:00Z') }))).toBe(53);
    expect(evaluateRule({ ...purchase, endsAt: at('2025-06-10T00:00:00Z') }, ctx({ order: facts, now: at('2025-06-05T00:00:00Z') }))).toBe(
      0,
    );
  });
});

describe('evaluateRule errors', () => {
  it('names an unknown type and an invalid stored config', () => {
    expect(() => evaluateRule({ type: 'nope', config: {} }, ctx())).toThrow(UnknownRuleTypeError);
    expect(() => evaluateRule({ type: 'signup', config: { points: 'many' } }, ctx())).toThrow(InvalidRuleConfigError);
  });
});

describe('cashback rule', () => {
  it('gives no points and credits a percentage of the base, rounded down to the minor unit', async () => {
    const { cashbackConfig, cashbackMinor } = await import('../../../web/loyalty/domain/rules/cashback.js');
    const config = cashbackConfig.parse({ percentage: '2.5' });
    expect(cashbackMinor(config, 24_000)).toBe(600);
    expect(cashbackMinor(config, 1_999)).toBe(49); // 49.975 → 49
    expect(cashbackMinor(config, 0)).toBe(0);
    expect(cashbackMinor({ ...config, minimumOrderMinor: 5_000 }, 4_999)).toBe(0);
    expect(cashbackConfig.safeParse({ percentage: '0' }).success).toBe(false);
    expect(cashbackConfig.safeParse({ percentage: '100.5' }).success).toBe(false);
    expect(cashbackConfig.safeParse({ percentage: 'five' }).success).toBe(false);
  });
});
