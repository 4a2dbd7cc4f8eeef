import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from '../../web/webhooks/payload.js';
import { orderInput, orderPayload as orderSchema } from '../../web/webhooks/schemas.js';
import { orderPayload, toShopifyJson } from '../../dev/payloads.js';

describe('webhook payloads', () => {
  it('keeps integer ids above 2^53 exact, as strings', () => {
    const body = Buffer.from('{"id": 820982911946154508, "order_id": 12, "ids": [9007199254740993, 3], "price": 12.5}');
    expect(parseWebhookBody(body)).toEqual({ id: '820982911946154508', order_id: 12, ids: ['9007199254740993', 3], price: 12.5 });
    // What plain JSON.parse would have stored instead:
    expect(String(JSON.parse(body.toString()).id)).toBe('820982911946154500');
  });

  it('parses ordinary bodies like JSON.parse', () => {
    const text = '{"a": [1, 2.5, -3], "b": "12345678901234567890", "c": null}';
    expect(parseWebhookBody(Buffer.from(text))).toEqual(JSON.parse(text));
  });

  const total = (payload: Record<string, unknown>) => orderInput.parse(parseWebhookBody(Buffer.from(toShopifyJson(payload)))).totalMinor;
  const withTotal = (payload: Record<string, unknown>, amount: string, currency: string) => ({
    ...payload,
    currency,
    current_total_price_set: { shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } },
  });

  it("stores the order total in the currency's own minor units: USD cents, whole yen, KWD fils", () => {
    expect(total(orderPayload({ lines: [{ title: 'Mug', priceMinor: 1999 }], shippingMinor: 0, taxRate: 0 }))).toBe(1999);
    // ¥5,400 is 5400 minor units (JPY has no decimals), not 540000.
    expect(
      total(
        orderPayload({
          currency: 'JPY',
          lines: [
            { title: 'Mug', priceMinor: 1200, quantity: 2 },
            { title: 'Pot', priceMinor: 3000 },
          ],
          shippingMinor: 0,
          taxRate: 0,
        }),
      ),
    ).toBe(5400);
    // 32.250 KWD is 32250 fils (three decimals), not 3225.
    expect(
      total(
        orderPayload({
          currency: 'KWD',
          lines: [
            { title: 'Mug', priceMinor: 12_500, quantity: 2 },
            { title: 'Pot', priceMinor: 7_250 },
          ],
          shippingMinor: 0,
          taxRate: 0,
        }),
      ),
    ).toBe(32_250);
    // Shopify may write JPY with zero decimals.
    const yen = orderPayload({ currency: 'JPY', lines: [{ title: 'Mug', priceMinor: 1200 }], shippingMinor: 0, taxRate: 0 });
    expect(total(withTotal(yen, '1200.00', 'JPY'))).toBe(1200);
  });

  it('refuses a total the currency cannot hold, or beyond 2^53 minor units, naming the field', () => {
    const yen = orderPayload({ currency: 'JPY', lines: [{ title: 'Mug', priceMinor: 1200 }], shippingMinor: 0, taxRate: 0 });
    const refused = (amount: string) => orderInput.safeParse(parseWebhookBody(Buffer.from(toShopifyJson(withTotal(yen, amount, 'JPY')))));
    expect(refused('1200.50').error?.issues).toEqual([
      expect.objectContaining({ path: ['current_total_price_set', 'shop_money', 'amount'], message: 'more than 0 decimal places' }),
    ]);
    expect(refused('9007199254740993').error?.issues).toEqual([expect.objectContaining({ message: 'too large' })]);
  });

  it('builds simulated orders that pass the handler schema, with consistent totals', () => {
    const payload = orderPayload({
      customer: { id: 'gid://shopify/Customer/42' },
      lines: [{ title: 'Mug', priceMinor: 1250, quantity: 2 }],
      shippingMinor: 500,
      taxRate: 0.1,
      discountMinor: 300,
    });
    const parsed = orderSchema.parse(parseWebhookBody(Buffer.from(toShopifyJson(payload))));
    // (2 × 12.50 − 3.00) + 10% tax + 5.00 shipping
    expect(parsed.current_total_price_set.shop_money.amount).toBe('29.20');
    expect(parsed.id).toMatch(/^\d{19}$/);
    expect(parsed.admin_graphql_api_id).toBe(`gid://shopify/Order/${parsed.id}`);
  });
});
