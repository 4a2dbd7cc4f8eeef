// Normalises Shopify REST order and refund payloads (webhook format) into the
// few facts the points engine needs. Amounts always come from `shop_money`, so
// an order paid in another currency earns in the shop's. Ids are GID strings:
// numeric ids exceed 2^53 and arrive as strings (see web/webhooks/payload.ts).
//
// Facts describe the order as placed (line quantities, shipping and tax before
// any refund); refunds are listed separately, so the earn base minus the
// refunded base is the order's net, and nothing is subtracted twice. Shopify's
// `current_*` totals already net out refunds and are therefore not used.
import { addressKey } from './referrals/identity.js';
import { DEVICE_ID_PATTERN, REFERRAL_CODE_PATTERN } from './referrals/code.js';
import { z } from 'zod';
import { InvalidAmountError, currencyDigits, isKnownCurrency, parseMoney } from './money.js';

import { InvalidOrderError } from './invalid-order.js';

export { InvalidOrderError };

export interface OrderLineFacts {
  lineId: string;
  productId: string | null;
  quantity: number;
  giftCard: boolean;
  /** price × quantity less line and allocated order discounts, excluding tax, shop money. */
  amountMinor: number;
}

export interface RefundLineFacts {
  lineId: string;
  quantity: number;
  /** subtotal_set, shop money (includes tax when the order's prices include tax). */
  amountMinor: number;
  /** total_tax_set, shop money. */
  taxMinor: number;
}

export interface RefundFacts {
  refundId: string;
  orderId: string;
  /** Shop currency of the refund's amounts; null when it carries none (e.g. a restock-only refund). */
  currency: string | null;
  lines: RefundLineFacts[];
  /** Refunded shipping (refund_shipping_lines subtotal, or shipping_refund adjustments made positive). */
  shippingMinor: number;
  /** Tax on the refunded shipping. */
  shippingTaxMinor: number;
  /** All refunded tax: line taxes plus shipping tax. */
  taxMinor: number;
  createdAt: Date;
}

export interface OrderFacts {
  orderId: string;
  /** Customer GID, or null for a guest order. */
  customerId: string | null;
  /** Order email, lower-cased (guests are tracked by it). */
  email: string | null;
  /** Shop currency, from shop_money. */
  currency: string;
  financialStatus: string | null;
  cancelled: boolean;
  test: boolean;
  /** fulfillment_status === 'fulfilled'. */
  fulfilled: boolean;
  /** Prices include tax (taxes_included); line and shipping amounts here never do. */
  taxesIncluded: boolean;
  processedAt: Date;
  updatedAt: Date;
  lines: OrderLineFacts[];
  /** Shipping after shipping discounts, excluding tax. */
  shippingMinor: number;
  /** All tax charged on the order as placed (total_tax_set). */
  taxMinor: number;
  tipsMinor: number;
  refunds: RefundFacts[];
  discountCodes: string[];
  /** Digest of the shipping address (referral fraud checks); never the address itself. */
  shippingAddressKey?: string | null;
  /** The referral the storefront attached to the cart (cart attributes `_tally_ref`, `_tally_device`). */
  referral?: { code: string | null; deviceId: string | null } | null;
  /** The checkout the order completed (checkout_token): its abandoned_checkout email is then never sent. */
  checkoutToken?: string | null;
}

// ---- payload shapes (only the fields used; everything else passes through) ----

const amount = z.union([z.string(), z.number()]);
const money = z.object({ amount, currency_code: z.string() });
const moneySet = z.object({ shop_money: money });
type MoneySet = z.infer<typeof moneySet>;

// Checked where used (gid()): a numeric id is only needed when no GID is given.
const numericId = z.union([z.string(), z.number()]);
const gidOf = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `expected a ${type} GID`);

const lineItemShape = z.object({
  id: numericId.nullish(),
  admin_graphql_api_id: gidOf('LineItem').nullish(),
  product_id: numericId.nullish(),
  quantity: z.number().int().nonnegative(),
  gift_card: z.boolean().nullish(),
  price_set: moneySet,
  discount_allocations: z.array(z.object({ amount_set: moneySet })).nullish(),
  tax_lines: z.array(z.object({ price_set: moneySet })).nullish(),
});

const shippingLineShape = z.object({
  price_set: moneySet.nullish(),
  discounted_price_set: moneySet.nullish(),
  discount_allocations: z.array(z.object({ amount_set: moneySet })).nullish(),
  tax_lines: z.array(z.object({ price_set: moneySet })).nullish(),
  is_removed: z.boolean().nullish(),
});

const refundShape = z.object({
  id: numericId.nullish(),
  admin_graphql_api_id: gidOf('Refund').nullish(),
  order_id: numericId.nullish(),
  created_at: z.string(),
  refund_line_items: z
    .array(
      z.object({
        line_item_id: numericId.nullish(),
        line_item: z.object({ admin_graphql_api_id: gidOf('LineItem').nullish() }).nullish(),
        quantity: z.number().int().nonnegative(),
        subtotal_set: moneySet,
        total_tax_set: moneySet.nullish(),
      }),
    )
    .nullish(),
  // API 2024-10 and later: refunded shipping is here...
  refund_shipping_lines: z.array(z.object({ subtotal_amount_set: moneySet, tax_amount_set: moneySet.nullish() })).nullish(),
  // ...before, an order adjustment of kind "shipping_refund" with negative amounts.
  order_adjustments: z
    .array(z.object({ kind: z.string().nullish(), amount_set: moneySet.nullish(), tax_amount_set: moneySet.nullish() }))
    .nullish(),
});
type RefundShape = z.infer<typeof refundShape>;

const orderShape = z.object({
  admin_graphql_api_id: gidOf('Order'),
  currency: z.string(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  customer: z.object({ id: numericId.nullish(), admin_graphql_api_id: gidOf('Customer').nullish(), email: z.string().nullish() }).nullish(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  test: z.boolean().nullish(),
  taxes_included: z.boolean().nullish(),
  created_at: z.string(),
  processed_at: z.string().nullish(),
  updated_at: z.string(),
  total_price_set: moneySet.nullish(),
  total_tax_set: moneySet.nullish(),
  current_total_tax_set: moneySet.nullish(),
  total_discounts_set: moneySet.nullish(),
  total_tip_received: amount.nullish(),
  line_items: z.array(lineItemShape),
  shipping_lines: z.array(shippingLineShape).nullish(),
  discount_codes: z.array(z.object({ code: z.string() })).nullish(),
  refunds: z.array(refundShape).nullish(),
  shipping_address: z
    .object({
      address1: z.string().nullish(),
      address2: z.string().nullish(),
      zip: z.string().nullish(),
      country_code: z.string().nullish(),
    })
    .nullish(),
  note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() })).nullish(),
  // Only ever used to mark the checkout completed: a token of another shape does not make the order invalid.
  checkout_token: z.string().min(1).max(255).nullish().catch(null),
});

function parseShape<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidOrderError(issue ? issue.path.map(String).join('.') : '', issue?.message ?? 'invalid payload');
}

// ---- money in one currency ----

class Reader {
  readonly digits: number;
  constructor(readonly currency: string) {
    this.digits = currencyDigits(currency);
  }

  /** Minor units of a money set's shop_money, checking its currency. */
  set(value: MoneySet, path: string, options: { allowNegative?: boolean } = {}): number {
    const shop = value.shop_money;
    if (shop.currency_code !== this.currency) {
      throw new InvalidOrderError(
        `${path}.shop_money.currency_code`,
        `${shop.currency_code} differs from the shop currency ${this.currency}`,
      );
    }
    return this.amount(shop.amount, `${path}.shop_money.amount`, options);
  }

  amount(value: string | number, path: string, options: { allowNegative?: boolean } = {}): number {
    try {
      return parseMoney(typeof value === 'number' ? String(value) : value, this.currency, options);
    } catch (error) {
      if (error instanceof InvalidAmountError) throw new InvalidOrderError(path, error.reason);
      throw error;
    }
  }

  sum(values: ReadonlyArray<MoneySet> | null | undefined, path: string): number {
    return (values ?? []).reduce((total, v, i) => total + this.set(v, `${path}.${i}`), 0);
  }
}

/**
 * Amounts that add up beyond 2^53 − 1 minor units (each alone is within it:
 * parseMoney) are refused: no JavaScript number holds their sum exactly, and
 * the earn base and points are sums of them.
 */
function requireSafeTotal(amounts: number[], path: string): void {
  const total = amounts.reduce((sum, a) => sum + Math.abs(a), 0);
  if (!Number.isSafeInteger(total))
    throw new InvalidOrderError(path, `the amounts add up to more than ${Number.MAX_SAFE_INTEGER} minor units`);
}

function knownCurrency(code: string, path: string): string {
  if (!isKnownCurrency(code)) throw new InvalidOrderError(path, `unknown currency ${JSON.stringify(code)}`);
  return code;
}

function date(value: string, path: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new InvalidOrderError(path, `not a date: ${JSON.stringify(value)}`);
  return parsed;
}

function gid(type: string, given: string | null | undefined, numeric: string | number | null | undefined, path: string): string | null {
  if (given) return given;
  if (numeric === null || numeric === undefined) return null;
  if (typeof numeric === 'number' && !(Number.isSafeInteger(numeric) && numeric >= 0)) {
    throw new InvalidOrderError(path, 'numeric id above 2^53 lost its precision: parse the body with parseWebhookBody');
  }
  if (typeof numeric === 'string' && !/^\d+$/.test(numeric)) throw new InvalidOrderError(path, 'expected a numeric id');
  return `gid://shopify/${type}/${numeric}`;
}

/**
 * Spreads `total` over `weights` in proportion, exactly (largest remainder;
 * ties to the earlier entry). Σ result = min(total, Σ weights), each ≤ its weight.
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  if (total >= sum) return [...weights];
  const big = weights.map((w) => BigInt(w) * BigInt(total));
  const shares = big.map((b) => Number(b / BigInt(sum)));
  let left = total - shares.reduce((s, x) => s + x, 0);
  const order = big
    .map((b, i) => ({ i, remainder: b % BigInt(sum) }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of order) {
    if (left === 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

// ---- refunds ----

function refundFromShape(refund: RefundShape, path: string, orderId: string | null, reader: Reader | null): RefundFacts {
  const prefix = path ? `${path}.` : '';
  const refundId = gid('Refund', refund.admin_graphql_api_id, refund.id, `${prefix}id`);
  if (!refundId) throw new InvalidOrderError(`${prefix}admin_graphql_api_id`, 'the refund has no id');
  const named = gid('Order', null, refund.order_id, `${prefix}order_id`);
  if (orderId && named && named !== orderId)
    throw new InvalidOrderError(`${prefix}order_id`, `the refund belongs to ${named}, not ${orderId}`);
  const ofOrder = orderId ?? named;
  if (!ofOrder) throw new InvalidOrderError(`${prefix}order_id`, 'the refund names no order');

  const moneys: Array<[MoneySet, string]> = [];
  refund.refund_line_items?.forEach((l, i) => {
    moneys.push([l.subtotal_set, `${prefix}refund_line_items.${i}.subtotal_set`]);
    if (l.total_tax_set) moneys.push([l.total_tax_set, `${prefix}refund_line_items.${i}.total_tax_set`]);
  });
  refund.refund_shipping_lines?.forEach((s, i) => {
    moneys.push([s.subtotal_amount_set, `${prefix}refund_shipping_lines.${i}.subtotal_amount_set`]);
    if (s.tax_amount_set) moneys.push([s.tax_amount_set, `${prefix}refund_shipping_lines.${i}.tax_amount_set`]);
  });
  const shippingAdjustments = (refund.order_adjustments ?? []).map((a, i) => ({ a, i })).filter(({ a }) => a.kind === 'shipping_refund');
  for (const { a, i } of shippingAdjustments) {
    if (a.amount_set) moneys.push([a.amount_set, `${prefix}order_adjustments.${i}.amount_set`]);
    if (a.tax_amount_set) moneys.push([a.tax_amount_set, `${prefix}order_adjustments.${i}.tax_amount_set`]);
  }

  const first = moneys[0];
  const r = reader ?? (first ? new Reader(knownCurrency(first[0].shop_money.currency_code, `${first[1]}.shop_money.currency_code`)) : null);
  const read = (set: MoneySet | null | undefined, at: string, options?: { allowNegative?: boolean }) =>
    set && r ? r.set(set, at, options) : 0;

  const lines = (refund.refund_line_items ?? []).map((l, i): RefundLineFacts => {
    const at = `${prefix}refund_line_items.${i}`;
    const lineId = gid('LineItem', l.line_item?.admin_graphql_api_id, l.line_item_id, `${at}.line_item_id`);
    if (!lineId) throw new InvalidOrderError(`${at}.line_item_id`, 'the refunded line names no line item');
    return {
      lineId,
      quantity: l.quantity,
      amountMinor: read(l.subtotal_set, `${at}.subtotal_set`),
      taxMinor: read(l.total_tax_set, `${at}.total_tax_set`),
    };
  });

  let shippingMinor = 0;
  let shippingTaxMinor = 0;
  if (refund.refund_shipping_lines?.length) {
    refund.refund_shipping_lines.forEach((s, i) => {
      shippingMinor += read(s.subtotal_amount_set, `${prefix}refund_shipping_lines.${i}.subtotal_amount_set`);
      shippingTaxMinor += read(s.tax_amount_set, `${prefix}refund_shipping_lines.${i}.tax_amount_set`);
    });
  } else {
    // Adjustments record money leaving the shop, so Shopify writes them negative.
    for (const { a, i } of shippingAdjustments) {
      shippingMinor += Math.abs(read(a.amount_set, `${prefix}order_adjustments.${i}.amount_set`, { allowNegative: true }));
      shippingTaxMinor += Math.abs(read(a.tax_amount_set, `${prefix}order_adjustments.${i}.tax_amount_set`, { allowNegative: true }));
    }
  }
  requireSafeTotal([...lines.flatMap((l) => [l.amountMinor, l.taxMinor]), shippingMinor, shippingTaxMinor], path || 'refund_line_items');
  return {
    refundId,
    orderId: ofOrder,
    currency: r?.currency ?? null,
    lines,
    shippingMinor,
    shippingTaxMinor,
    taxMinor: lines.reduce((s, l) => s + l.taxMinor, 0) + shippingTaxMinor,
    createdAt: date(refund.created_at, `${prefix}created_at`),
  };
}

/** Facts of a refunds/create payload. Its order is named by the numeric `order_id`. */
export function refundFacts(payload: unknown): RefundFacts {
  return refundFromShape(parseShape(refundShape, payload), '', null, null);
}

// ---- orders ----

/** Facts of an orders/create, paid, updated, cancelled or fulfilled payload. */
export function orderFacts(payload: unknown): OrderFacts {
  const order = parseShape(orderShape, payload);
  const shopCurrency =
    order.total_price_set?.shop_money.currency_code ?? order.line_items[0]?.price_set.shop_money.currency_code ?? order.currency;
  const currency = knownCurrency(shopCurrency, order.total_price_set ? 'total_price_set.shop_money.currency_code' : 'currency');
  if (order.currency !== currency) {
    throw new InvalidOrderError('currency', `${order.currency} differs from the shop money currency ${currency}`);
  }
  const reader = new Reader(currency);
  const taxesIncluded = order.taxes_included ?? false;

  const lineAllocated: number[] = [];
  const lines = order.line_items.map((item, i): OrderLineFacts => {
    const at = `line_items.${i}`;
    const lineId = gid('LineItem', item.admin_graphql_api_id, item.id, `${at}.id`);
    if (!lineId) throw new InvalidOrderError(`${at}.admin_graphql_api_id`, 'the line item has no id');
    const gross = reader.set(item.price_set, `${at}.price_set`) * item.quantity;
    if (!Number.isSafeInteger(gross)) throw new InvalidOrderError(at, 'price × quantity is too large');
    const discounts = reader.sum(
      item.discount_allocations?.map((d) => d.amount_set),
      `${at}.discount_allocations`,
    );
    const tax = taxesIncluded
      ? reader.sum(
          item.tax_lines?.map((t) => t.price_set),
          `${at}.tax_lines`,
        )
      : 0;
    lineAllocated.push(discounts);
    const amountMinor = gross - discounts - tax;
    if (amountMinor < 0) throw new InvalidOrderError(at, `discounts and tax exceed the line's price (${amountMinor} minor units)`);
    return {
      lineId,
      productId: gid('Product', null, item.product_id, `${at}.product_id`),
      quantity: item.quantity,
      giftCard: item.gift_card ?? false,
      amountMinor,
    };
  });

  let shippingMinor = 0;
  let shippingDiscounts = 0;
  (order.shipping_lines ?? []).forEach((line, i) => {
    const at = `shipping_lines.${i}`;
    if (line.is_removed) return;
    const price = line.price_set ? reader.set(line.price_set, `${at}.price_set`) : 0;
    const discounted = line.discounted_price_set
      ? reader.set(line.discounted_price_set, `${at}.discounted_price_set`)
      : price -
        reader.sum(
          line.discount_allocations?.map((d) => d.amount_set),
          `${at}.discount_allocations`,
        );
    const tax = taxesIncluded
      ? reader.sum(
          line.tax_lines?.map((t) => t.price_set),
          `${at}.tax_lines`,
        )
      : 0;
    if (discounted - tax < 0) throw new InvalidOrderError(at, 'shipping discounts and tax exceed the shipping price');
    shippingDiscounts += Math.max(0, price - discounted);
    shippingMinor += discounted - tax;
  });

  // An order discount Shopify did not allocate to lines (payloads from older API
  // versions, and our own generator) is spread over the discountable lines in
  // proportion to their amounts. With allocations present this is zero.
  if (order.total_discounts_set) {
    const total = reader.set(order.total_discounts_set, 'total_discounts_set');
    const unallocated = total - lineAllocated.reduce((s, d) => s + d, 0) - shippingDiscounts;
    const weights = lines.map((l) => (l.giftCard ? 0 : l.amountMinor));
    allocateProportionally(unallocated, weights).forEach((share, i) => {
      const line = lines[i];
      if (line) line.amountMinor -= share;
    });
  }

  const taxSet = order.total_tax_set ?? order.current_total_tax_set;
  const taxMinor = taxSet ? reader.set(taxSet, order.total_tax_set ? 'total_tax_set' : 'current_total_tax_set') : 0;
  // total_tip_received has no money set; like every plain REST order amount it is in shop currency.
  const tipsMinor = order.total_tip_received == null ? 0 : reader.amount(order.total_tip_received, 'total_tip_received');

  requireSafeTotal([...lines.map((l) => l.amountMinor), shippingMinor, taxMinor, tipsMinor], 'line_items');
  const email = (order.email || order.contact_email || order.customer?.email || '').trim().toLowerCase() || null;

  return {
    orderId: order.admin_graphql_api_id,
    customerId: order.customer ? gid('Customer', order.customer.admin_graphql_api_id, order.customer.id, 'customer.id') : null,
    email,
    currency,
    financialStatus: order.financial_status ?? null,
    cancelled: Boolean(order.cancelled_at),
    test: order.test ?? false,
    fulfilled: order.fulfillment_status === 'fulfilled',
    taxesIncluded,
    processedAt: date(order.processed_at ?? order.created_at, order.processed_at ? 'processed_at' : 'created_at'),
    updatedAt: date(order.updated_at, 'updated_at'),
    lines,
    shippingMinor,
    taxMinor,
    tipsMinor,
    refunds: (order.refunds ?? []).map((refund, i) => refundFromShape(refund, `refunds.${i}`, order.admin_graphql_api_id, reader)),
    discountCodes: (order.discount_codes ?? []).map((d) => d.code),
    shippingAddressKey: addressKey(order.shipping_address),
    referral: referralAttributes(order.note_attributes),
    ...(order.checkout_token ? { checkoutToken: order.checkout_token } : {}),
  };
}

/** The referral cart attributes the storefront sets, if any (values are the shopper's, so checked). */
function referralAttributes(attributes: Array<{ name: string; value: unknown }> | null | undefined): OrderFacts['referral'] {
  const value = (name: string, pattern: RegExp) => {
    const found = attributes?.find((a) => a.name === name)?.value;
    return typeof found === 'string' && pattern.test(found.trim().toUpperCase()) ? found.trim() : null;
  };
  const code = value('_tally_ref', REFERRAL_CODE_PATTERN);
  const deviceId = value('_tally_device', DEVICE_ID_PATTERN);
  return code || deviceId ? { code: code?.toUpperCase() ?? null, deviceId } : null;
}
