// Purchase metrics for a range (../shared/METRICS.md, "Purchase metrics"):
// customers, new customers, orders, net sales, AOV, purchase frequency,
// repeat purchase rate, average days between orders and upsell frequency.
// The SQL parts plug into the one statement of web/analytics/customers.ts:
// aggregates over `o`, one row per sale up to the end of the range with its
// customer's previous sale (pa, pn: time and net), next sale (na) and first
// sale (fa) (web/analytics/chains.ts); r_from, y_from … are the range's
// bounds (BOUNDS there). Each customer is counted once, on one of its orders:
// a customer with an order in the range on the first of them (its previous
// sale is before the range, or it has none). Every column is a count or a
// sum, so segments add up.
import { num, ratio, roundedMinor } from './numbers.js';
import { localDate } from './range.js';

/** The customer's first order in the range, and its last. */
export const FIRST_IN_RANGE = `o.t >= r_from AND (o.pa IS NULL OR o.pa < r_from)`;
const LAST_IN_RANGE = `o.t >= r_from AND (o.na IS NULL OR o.na >= r_end)`;

// Gaps whose later order is in the range: every order in the range has one
// (it is a repeat order, a 2nd or later order ever) except a first order
// ever. A gap is counted between the two orders' local calendar days (Monday
// 23:30 to Tuesday 08:00 is 1 day), so a customer's gaps add up to the days
// from the last order before the range (or their first order) to their last.
export const purchasePerOrder = (tz: string) => [
  `count(*) FILTER (WHERE ${FIRST_IN_RANGE})::bigint AS customers`,
  `count(*) FILTER (WHERE o.t >= r_from AND o.pa IS NULL)::bigint AS new_customers`,
  `count(*) FILTER (WHERE o.t >= r_from)::bigint AS orders`,
  `COALESCE(sum(o.net) FILTER (WHERE o.t >= r_from), 0)::bigint AS net_sales`,
  // ≥ 2 orders in the range: the first of them has a next one before the end.
  `count(*) FILTER (WHERE ${FIRST_IN_RANGE} AND o.na < r_end)::bigint AS repeat_customers`,
  `count(*) FILTER (WHERE o.t >= r_from AND o.pa IS NOT NULL)::bigint AS repeat_orders`,
  // Their sum, customer by customer, telescopes to the days from the first gap's start to the last order in the range:
  // two local days per customer instead of two per repeat order (a time zone conversion costs more than the rest).
  `(COALESCE(sum(${localDate('o.t', tz)} - DATE '2000-01-01') FILTER (WHERE ${LAST_IN_RANGE}), 0)
    - COALESCE(sum(${localDate('COALESCE(o.pa, o.t)', tz)} - DATE '2000-01-01') FILTER (WHERE ${FIRST_IN_RANGE}), 0))::bigint AS gap_days`,
  `count(*) FILTER (WHERE o.t >= r_from AND o.net > o.pn)::bigint AS upsells`,
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
