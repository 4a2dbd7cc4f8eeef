import { describe, expect, it } from 'vitest';
import { parseTierPolicy, parseTiers } from '../../../web/loyalty/domain/tiers/policy.js';
import { BRONZE, GOLD, SEED_TIERS, SILVER } from './support.js';

const NO_PERKS = { multiplier: '1', entryRewardId: null, freeShipping: false, birthdayBonus: 0, tag: null };
const withPerks = (tier: object) => ({ ...tier, perks: NO_PERKS });

describe('parseTiers', () => {
  it('accepts the seed tiers and sorts them by threshold, perks defaulting to none', () => {
    expect(parseTiers([GOLD, BRONZE, SILVER])).toEqual({ ok: true, value: SEED_TIERS.map(withPerks) });
  });

  it('trims ids and names', () => {
    expect(parseTiers([{ id: ' bronze ', name: ' Bronze ', threshold: 0 }])).toEqual({ ok: true, value: [withPerks(BRONZE)] });
  });

  it('keeps perks and checks them field by field', () => {
    const gold = { ...GOLD, perks: { multiplier: '1.5', tag: 'VIP Gold', birthdayBonus: 200, freeShipping: true, entryRewardId: 'r1' } };
    expect(parseTiers([BRONZE, gold])).toMatchObject({ ok: true, value: [withPerks(BRONZE), gold] });
    const parsed = parseTiers([BRONZE, { ...GOLD, perks: { multiplier: '0.5', tag: 'a,b', birthdayBonus: -1 } }]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors).sort()).toEqual(['1.perks.birthdayBonus', '1.perks.multiplier', '1.perks.tag']);
  });

  it('rejects a duplicate id at the repeated entry', () => {
    const parsed = parseTiers([BRONZE, { ...SILVER, id: 'bronze' }]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors)).toEqual(['1.id']);
  });

  it('rejects equal thresholds (they must strictly increase)', () => {
    const parsed = parseTiers([BRONZE, SILVER, { ...GOLD, threshold: 500 }]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors)).toEqual(['2.threshold']);
  });

  it('requires the lowest threshold to be 0 so everyone has a tier', () => {
    const parsed = parseTiers([GOLD, SILVER]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors['1.threshold']).toMatch(/lowest tier must start at 0/);
  });

  it('rejects negative, fractional or missing thresholds, blank names and an empty list', () => {
    const parsed = parseTiers([BRONZE, { ...SILVER, threshold: -1 }, { ...GOLD, threshold: 1.5 }, { id: 'x', name: '' }]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors).sort()).toEqual(['1.threshold', '2.threshold', '3.name', '3.threshold']);
    expect(parseTiers([])).toMatchObject({ ok: false, errors: { '': 'Add at least one tier' } });
    expect(parseTiers(null).ok).toBe(false);
  });
});

describe('parseTierPolicy', () => {
  it('reads an ISO start date and defaults it to null', () => {
    const parsed = parseTierPolicy({
      basis: 'orders',
      period: 'calendar-year',
      startDate: '2025-01-01T00:00:00Z',
      downgrade: { kind: 'never' },
    });
    expect(parsed).toEqual({
      ok: true,
      value: { basis: 'orders', period: 'calendar-year', startDate: new Date('2025-01-01T00:00:00Z'), downgrade: { kind: 'never' } },
    });
    const noStart = parseTierPolicy({ basis: 'points-earned', period: 'lifetime', downgrade: { kind: 'end-of-period' } });
    expect(noStart).toMatchObject({ ok: true, value: { startDate: null } });
    expect(parseTierPolicy({ basis: 'points-earned', period: 'lifetime', startDate: null, downgrade: { kind: 'never' } })).toMatchObject({
      ok: true,
      value: { startDate: null },
    });
  });

  it('returns an error per bad field', () => {
    const parsed = parseTierPolicy({
      basis: 'visits',
      period: 'weekly',
      startDate: 'soon',
      downgrade: { kind: 'after-retention', months: 0 },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors).sort()).toEqual(['basis', 'downgrade.months', 'period', 'startDate']);
  });
});
