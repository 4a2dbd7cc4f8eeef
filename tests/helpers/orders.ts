// Realistic orders and refunds for tests, with the facts the engine will see.
import { orderPayload, refundPayload, toShopifyJson, type OrderSpec } from '../../dev/payloads.js';
import { parseWebhookBody } from '../../web/webhooks/payload.js';
import { orderInput } from '../../web/webhooks/schemas.js';
import type { OrderFacts } from '../../web/loyalty/domain/order-facts.js';

let customers = 0;
/** A customer no other test uses. */
export function newCustomer(prefix = 'shopper') {
  customers += 1;
  const n = `${Date.now() % 1_000_000}${customers}`;
  return { id: `gid://shopify/Customer/77${n}`, email: `${prefix}.${n}@example.com`, firstName: 'Test', lastName: prefix };
}

export function order(spec: OrderSpec): { payload: Record<string, unknown>; facts: OrderFacts } {
  const payload = orderPayload(spec);
  return { payload, facts: orderInput.parse(parseWebhookBody(Buffer.from(toShopifyJson(payload)))).facts };
}

export function refund(facts: OrderFacts, options: Parameters<typeof refundPayload>[1] = {}) {
  return refundPayload(facts, options);
}

/** Two lines of 2 items each, 40.00 and 60.00 after no discount: 100 points at 1 point per unit. */
export const HUNDRED = [
  { title: 'Mug', priceMinor: 2000, quantity: 2 },
  { title: 'Teapot', priceMinor: 3000, quantity: 2 },
];
