// An order's points from payload to clawback, the way the points engine
// composes the domain: facts → earn base → rule → refunds → target → clawback.
import { describe, expect, it } from 'vitest';
import { earnBaseMinor, netBaseMinor, refundedBaseMinor } from '../../../web/loyalty/domain/earn-base.js';
import { orderFacts, refundFacts } from '../../../web/loyalty/domain/order-facts.js';
import { DEFAULT_RULES } from '../../../web/loyalty/domain/program.js';
import { clawbackPlan, orderTargetPoints } from '../../../web/loyalty/domain/points.js';
import { evaluateRule, parseRuleConfig } from '../../../web/loyalty/domain/rules/index.js';
import type { PurchaseConfig } from '../../../web/loyalty/domain/rules/purchase.js';
import { order, refundOf } from './support.js';

const now = new Date('2025-06-15T12:00:00Z');

function purchase(config: Partial<PurchaseConfig> = {}): PurchaseConfig {
  const parsed = parseRuleConfig('purchase', config);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value as PurchaseConfig;
}

describe('an order through its refunds', () => {
  const payload = order({
    lines: [
      { title: 'Tee', priceMinor: 2900, quantity: 2 },
      { title: 'Mug', priceMinor: 1250 },
    ],
    shippingMinor: 500,
    taxRate: 0.08,
  });
  const facts = orderFacts(payload);
  const config = purchase();
  const awarded = evaluateRule({ type: 'purchase', config }, { now, timeZone: 'UTC', order: facts });
  const earnBase = earnBaseMinor(facts, config);

  it('earns on the line items after discounts', () => {
    expect(earnBase).toBe(7050);
    expect(awarded).toBe(70);
  });

  it('scales back on a partial refund, then to zero on refunding the rest', () => {
    const first = refundFacts(refundOf(payload, { id: '1', lines: [{ index: 0, subtotalMinor: 2900, taxMinor: 232 }] }));
    const afterFirst = orderTargetPoints({
      awarded,
      earnBaseMinor: earnBase,
      netBaseMinor: netBaseMinor(facts, config, [first]),
      rounding: 'down',
    });
    expect(afterFirst).toBe(41); // 70 × 4150 / 7050 = 41.2

    const second = refundFacts(
      refundOf(payload, {
        id: '2',
        lines: [
          { index: 0, subtotalMinor: 2900 },
          { index: 1, subtotalMinor: 1250 },
        ],
        shipping: { minor: 500 },
      }),
    );
    const afterAll = orderTargetPoints({
      awarded,
      earnBaseMinor: earnBase,
      netBaseMinor: netBaseMinor(facts, config, [first, second]),
      rounding: 'down',
    });
    expect(afterAll).toBe(0);
    expect(awarded - afterFirst + (afterFirst - afterAll)).toBe(awarded);
  });

  it('does not take back points for refunded shipping the program never paid on', () => {
    const shippingOnly = refundFacts(refundOf(payload, { id: '3', shipping: { minor: 500, taxMinor: 40 } }));
    expect(refundedBaseMinor([shippingOnly], facts, config)).toBe(0);
    expect(
      orderTargetPoints({ awarded, earnBaseMinor: earnBase, netBaseMinor: netBaseMinor(facts, config, [shippingOnly]), rounding: 'down' }),
    ).toBe(awarded);
  });

  it('floors the clawback at the balance the member has left', () => {
    const full = refundFacts(
      refundOf(payload, {
        id: '4',
        lines: [
          { index: 0, quantity: 2, subtotalMinor: 5800 },
          { index: 1, subtotalMinor: 1250 },
        ],
      }),
    );
    const target = orderTargetPoints({
      awarded,
      earnBaseMinor: earnBase,
      netBaseMinor: netBaseMinor(facts, config, [full]),
      rounding: 'down',
    });
    expect(clawbackPlan({ balance: 25, clawback: awarded - target, policy: 'floor-at-zero' })).toEqual({ points: -25, shortfall: 45 });
  });
});

describe('orders from other shops', () => {
  it('earns a EUR shop 1.5 points per euro on an order paid in dollars', () => {
    const payload = order({
      currency: 'EUR',
      presentmentCurrency: 'USD',
      presentmentRate: 1.08,
      lines: [{ title: 'Scarf', priceMinor: 3999 }],
      taxRate: 0.2,
    });
    const facts = orderFacts(payload);
    expect(evaluateRule({ type: 'purchase', config: { rate: '1.5' } }, { now, timeZone: 'Europe/Paris', order: facts })).toBe(59); // 39.99 × 1.5 = 59.985
  });

  it('earns a JPY shop per whole yen and claws back per yen', () => {
    const payload = order({ currency: 'JPY', lines: [{ title: 'Tea', priceMinor: 1500, quantity: 2 }], shippingMinor: 700, taxRate: 0.1 });
    const facts = orderFacts(payload);
    const config = purchase({ rate: '0.01' });
    const awarded = evaluateRule({ type: 'purchase', config }, { now, timeZone: 'Asia/Tokyo', order: facts });
    expect(earnBaseMinor(facts, config)).toBe(3000);
    expect(awarded).toBe(30);
    const refund = refundFacts(refundOf(payload, { id: '1', lines: [{ index: 0, subtotalMinor: 1500 }] }));
    expect(orderTargetPoints({ awarded, earnBaseMinor: 3000, netBaseMinor: netBaseMinor(facts, config, [refund]), rounding: 'down' })).toBe(
      15,
    );
  });

  it('earns the default program on a generated order with an order discount, at its discounted subtotal', () => {
    const payload = order({
      lines: [
        { title: 'Tee', priceMinor: 2999, quantity: 3 },
        { title: 'Cap', priceMinor: 1500 },
      ],
      discountMinor: 1000,
      discountCode: 'SAVE10',
    });
    const facts = orderFacts(payload);
    const subtotal = Number(payload.subtotal_price_set.shop_money.amount.replace('.', ''));
    const rule = DEFAULT_RULES.find((r) => r.type === 'purchase');
    expect(earnBaseMinor(facts, purchase())).toBe(subtotal);
    expect(rule && evaluateRule(rule, { now, timeZone: 'UTC', order: facts })).toBe(Math.floor(subtotal / 100));
  });
});
