// Purchase metrics for a range (../shared/METRICS.md, "Purchase metrics"):
// customers, new customers, orders, net sales, AOV, purchase frequency,
// repeat purchase rate, average days between orders and upsell frequency.
// The SQL parts plug into the one statement of web/analytics/customers.ts:
// `perCustomer` aggregates a customer's orders (`o`: one row per order with
// its previous order, prev_t and prev_net, and range flags), `perSegment`
// aggregates those customers (`c`).
import { num, ratio, roundedMinor } from './numbers.js';
import { localDate } from './range.js';

export const purchasePerCustomer = (tz: string) => [
  `min(o.t) AS first_t`,
  `count(*) FILTER (WHERE o.in_r) AS n`,
  `sum(o.net) FILTER (WHERE o.in_r) AS net`,
  // Gaps whose later order is in the range; each such order is a repeat order (a 2nd or later order ever).
  `count(*) FILTER (WHERE o.in_r AND o.prev_t IS NOT NULL) AS repeats`,
  // A gap in days is counted between the two orders' local calendar days (an order on Monday 23:30 and one on Tuesday 08:00 are 1 day apart).
  `sum(${localDate('o.t', tz)} - ${localDate('o.prev_t', tz)}) FILTER (WHERE o.in_r AND o.prev_t IS NOT NULL) AS gap_days`,
  `count(*) FILTER (WHERE o.in_r AND o.net > o.prev_net) AS upsells`,
];

export const purchasePerSegment = [
  `count(*) FILTER (WHERE c.n > 0)::bigint AS customers`,
  `count(*) FILTER (WHERE c.first_t >= (SELECT r_from FROM b))::bigint AS new_customers`,
  `COALESCE(sum(c.n), 0)::bigint AS orders`,
  `COALESCE(sum(c.net), 0)::bigint AS net_sales`,
  `count(*) FILTER (WHERE c.n >= 2)::bigint AS repeat_customers`,
  `COALESCE(sum(c.repeats), 0)::bigint AS repeat_orders`,
  `COALESCE(sum(c.gap_days), 0)::bigint AS gap_days`,
  `COALESCE(sum(c.upsells), 0)::bigint AS upsells`,
];

/** What the purchase figures are computed from: one segment's row, plus orders without a customer where they count. */
export interface PurchaseTotals {
  customers: number;
  newCustomers: number;
  /** All orders and net sales the segment reports (for "all", with the orders of no customer). */
  orders: number;
  netSales: number;
  repeatCustomers: number;
  repeatOrders: number;
  gapDays: number;
  upsells: number;
}

export function purchaseTotals(row: Record<string, unknown>, noCustomer = { orders: 0, netSales: 0 }): PurchaseTotals {
  return {
    customers: num(row.customers),
    newCustomers: num(row.new_customers),
    orders: num(row.orders) + noCustomer.orders,
    netSales: num(row.net_sales) + noCustomer.netSales,
    repeatCustomers: num(row.repeat_customers),
    repeatOrders: num(row.repeat_orders),
    gapDays: num(row.gap_days),
    upsells: num(row.upsells),
  };
}

export function purchaseMetrics(t: PurchaseTotals) {
  return {
    customers: t.customers,
    newCustomers: t.newCustomers,
    /** For "all", orders and net sales include orders without a customer; no customer figure does. */
    orders: t.orders,
    netSalesMinor: t.netSales,
    /** Net sales ÷ orders (the same orders as above), rounded half up to minor units. */
    aovMinor: roundedMinor(t.netSales, t.orders),
    /** Orders ÷ customers, the orders above (for "all", with those of no customer: AOV × frequency = net sales ÷ customers). */
    purchaseFrequency: ratio(t.orders, t.customers),
    repeatPurchaseRate: ratio(t.repeatCustomers, t.customers),
    avgDaysBetweenOrders: ratio(t.gapDays, t.repeatOrders),
    upsellFrequency: ratio(t.upsells, t.repeatOrders),
  };
}
