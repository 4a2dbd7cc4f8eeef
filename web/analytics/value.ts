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
//
// Over the sales `o` of web/analytics/customers.ts (web/analytics/chains.ts):
// a customer's net sales to date are the sum of its orders up to the end of
// the range, each order knowing its customer's first sale (fa); the 365
// figures count each customer on one order as the range's do
// (web/analytics/purchase.ts, retention.ts).
import { num, roundedMinor } from './numbers.js';
import { lastBefore, NO_END_SALE, SETTLED_INACTIVE, UNSETTLED } from './retention.js';

const Y = lastBefore('ys_lo', 'y_from');
export const valuePerOrder = [
  `count(*) FILTER (WHERE o.pa IS NULL AND o.t <= y_from)::bigint AS ltv_customers`,
  `COALESCE(sum(o.net) FILTER (WHERE o.fa <= y_from), 0)::bigint AS ltv_net`,
  `count(*) FILTER (WHERE o.t >= y_from AND (o.pa IS NULL OR o.pa < y_from))::bigint AS customers365`,
  `count(*) FILTER (WHERE o.t >= y_from)::bigint AS orders365`,
  `COALESCE(sum(o.net) FILTER (WHERE o.t >= y_from), 0)::bigint AS net365`,
  `count(*) FILTER (WHERE ${Y})::bigint AS s365`,
  `count(*) FILTER (WHERE ${Y} AND ${SETTLED_INACTIVE})::bigint AS churned365`,
];

/** The orders whose figures the lookup statement completes (web/analytics/retention.ts). */
export const valueLookup = `(${Y} AND ${UNSETTLED})`;
export const valueLookups = [
  `count(*) FILTER (WHERE CASE WHEN ${Y} AND ${UNSETTLED} THEN ${NO_END_SALE} ELSE false END)::bigint AS churned365`,
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
