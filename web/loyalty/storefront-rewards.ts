// The storefront's rewards as a shopper sees them: what they can afford and
// may redeem, redeeming one, and a redemption's progress. The shopper is the
// signed logged_in_customer_id only.
import { pgSql } from '../db/sql.js';
import { rewardType } from './domain/rewards/index.js';
import { rewardAccess } from './reward-access.js';
import { redeemNow, type RedemptionRow } from './redemptions.js';
import type { RedemptionDeps } from './redemptions-admin.js';
import type { LoyaltyDeps } from './services.js';

type Pool = Pick<LoyaltyDeps, 'pool'>;

/**
 * The shop's enabled rewards for the widget: cost or slider, affordable, eligible (VIP-only rewards name their
 * tiers). Segment-only rewards are listed only to members of their segments (reward-access.ts).
 */
export async function shopperRewards({ pool }: Pool, shop: string, customerId: string | null) {
  const [rewards, member, tiers] = await Promise.all([
    pool.query(`SELECT id, type, name, config, "tierIds", "segmentIds" FROM "Reward" WHERE shop = $1 AND enabled ORDER BY "createdAt"`, [
      shop,
    ]),
    customerId
      ? pool.query<{ id: string; pointsAvailable: number; tierId: string | null }>(
          `SELECT id, "pointsAvailable", "tierId" FROM "Member" WHERE shop = $1 AND "customerId" = $2`,
          [shop, customerId],
        )
      : null,
    pool.query<{ id: string; name: string }>(`SELECT id, name FROM "Tier" WHERE shop = $1 ORDER BY threshold`, [shop]),
  ]);
  const found = member?.rows[0] ?? null;
  const available: number | null = found?.pointsAvailable ?? null;
  const access = await rewardAccess(pgSql(pool), shop, found, rewards.rows);
  const tierName = new Map(tiers.rows.map((t) => [t.id, t.name]));
  const list = rewards.rows
    .filter((r) => access(r).visible)
    .map((r) => {
      const type = rewardType(r.type);
      const config = type?.config.safeParse(r.config);
      if (!type || !config?.success) return null;
      const c = config.data as {
        pointsCost?: number;
        minPoints?: number;
        maxPoints?: number;
        pointsStep?: number;
        minimumSubtotalMinor?: number;
      };
      const cheapest = c.pointsCost ?? c.minPoints ?? 0;
      return {
        id: r.id,
        type: r.type,
        name: r.name,
        ...(c.pointsCost !== undefined
          ? { pointsCost: c.pointsCost }
          : { slider: { min: c.minPoints, max: c.maxPoints, step: c.pointsStep } }),
        affordable: available !== null && available >= cheapest,
        // Discount codes only (the cart block offers those that fit the cart); null for store credit and donations.
        minimumSubtotal: c.minimumSubtotalMinor ?? null,
        // VIP-only rewards show to everyone (something to climb for); only their tiers may redeem them.
        tiers: r.tierIds.length
          ? r.tierIds.filter((id: string) => tierName.has(id)).map((id: string) => ({ id, name: tierName.get(id) }))
          : null,
        eligible: access(r).eligible,
      };
    })
    .filter(Boolean);
  return { rewards: list, pointsAvailable: available };
}

/** The shopper redeems a reward (throws RedemptionRefused); the redemption with its reward's name. */
export async function redeemForShopper(
  deps: RedemptionDeps,
  input: { shop: string; customerId: string; rewardId: string; points?: number; idempotencyKey: string },
): Promise<RedemptionRow & { rewardName: string | null }> {
  const { shop } = input;
  const [{ rows }, reward] = await Promise.all([
    deps.pool.query(`SELECT "currencyCode" FROM "Shop" WHERE domain = $1`, [shop]),
    deps.pool.query<{ name: string }>(`SELECT name FROM "Reward" WHERE id = $1 AND shop = $2`, [input.rewardId, shop]),
  ]);
  const redemption = await redeemNow(
    { pool: deps.pool, admin: deps.admin, enqueueIssue: () => deps.jobs.enqueue('issue-pending-redemptions', {}) },
    { ...input, currencyCode: rows[0]?.currencyCode ?? 'USD' },
  );
  return { ...redemption, rewardName: reward.rows[0]?.name ?? null };
}

/** One of the shopper's own redemptions with its reward's name (null: not theirs), for the widget's polling. */
export async function shopperRedemption(
  { pool }: Pool,
  shop: string,
  customerId: string | null,
  id: string,
): Promise<(RedemptionRow & { rewardName: string | null }) | null> {
  const { rows } = await pool.query(
    `SELECT d.*, w.name AS "rewardName" FROM "Redemption" d JOIN "Member" m ON m.id = d."memberId" LEFT JOIN "Reward" w ON w.id = d."rewardId" WHERE d.id = $1 AND d.shop = $2 AND m."customerId" = $3`,
    [id, shop, customerId ?? ''],
  );
  return rows[0] ?? null;
}
