// Value (../shared/METRICS.md, "Value"): historical and predicted lifetime value.
//
// historical LTV: the mean, over customers whose first order is at least 365
// days before the end of the range (first order ≤ the start of local day
// to − 364), of their net sales to date — "to date" meaning up to the end
// of the range, so a past range keeps its figure.
//
// predicted LTV: AOV₃₆₅ × purchase frequency₃₆₅ × min(10, 1 ÷ churn rate₃₆₅),
// each ₃₆₅ figure being that metric over the 365 local days to−364 … to
// (for "all", AOV₃₆₅ and frequency₃₆₅ count orders without a customer, as
// AOV and frequency do, so AOV × frequency = net sales ÷ customers). A churn
// rate of 0 gives the cap (10); no customer active at that range's start
// (churn rate null) gives null. Computed exactly and rounded once, half up.
import { num, roundedMinor } from './numbers.js';

export const valuePerCustomer = [
  `sum(o.net) AS net_to_date`,
  `count(*) FILTER (WHERE o.t >= y_from) AS n365`,
  `sum(o.net) FILTER (WHERE o.t >= y_from) AS net365`,
  `max(o.t) FILTER (WHERE o.t < y_from) AS last_before_y`,
];

export const valuePerSegment = [
  `count(*) FILTER (WHERE c.first_t <= y_from)::bigint AS ltv_customers`,
  `COALESCE(sum(c.net_to_date) FILTER (WHERE c.first_t <= y_from), 0)::bigint AS ltv_net`,
  `count(*) FILTER (WHERE c.n365 > 0)::bigint AS customers365`,
  `COALESCE(sum(c.n365), 0)::bigint AS orders365`,
  `COALESCE(sum(c.net365), 0)::bigint AS net365`,
  `count(*) FILTER (WHERE c.last_before_y >= ys_lo)::bigint AS s365`,
  `count(*) FILTER (WHERE c.last_before_y >= ys_lo AND c.last_t < e_lo)::bigint AS churned365`,
];

export interface ValueTotals {
  ltvCustomers: number;
  ltvNetSales: number;
  customers365: number;
  /** Orders the segment reports in the 365 days (for "all", with those of no customer). */
  orders365: number;
  netSales365: number;
  s365: number;
  churned365: number;
}

export function valueTotals(row: Record<string, unknown>, noCustomer = { orders365: 0, netSales365: 0 }): ValueTotals {
  return {
    ltvCustomers: num(row.ltv_customers),
    ltvNetSales: num(row.ltv_net),
    customers365: num(row.customers365),
    orders365: num(row.orders365) + noCustomer.orders365,
    netSales365: num(row.net365) + noCustomer.netSales365,
    s365: num(row.s365),
    churned365: num(row.churned365),
  };
}

/** min(10, 1 ÷ churn) as a fraction [numerator, denominator]; null without customers active at the start. */
function lifetimeYears(s: number, churned: number): [bigint, bigint] | null {
  if (s === 0) return null;
  return churned === 0 || s >= 10 * churned ? [10n, 1n] : [BigInt(s), BigInt(churned)];
}

export function valueMetrics(t: ValueTotals) {
  const years = lifetimeYears(t.s365, t.churned365);
  const predicted =
    years === null || t.orders365 === 0 || t.customers365 === 0
      ? null
      : // (net ÷ orders) × (orders ÷ customers) × years
        roundedMinor(BigInt(t.netSales365) * years[0], BigInt(t.customers365) * years[1]);
  return {
    historicalLtvMinor: roundedMinor(t.ltvNetSales, t.ltvCustomers),
    predictedLtvMinor: predicted,
  };
}
