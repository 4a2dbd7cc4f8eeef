// Retention and churn for a range (../shared/METRICS.md, "Retention and
// churn"). start = the instant before `from`, end = the end of `to`; a
// customer is active at t with an order in (t − W, t]. In whole local days
// that is: active at start ⇔ an order on the local days from−W … from−1;
// active at end ⇔ an order on to−W+1 … to. S, E: customers active at start,
// at end; N: new customers in the range; churned: in S and not in E.
import { num, ratio } from './numbers.js';

export const retentionPerCustomer = [
  `bool_or(o.in_s) AS s_active`,
  `sum(o.net) FILTER (WHERE o.in_s) AS s_net`,
  `bool_or(o.in_e) AS e_active`,
];

export const retentionPerSegment = [
  `count(*) FILTER (WHERE c.s_active)::bigint AS s`,
  `count(*) FILTER (WHERE c.e_active)::bigint AS e`,
  `count(*) FILTER (WHERE c.s_active AND NOT c.e_active)::bigint AS churned`,
  `COALESCE(sum(c.s_net) FILTER (WHERE c.s_active), 0)::bigint AS s_net`,
  `COALESCE(sum(c.s_net) FILTER (WHERE c.s_active AND NOT c.e_active), 0)::bigint AS churned_net`,
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
