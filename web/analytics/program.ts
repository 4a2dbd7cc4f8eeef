// Program metrics for a range (../shared/METRICS.md, "Program"), the value of
// a point, and what rewards cost (for the program's ROI):
// - redemption rate: points redeemed ÷ points issued in the range, with the
//   ledger's own definitions of issued and redeemed (as the dashboard and the
//   doctor count them);
// - active member rate: members (enrolled now: not guest, not redacted) with
//   an earning (an EARN entry) or a redemption (a REDEEM entry) in the range
//   ÷ members;
// - points liability: available points now × the value of a point (the most
//   generous fixed-value reward of the catalogue: Tally's own cashback reward
//   is none), rounded half up; null without such a reward;
// - reward cost in the range: discount codes at their value when used (usedAt
//   in the range; percentage and free-shipping codes have no recorded value
//   and count 0), store credit rewards and cashback at their value when issued,
//   less cashback taken back by refunds (store credit debited) in the range.
//   Donations are no reward to the customer and are left out.
import type pg from 'pg';
import { rewardCost, rewardType } from '../loyalty/domain/rewards/index.js';
import { num, ratio, roundedMinor } from './numbers.js';
import type { DayRange, ShopContext } from './range.js';
import { inLocalDays } from './range.js';

/** Points entries that issue points, and that redeem them (their points are negative). */
export const ISSUED = `(kind IN ('EARN', 'REVERSAL') AND source <> 'REWARD') OR (kind = 'ADJUST' AND points > 0)`;
export const REDEEMED = `kind = 'REDEEM' OR (kind = 'REVERSAL' AND source = 'REWARD')`;

/**
 * What one point is worth when redeemed, in minor units: the best rate among
 * enabled rewards of a fixed money value (the liability if every point went
 * to the most generous reward). null when no reward has a fixed value.
 */
export function valuePerPoint(rewards: readonly { type: string; config: unknown }[]): number | null {
  let best: number | null = null;
  for (const reward of rewards) {
    const type = rewardType(reward.type);
    if (!type) continue;
    const config = reward.config as { pointsStep?: number; amountPerStepMinor?: number };
    const cost =
      type.type === 'points-slider' ? { points: config.pointsStep ?? 0, valueMinor: config.amountPerStepMinor ?? 0 } : rewardCost(reward);
    if ('error' in cost || cost.points <= 0 || cost.valueMinor <= 0) continue;
    const rate = cost.valueMinor / cost.points;
    if (best === null || rate > best) best = rate;
  }
  return best;
}

/** The best fixed-value reward's points and value, as an exact fraction (for rounding the liability once). */
function bestRate(rewards: readonly { type: string; config: unknown }[]): { points: number; valueMinor: number } | null {
  const perPoint = valuePerPoint(rewards);
  if (perPoint === null) return null;
  for (const reward of rewards) {
    const type = rewardType(reward.type);
    if (!type) continue;
    const config = reward.config as { pointsStep?: number; amountPerStepMinor?: number };
    const cost =
      type.type === 'points-slider' ? { points: config.pointsStep ?? 0, valueMinor: config.amountPerStepMinor ?? 0 } : rewardCost(reward);
    if (!('error' in cost) && cost.points > 0 && cost.valueMinor / cost.points === perPoint) return cost;
  }
  return null;
}

const inRange = (column: string) => inLocalDays(column, '$2', '$3::date', '$4::date');
const MEMBER = `m.shop = $1 AND m."customerId" NOT LIKE 'guest:%' AND m."redactedAt" IS NULL`;

// Parameters: $1 shop, $2 time zone, $3 from, $4 to.
const PROGRAM = `SELECT
  (SELECT COALESCE(sum(points) FILTER (WHERE ${ISSUED}), 0)::bigint FROM "PointEntry" WHERE shop = $1 AND ${inRange('"createdAt"')}) AS issued,
  (SELECT COALESCE(-sum(points) FILTER (WHERE ${REDEEMED}), 0)::bigint FROM "PointEntry" WHERE shop = $1 AND ${inRange('"createdAt"')}) AS redeemed,
  (SELECT count(*) FROM "Member" m WHERE ${MEMBER})::bigint AS members,
  (SELECT count(*) FROM "Member" m WHERE ${MEMBER} AND EXISTS (
     SELECT 1 FROM "PointEntry" e WHERE e.shop = $1 AND e."memberId" = m.id
       AND ((e.kind = 'EARN' AND e.points > 0) OR e.kind = 'REDEEM') AND ${inRange('e."createdAt"')}))::bigint AS active_members,
  (SELECT COALESCE(sum("pointsAvailable"), 0)::bigint FROM "Member" WHERE shop = $1) AS available,
  (SELECT COALESCE(json_agg(json_build_object('type', type, 'config', config)), '[]'::json) FROM "Reward" WHERE shop = $1 AND enabled AND NOT system) AS rewards,
  (SELECT COALESCE(sum(d."valueMinor"), 0)::bigint FROM "Redemption" d JOIN "Reward" w ON w.id = d."rewardId"
    WHERE d.shop = $1 AND d.status = 'USED' AND NOT w.system AND w.type NOT IN ('store-credit', 'donation') AND ${inRange('d."usedAt"')}) AS discounts,
  (SELECT COALESCE(sum(d."valueMinor"), 0)::bigint FROM "Redemption" d JOIN "Reward" w ON w.id = d."rewardId"
    WHERE d.shop = $1 AND d.status IN ('ISSUED', 'USED') AND (w.system OR w.type = 'store-credit')
      AND ${inRange('COALESCE(d."issuedAt", d."createdAt")')}) AS credit,
  (SELECT COALESCE(sum("debitedMinor"), 0)::bigint FROM "StoreCreditDebit"
    WHERE shop = $1 AND status = 'DONE' AND ${inRange('"doneAt"')}) AS taken_back`;

export interface ProgramTotals {
  pointsIssued: number;
  pointsRedeemed: number;
  members: number;
  activeMembers: number;
  pointsAvailable: number;
  rewards: { type: string; config: unknown }[];
  /** Discounts used, store credit and cashback issued, cashback taken back: minor units in the range. */
  discountsMinor: number;
  creditMinor: number;
  takenBackMinor: number;
}

export async function programTotals(pool: pg.Pool, ctx: ShopContext, range: DayRange): Promise<ProgramTotals> {
  const { rows } = await pool.query<Record<string, unknown>>(PROGRAM, [ctx.shop, ctx.timeZone, range.from, range.to]);
  const r = rows[0]!;
  return {
    pointsIssued: num(r.issued),
    pointsRedeemed: num(r.redeemed),
    members: num(r.members),
    activeMembers: num(r.active_members),
    pointsAvailable: num(r.available),
    rewards: r.rewards as ProgramTotals['rewards'],
    discountsMinor: num(r.discounts),
    creditMinor: num(r.credit),
    takenBackMinor: num(r.taken_back),
  };
}

/** The value of what rewards gave in the range (see the top of this file). */
export const rewardCostMinor = (t: ProgramTotals) => t.discountsMinor + t.creditMinor - t.takenBackMinor;

/**
 * The program's ROI, an estimate: incremental sales = (member net sales ÷
 * member customers − non-member net sales ÷ non-member customers) × member
 * customers; ROI = (incremental sales − reward cost) ÷ reward cost. null when
 * rewards cost nothing or either side has no customers.
 */
export function programRoi(
  members: { netSales: number; customers: number },
  nonMembers: { netSales: number; customers: number },
  costMinor: number,
): { incrementalSalesMinor: number | null; roi: number | null } {
  if (members.customers === 0 || nonMembers.customers === 0) return { incrementalSalesMinor: null, roi: null };
  // Exact: (mNet × nC − nNet × mC) ÷ nC.
  const incrementalNum = BigInt(members.netSales) * BigInt(nonMembers.customers) - BigInt(nonMembers.netSales) * BigInt(members.customers);
  const incrementalDen = BigInt(nonMembers.customers);
  const roi = costMinor === 0 ? null : (Number(incrementalNum) / Number(incrementalDen) - costMinor) / costMinor;
  return { incrementalSalesMinor: roundedMinor(incrementalNum, incrementalDen), roi };
}

export function programMetrics(t: ProgramTotals, roi: number | null) {
  const rate = bestRate(t.rewards);
  return {
    redemptionRate: ratio(t.pointsRedeemed, t.pointsIssued),
    activeMemberRate: ratio(t.activeMembers, t.members),
    pointsLiabilityMinor: rate === null ? null : roundedMinor(BigInt(t.pointsAvailable) * BigInt(rate.valueMinor), rate.points),
    roi,
  };
}
