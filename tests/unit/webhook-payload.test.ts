import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from '../../web/webhooks/payload.js';
import { orderPayload as orderSchema, toMinorUnits } from '../../web/webhooks/schemas.js';
import { orderPayload, toShopifyJson } from '../../web/dev/payloads.js';

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

  it('converts decimal money to minor units without float error', () => {
    expect(toMinorUnits('414.95')).toBe(41495);
    expect(toMinorUnits('0.1')).toBe(10);
    expect(toMinorUnits('19.99')).toBe(1999);
    expect(toMinorUnits('-5.05')).toBe(-505);
    expect(toMinorUnits('1000', 0)).toBe(1000);
  });

  it('builds simulated orders that pass the handler schema, with consistent totals', () => {
    const payload = orderPayload({ customer: { id: 'gid://shopify/Customer/42' }, lines: [{ title: 'Mug', priceMinor: 1250, quantity: 2 }], shippingMinor: 500, taxRate: 0.1, discountMinor: 300 });
    const parsed = orderSchema.parse(parseWebhookBody(Buffer.from(toShopifyJson(payload))));
    // (2 × 12.50 − 3.00) + 10% tax + 5.00 shipping
    expect(parsed.current_total_price_set.shop_money.amount).toBe('29.20');
    expect(parsed.id).toMatch(/^\d{19}$/);
    expect(parsed.admin_graphql_api_id).toBe(`gid://shopify/Order/${parsed.id}`);
  });
});
