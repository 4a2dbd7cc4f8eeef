// Members by their current tier: each tier's member count and the customer
// metrics of its members (the summary's fourteen figures, web/analytics/
// summary.ts), from the same statement split by tier. Members without a tier
// come last as tierId null ("No tier"), when there are any.
import type pg from 'pg';
import { segmentRows } from './customers.js';
import { shopContext, type DayRange } from './range.js';
import { customerMetrics } from './summary.js';

const MEMBERS_BY_TIER = `SELECT m."tierId", count(*)::int AS members FROM "Member" m
  WHERE m.shop = $1 AND m."customerId" NOT LIKE 'guest:%' AND m."redactedAt" IS NULL GROUP BY 1`;

export async function tierBreakdown({ pool }: { pool: pg.Pool }, shop: string, range: DayRange) {
  const ctx = await shopContext(pool, shop);
  const [segments, tiers, counts] = await Promise.all([
    segmentRows(pool, ctx, range, 'tier'),
    pool.query<{ id: string; name: string }>(`SELECT id, name FROM "Tier" WHERE shop = $1 ORDER BY threshold, name`, [shop]),
    pool.query<{ tierId: string | null; members: number }>(MEMBERS_BY_TIER, [shop]),
  ]);
  const membersIn = new Map(counts.rows.map((r) => [r.tierId ?? '', r.members]));
  const listed: { tierId: string | null; name: string }[] = tiers.rows.map((t) => ({ tierId: t.id, name: t.name }));
  if ((membersIn.get('') ?? 0) > 0 || segments.rows.has('')) listed.push({ tierId: null, name: 'No tier' });
  return {
    range: { from: range.from, to: range.to },
    timeZone: ctx.timeZone,
    currencyCode: ctx.currencyCode,
    activityWindowDays: ctx.activityWindowDays,
    tiers: listed.map((t) => ({
      ...t,
      members: membersIn.get(t.tierId ?? '') ?? 0,
      metrics: customerMetrics(segments.rows.get(t.tierId ?? '')),
    })),
  };
}
