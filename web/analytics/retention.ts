// Retention and churn for a range (../shared/METRICS.md, "Retention and
// churn"). start = the instant before `from`, end = the end of `to`; a
// customer is active at t with an order in (t − W, t]. In whole local days
// that is: active at start ⇔ an order on the local days from−W … from−1;
// active at end ⇔ an order on to−W+1 … to. S, E: customers active at start,
// at end; N: new customers in the range; churned: in S and not in E.
//
// Over the sales `o` of web/analytics/customers.ts (each with its customer's
// previous and next sale, web/analytics/chains.ts), each customer is counted
// on one order: S on its last order before the range if that is in the W
// before it (B), E on its last order before the end if that is in the W to
// the end. Whether an S customer is still active at the end mostly follows
// from B's next sale; only when that next sale falls before the last W of the
// range (a range longer than W) is the customer's E order looked up, and the
// net sales in the W before start of a churned customer with more than one
// order there are summed from its orders (salesBetween).
import { salesBetween } from './chains.js';
import { num, ratio } from './numbers.js';

/** `o` is its customer's last order before `before` and lies in [lo, before). */
export const lastBefore = (lo: string, before: string) => `o.t >= ${lo} AND o.t < ${before} AND (o.na IS NULL OR o.na >= ${before})`;

// Whether the customer of order `o` (its last order before some time) is active at end (an order in [e_lo, r_end)):
// with no sale after it before the end, the order itself settles it (SETTLED_INACTIVE: it is before e_lo); a next
// sale in [e_lo, r_end) settles it (active); a next sale before e_lo (UNSETTLED, only when the range is longer than
// W, or W shorter than the 365 days) leaves it to the lookup statement, which reads the customer's orders (NO_END_SALE).
export const SETTLED_INACTIVE = `(o.na IS NULL OR o.na >= r_end) AND o.t < e_lo`;
export const UNSETTLED = `o.na < e_lo`;
export const NO_END_SALE = `NOT ${salesBetween('exists', 'o.k', 'e_lo', 'r_end')}`;

const B = lastBefore('s_lo', 'r_from');
/** A churned customer with one order in the W before start: its net sales there are that order's. */
const ONE_ORDER = `(o.pa IS NULL OR o.pa < s_lo)`;

/** The main statement's columns: no subquery, so that PostgreSQL aggregates in its parallel workers. */
export const retentionPerOrder = [
  `count(*) FILTER (WHERE ${B})::bigint AS s`,
  `count(*) FILTER (WHERE o.t >= e_lo AND (o.na IS NULL OR o.na >= r_end))::bigint AS e`,
  `count(*) FILTER (WHERE ${B} AND ${SETTLED_INACTIVE})::bigint AS churned`,
  // Every order in the W before start is an S customer's.
  `COALESCE(sum(o.net) FILTER (WHERE o.t >= s_lo AND o.t < r_from), 0)::bigint AS s_net`,
  `COALESCE(sum(o.net) FILTER (WHERE ${B} AND ${SETTLED_INACTIVE} AND ${ONE_ORDER}), 0)::bigint AS churned_net`,
];

/** The orders whose figures the lookup statement completes. */
export const retentionLookup = `(${B} AND (${UNSETTLED} OR ${SETTLED_INACTIVE} AND NOT ${ONE_ORDER}))`;

/** The lookup statement's columns, added to the main statement's (over the orders of retentionLookup only). */
export const retentionLookups = [
  `count(*) FILTER (WHERE CASE WHEN ${B} AND ${UNSETTLED} THEN ${NO_END_SALE} ELSE false END)::bigint AS churned`,
  `COALESCE(sum(CASE WHEN ${ONE_ORDER} THEN o.net ELSE ${salesBetween('net', 'o.k', 's_lo', 'r_from')} END)
     FILTER (WHERE CASE WHEN ${B} AND ${UNSETTLED} THEN ${NO_END_SALE} ELSE ${B} AND ${SETTLED_INACTIVE} AND NOT ${ONE_ORDER} END), 0)::bigint
     AS churned_net`,
];

export interface RetentionTotals {
  s: number;
  e: number;
  n: number;
  churned: number;
  /** Net sales in the W before start of all S customers, and of the churned ones. */
  sNetSales: number;
  churnedNetSales: number;
}

export function retentionTotals(row: Record<string, unknown>): RetentionTotals {
  return {
    s: num(row.s),
    e: num(row.e),
    n: num(row.new_customers),
    churned: num(row.churned),
    sNetSales: num(row.s_net),
    churnedNetSales: num(row.churned_net),
  };
}

export function retentionMetrics(t: RetentionTotals) {
  return {
    /** Seed 001/003 form: (E − N) ÷ S. */
    retentionRate: ratio(t.e - t.n, t.s),
    /** Seed 000: churned ÷ S. */
    churnRate: ratio(t.churned, t.s),
    revenueChurnRate: ratio(t.churnedNetSales, t.sNetSales),
  };
}
