// Realistic webhook payloads for development and tests, built on the shape of
// Shopify's own samples (dev/fixtures/shopify/webhooks). Shopify's sample
// order is a cancelled, voided test order; these are paid orders with tax,
// shipping, discounts and shop/presentment money sets that agree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { currencyDigits, formatMinor } from '../web/loyalty/domain/money.js';

const SAMPLES = path.resolve(import.meta.dirname, 'fixtures/shopify/webhooks');

export function sample(topic: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SAMPLES, `${topic.replace('/', '-')}.json`), 'utf8'));
}

/** Order ids above 2^53, as Shopify's are, so every path keeps ids as strings. */
let nextId = 7_000_000_000_000_000_000n;
export function shopifyId(): string {
  nextId += BigInt(1 + Math.floor(Math.random() * 1000));
  return nextId.toString();
}

/** A money set; `rate` converts shop currency to presentment, minding their different digits (USD 2, JPY 0). */
const moneySet = (minor: number, currency: string, presentment = currency, rate = 1) => ({
  shop_money: { amount: formatMinor(minor, currency), currency_code: currency },
  presentment_money: {
    amount: formatMinor(Math.round(minor * rate * 10 ** (currencyDigits(presentment) - currencyDigits(currency))), presentment),
    currency_code: presentment,
  },
});

export interface OrderSpec {
  customer?: { id: string; email?: string; firstName?: string; lastName?: string } | null;
  /** Line items in shop currency, minor units. */
  lines?: Array<{ title: string; priceMinor: number; quantity?: number; giftCard?: boolean; tags?: string }>;
  shippingMinor?: number;
  taxRate?: number;
  discountMinor?: number;
  discountCode?: string;
  currency?: string;
  presentmentCurrency?: string;
  presentmentRate?: number;
  financialStatus?: 'paid' | 'pending' | 'partially_refunded' | 'refunded' | 'voided';
  cancelled?: boolean;
  id?: string;
  updatedAt?: Date;
  /** Where it ships; by default an address of the customer's own (so two customers never share one). */
  shippingAddress?: { address1: string; address2?: string | null; zip: string; country_code: string };
  /** Cart attributes (note_attributes), e.g. the referral the storefront attached. */
  attributes?: Record<string, string>;
}

/** A Shopify REST-format order payload (orders/create, paid, updated, cancelled). */
export function orderPayload(spec: OrderSpec = {}): Record<string, unknown> {
  const currency = spec.currency ?? 'USD';
  const presentment = spec.presentmentCurrency ?? currency;
  const rate = spec.presentmentRate ?? 1;
  const money = (minor: number) => moneySet(minor, currency, presentment, rate);
  const fixed = (minor: number) => formatMinor(minor, currency);
  const id = spec.id ?? shopifyId();
  const lines = spec.lines ?? [{ title: 'Organic cotton tee', priceMinor: 2900, quantity: 2 }];
  const subtotalBeforeDiscount = lines.reduce((s, l) => s + l.priceMinor * (l.quantity ?? 1), 0);
  const discount = Math.min(spec.discountMinor ?? 0, subtotalBeforeDiscount);
  const subtotal = subtotalBeforeDiscount - discount;
  const lineTotals = lines.map((l) => l.priceMinor * (l.quantity ?? 1));
  const lineDiscounts = lineTotals.map((t, i) => (i < lineTotals.length - 1 ? Math.floor((discount * t) / subtotalBeforeDiscount) : 0));
  lineDiscounts[lineDiscounts.length - 1] = discount - lineDiscounts.reduce((a, b) => a + b, 0);
  const shipping = spec.shippingMinor ?? 500;
  const tax = Math.round(subtotal * (spec.taxRate ?? 0.08));
  const total = subtotal + shipping + tax;
  const now = spec.updatedAt ?? new Date();
  const base = sample('orders/create');
  const customer = spec.customer
    ? {
        id: Number(spec.customer.id.split('/').pop()),
        admin_graphql_api_id: spec.customer.id,
        email: spec.customer.email ?? null,
        first_name: spec.customer.firstName ?? null,
        last_name: spec.customer.lastName ?? null,
        currency,
      }
    : null;
  return {
    ...base,
    id: `__BIGINT__${id}`,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1000 + Number(BigInt(id) % 9000n)}`,
    order_number: 1000 + Number(BigInt(id) % 9000n),
    test: false,
    confirmed: true,
    cancel_reason: spec.cancelled ? 'customer' : null,
    cancelled_at: spec.cancelled ? now.toISOString() : null,
    financial_status: spec.cancelled ? 'voided' : (spec.financialStatus ?? 'paid'),
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    processed_at: now.toISOString(),
    currency,
    presentment_currency: presentment,
    email: spec.customer?.email ?? null,
    contact_email: spec.customer?.email ?? null,
    customer,
    shipping_address: {
      ...(base.shipping_address as object),
      ...(spec.shippingAddress ?? {
        address1: `${spec.customer ? Number(BigInt(spec.customer.id.split('/').pop()!) % 10_000n) : 1} Shipping Street`,
        zip: '40003',
        country_code: 'US',
      }),
    },
    note_attributes: Object.entries(spec.attributes ?? {}).map(([name, value]) => ({ name, value })),
    discount_codes: spec.discountCode ? [{ code: spec.discountCode, amount: fixed(discount), type: 'fixed_amount' }] : [],
    subtotal_price: fixed(subtotal),
    subtotal_price_set: money(subtotal),
    current_subtotal_price: fixed(subtotal),
    current_subtotal_price_set: money(subtotal),
    total_discounts: fixed(discount),
    total_discounts_set: money(discount),
    current_total_discounts: fixed(discount),
    current_total_discounts_set: money(discount),
    total_tax: fixed(tax),
    total_tax_set: money(tax),
    current_total_tax: fixed(tax),
    current_total_tax_set: money(tax),
    total_shipping_price_set: money(shipping),
    current_shipping_price_set: money(shipping),
    total_price: fixed(total),
    total_price_set: money(total),
    current_total_price: fixed(total),
    current_total_price_set: money(total),
    total_line_items_price: fixed(subtotalBeforeDiscount),
    total_line_items_price_set: money(subtotalBeforeDiscount),
    line_items: lines.map((l, i) => {
      const lineId = shopifyId();
      return {
        id: `__BIGINT__${lineId}`,
        admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`,
        product_id: 7_000_000 + i,
        title: l.title,
        name: l.title,
        quantity: l.quantity ?? 1,
        current_quantity: l.quantity ?? 1,
        price: fixed(l.priceMinor),
        price_set: money(l.priceMinor),
        gift_card: l.giftCard ?? false,
        taxable: true,
        requires_shipping: true,
        total_discount: fixed(0),
        total_discount_set: money(0),
        // The order discount, spread over the lines as Shopify's discount allocations are.
        discount_allocations: lineDiscounts[i]
          ? [{ amount: fixed(lineDiscounts[i]!), amount_set: money(lineDiscounts[i]!), discount_application_index: 0 }]
          : [],
        tax_lines: [],
        properties: [],
      };
    }),
    shipping_lines: [
      {
        id: 1,
        code: 'Standard',
        title: 'Standard',
        price: fixed(shipping),
        price_set: money(shipping),
        discounted_price: fixed(shipping),
        discounted_price_set: money(shipping),
        tax_lines: [],
      },
    ],
    refunds: [],
  };
}

export function customerPayload(c: { id: string; email?: string; firstName?: string; lastName?: string; marketing?: boolean }) {
  const base = sample('customers/create');
  const now = new Date().toISOString();
  return {
    ...base,
    id: Number(c.id.split('/').pop()),
    admin_graphql_api_id: c.id,
    email: c.email ?? null,
    first_name: c.firstName ?? null,
    last_name: c.lastName ?? null,
    created_at: now,
    updated_at: now,
    email_marketing_consent: {
      state: c.marketing ? 'subscribed' : 'not_subscribed',
      opt_in_level: 'single_opt_in',
      consent_updated_at: now,
    },
  };
}

/** A refunded line, as order facts describe it (web/loyalty/domain/order-facts.ts). */
export interface RefundedLine {
  lineId: string;
  quantity: number;
  amountMinor: number;
}

/**
 * A refunds/create payload refunding `fraction` of each line's quantity
 * (rounded to whole items) and, optionally, shipping.
 */
export function refundPayload(
  order: { orderId: string; currency: string; lines: RefundedLine[] },
  options: { fraction?: number; shippingMinor?: number; createdAt?: Date } = {},
) {
  const base = sample('refunds/create');
  const id = shopifyId();
  const money = (minor: number) => moneySet(minor, order.currency);
  const fixed = (minor: number) => formatMinor(minor, order.currency);
  const at = (options.createdAt ?? new Date()).toISOString();
  const fraction = options.fraction ?? 0.5;
  const refunded = order.lines.map((line) => ({ line, quantity: Math.round(line.quantity * fraction) })).filter((r) => r.quantity > 0);
  const total =
    refunded.reduce((sum, r) => sum + Math.round((r.line.amountMinor * r.quantity) / r.line.quantity), 0) + (options.shippingMinor ?? 0);
  return {
    ...base,
    id: `__BIGINT__${id}`,
    admin_graphql_api_id: `gid://shopify/Refund/${id}`,
    order_id: `__BIGINT__${order.orderId.split('/').pop()}`,
    created_at: at,
    processed_at: at,
    refund_line_items: refunded.map((r, i) => ({
      id: 100 + i,
      quantity: r.quantity,
      line_item_id: `__BIGINT__${r.line.lineId.split('/').pop()}`,
      restock_type: 'return',
      subtotal: fixed(Math.round((r.line.amountMinor * r.quantity) / r.line.quantity)),
      subtotal_set: money(Math.round((r.line.amountMinor * r.quantity) / r.line.quantity)),
      total_tax: fixed(0),
      total_tax_set: money(0),
    })),
    refund_shipping_lines: options.shippingMinor
      ? [{ id: 1, subtotal_amount_set: money(options.shippingMinor), tax_amount_set: money(0) }]
      : [],
    order_adjustments: [],
    transactions: [{ id: 1, kind: 'refund', status: 'success', amount: fixed(total), currency: order.currency }],
  };
}

export function complianceRedact(shop: string, customerNumericId: string, orders: string[] = []) {
  return {
    shop_id: 954889,
    shop_domain: shop,
    customer: { id: `__BIGINT__${customerNumericId}`, email: null, phone: null },
    orders_to_redact: orders.map((o) => `__BIGINT__${o}`),
  };
}

export function complianceDataRequest(shop: string, customerNumericId: string, dataRequestId = 9999) {
  return {
    shop_id: 954889,
    shop_domain: shop,
    customer: { id: `__BIGINT__${customerNumericId}`, email: null, phone: null },
    orders_requested: [],
    data_request: { id: dataRequestId },
  };
}

/** JSON text with big integers written as bare numbers, as Shopify sends them. */
export function toShopifyJson(payload: unknown): string {
  return JSON.stringify(payload, null, 2).replace(/"__BIGINT__(\d+)"/g, '$1');
}
