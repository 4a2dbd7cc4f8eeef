// The monthly statement's figures (web/email/statement.ts): what the balance buys, what the next tier needs in the
// member's language, the month's name, and the month a run belongs to in the shop's time zone.
import { describe, expect, it } from 'vitest';
import { monthName, rewardsFor, statementMonth, tierNeeded } from '../../../web/email/statement.js';

const rewards = [
  { id: 'ship', name: 'Free shipping', cost: 300, tierIds: [], segmentIds: [] },
  { id: 'five', name: '€5 off', cost: 500, tierIds: [], segmentIds: [] },
  { id: 'gold', name: 'Gold gift', cost: 400, tierIds: ['tier-gold'], segmentIds: [] },
  { id: 'vip', name: 'VIP box', cost: 200, tierIds: [], segmentIds: ['champions'] },
  { id: 'ten', name: '10% off', cost: 1000, tierIds: [], segmentIds: [] },
];

describe('monthly statement figures', () => {
  it('lists what the balance buys (dearest first) and the closest reward, among those open to the member', () => {
    expect(rewardsFor(650, rewards, 'tier-silver', new Set())).toEqual({
      affordable: [
        { name: '€5 off', cost: 500 },
        { name: 'Free shipping', cost: 300 },
      ],
      affordable_count: 2,
      closest: { name: '10% off', cost: 1000, needed: 350 },
    });
    // A Gold member in the champions segment also sees the rewards kept for them.
    expect(rewardsFor(650, rewards, 'tier-gold', new Set(['champions'])).affordable.map((r) => r.name)).toEqual([
      '€5 off',
      'Gold gift',
      'Free shipping',
    ]);
    expect(rewardsFor(650, rewards, 'tier-gold', new Set(['champions'])).affordable_count).toBe(4);
    expect(rewardsFor(5000, rewards, null, new Set()).closest).toBeNull();
    expect(rewardsFor(0, rewards, null, new Set())).toMatchObject({
      affordable: [],
      affordable_count: 0,
      closest: { name: 'Free shipping', needed: 300 },
    });
  });

  it("says what the next tier needs in the policy's basis and the member's language", () => {
    expect(tierNeeded(1, 'points-earned', 'en', 'EUR')).toBe('1 point');
    expect(tierNeeded(120, 'points-earned', 'de', 'EUR')).toBe('120 Punkte');
    expect(tierNeeded(2, 'orders', 'pl', 'PLN')).toBe('2 zamówienia');
    expect(tierNeeded(5, 'orders', 'pl', 'PLN')).toBe('5 zamówień');
    expect(tierNeeded(4500, 'amount-spent', 'fr', 'EUR')).toBe('45,00\u00a0€');
    expect(tierNeeded(4500, 'amount-spent', 'en', 'JPY')).toBe('¥4,500');
    expect(tierNeeded(3, 'orders', 'zh-CN', 'CNY')).toBe('3 笔订单');
  });

  it("names the month in the member's language and finds the run's month in the shop's time zone", () => {
    expect(monthName('2026-12', 'de')).toBe('Dezember 2026');
    expect(monthName('2027-01', 'es')).toBe('enero de 2027');
    expect(statementMonth(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toEqual({
      month: '2027-01',
      firstDay: true,
      date: '2027-01-01',
    });
    expect(statementMonth(new Date('2027-01-01T03:00:00Z'), 'America/New_York')).toEqual({
      month: '2026-12',
      firstDay: false,
      date: '2026-12-31',
    });
  });
});
