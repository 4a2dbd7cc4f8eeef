// GET /api/admin/analytics/summary: every purchase, retention and churn and
// value metric for all customers, members and non-members side by side, and
// the program's figures, for a range of local days (../shared/METRICS.md).
// Two statements, run side by side: the customers' (web/analytics/customers.ts)
// and the program's (web/analytics/program.ts).
import type pg from 'pg';
import { segmentRows, type SegmentRows } from './customers.js';
import { num } from './numbers.js';
import { programMetrics, programRoi, programTotals, rewardCostMinor } from './program.js';
import { purchaseMetrics, purchaseTotals } from './purchase.js';
import { shopContext, type DayRange } from './range.js';
import { retentionMetrics, retentionTotals } from './retention.js';
import { valueMetrics, valueTotals } from './value.js';

/** Two segments' totals added up (every column is a count or a sum over disjoint customers). */
function addRows(a: Record<string, unknown> = {}, b: Record<string, unknown> = {}): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (key !== 'segment') sum[key] = num(a[key]) + num(b[key]);
  return sum;
}

export type CustomerMetrics = ReturnType<typeof customerMetrics>;

/** The fourteen figures of one segment's row (`noCustomer`: add the orders without a customer, for "all"). */
export function customerMetrics(row: Record<string, unknown> | undefined, noCustomer?: SegmentRows['noCustomer']) {
  const r = row ?? {};
  return {
    ...purchaseMetrics(purchaseTotals(r, noCustomer)),
    ...retentionMetrics(retentionTotals(r)),
    ...valueMetrics(valueTotals(r, noCustomer)),
  };
}

export async function analyticsSummary({ pool }: { pool: pg.Pool }, shop: string, range: DayRange) {
  const ctx = await shopContext(pool, shop);
  const [segments, program] = await Promise.all([segmentRows(pool, ctx, range, 'membership'), programTotals(pool, ctx, range)]);
  const all = customerMetrics(addRows(segments.rows.get('members'), segments.rows.get('nonMembers')), segments.noCustomer);
  const members = customerMetrics(segments.rows.get('members'));
  const nonMembers = customerMetrics(segments.rows.get('nonMembers'));
  const costMinor = rewardCostMinor(program);
  const { incrementalSalesMinor, roi } = programRoi(
    { netSales: members.netSalesMinor, customers: members.customers },
    { netSales: nonMembers.netSalesMinor, customers: nonMembers.customers },
    costMinor,
  );
  return {
    range: { from: range.from, to: range.to },
    timeZone: ctx.timeZone,
    currencyCode: ctx.currencyCode,
    currencyDigits: ctx.currencyDigits,
    activityWindowDays: ctx.activityWindowDays,
    all,
    members,
    nonMembers,
    program: {
      ...programMetrics(program, roi),
      // The parts of the figures above, for "How is this calculated?".
      pointsIssued: program.pointsIssued,
      pointsRedeemed: program.pointsRedeemed,
      members: program.members,
      activeMembers: program.activeMembers,
      pointsAvailable: program.pointsAvailable,
      incrementalSalesMinor,
      rewardCostMinor: costMinor,
    },
  };
}
