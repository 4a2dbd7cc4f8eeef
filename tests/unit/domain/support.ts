// Payloads for the domain tests, read and parsed the way the webhook route
// does (big ids kept as strings), plus small edits real Shopify orders have
// and the generator leaves out.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { orderPayload, toShopifyJson, type OrderSpec } from '../../../dev/payloads.js';
import { formatMinor } from '../../../web/loyalty/domain/money.js';
import { parseWebhookBody } from '../../../web/webhooks/payload.js';

const WEBHOOKS = path.resolve(import.meta.dirname, '../../../dev/fixtures/shopify/webhooks');

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A sample webhook body from dev/fixtures/shopify/webhooks, parsed like the webhook route parses it. */
export function webhookFixture(name: string): Json {
  return parseWebhookBody(readFileSync(path.join(WEBHOOKS, `${name}.json`))) as Json;
}

/** A generated order as it arrives: serialised with bare big ids, then parsed by the webhook route's parser. */
export function order(spec: OrderSpec = {}): Json {
  return parseWebhookBody(Buffer.from(toShopifyJson(orderPayload(spec)))) as Json;
}

export function moneySet(minor: number, currency: string, presentment?: { minor: number; currency: string }) {
  return {
    shop_money: { amount: formatMinor(minor, currency), currency_code: currency },
    presentment_money: presentment
      ? { amount: formatMinor(presentment.minor, presentment.currency), currency_code: presentment.currency }
      : { amount: formatMinor(minor, currency), currency_code: currency },
  };
}

/** Allocates order discounts to line items the way Shopify does (discount_allocations), keeping total_discounts_set in step. */
export function withAllocations(payload: Json, perLine: number[]): Json {
  const currency = payload.currency as string;
  const lines = (payload.line_items as Json[]).map((line, i) => {
    const minor = perLine[i] ?? 0;
    return {
      ...line,
      discount_allocations: minor
        ? [{ amount: formatMinor(minor, currency), discount_application_index: 0, amount_set: moneySet(minor, currency) }]
        : [],
    };
  });
  const total = perLine.reduce((s, m) => s + m, 0);
  return { ...payload, line_items: lines, total_discounts: formatMinor(total, currency), total_discounts_set: moneySet(total, currency) };
}

/** The same order as an older API version or another app may send it: the order discount not allocated to lines. */
export function withoutAllocations(payload: Json): Json {
  return { ...payload, line_items: (payload.line_items as Json[]).map((line) => ({ ...line, discount_allocations: [] })) };
}

/** A REST refund (as nested in orders/updated `refunds[]`) of some of the order's lines. */
export function refundOf(
  payload: Json,
  spec: {
    id: string;
    lines?: Array<{ index: number; quantity?: number; subtotalMinor: number; taxMinor?: number }>;
    shipping?: { minor: number; taxMinor?: number; as?: 'refund_shipping_lines' | 'order_adjustments' };
    createdAt?: string;
  },
): Json {
  const currency = payload.currency as string;
  const lineItems = payload.line_items as Json[];
  const shipping = spec.shipping;
  return {
    id: spec.id,
    admin_graphql_api_id: `gid://shopify/Refund/${spec.id}`,
    order_id: String(payload.admin_graphql_api_id).split('/').pop(),
    created_at: spec.createdAt ?? '2025-05-02T10:00:00Z',
    refund_line_items: (spec.lines ?? []).map((l) => {
      const item = lineItems[l.index] as Json;
      return {
        id: 1,
        quantity: l.quantity ?? 1,
        line_item_id: item.id,
        subtotal_set: moneySet(l.subtotalMinor, currency),
        total_tax_set: moneySet(l.taxMinor ?? 0, currency),
        line_item: { id: item.id, admin_graphql_api_id: item.admin_graphql_api_id },
      };
    }),
    refund_shipping_lines:
      shipping && (shipping.as ?? 'refund_shipping_lines') === 'refund_shipping_lines'
        ? [{ id: 1, subtotal_amount_set: moneySet(shipping.minor, currency), tax_amount_set: moneySet(shipping.taxMinor ?? 0, currency) }]
        : [],
    order_adjustments:
      shipping?.as === 'order_adjustments'
        ? [
            {
              id: 1,
              kind: 'shipping_refund',
              amount_set: moneySet(-shipping.minor, currency),
              tax_amount_set: moneySet(-(shipping.taxMinor ?? 0), currency),
            },
          ]
        : [],
    transactions: [],
  };
}
