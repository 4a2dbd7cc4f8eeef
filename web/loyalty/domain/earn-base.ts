// The amount of an order that earns points, and the part of its refunds that
// takes that amount back. Both are shop-currency minor units.
import { InvalidOrderError } from './invalid-order.js';
import type { OrderFacts, OrderLineFacts, RefundFacts } from './order-facts.js';

export interface EarnBaseOptions {
  includeTax: boolean;
  includeShipping: boolean;
  includeTips: boolean;
  includeGiftCards: boolean;
  /** Product GIDs (numeric ids are accepted and read as Product GIDs). */
  excludedProductIds: string[];
}

/** The default program: line items after discounts; no tax, shipping, tips or gift cards. */
export const DEFAULT_EARN_BASE_OPTIONS: Readonly<EarnBaseOptions> = Object.freeze({
  includeTax: false,
  includeShipping: false,
  includeTips: false,
  includeGiftCards: false,
  excludedProductIds: [],
});

export function productGid(id: string): string {
  return /^\d+$/.test(id) ? `gid://shopify/Product/${id}` : id;
}

function countedLines(facts: OrderFacts, options: EarnBaseOptions): OrderLineFacts[] {
  const excluded = new Set(options.excludedProductIds.map(productGid));
  return facts.lines.filter(
    (line) => (options.includeGiftCards || !line.giftCard) && !(line.productId !== null && excluded.has(line.productId)),
  );
}

/** Line items after discounts (less excluded products and, unless included, gift cards), plus tax, shipping and tips when they count. */
export function earnBaseMinor(facts: OrderFacts, options: EarnBaseOptions): number {
  let base = countedLines(facts, options).reduce((sum, line) => sum + line.amountMinor, 0);
  if (options.includeTax) base += facts.taxMinor;
  if (options.includeShipping) base += facts.shippingMinor;
  if (options.includeTips) base += facts.tipsMinor;
  return base;
}

/**
 * The part of `refunds` that reduces the earn base of `facts` under the same
 * options: refunded amounts of counted lines, refunded shipping only if
 * shipping counts, refunded tax only if tax counts. A refund listed twice
 * (from orders/updated and refunds/create) counts once, and no line, shipping
 * or tax gives back more than the order counted for it, so the result is
 * between 0 and earnBaseMinor(facts, options).
 */
export function refundedBaseMinor(refunds: readonly RefundFacts[], facts: OrderFacts, options: EarnBaseOptions): number {
  const counted = new Map(countedLines(facts, options).map((line) => [line.lineId, line.amountMinor]));
  const refundedPerLine = new Map<string, number>();
  let shipping = 0;
  let tax = 0;
  const seen = new Set<string>();
  for (const refund of refunds) {
    if (seen.has(refund.refundId)) continue;
    seen.add(refund.refundId);
    if (refund.orderId !== facts.orderId)
      throw new RangeError(`refund ${refund.refundId} belongs to ${refund.orderId}, not ${facts.orderId}`);
    if (refund.currency !== null && refund.currency !== facts.currency) {
      throw new InvalidOrderError('currency', `refund ${refund.refundId} is in ${refund.currency}, the order in ${facts.currency}`);
    }
    for (const line of refund.lines) {
      if (!counted.has(line.lineId)) continue;
      // Subtotals include tax where the order's prices did; the base never does.
      const amount = facts.taxesIncluded ? Math.max(0, line.amountMinor - line.taxMinor) : line.amountMinor;
      refundedPerLine.set(line.lineId, (refundedPerLine.get(line.lineId) ?? 0) + Math.max(0, amount));
    }
    shipping += Math.max(0, facts.taxesIncluded ? refund.shippingMinor - refund.shippingTaxMinor : refund.shippingMinor);
    tax += Math.max(0, refund.taxMinor);
  }
  let refunded = 0;
  for (const [lineId, amount] of refundedPerLine) refunded += Math.min(amount, counted.get(lineId) ?? 0);
  if (options.includeShipping) refunded += Math.min(shipping, facts.shippingMinor);
  if (options.includeTax) refunded += Math.min(tax, facts.taxMinor);
  return refunded;
}

/** What the order earns on after its refunds: earnBaseMinor − refundedBaseMinor (never negative). */
export function netBaseMinor(facts: OrderFacts, options: EarnBaseOptions, refunds: readonly RefundFacts[] = facts.refunds): number {
  return earnBaseMinor(facts, options) - refundedBaseMinor(refunds, facts, options);
}
