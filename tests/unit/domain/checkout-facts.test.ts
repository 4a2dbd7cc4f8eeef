// A checkout payload read as the order it would become (web/loyalty/domain/checkout-facts.ts), from Shopify's sample
// (tests/fixtures/shopify/checkouts-create.json), and scored by the same earn base and rules as an order.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkoutFacts, checkoutShape, storedCheckoutOrder } from '../../../web/loyalty/domain/checkout-facts.js';
import { DEFAULT_EARN_BASE_OPTIONS, earnBaseMinor } from '../../../web/loyalty/domain/earn-base.js';
import { InvalidOrderError } from '../../../web/loyalty/domain/invalid-order.js';
import { evaluateRule } from '../../../web/loyalty/domain/rules/index.js';
import { parseWebhookBody } from '../../../web/webhooks/payload.js';

const raw = readFileSync(new URL('../../fixtures/shopify/checkouts-create.json', import.meta.url));
const sample = parseWebhookBody(raw) as Record<string, unknown>;
const lines = sample.line_items as Array<Record<string, unknown>>;
const facts = (changes: Record<string, unknown> = {}) => checkoutFacts(checkoutShape.parse({ ...sample, ...changes }));

describe('checkoutFacts', () => {
  it("reads Shopify's sample: token, customer (an id above 2^53, kept whole), link back and 398.00 of lines", () => {
    const f = facts();
    expect(f).toMatchObject({
      token: '123123123',
      customerId: 'gid://shopify/Customer/603851970716743426',
      email: 'example@email.com',
      currency: 'USD',
      completedAt: null,
      abandonedUrl: 'https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token',
      updatedAt: new Date('2022-01-01T00:00:00Z'),
    });
    expect(f.order.lines.map((l) => [l.productId, l.amountMinor])).toEqual([
      ['gid://shopify/Product/632910392', 19_900],
      ['gid://shopify/Product/632910392', 19_900],
    ]);
    expect(earnBaseMinor(f.order, DEFAULT_EARN_BASE_OPTIONS)).toBe(39_800);
    // Tax counts only where the program says so (the sample's 23.88).
    expect(earnBaseMinor(f.order, { ...DEFAULT_EARN_BASE_OPTIONS, includeTax: true })).toBe(42_188);
  });

  it('takes line discounts, spreads a checkout-wide discount, leaves out tax included in prices, gift cards and excluded products', () => {
    const f = facts({
      taxes_included: true,
      total_discounts: '30.00',
      line_items: [
        { ...lines[0], discount_allocations: [{ amount: '10.00' }], tax_lines: [{ price: '9.00' }] },
        { ...lines[1], product_id: 111, tax_lines: [{ price: '11.94' }] },
        { ...lines[1], product_id: 222, price: '50.00', gift_card: true, tax_lines: [] },
      ],
    });
    // 199 − 10 − 9 = 180 and 199 − 11.94 = 187.06, then the unallocated 20.00 spread over the two (not the gift card).
    expect(f.order.lines.map((l) => l.amountMinor)).toEqual([18_000 - 981, 18_706 - 1_019, 5_000]);
    expect(earnBaseMinor(f.order, DEFAULT_EARN_BASE_OPTIONS)).toBe(34_706);
    expect(earnBaseMinor(f.order, { ...DEFAULT_EARN_BASE_OPTIONS, excludedProductIds: ['111'] })).toBe(17_019);
  });

  it('reads amounts in the presentment currency, and refuses what it cannot read (the webhook answers 400)', () => {
    expect(
      facts({ presentment_currency: 'JPY', total_tax: '0', total_discounts: '0', line_items: [{ ...lines[0], price: '2990' }] }),
    ).toMatchObject({ currency: 'JPY' });
    expect(() => facts({ line_items: [{ ...lines[0], price: '1.2.3' }] })).toThrow(InvalidOrderError);
    expect(() => facts({ updated_at: 'yesterday' })).toThrow(/updated_at/);
    expect(facts({ abandoned_checkout_url: 'javascript:alert(1)' }).abandonedUrl).toBeNull();
    expect(facts({ customer: null, email: ' Guest@Example.com ' })).toMatchObject({ customerId: null, email: 'guest@example.com' });
  });

  it('the stored checkout scores as its order: the purchase rule on its earn base, with its minimum', () => {
    const order = storedCheckoutOrder({ token: 't', currency: 'USD', earnBaseMinor: 39_800, at: new Date('2026-12-07T12:00:00Z') });
    const rule = { type: 'purchase', config: { rate: '1.5', rounding: 'down' }, startsAt: null, endsAt: null };
    const context = { now: order.processedAt, timeZone: 'UTC', order };
    expect(evaluateRule(rule as never, context)).toBe(597);
    expect(evaluateRule({ ...rule, config: { ...rule.config, minimumOrderMinor: 40_000 } } as never, context)).toBe(0);
  });
});
