import { describe, expect, it } from 'vitest';
import { activeCampaign, applyCampaigns, parseCampaign, type Campaign } from '../../../web/loyalty/domain/rules/campaigns.js';

const at = (iso: string) => new Date(iso);
const weekend: Campaign = {
  name: 'Double points weekend',
  multiplier: '2',
  startsAt: at('2025-06-14T00:00:00Z'),
  endsAt: at('2025-06-16T00:00:00Z'),
};
const triple: Campaign = {
  name: 'Triple on purchases',
  multiplier: '3',
  startsAt: at('2025-06-15T00:00:00Z'),
  endsAt: at('2025-06-15T12:00:00Z'),
  ruleTypes: ['purchase'],
};
const saturday = at('2025-06-14T10:00:00Z');

describe('applyCampaigns', () => {
  it('multiplies points while a campaign runs, and not outside it', () => {
    expect(applyCampaigns(53, [weekend], saturday, 'purchase', 'down')).toBe(106);
    expect(applyCampaigns(53, [weekend], at('2025-06-13T23:59:59Z'), 'purchase', 'down')).toBe(53);
    expect(applyCampaigns(53, [weekend], at('2025-06-16T00:00:00Z'), 'purchase', 'down')).toBe(53);
  });

  it('boosts only the rule types a campaign names', () => {
    const sunday = at('2025-06-15T06:00:00Z');
    expect(applyCampaigns(10, [triple], sunday, 'purchase', 'down')).toBe(30);
    expect(applyCampaigns(10, [triple], sunday, 'signup', 'down')).toBe(10);
  });

  it('applies only the highest multiplier when campaigns overlap (3×, never 2 × 3 = 6×)', () => {
    const sunday = at('2025-06-15T06:00:00Z');
    expect(activeCampaign([weekend, triple], sunday, 'purchase')?.name).toBe('Triple on purchases');
    expect(applyCampaigns(10, [weekend, triple], sunday, 'purchase', 'down')).toBe(30);
    expect(applyCampaigns(10, [triple, weekend], sunday, 'signup', 'down')).toBe(20);
  });

  it('rounds a fractional boost by the rule', () => {
    const halfMore = { ...weekend, multiplier: '1.5' };
    expect(applyCampaigns(33, [halfMore], saturday, 'purchase', 'down')).toBe(49);
    expect(applyCampaigns(33, [halfMore], saturday, 'purchase', 'nearest')).toBe(50);
  });

  it('leaves points alone without campaigns', () => {
    expect(applyCampaigns(7, [], saturday, 'purchase', 'up')).toBe(7);
    expect(activeCampaign([], saturday, 'purchase')).toBeNull();
  });
});

describe('parseCampaign', () => {
  it('reads dates from JSON strings', () => {
    expect(
      parseCampaign({ name: 'Weekend', multiplier: '2', startsAt: '2025-06-14T00:00:00Z', endsAt: '2025-06-16T00:00:00Z' }),
    ).toMatchObject({
      ok: true,
      value: { startsAt: at('2025-06-14T00:00:00Z') },
    });
  });

  it('rejects a multiplier below 1, an end before the start and unknown rule types', () => {
    const result = parseCampaign({
      name: 'x',
      multiplier: '0.5',
      startsAt: '2025-06-16',
      endsAt: '2025-06-14',
      ruleTypes: ['purchase', 'nope'],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['endsAt', 'multiplier', 'ruleTypes.1']);
  });
});
