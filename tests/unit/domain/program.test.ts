import { describe, expect, it } from 'vitest';
import { earnBaseMinor } from '../../../web/loyalty/domain/earn-base.js';
import { orderFacts } from '../../../web/loyalty/domain/order-facts.js';
import {
  DEFAULT_PROGRAM_SETTINGS,
  DEFAULT_RULES,
  creditExpiresAt,
  inactivityExpiresAt,
  parseProgramSettings,
} from '../../../web/loyalty/domain/program.js';
import { evaluateRule, parseRuleConfig, type RuleContext } from '../../../web/loyalty/domain/rules/index.js';
import { order } from './support.js';

const at = (iso: string) => new Date(iso);

describe('program settings', () => {
  it('fills every default from nothing', () => {
    const expected = {
      currencyName: 'points',
      rounding: 'down',
      pendingDays: 30,
      pendingUntilFulfilled: false,
      expiry: { kind: 'never' },
      expiringSoonDays: 14,
      negativeBalance: 'floor-at-zero',
      returnPointsOnExpiredCodes: false,
      referrals: {
        enabled: true,
        cookieDays: 30,
        referrerPoints: 500,
        referrerRewardId: null,
        friendOffer: { kind: 'fixed-amount', amountMinor: 1000 },
        friendMinimumSubtotalMinor: 0,
        friendOfferDays: 30,
        monthlyCapPerReferrer: 10,
        maxPerDay: 3,
      },
      tierPolicy: { basis: 'points-earned', period: 'rolling-12-months', startDate: null, downgrade: { kind: 'end-of-period' } },
      activityWindowDays: 365,
      retiredTierTags: [],
    };
    expect(parseProgramSettings({})).toEqual({ ok: true, value: expected });
    expect(parseProgramSettings(undefined)).toEqual({ ok: true, value: expected });
    expect(DEFAULT_PROGRAM_SETTINGS).toEqual(expected);
  });

  it('keeps what the merchant chose', () => {
    const parsed = parseProgramSettings({
      currencyName: 'stars',
      expiry: { kind: 'after-earning', months: 12 },
      negativeBalance: 'allow-negative',
    });
    expect(parsed).toMatchObject({
      ok: true,
      value: { currencyName: 'stars', expiry: { kind: 'after-earning', months: 12 }, negativeBalance: 'allow-negative', pendingDays: 30 },
    });
  });

  it('returns an error per bad field', () => {
    const parsed = parseProgramSettings({
      rounding: 'banker',
      pendingDays: -1,
      expiry: { kind: 'after-inactivity' },
      negativeBalance: 'maybe',
      currencyName: '',
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(Object.keys(parsed.errors).sort()).toEqual(['currencyName', 'expiry.months', 'negativeBalance', 'pendingDays', 'rounding']);
  });
});

describe('default program', () => {
  const ctx = (extra: Partial<RuleContext>): RuleContext => ({ now: at('2025-06-15T12:00:00Z'), timeZone: 'UTC', ...extra });

  it('has valid configs only', () => {
    for (const rule of DEFAULT_RULES) expect(parseRuleConfig(rule.type, rule.config)).toMatchObject({ ok: true, value: rule.config });
  });

  it('earns 1 point per unit on line items after discounts, without tax, shipping or tips, rounded down', () => {
    const payload = order({
      lines: [{ title: 'Tee', priceMinor: 2999, quantity: 2 }],
      shippingMinor: 995,
      taxRate: 0.2,
      discountMinor: 500,
    });
    payload.total_tip_received = '5.00';
    const facts = orderFacts(payload);
    expect(
      earnBaseMinor(facts, {
        includeTax: false,
        includeShipping: false,
        includeTips: false,
        includeGiftCards: false,
        excludedProductIds: [],
      }),
    ).toBe(5498);
    const purchase = DEFAULT_RULES.find((r) => r.type === 'purchase');
    expect(purchase && evaluateRule(purchase, ctx({ order: facts }))).toBe(54);
  });

  it('gives 100 points for signing up', () => {
    const signup = DEFAULT_RULES.find((r) => r.type === 'signup');
    expect(signup && evaluateRule(signup, ctx({}))).toBe(100);
  });
});

describe('expiry dates', () => {
  it('expires a credit months after it was earned, clamping to the end of shorter months', () => {
    const policy = { kind: 'after-earning', months: 1 } as const;
    expect(creditExpiresAt(at('2025-01-31T10:00:00Z'), policy)).toEqual(at('2025-02-28T10:00:00Z'));
    expect(creditExpiresAt(at('2024-01-31T10:00:00Z'), policy)).toEqual(at('2024-02-29T10:00:00Z'));
    expect(creditExpiresAt(at('2025-03-15T00:00:00Z'), { kind: 'after-earning', months: 12 })).toEqual(at('2026-03-15T00:00:00Z'));
    expect(creditExpiresAt(at('2025-03-15T00:00:00Z'), { kind: 'never' })).toBeNull();
  });

  it('expires for inactivity only under that policy', () => {
    expect(inactivityExpiresAt(at('2025-03-15T00:00:00Z'), { kind: 'after-inactivity', months: 6 })).toEqual(at('2025-09-15T00:00:00Z'));
    expect(inactivityExpiresAt(at('2025-03-15T00:00:00Z'), { kind: 'after-earning', months: 6 })).toBeNull();
  });
});
