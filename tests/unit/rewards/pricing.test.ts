import { describe, expect, it } from 'vitest';
import {
  parseReward,
  parseRewardConfig,
  redeemRefusal,
  rewardCost,
  rewardType,
  rewardTypes,
} from '../../../web/loyalty/domain/rewards/index.js';

function config(type: string, raw: unknown): unknown {
  const parsed = parseRewardConfig(type, raw);
  if (!parsed.ok) throw new Error(`config did not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

const price = (type: string, raw: unknown, points?: number) =>
  rewardType(type)!.cost(config(type, raw), points === undefined ? {} : { points });

describe('the reward registry', () => {
  it('holds every reward type, each with the way it is issued', () => {
    expect(Object.fromEntries(Object.values(rewardTypes).map((t) => [t.type, t.issue]))).toEqual({
      'fixed-amount': 'discount-code',
      percentage: 'discount-code',
      'free-shipping': 'free-shipping-code',
      'free-product': 'discount-code',
      'points-slider': 'discount-code',
      'store-credit': 'store-credit',
      donation: 'donation',
    });
  });

  it('does not treat Object.prototype names as types', () => {
    expect(rewardType('toString')).toBeUndefined();
    expect(parseRewardConfig('constructor', {})).toEqual({ ok: false, errors: { type: 'unknown reward type "constructor"' } });
  });
});

describe('pricing fixed-cost rewards', () => {
  it('prices 500 points at 5.00 off for a fixed amount', () => {
    expect(price('fixed-amount', { pointsCost: 500, amountMinor: 500 })).toEqual({ points: 500, valueMinor: 500 });
  });

  it('prices store credit and donations at their amount', () => {
    expect(price('store-credit', { pointsCost: 1000, amountMinor: 1000 })).toEqual({ points: 1000, valueMinor: 1000 });
    expect(price('donation', { pointsCost: 200, amountMinor: 150, cause: 'Ocean cleanup' })).toEqual({ points: 200, valueMinor: 150 });
  });

  it('gives no fixed money value where it depends on the cart or the catalogue', () => {
    expect(price('percentage', { pointsCost: 300, percentage: 10 })).toEqual({ points: 300, valueMinor: 0 });
    expect(price('free-shipping', { pointsCost: 400 })).toEqual({ points: 400, valueMinor: 0 });
    expect(price('free-product', { pointsCost: 900, variantId: 'gid://shopify/ProductVariant/1' })).toEqual({ points: 900, valueMinor: 0 });
  });

  it('accepts a request naming the price and refuses one naming another', () => {
    expect(price('fixed-amount', { pointsCost: 500, amountMinor: 500 }, 500)).toEqual({ points: 500, valueMinor: 500 });
    expect(price('fixed-amount', { pointsCost: 500, amountMinor: 500 }, 400)).toMatchObject({ error: 'INVALID_POINTS' });
  });
});

describe('pricing the points slider', () => {
  const slider = { pointsStep: 100, amountPerStepMinor: 100, minPoints: 200, maxPoints: 2000 };

  it('gives a proportional amount for any multiple of the step between min and max', () => {
    expect(price('points-slider', slider, 200)).toEqual({ points: 200, valueMinor: 200 });
    expect(price('points-slider', slider, 700)).toEqual({ points: 700, valueMinor: 700 });
    expect(price('points-slider', slider, 2000)).toEqual({ points: 2000, valueMinor: 2000 });
    expect(price('points-slider', { ...slider, amountPerStepMinor: 35 }, 1500)).toEqual({ points: 1500, valueMinor: 525 });
  });

  it('refuses points below the minimum, above the maximum, off the step, fractional or missing', () => {
    for (const points of [100, 0, -200, 2100, 250, 200.5, Number.NaN, undefined]) {
      expect(price('points-slider', slider, points), String(points)).toMatchObject({ error: 'INVALID_POINTS' });
    }
  });

  it('rejects a slider whose bounds are off the step or inverted', () => {
    expect(parseRewardConfig('points-slider', { ...slider, minPoints: 150 })).toMatchObject({
      ok: false,
      errors: { minPoints: 'must be a multiple of the step' },
    });
    expect(parseRewardConfig('points-slider', { ...slider, maxPoints: 1950 })).toMatchObject({
      ok: false,
      errors: { maxPoints: 'must be a multiple of the step' },
    });
    expect(parseRewardConfig('points-slider', { ...slider, minPoints: 3000, maxPoints: 1000 })).toMatchObject({
      ok: false,
      errors: { maxPoints: 'must be at least the minimum' },
    });
  });

  it('rejects a slider whose largest discount could not be represented', () => {
    const huge = { pointsStep: 1, amountPerStepMinor: 1_000_000_000, minPoints: 1, maxPoints: 100_000_000 };
    expect(parseRewardConfig('points-slider', huge)).toMatchObject({
      ok: false,
      errors: { maxPoints: 'the largest discount would be too big' },
    });
  });
});

describe('validating reward configs', () => {
  it('fills in the code options with their defaults', () => {
    expect(config('fixed-amount', { pointsCost: 500, amountMinor: 500 })).toEqual({
      pointsCost: 500,
      amountMinor: 500,
      minimumSubtotalMinor: 0,
      codeExpiresInDays: null,
      combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false },
      appliesTo: { kind: 'all' },
    });
    expect(config('store-credit', { pointsCost: 1, amountMinor: 1 })).toEqual({ pointsCost: 1, amountMinor: 1, expiresInDays: null });
  });

  it('turns numeric product, collection and variant ids into GIDs', () => {
    expect(config('percentage', { pointsCost: 1, percentage: 5, appliesTo: { kind: 'products', productIds: ['42'] } })).toMatchObject({
      appliesTo: { kind: 'products', productIds: ['gid://shopify/Product/42'] },
    });
    expect(
      config('fixed-amount', { pointsCost: 1, amountMinor: 1, appliesTo: { kind: 'collections', collectionIds: ['7'] } }),
    ).toMatchObject({
      appliesTo: { kind: 'collections', collectionIds: ['gid://shopify/Collection/7'] },
    });
    expect(config('free-product', { pointsCost: 1, variantId: '9' })).toMatchObject({ variantId: 'gid://shopify/ProductVariant/9' });
  });

  it('reports each bad field under its path', () => {
    const bad = (type: string, raw: unknown) => {
      const parsed = parseRewardConfig(type, raw);
      return parsed.ok ? {} : parsed.errors;
    };
    expect(Object.keys(bad('fixed-amount', { pointsCost: 0, amountMinor: 1.5 })).sort()).toEqual(['amountMinor', 'pointsCost']);
    expect(Object.keys(bad('percentage', { pointsCost: 10, percentage: 101 }))).toEqual(['percentage']);
    expect(Object.keys(bad('percentage', { pointsCost: 10, percentage: 0 }))).toEqual(['percentage']);
    expect(Object.keys(bad('percentage', { pointsCost: 10, percentage: 12.5 }))).toEqual(['percentage']);
    expect(Object.keys(bad('free-product', { pointsCost: 10, variantId: 'gid://shopify/Product/1' }))).toEqual(['variantId']);
    expect(Object.keys(bad('fixed-amount', { pointsCost: 10, amountMinor: 10, appliesTo: { kind: 'products', productIds: [] } }))).toEqual([
      'appliesTo.productIds',
    ]);
    expect(Object.keys(bad('fixed-amount', { pointsCost: 10, amountMinor: 10, appliesTo: { kind: 'variants' } }))).toEqual([
      'appliesTo.kind',
    ]);
    expect(Object.keys(bad('donation', { pointsCost: 10, amountMinor: 10, cause: '  ' }))).toEqual(['cause']);
    expect(Object.keys(bad('free-shipping', { pointsCost: 10, codeExpiresInDays: 0 }))).toEqual(['codeExpiresInDays']);
    expect(Object.keys(bad('store-credit', { pointsCost: 10, amountMinor: -5 }))).toEqual(['amountMinor']);
  });
});

describe('parseReward', () => {
  it('accepts a reward for everyone with no limit by default', () => {
    expect(parseReward({ type: 'fixed-amount', config: { pointsCost: 500, amountMinor: 500 } })).toMatchObject({
      ok: true,
      value: { type: 'fixed-amount', tierIds: [], limitPerMember: null, config: { pointsCost: 500 } },
    });
  });

  it('keeps tiers (once each) and the per-member limit', () => {
    const parsed = parseReward({
      type: 'donation',
      config: { pointsCost: 1, amountMinor: 1, cause: 'Trees' },
      tierIds: ['gold', 'vip', 'gold'],
      limitPerMember: 2,
    });
    expect(parsed).toMatchObject({ ok: true, value: { tierIds: ['gold', 'vip'], limitPerMember: 2 } });
  });

  it('puts config errors under "config." and reports an unknown type', () => {
    expect(parseReward({ type: 'fixed-amount', config: { pointsCost: 500 } })).toMatchObject({
      ok: false,
      errors: { 'config.amountMinor': expect.any(String) },
    });
    expect(parseReward({ type: 'gift-card', config: {} })).toEqual({ ok: false, errors: { type: 'unknown reward type "gift-card"' } });
    expect(parseReward({ type: 'fixed-amount', config: { pointsCost: 1, amountMinor: 1 }, limitPerMember: 0 })).toMatchObject({
      ok: false,
      errors: { limitPerMember: expect.any(String) },
    });
  });

  it('prices a stored reward, and refuses a stored config that no longer parses', () => {
    expect(
      rewardCost(
        { type: 'points-slider', config: { pointsStep: 50, amountPerStepMinor: 25, minPoints: 50, maxPoints: 500 } },
        { points: 300 },
      ),
    ).toEqual({
      points: 300,
      valueMinor: 150,
    });
    expect(() => rewardCost({ type: 'fixed-amount', config: { pointsCost: 'many' } })).toThrow(/invalid fixed-amount reward config/);
    expect(() => rewardCost({ type: 'nope', config: {} })).toThrow(/unknown reward type/);
  });
});

describe('redeemRefusal', () => {
  it('lets anyone redeem a reward without tiers or limit', () => {
    expect(redeemRefusal({ tierIds: [], limitPerMember: null }, { tierId: null, timesRedeemed: 99 })).toBeNull();
  });

  it('refuses members outside the reward tiers', () => {
    const reward = { tierIds: ['gold'], limitPerMember: null };
    expect(redeemRefusal(reward, { tierId: 'gold', timesRedeemed: 0 })).toBeNull();
    expect(redeemRefusal(reward, { tierId: 'silver', timesRedeemed: 0 })).toBe('NOT_IN_TIER');
    expect(redeemRefusal(reward, { tierId: null, timesRedeemed: 0 })).toBe('NOT_IN_TIER');
  });

  it('refuses once the member reached the limit', () => {
    const reward = { tierIds: [], limitPerMember: 2 };
    expect(redeemRefusal(reward, { tierId: null, timesRedeemed: 1 })).toBeNull();
    expect(redeemRefusal(reward, { tierId: null, timesRedeemed: 2 })).toBe('LIMIT_REACHED');
  });
});
