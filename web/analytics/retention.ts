// Retention and churn for a range (../shared/METRICS.md, "Retention and
// churn"). start = the instant before `from`, end = the end of `to`; a
// customer is active at t with an order in (t − W, t]. In whole local days
// that is: active at start ⇔ an order on the local days from−W … from−1;
// active at end ⇔ an order on to−W+1 … to. S, E: customers active at start,
// at end; N: new customers in the range; churned: in S and not in E.
import { num, ratio } from './numbers.js';

export const retentionPerCustomer = [`sum(o.net) FILTER (WHERE o.t >= s_lo AND o.t < r_from) AS s_net`];

// Active at start: the last order before the range is in the W before it; active at end: the last order is in the W to its end.
const S = `c.last_before_t >= s_lo`;
const E = `c.last_t >= e_lo`;
export const retentionPerSegment = [
  `count(*) FILTER (WHERE ${S})::bigint AS s`,
  `count(*) FILTER (WHERE ${E})::bigint AS e`,
  `count(*) FILTER (WHERE ${S} AND NOT ${E})::bigint AS churned`,
  `COALESCE(sum(c.s_net) FILTER (WHERE ${S}), 0)::bigint AS s_net`,
  `COALESCE(sum(c.s_net) FILTER (WHERE ${S} AND NOT ${E}), 0)::bigint AS churned_net`,
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
