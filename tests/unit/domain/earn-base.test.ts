import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EARN_BASE_OPTIONS,
  earnBaseMinor,
  netBaseMinor,
  refundedBaseMinor,
  type EarnBaseOptions,
} from '../../../web/loyalty/domain/earn-base.js';
import { orderFacts, refundFacts, type OrderFacts, type RefundFacts } from '../../../web/loyalty/domain/order-facts.js';
import { moneySet, order, refundOf, webhookFixture, withAllocations } from './support.js';

const defaults: EarnBaseOptions = { ...DEFAULT_EARN_BASE_OPTIONS };
const everything: EarnBaseOptions = {
  includeTax: true,
  includeShipping: true,
  includeTips: true,
  includeGiftCards: true,
  excludedProductIds: [],
};

/** Tee 2 × 29.00 (5.00 off), mug 12.50, gift card 50.00; shipping 5.00, 8% tax, 3.00 tip. */
function mixedOrder() {
  const payload = withAllocations(
    order({
      lines: [
        { title: 'Tee', priceMinor: 2900, quantity: 2 },
        { title: 'Mug', priceMinor: 1250 },
        { title: 'Gift card', priceMinor: 5000, giftCard: true },
      ],
      shippingMinor: 500,
      taxRate: 0.08,
    }),
    [500, 0, 0],
  );
  payload.line_items[0].product_id = 111;
  payload.line_items[1].product_id = 222;
  payload.total_tip_received = '3.00';
  return payload;
}

describe('earnBaseMinor', () => {
  const payload = mixedOrder();
  const facts = orderFacts(payload);

  it('counts line items after discounts only, by default: no gift cards, tax, shipping or tips', () => {
    expect(earnBaseMinor(facts, defaults)).toBe(5300 + 1250);
  });

  it('adds tax, shipping, tips and gift cards each only when switched on', () => {
    const tax = facts.taxMinor;
    expect(tax).toBeGreaterThan(0);
    expect(earnBaseMinor(facts, { ...defaults, includeTax: true })).toBe(6550 + tax);
    expect(earnBaseMinor(facts, { ...defaults, includeShipping: true })).toBe(6550 + 500);
    expect(earnBaseMinor(facts, { ...defaults, includeTips: true })).toBe(6550 + 300);
    expect(earnBaseMinor(facts, { ...defaults, includeGiftCards: true })).toBe(6550 + 5000);
    expect(earnBaseMinor(facts, everything)).toBe(6550 + tax + 500 + 300 + 5000);
  });

  it('leaves out excluded products, named by GID or numeric id', () => {
    expect(earnBaseMinor(facts, { ...defaults, excludedProductIds: ['gid://shopify/Product/111'] })).toBe(1250);
    expect(earnBaseMinor(facts, { ...defaults, excludedProductIds: ['222'] })).toBe(5300);
  });

  it("earns on the sample order's discounted subtotal", () => {
    expect(earnBaseMinor(orderFacts(webhookFixture('orders-paid')), defaults)).toBe(40495);
  });

  it('is in shop currency for an order presented in another currency', () => {
    const eur = orderFacts(
      order({ currency: 'EUR', presentmentCurrency: 'USD', presentmentRate: 1.25, lines: [{ title: 'Tee', priceMinor: 4000 }] }),
    );
    expect(earnBaseMinor(eur, defaults)).toBe(4000);
  });
});

describe('refundedBaseMinor', () => {
  const payload = mixedOrder();
  const facts = orderFacts(payload);
  const refund = (spec: Parameters<typeof refundOf>[1]): RefundFacts => refundFacts(refundOf(payload, spec));

  it('takes back the refunded amount of a counted line', () => {
    const partial = refund({ id: '1', lines: [{ index: 0, subtotalMinor: 2650, taxMinor: 212 }] });
    expect(refundedBaseMinor([partial], facts, defaults)).toBe(2650);
    expect(netBaseMinor(facts, defaults, [partial])).toBe(6550 - 2650);
  });

  it('ignores refunds of lines that never counted (gift cards, excluded products)', () => {
    const giftCard = refund({ id: '1', lines: [{ index: 2, subtotalMinor: 5000 }] });
    expect(refundedBaseMinor([giftCard], facts, defaults)).toBe(0);
    expect(refundedBaseMinor([giftCard], facts, { ...defaults, includeGiftCards: true })).toBe(5000);
    const mug = refund({ id: '2', lines: [{ index: 1, subtotalMinor: 1250 }] });
    expect(refundedBaseMinor([mug], facts, { ...defaults, excludedProductIds: ['222'] })).toBe(0);
  });

  it('takes back shipping only when shipping counts, and tax only when tax counts', () => {
    const withShipping = refund({
      id: '1',
      lines: [{ index: 1, subtotalMinor: 1250, taxMinor: 100 }],
      shipping: { minor: 500, taxMinor: 40 },
    });
    expect(refundedBaseMinor([withShipping], facts, defaults)).toBe(1250);
    expect(refundedBaseMinor([withShipping], facts, { ...defaults, includeShipping: true })).toBe(1250 + 500);
    expect(refundedBaseMinor([withShipping], facts, { ...defaults, includeTax: true })).toBe(1250 + 140);
    const viaAdjustment = refund({ id: '2', shipping: { minor: 500, as: 'order_adjustments' } });
    expect(refundedBaseMinor([viaAdjustment], facts, { ...defaults, includeShipping: true })).toBe(500);
  });

  it('counts a refund once when it arrives both in orders/updated and refunds/create', () => {
    const once = refund({ id: '1', lines: [{ index: 1, subtotalMinor: 500 }] });
    expect(refundedBaseMinor([once, once], facts, defaults)).toBe(500);
  });

  it('never takes back more than a line, the shipping or the tax counted', () => {
    const tooMuch = refund({ id: '1', lines: [{ index: 0, subtotalMinor: 9999, taxMinor: 9999 }], shipping: { minor: 9999 } });
    expect(refundedBaseMinor([tooMuch], facts, everything)).toBe(5300 + 500 + facts.taxMinor);
  });

  it('leaves nothing after a full refund', () => {
    const full = refund({
      id: '1',
      lines: [
        { index: 0, quantity: 2, subtotalMinor: 5300 },
        { index: 1, subtotalMinor: 1250 },
      ],
    });
    expect(netBaseMinor(facts, defaults, [full])).toBe(0);
  });

  it("reads Shopify's sample refund of every line as a full refund of the sample order", () => {
    const sample = orderFacts(webhookFixture('orders-paid'));
    const all = refundFacts(webhookFixture('refunds-create'));
    expect(netBaseMinor(sample, defaults, [all])).toBe(0);
  });

  it('uses the refunds carried by the order when none are given', () => {
    const withRefund = mixedOrder();
    withRefund.refunds = [refundOf(withRefund, { id: '1', lines: [{ index: 1, subtotalMinor: 1250 }] })];
    expect(netBaseMinor(orderFacts(withRefund), defaults)).toBe(5300);
  });

  it('excludes tax from refunded amounts when the order prices include tax', () => {
    const included = order({ lines: [{ title: 'Tee', priceMinor: 2400 }], taxRate: 0 });
    included.taxes_included = true;
    included.line_items[0].tax_lines = [{ price_set: moneySet(400, 'USD') }];
    const taxIncluded = orderFacts(included);
    const r = refundFacts(refundOf(included, { id: '1', lines: [{ index: 0, subtotalMinor: 1200, taxMinor: 200 }] }));
    expect(earnBaseMinor(taxIncluded, defaults)).toBe(2000);
    expect(refundedBaseMinor([r], taxIncluded, defaults)).toBe(1000);
  });

  it('refuses refunds of another order or in another currency', () => {
    const other = orderFacts(order());
    const r = refund({ id: '1', lines: [{ index: 1, subtotalMinor: 100 }] });
    expect(() => refundedBaseMinor([r], other, defaults)).toThrow(/belongs to/);
    const eur: RefundFacts = { ...r, currency: 'EUR' };
    expect(() => refundedBaseMinor([eur], facts, defaults)).toThrow(/EUR/);
  });
});

describe('refundedBaseMinor (property)', () => {
  const payload = mixedOrder();
  const facts: OrderFacts = orderFacts(payload);
  const options = fc.record({
    includeTax: fc.boolean(),
    includeShipping: fc.boolean(),
    includeTips: fc.boolean(),
    includeGiftCards: fc.boolean(),
    excludedProductIds: fc.subarray(['111', '222']),
  });
  const refundSpec = fc.record({
    lines: fc.array(
      fc.record({ index: fc.integer({ min: 0, max: 2 }), subtotalMinor: fc.nat({ max: 8000 }), taxMinor: fc.nat({ max: 800 }) }),
      { maxLength: 3 },
    ),
    shipping: fc.record({ minor: fc.nat({ max: 900 }), taxMinor: fc.nat({ max: 90 }) }),
  });

  it('is never negative and never more than the earn base, whatever refunds arrive', () => {
    fc.assert(
      fc.property(options, fc.array(refundSpec, { maxLength: 4 }), (opts, specs) => {
        const refunds = specs.map((s, i) => refundFacts(refundOf(payload, { id: String(i + 1), ...s })));
        const refunded = refundedBaseMinor(refunds, facts, opts);
        expect(refunded).toBeGreaterThanOrEqual(0);
        expect(refunded).toBeLessThanOrEqual(earnBaseMinor(facts, opts));
      }),
    );
  });
});
