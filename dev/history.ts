// A realistic, deterministic shop history for the history import (issue 16):
// customers and orders over two years as the Admin API's bulk operation
// returns them (GraphQL shapes: orders, their line items with discount
// allocations, refunds with their refund lines, the customer), guests among
// them. Seeded: the same options give the same history, so a test compares
// what Tally recorded with the generator's own figures (expected net sales).
import type { BulkOrder } from './admin-standin/bulk.js';

export interface HistoryOptions {
  customers: number;
  orders: number;
  /** The last order's day; orders spread over the two years before it. */
  end?: Date;
  seed?: number;
  currency?: string;
  /** First numeric id used for orders, customers, lines and refunds (distinct from dev/payloads.ts ids). */
  firstId?: number;
}

export interface GeneratedOrder {
  order: BulkOrder;
  /** Net sales (../shared/METRICS.md): lines after discounts less refunded lines, minor units; null when cancelled. */
  netSalesMinor: number | null;
  /** The customer GID, or the guest's email. */
  customerKey: string;
}

export interface GeneratedHistory {
  orders: GeneratedOrder[];
  customers: Array<{ id: string; email: string; firstName: string; lastName: string }>;
}

/** mulberry32: small, fast, and the same sequence everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Ben', 'Chloé', 'Dawid', 'Emma', 'Felix', 'Grace', 'Hiro', 'Inès', 'Jonas', 'Kasia', 'Liam'];
const LAST = ['Nowak', 'Smith', 'Müller', 'Dubois', 'García', 'Rossi', 'Chen', 'Kowalski', 'Brown', 'Martin'];

const money = (minor: number, currency: string) => ({ shopMoney: { amount: (minor / 100).toFixed(2), currencyCode: currency } });

export function generateHistory(options: HistoryOptions): GeneratedHistory {
  const rand = prng(options.seed ?? 16);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const currency = options.currency ?? 'USD';
  const end = options.end ?? new Date('2026-12-01T12:00:00Z');
  const span = 730 * 86_400_000;
  let nextId = options.firstId ?? 7_100_000_000;
  const id = () => nextId++;

  const customers = Array.from({ length: options.customers }, (_, i) => {
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    return { id: `gid://shopify/Customer/${id()}`, email: `history${i + 1}@example.com`, firstName, lastName };
  });
  // Orders in time order, so names (#1001 …) grow with the date as in a real shop.
  const times = Array.from({ length: options.orders }, () => end.getTime() - Math.floor(rand() * span)).sort((a, b) => a - b);
  const orders = times.map((time, i): GeneratedOrder => {
    const guest = customers.length === 0 || rand() < 0.15;
    // A few customers buy often (a long tail), as in real shops.
    const customer = guest ? null : customers[Math.floor(customers.length * rand() ** 2)]!;
    const email = customer?.email ?? `guest${int(1, Math.max(1, Math.floor(options.orders / 5)))}@example.com`;
    const orderGid = `gid://shopify/Order/${id()}`;
    const processedAt = new Date(time);
    let gross = 0;
    const lineItems = Array.from({ length: int(1, 3) }, () => {
      const unit = int(5, 120) * 100 - (rand() < 0.5 ? 1 : 0);
      const quantity = int(1, 3);
      const discount = rand() < 0.3 ? Math.round(unit * quantity * 0.1) : 0;
      gross += unit * quantity - discount;
      return {
        id: `gid://shopify/LineItem/${id()}`,
        quantity,
        isGiftCard: false,
        product: { id: `gid://shopify/Product/${int(1, 40)}` },
        originalUnitPriceSet: money(unit, currency),
        discountAllocations: discount ? [{ allocatedAmountSet: money(discount, currency) }] : [],
        taxLines: [{ priceSet: money(Math.round((unit * quantity - discount) * 0.08), currency) }],
        /** per unit after discounts, for refunds below (not a Shopify field: removed before serving). */
        _net: (unit * quantity - discount) / quantity,
      };
    });
    const cancelled = rand() < 0.03;
    const refunds: BulkOrder['refunds'] = [];
    let refunded = 0;
    if (!cancelled && rand() < 0.15) {
      const line = pick(lineItems);
      const quantity = int(1, line.quantity);
      const subtotal = Math.round(line._net * quantity);
      refunded += subtotal;
      const createdAt = new Date(Math.min(end.getTime(), time + int(1, 20) * 86_400_000)).toISOString();
      refunds.push({
        id: `gid://shopify/Refund/${id()}`,
        createdAt,
        refundLineItems: [
          {
            id: `gid://shopify/RefundLineItem/${id()}`,
            lineItem: { id: line.id },
            quantity,
            subtotalSet: money(subtotal, currency),
            totalTaxSet: money(Math.round(subtotal * 0.08), currency),
          },
        ],
      });
    }
    const tax = lineItems.reduce((s, l) => s + Math.round(l._net * l.quantity * 0.08), 0);
    const shipping = 500;
    const status = cancelled ? 'VOIDED' : refunded === 0 ? 'PAID' : refunded >= gross ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    const updatedAt = refunds[0]?.createdAt ?? processedAt.toISOString();
    const order: BulkOrder = {
      id: orderGid,
      name: `#${1001 + i}`,
      email,
      createdAt: processedAt.toISOString(),
      processedAt: processedAt.toISOString(),
      updatedAt: cancelled ? new Date(time + 3_600_000).toISOString() : updatedAt,
      cancelledAt: cancelled ? new Date(time + 3_600_000).toISOString() : null,
      test: false,
      taxesIncluded: false,
      currencyCode: currency,
      displayFinancialStatus: status,
      displayFulfillmentStatus: 'FULFILLED',
      discountCodes: [],
      customer: customer
        ? {
            id: customer.id,
            firstName: customer.firstName,
            lastName: customer.lastName,
            defaultEmailAddress: { emailAddress: customer.email },
          }
        : null,
      totalPriceSet: money(gross + tax + shipping, currency),
      totalTaxSet: money(tax, currency),
      totalShippingPriceSet: money(shipping, currency),
      lineItems: lineItems.map(({ _net, ...line }) => line),
      refunds,
    };
    return { order, netSalesMinor: cancelled ? null : gross - refunded, customerKey: customer?.id ?? email };
  });
  return { orders, customers };
}
