// The rewards the widget recommends to a member (/proxy/member's
// "recommendations"), best first, each once with the first reason that
// places it:
//   1. affordable  — they can redeem it now (the two most valuable);
//   2. close       — the two they are fewest points away from;
//   3. like_before — the same reward type as one they redeemed before;
//   4. collection  — an amount-off reward limited to products they bought;
//   5. segment     — a segment-only offer of a segment they are in.
// At most six. Only enabled catalogue rewards the member may see AND redeem
// (reward-access.ts's rule: a segment-only reward of a segment they are not in
// never appears; a VIP-only reward of another tier is not recommended).
//
// Free products "from collections they bought from" cannot be matched yet:
// Tally records the product of each order line (Order.facts.lines[].productId)
// but not which collections a product is in, and a free-product reward names
// a variant, not its product. What Tally can match is an amount-off reward
// limited to products (appliesTo.productIds) the member bought: kind
// "collection". Rewards limited to collections are not matched.
//
// Two statements: everything about the shop and the member (rewards, the
// reward types they redeemed, the products they bought, the names, rules and
// time zone of the segments the rewards name), then the member's segments.
import { pgSql } from '../db/sql.js';
import { RFM_NAMES, type RfmSegment } from '../segments/rfm.js';
import type { RuleTree } from '../segments/rules.js';
import { isRfmRef, segmentRef, segmentsOfMember } from '../segments/targeting.js';
import { rewardType } from './domain/rewards/index.js';
import { accessWithin } from './reward-access.js';
import type { LoyaltyDeps } from './services.js';

export type RecommendationKind = 'affordable' | 'close' | 'like_before' | 'collection' | 'segment';

export interface Recommendation {
  rewardId: string;
  kind: RecommendationKind;
  /** A short English reason the widget shows (it may translate by kind). */
  reason: string;
  /** Points still missing (only when the member cannot afford it yet). */
  pointsAway?: number;
  /** The segment a segment-only offer is for (kind "segment"). */
  segmentName?: string;
}

export const MAX_RECOMMENDATIONS = 6;
/** How many of the affordable and of the close rewards lead the list (the rest of the room is for the other reasons). */
const PER_BALANCE_REASON = 2;

interface RewardRow {
  id: string;
  type: string;
  config: unknown;
  tierIds: string[];
  segmentIds: string[];
}

interface Facts {
  rewards: RewardRow[];
  redeemedTypes: string[];
  products: string[];
  segments: Array<{ id: string; name: string; rules: RuleTree }>;
  tz: string | null;
}

/** The first statement: the shop's enabled rewards and what the member did, in catalogue order. */
async function factsOf(pool: LoyaltyDeps['pool'], shop: string, member: { id: string; customerId: string }): Promise<Facts> {
  const { rows } = await pool.query<Facts>(
    `WITH rewards AS (
       SELECT id, type, config, "tierIds", "segmentIds", "createdAt" FROM "Reward" WHERE shop = $1 AND enabled AND NOT system)
     SELECT
       (SELECT COALESCE(json_agg(json_build_object('id', id, 'type', type, 'config', config, 'tierIds', "tierIds",
                 'segmentIds', "segmentIds") ORDER BY "createdAt", id), '[]'::json) FROM rewards) AS rewards,
       (SELECT COALESCE(array_agg(DISTINCT r.type), '{}') FROM "Redemption" d JOIN "Reward" r ON r.id = d."rewardId"
        WHERE d.shop = $1 AND d."memberId" = $2 AND d.status <> 'FAILED') AS "redeemedTypes",
       (SELECT COALESCE(array_agg(DISTINCT l->>'productId') FILTER (WHERE l->>'productId' IS NOT NULL), '{}')
        FROM "Order" o CROSS JOIN LATERAL jsonb_array_elements(COALESCE(o.facts->'lines', '[]'::jsonb)) l
        WHERE o.shop = $1 AND (o."customerKey" = $3 OR o."memberId" = $2) AND o."netSalesMinor" IS NOT NULL) AS products,
       (SELECT COALESCE(json_agg(json_build_object('id', g.id, 'name', g.name, 'rules', g.rules)), '[]'::json)
        FROM "Segment" g WHERE g.shop = $1 AND g.kind = 'rules'
          AND g.id IN (SELECT unnest("segmentIds") FROM rewards)) AS segments,
       (SELECT "ianaTimezone" FROM "Shop" WHERE domain = $1) AS tz`,
    [shop, member.id, member.customerId],
  );
  return rows[0]!;
}

/** The points a reward asks at least (a slider's minimum), and the products an amount-off code is limited to. */
function costOf(row: RewardRow): { cost: number; productIds: string[] } | null {
  const parsed = rewardType(row.type)?.config.safeParse(row.config);
  if (!parsed?.success) return null;
  const c = parsed.data as { pointsCost?: number; minPoints?: number; appliesTo?: { kind: string; productIds?: string[] } };
  return { cost: c.pointsCost ?? c.minPoints ?? 0, productIds: c.appliesTo?.kind === 'products' ? (c.appliesTo.productIds ?? []) : [] };
}

const plural = (n: number) => `${n.toLocaleString('en')} point${n === 1 ? '' : 's'}`;

/** The recommendations for a member (a guest gets none: the caller answers an empty list). */
export async function recommendRewards(
  deps: Pick<LoyaltyDeps, 'pool'>,
  shop: string,
  member: { id: string; customerId: string; tierId: string | null; pointsAvailable: number },
  now = new Date(),
): Promise<Recommendation[]> {
  const facts = await factsOf(deps.pool, shop, member);
  const refs = facts.rewards.flatMap((r) => r.segmentIds);
  const inside =
    refs.length > 0
      ? await segmentsOfMember(pgSql(deps.pool), shop, member.id, refs, now, {
          timeZone: facts.tz ?? 'UTC',
          rules: new Map(facts.segments.map((s) => [s.id, s.rules])),
        })
      : new Set<string>();
  const access = accessWithin(member, inside);
  const segmentName = new Map(facts.segments.map((s) => [s.id, s.name]));
  const nameOf = (ref: string) => (isRfmRef(ref) ? RFM_NAMES[segmentRef(ref) as RfmSegment] : (segmentName.get(ref) ?? null));

  const open = facts.rewards.flatMap((row) => {
    const info = costOf(row);
    return info && access(row).eligible ? [{ row, ...info, away: Math.max(0, info.cost - member.pointsAvailable) }] : [];
  });
  type Open = (typeof open)[number];
  const bought = new Set(facts.products);
  const redeemed = new Set(facts.redeemedTypes);
  const away = (r: Open) => (r.away > 0 ? { pointsAway: r.away } : {});
  const byCost = (a: Open, b: Open) => a.cost - b.cost;

  const candidates: Recommendation[] = [
    ...open
      .filter((r) => r.away === 0)
      .sort((a, b) => b.cost - a.cost)
      .slice(0, PER_BALANCE_REASON)
      .map((r) => ({ rewardId: r.row.id, kind: 'affordable' as const, reason: 'You have enough points' })),
    ...open
      .filter((r) => r.away > 0)
      .sort(byCost)
      .slice(0, PER_BALANCE_REASON)
      .map((r) => ({ rewardId: r.row.id, kind: 'close' as const, reason: `You're ${plural(r.away)} away`, pointsAway: r.away })),
    ...open
      .filter((r) => redeemed.has(r.row.type))
      .sort(byCost)
      .map((r) => ({ rewardId: r.row.id, kind: 'like_before' as const, reason: 'Like a reward you redeemed before', ...away(r) })),
    ...open
      .filter((r) => r.productIds.some((p) => bought.has(p)))
      .sort(byCost)
      .map((r) => ({ rewardId: r.row.id, kind: 'collection' as const, reason: 'For products you bought before', ...away(r) })),
    ...open
      .filter((r) => r.row.segmentIds.length > 0)
      .sort(byCost)
      .flatMap((r) => {
        const ref = r.row.segmentIds.map(segmentRef).find((s) => inside.has(s));
        const name = ref ? nameOf(ref) : null;
        return name
          ? [{ rewardId: r.row.id, kind: 'segment' as const, reason: `Only for our ${name}`, segmentName: name, ...away(r) }]
          : [];
      }),
  ];
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.rewardId) && seen.add(c.rewardId)).slice(0, MAX_RECOMMENDATIONS);
}
