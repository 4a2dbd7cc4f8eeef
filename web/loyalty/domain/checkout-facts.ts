// Normalises a Shopify checkout payload (checkouts/create, checkouts/update; REST webhook format) into what the
// abandoned_checkout email needs: who, where to come back to, and the checkout as order facts, so the program's
// earn base (earn-base.ts) and earn rules score it exactly as they would score the order it would become.
//
// A checkout's amounts are in the currency the shopper sees (presentment_currency, else currency); line prices
// are before discounts, which come as discount_allocations per line and total_discounts for the whole checkout.
import { z } from 'zod';
import { InvalidOrderError } from './invalid-order.js';
import { InvalidAmountError, isKnownCurrency, parseMoney } from './money.js';
import { allocateProportionally, type OrderFacts, type OrderLineFacts } from './order-facts.js';

const amount = z.union([z.string(), z.number()]);
const numericId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]);

export const checkoutShape = z
  .object({
    token: z.string().min(1).max(255),
    email: z.string().nullish(),
    currency: z.string(),
    presentment_currency: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string(),
    completed_at: z.string().nullish(),
    abandoned_checkout_url: z.string().nullish(),
    taxes_included: z.boolean().nullish(),
    total_discounts: amount.nullish(),
    total_tax: amount.nullish(),
    line_items: z
      .array(
        z
          .object({
            product_id: numericId.nullish(),
            quantity: z.number().int().nonnegative(),
            gift_card: z.boolean().nullish(),
            price: amount,
            discount_allocations: z.array(z.object({ amount }).passthrough()).nullish(),
            tax_lines: z.array(z.object({ price: amount }).passthrough()).nullish(),
          })
          .passthrough(),
      )
      .default([]),
    shipping_lines: z.array(z.object({ price: amount.nullish() }).passthrough()).nullish(),
    customer: z
      .object({ id: numericId.nullish(), admin_graphql_api_id: z.string().nullish(), email: z.string().nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type CheckoutPayload = z.infer<typeof checkoutShape>;

export interface CheckoutFacts {
  token: string;
  /** Customer GID, or null for a guest checkout. */
  customerId: string | null;
  /** Lower-cased. */
  email: string | null;
  /** The currency of the checkout's amounts (what the shopper sees). */
  currency: string;
  updatedAt: Date;
  completedAt: Date | null;
  /** Where the shopper resumes the checkout; only an https (or http) URL is kept. */
  abandonedUrl: string | null;
  /** The checkout as the order it would be, for the earn base and the earn rules. */
  order: OrderFacts;
}

function date(value: string, path: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new InvalidOrderError(path, `not a date: ${JSON.stringify(value)}`);
  return parsed;
}

function webUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Facts of a checkouts/create or checkouts/update payload (throws InvalidOrderError with the field's path). */
export function checkoutFacts(payload: CheckoutPayload): CheckoutFacts {
  const currency = payload.presentment_currency || payload.currency;
  if (!isKnownCurrency(currency)) throw new InvalidOrderError('presentment_currency', `unknown currency ${JSON.stringify(currency)}`);
  const money = (value: string | number | null | undefined, path: string) => {
    if (value === null || value === undefined) return 0;
    try {
      return parseMoney(typeof value === 'number' ? String(value) : value, currency);
    } catch (error) {
      if (error instanceof InvalidAmountError) throw new InvalidOrderError(path, error.reason);
      throw error;
    }
  };
  const taxesIncluded = payload.taxes_included ?? false;
  const allocated: number[] = [];
  const lines = payload.line_items.map((item, i): OrderLineFacts => {
    const at = `line_items.${i}`;
    const gross = money(item.price, `${at}.price`) * item.quantity;
    if (!Number.isSafeInteger(gross)) throw new InvalidOrderError(at, 'price × quantity is too large');
    const discounts = (item.discount_allocations ?? []).reduce(
      (s, d, j) => s + money(d.amount, `${at}.discount_allocations.${j}.amount`),
      0,
    );
    const tax = taxesIncluded ? (item.tax_lines ?? []).reduce((s, t, j) => s + money(t.price, `${at}.tax_lines.${j}.price`), 0) : 0;
    allocated.push(discounts);
    return {
      lineId: `checkout-line:${i}`,
      productId: item.product_id === null || item.product_id === undefined ? null : `gid://shopify/Product/${item.product_id}`,
      quantity: item.quantity,
      giftCard: item.gift_card ?? false,
      amountMinor: Math.max(0, gross - discounts - tax),
    };
  });
  // A checkout-wide discount not allocated to lines is spread over them as an order's is (order-facts.ts).
  const unallocated = money(payload.total_discounts, 'total_discounts') - allocated.reduce((s, d) => s + d, 0);
  allocateProportionally(
    unallocated,
    lines.map((l) => (l.giftCard ? 0 : l.amountMinor)),
  ).forEach((share, i) => {
    lines[i]!.amountMinor -= share;
  });
  const shippingMinor = (payload.shipping_lines ?? []).reduce((s, l, i) => s + money(l.price, `shipping_lines.${i}.price`), 0);
  const updatedAt = date(payload.updated_at, 'updated_at');
  const customerId = payload.customer?.admin_graphql_api_id?.startsWith('gid://shopify/Customer/')
    ? payload.customer.admin_graphql_api_id
    : payload.customer?.id !== null && payload.customer?.id !== undefined
      ? `gid://shopify/Customer/${payload.customer.id}`
      : null;
  const email = (payload.email || payload.customer?.email || '').trim().toLowerCase() || null;
  return {
    token: payload.token,
    customerId,
    email,
    currency,
    updatedAt,
    completedAt: payload.completed_at ? date(payload.completed_at, 'completed_at') : null,
    abandonedUrl: webUrl(payload.abandoned_checkout_url),
    order: {
      orderId: `checkout:${payload.token}`,
      customerId,
      email,
      currency,
      financialStatus: 'paid',
      cancelled: false,
      test: false,
      fulfilled: false,
      taxesIncluded,
      processedAt: updatedAt,
      updatedAt,
      lines,
      shippingMinor,
      taxMinor: money(payload.total_tax, 'total_tax'),
      tipsMinor: 0,
      refunds: [],
      discountCodes: [],
    },
  };
}

/**
 * The order facts the stored checkout stands for when its email is decided: one line of its earn base (already
 * counted by the program's earn base when it was stored), so the earn rules score it as that order.
 */
export function storedCheckoutOrder(input: { token: string; currency: string; earnBaseMinor: number; at: Date }): OrderFacts {
  return {
    orderId: `checkout:${input.token}`,
    customerId: null,
    email: null,
    currency: input.currency,
    financialStatus: 'paid',
    cancelled: false,
    test: false,
    fulfilled: false,
    taxesIncluded: false,
    processedAt: input.at,
    updatedAt: input.at,
    lines: [{ lineId: 'checkout', productId: null, quantity: 1, giftCard: false, amountMinor: input.earnBaseMinor }],
    shippingMinor: 0,
    taxMinor: 0,
    tipsMinor: 0,
    refunds: [],
    discountCodes: [],
  };
}
