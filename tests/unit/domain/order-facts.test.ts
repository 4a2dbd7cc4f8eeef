import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidOrderError, allocateProportionally, orderFacts, refundFacts } from '../../../web/loyalty/domain/order-facts.js';
import { moneySet, order, refundOf, webhookFixture, withAllocations, withoutAllocations, type Json } from './support.js';

function invalid(payload: unknown, read: (p: unknown) => unknown = orderFacts): InvalidOrderError {
  try {
    read(payload);
  } catch (error) {
    if (error instanceof InvalidOrderError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOrderError');
}

describe("orderFacts on Shopify's sample order (a cancelled, voided test order)", () => {
  const facts = orderFacts(webhookFixture('orders-paid'));

  it('keys the order, its lines and its customer on GID strings, exact past 2^53', () => {
    expect(facts.orderId).toBe('gid://shopify/Order/820982911946154508');
    expect(facts.customerId).toBe('gid://shopify/Customer/115310627314723954');
    expect(facts.lines.map((l) => l.lineId)).toEqual([
      'gid://shopify/LineItem/487817672276298554',
      'gid://shopify/LineItem/789012345678901234',
      'gid://shopify/LineItem/890123456789012345',
      'gid://shopify/LineItem/976318377106520349',
      'gid://shopify/LineItem/315789986012684393',
    ]);
    expect(facts.lines.map((l) => l.productId)).toEqual([
      'gid://shopify/Product/788032119674292922',
      null,
      null,
      'gid://shopify/Product/788032119674292922',
      'gid://shopify/Product/788032119674292922',
    ]);
  });

  it('reads status, email, currency and dates', () => {
    expect(facts).toMatchObject({
      email: 'jon@example.com',
      currency: 'USD',
      financialStatus: 'voided',
      cancelled: true,
      test: true,
      fulfilled: false,
      taxesIncluded: false,
      shippingMinor: 0, // 10.00 shipping discounted to 0.00
      taxMinor: 0,
      tipsMinor: 0,
      refunds: [],
      discountCodes: [],
    });
    expect(facts.processedAt.toISOString()).toBe('2022-01-01T00:00:00.000Z');
    expect(facts.updatedAt.toISOString()).toBe('2022-01-01T00:00:00.000Z');
  });

  it("spreads the order discount Shopify did not allocate to lines, landing on the sample's subtotal of 404.95", () => {
    // total_discounts 20.00 = 10.00 off shipping + 10.00 off the lines, which carry no allocations.
    expect(facts.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(40495);
    expect(facts.lines.map((l) => l.amountMinor)).toEqual([8782, 1951, 2439, 15613, 11710]);
  });

  it('reads every order topic of the sample the same way', () => {
    for (const topic of ['orders-create', 'orders-updated', 'orders-cancelled', 'orders-fulfilled']) {
      expect(orderFacts(webhookFixture(topic))).toEqual(facts);
    }
  });

  it('refuses numeric ids that JSON.parse already rounded, rather than keying on a wrong product', () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../../dev/fixtures/shopify/webhooks/orders-paid.json'), 'utf8');
    const error = invalid(JSON.parse(text));
    expect(error.path).toBe('line_items.0.product_id');
    expect(error.reason).toMatch(/2\^53/);
  });
});

describe('orderFacts on realistic orders', () => {
  it('earns in the shop currency: a EUR shop selling in USD reads shop_money, not presentment_money', () => {
    const payload = order({
      currency: 'EUR',
      presentmentCurrency: 'USD',
      presentmentRate: 1.1,
      lines: [{ title: 'Tee', priceMinor: 2900, quantity: 2 }],
      shippingMinor: 500,
      taxRate: 0.2,
    });
    expect(payload.line_items[0].price_set.presentment_money).toEqual({ amount: '31.90', currency_code: 'USD' });
    const facts = orderFacts(payload);
    expect(facts.currency).toBe('EUR');
    expect(facts.lines[0]?.amountMinor).toBe(5800);
    expect(facts.shippingMinor).toBe(500);
    expect(facts.taxMinor).toBe(1160);
  });

  it('reads JPY amounts as whole yen (0 digits), including "1200.00" strings', () => {
    // The generator writes amounts in the currency's digits: priceMinor 1200 is "1200" yen.
    const payload = order({
      currency: 'JPY',
      lines: [{ title: 'Matcha', priceMinor: 1200, quantity: 3 }],
      shippingMinor: 500,
      taxRate: 0.1,
    });
    expect(payload.line_items[0].price_set.shop_money.amount).toBe('1200');
    // Shopify may also write yen with two zero decimals.
    const zeros = JSON.parse(JSON.stringify(payload).replace(/"amount":"(\d+)"/g, '"amount":"$1.00"'));
    expect(zeros.line_items[0].price_set.shop_money.amount).toBe('1200.00');
    for (const facts of [orderFacts(payload), orderFacts(zeros)]) {
      expect(facts.currency).toBe('JPY');
      expect(facts.lines[0]?.amountMinor).toBe(3600);
      expect(facts.shippingMinor).toBe(500);
      expect(facts.taxMinor).toBe(360);
    }
  });

  it('subtracts discount_allocations from their own line', () => {
    const base = order({
      lines: [
        { title: 'Tee', priceMinor: 2900, quantity: 2 },
        { title: 'Mug', priceMinor: 1250 },
      ],
    });
    const facts = orderFacts(withAllocations(base, [500, 0]));
    expect(facts.lines.map((l) => l.amountMinor)).toEqual([5300, 1250]);
  });

  it('spreads an unallocated order discount over lines in proportion, exactly, never onto gift cards', () => {
    const facts = orderFacts(
      withoutAllocations(
        order({
          lines: [
            { title: 'Tee', priceMinor: 2000 },
            { title: 'Hoodie', priceMinor: 4000 },
            { title: 'Gift card', priceMinor: 5000, giftCard: true },
          ],
          discountMinor: 1000,
          discountCode: 'WELCOME10',
        }),
      ),
    );
    expect(facts.lines.map((l) => l.amountMinor)).toEqual([2000 - 333, 4000 - 667, 5000]);
    expect(facts.discountCodes).toEqual(['WELCOME10']);
  });

  it('takes shipping after its discounts, tax from total_tax_set and tips from total_tip_received', () => {
    const payload = order({ shippingMinor: 800, taxRate: 0.08 });
    payload.shipping_lines[0].discounted_price_set = moneySet(300, 'USD');
    payload.total_tip_received = '4.50';
    const facts = orderFacts(payload);
    expect(facts.shippingMinor).toBe(300);
    expect(facts.taxMinor).toBe(464); // 8% of 58.00
    expect(facts.tipsMinor).toBe(450);
  });

  it('keeps the tax as placed on orders/updated after a refund, so the refunded tax is not subtracted twice', () => {
    const payload = order({ lines: [{ title: 'Tee', priceMinor: 2900, quantity: 2 }], taxRate: 0.08 });
    payload.refunds = [refundOf(payload, { id: '1', lines: [{ index: 0, subtotalMinor: 2900, taxMinor: 232 }] })];
    payload.current_total_tax_set = moneySet(464 - 232, 'USD');
    const facts = orderFacts(payload);
    expect(facts.taxMinor).toBe(464);
    expect(facts.refunds[0]?.taxMinor).toBe(232);
  });

  it('keeps tax out of line and shipping amounts when prices include tax', () => {
    const payload = order({ lines: [{ title: 'Tee', priceMinor: 2400 }], shippingMinor: 600, taxRate: 0 });
    payload.taxes_included = true;
    payload.line_items[0].tax_lines = [{ title: 'VAT', rate: 0.2, price: '4.00', price_set: moneySet(400, 'USD') }];
    payload.shipping_lines[0].tax_lines = [{ title: 'VAT', rate: 0.2, price: '1.00', price_set: moneySet(100, 'USD') }];
    const facts = orderFacts(payload);
    expect(facts.taxesIncluded).toBe(true);
    expect(facts.lines[0]?.amountMinor).toBe(2000);
    expect(facts.shippingMinor).toBe(500);
  });

  it('marks gift-card lines, fulfilment and the paid status', () => {
    const payload = order({ lines: [{ title: 'Gift card', priceMinor: 5000, giftCard: true }] });
    payload.fulfillment_status = 'fulfilled';
    const facts = orderFacts(payload);
    expect(facts.lines[0]?.giftCard).toBe(true);
    expect(facts).toMatchObject({ fulfilled: true, financialStatus: 'paid', cancelled: false, test: false });
  });

  it('tracks a guest order by its lower-cased email, with no customer', () => {
    const payload = order({ customer: null });
    payload.email = '  Guest@Example.COM ';
    const facts = orderFacts(payload);
    expect(facts.customerId).toBeNull();
    expect(facts.email).toBe('guest@example.com');
  });

  it("uses the customer's GID for a member's order", () => {
    const facts = orderFacts(order({ customer: { id: 'gid://shopify/Customer/7000000000000000001', email: 'Ann@Shop.test' } }));
    expect(facts.customerId).toBe('gid://shopify/Customer/7000000000000000001');
    expect(facts.email).toBe('ann@shop.test');
  });

  it('reads refunds carried by orders/updated, keyed to the same line GIDs', () => {
    const payload = order({
      lines: [
        { title: 'Tee', priceMinor: 2900, quantity: 2 },
        { title: 'Mug', priceMinor: 1250 },
      ],
    });
    payload.refunds = [
      refundOf(payload, { id: '9000000000000000001', lines: [{ index: 0, subtotalMinor: 2900, taxMinor: 232 }], shipping: { minor: 500 } }),
      refundOf(payload, {
        id: '9000000000000000002',
        lines: [{ index: 1, subtotalMinor: 1250 }],
        shipping: { minor: 0, as: 'order_adjustments' },
      }),
    ];
    const facts = orderFacts(payload);
    expect(facts.refunds).toHaveLength(2);
    expect(facts.refunds[0]).toMatchObject({
      refundId: 'gid://shopify/Refund/9000000000000000001',
      orderId: facts.orderId,
      currency: 'USD',
      lines: [{ lineId: facts.lines[0]?.lineId, quantity: 1, amountMinor: 2900, taxMinor: 232 }],
      shippingMinor: 500,
      taxMinor: 232,
    });
    expect(facts.refunds[1]?.lines[0]?.lineId).toBe(facts.lines[1]?.lineId);
  });
});

describe('refundFacts (refunds/create)', () => {
  it("reads Shopify's sample refund: five lines, subtotal_set shop money, the order GID from order_id", () => {
    const refund = refundFacts(webhookFixture('refunds-create'));
    expect(refund.refundId).toBe('gid://shopify/Refund/890088186047892319');
    expect(refund.orderId).toBe('gid://shopify/Order/820982911946154508');
    expect(refund.currency).toBe('USD');
    expect(refund.lines.map((l) => l.amountMinor)).toEqual([8999, 1999, 2499, 15999, 11999]);
    expect(refund.lines[0]).toEqual({ lineId: 'gid://shopify/LineItem/487817672276298554', quantity: 1, amountMinor: 8999, taxMinor: 0 });
    expect(refund).toMatchObject({ shippingMinor: 0, shippingTaxMinor: 0, taxMinor: 0 });
    expect(refund.createdAt.toISOString()).toBe('2022-01-01T00:00:00.000Z');
  });

  it('reads refunded shipping from refund_shipping_lines (API 2024-10+)', () => {
    const payload = order();
    const refund = refundFacts(refundOf(payload, { id: '1', shipping: { minor: 500, taxMinor: 40 } }));
    expect(refund).toMatchObject({ shippingMinor: 500, shippingTaxMinor: 40, taxMinor: 40 });
  });

  it('reads refunded shipping from negative "shipping_refund" order adjustments (older versions), as a positive amount', () => {
    const payload = order();
    const refund = refundFacts(refundOf(payload, { id: '1', shipping: { minor: 500, taxMinor: 40, as: 'order_adjustments' } }));
    expect(refund).toMatchObject({ shippingMinor: 500, shippingTaxMinor: 40, taxMinor: 40 });
  });

  it('ignores other order adjustments, and shipping adjustments when refund_shipping_lines already say it', () => {
    const payload = order();
    const refund = refundOf(payload, { id: '1', shipping: { minor: 500 } });
    refund.order_adjustments = [
      { kind: 'refund_discrepancy', amount_set: moneySet(-300, 'USD'), tax_amount_set: moneySet(0, 'USD') },
      { kind: 'shipping_refund', amount_set: moneySet(-500, 'USD'), tax_amount_set: moneySet(0, 'USD') },
    ];
    expect(refundFacts(refund).shippingMinor).toBe(500);
  });

  it('has no currency when the refund carries no amounts', () => {
    const refund = refundFacts({ id: 5, order_id: 6, created_at: '2025-01-01T00:00:00Z', refund_line_items: [] });
    expect(refund).toMatchObject({
      refundId: 'gid://shopify/Refund/5',
      orderId: 'gid://shopify/Order/6',
      currency: null,
      lines: [],
      taxMinor: 0,
    });
  });
});

describe('orderFacts rejects what it cannot trust, naming the field', () => {
  const cases: Array<[string, (p: Json) => void, string, RegExp]> = [
    ['a missing order GID', (p) => delete p.admin_graphql_api_id, 'admin_graphql_api_id', /Order GID|expected/],
    [
      'an unknown currency',
      (p) => {
        p.total_price_set.shop_money.currency_code = 'ABC';
        p.currency = 'ABC';
      },
      'total_price_set.shop_money.currency_code',
      /unknown currency "ABC"/,
    ],
    [
      'a line priced in another currency',
      (p) => (p.line_items[0].price_set.shop_money.currency_code = 'EUR'),
      'line_items.0.price_set.shop_money.currency_code',
      /EUR differs from the shop currency USD/,
    ],
    ['an order currency that is not the shop money currency', (p) => (p.currency = 'EUR'), 'currency', /differs/],
    [
      'a negative line price',
      (p) => (p.line_items[0].price_set.shop_money.amount = '-29.00'),
      'line_items.0.price_set.shop_money.amount',
      /negative/,
    ],
    [
      'a malformed amount',
      (p) => (p.line_items[0].price_set.shop_money.amount = '29,00'),
      'line_items.0.price_set.shop_money.amount',
      /not a decimal/,
    ],
    [
      'discounts larger than the line',
      (p) => (p.line_items[0].discount_allocations = [{ amount_set: moneySet(99999, 'USD') }]),
      'line_items.0',
      /exceed/,
    ],
    ['a fractional quantity', (p) => (p.line_items[0].quantity = 1.5), 'line_items.0.quantity', /int/i],
    [
      'a line without any id',
      (p) => {
        delete p.line_items[0].id;
        delete p.line_items[0].admin_graphql_api_id;
      },
      'line_items.0.admin_graphql_api_id',
      /no id/,
    ],
    ['an unreadable date', (p) => (p.updated_at = 'yesterday'), 'updated_at', /not a date/],
    [
      'a refund in another currency',
      (p) => (p.refunds = [refundOf({ ...p, currency: 'EUR' }, { id: '1', lines: [{ index: 0, subtotalMinor: 100 }] })]),
      'refunds.0.refund_line_items.0.subtotal_set.shop_money.currency_code',
      /EUR differs/,
    ],
    [
      'a refund of another order',
      (p) => (p.refunds = [{ ...refundOf(p, { id: '1' }), order_id: '12' }]),
      'refunds.0.order_id',
      /belongs to/,
    ],
  ];

  it.each(cases)('%s', (_name, edit, path, reason) => {
    const payload = order();
    edit(payload);
    const error = invalid(payload);
    expect(error.path).toBe(path);
    expect(error.reason).toMatch(reason);
  });

  it('rejects a payload that is not an order at all', () => {
    expect(invalid(null).path).toBe('');
    expect(invalid({ admin_graphql_api_id: 'gid://shopify/Order/1' }).path).toBe('currency');
  });

  it('rejects a refund with a negative line subtotal', () => {
    const refund = refundOf(order(), { id: '1', lines: [{ index: 0, subtotalMinor: 100 }] });
    refund.refund_line_items[0].subtotal_set.shop_money.amount = '-1.00';
    expect(invalid(refund, refundFacts).path).toBe('refund_line_items.0.subtotal_set.shop_money.amount');
  });
});

describe('allocateProportionally', () => {
  it('splits exactly, the leftover units going to the largest remainders', () => {
    expect(allocateProportionally(1000, [2000, 4000])).toEqual([333, 667]);
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(allocateProportionally(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(allocateProportionally(0, [5, 5])).toEqual([0, 0]);
    expect(allocateProportionally(7, [0, 0])).toEqual([0, 0]);
  });
});
