// Redemptions as the merchant sees and settles them in the admin: every
// redemption with its status and the order that used it, issuing a reward to
// a member on their behalf, and the reviews of store credit whose Shopify
// answer was lost (redemptions and, after cashback refunds, debits).
import type { Jobs } from '../jobs/index.js';
import type { AdminClient } from '../shopify/admin.js';
import { redeemNow, resolveReview, type ReviewOutcome } from './redemptions.js';
import type { LoyaltyDeps } from './services.js';
import { listDebits, resolveDebitReview, type DebitReviewOutcome } from './store-credit-debits.js';

export interface RedemptionDeps extends Pick<LoyaltyDeps, 'pool'> {
  admin: AdminClient | null;
  jobs: Pick<Jobs, 'enqueue'>;
}

const issueLater = (deps: RedemptionDeps) => () => deps.jobs.enqueue('issue-pending-redemptions', {});

/** The shop's latest 200 redemptions, with member, reward and order, filtered by status and member. */
export async function listRedemptions({ pool }: Pick<LoyaltyDeps, 'pool'>, shop: string, filter: { status?: string; memberId?: string }) {
  const { rows } = await pool.query(
    `SELECT d.id, d.status, d.points, d."valueMinor", d."currencyCode", d.code, d."orderId", d.error, d."createdAt", d."issuedAt", d."usedAt", d."expiresAt",
            d."memberId", m."customerId", m.email, m."firstName", m."lastName", w.id AS "rewardId", w.name AS "rewardName", w.type AS "rewardType",
            o.name AS "orderName", o."totalMinor" AS "orderTotalMinor"
     FROM "Redemption" d JOIN "Reward" w ON w.id = d."rewardId" JOIN "Member" m ON m.id = d."memberId"
     LEFT JOIN "Order" o ON o.shop = d.shop AND o."orderId" = d."orderId"
     WHERE d.shop = $1 AND ($2::text IS NULL OR d.status = $2::"RedemptionStatus") AND ($3::text IS NULL OR d."memberId" = $3)
     ORDER BY d."createdAt" DESC LIMIT 200`,
    [shop, filter.status ?? null, filter.memberId ?? null],
  );
  return rows;
}

/**
 * An admin issues a reward to a member (goodwill, a support case): the
 * member's points pay for it. Null when not the shop's member; throws
 * RedemptionRefused as a shopper's redemption would.
 */
export async function redeemForMember(
  deps: RedemptionDeps,
  input: { shop: string; memberId: string; rewardId: string; points?: number; idempotencyKey: string },
) {
  const { rows } = await deps.pool.query(
    `SELECT m."customerId", s."currencyCode" FROM "Member" m JOIN "Shop" s ON s.domain = m.shop WHERE m.id = $1 AND m.shop = $2`,
    [input.memberId, input.shop],
  );
  if (!rows[0]) return null;
  return redeemNow(
    { pool: deps.pool, admin: deps.admin, enqueueIssue: issueLater(deps) },
    {
      shop: input.shop,
      customerId: rows[0].customerId,
      rewardId: input.rewardId,
      points: input.points,
      idempotencyKey: input.idempotencyKey,
      currencyCode: rows[0].currencyCode,
    },
  );
}

/** Settles a store credit redemption under review after the admin checked Shopify; "retry" wakes the issue job. Throws NotUnderReview. */
export async function settleRedemptionReview(deps: RedemptionDeps, shop: string, id: string, outcome: ReviewOutcome, actor: string | null) {
  const result = await resolveReview(deps.pool, shop, id, outcome, actor);
  if (result === 'retry') await issueLater(deps)();
  return result;
}

/** Store credit taken back by refunds after cashback (see loyalty/cashback.ts). */
export function listStoreCreditDebits({ pool }: Pick<LoyaltyDeps, 'pool'>, shop: string, status: string | null) {
  return listDebits(pool, shop, status);
}

/** Settles a store credit debit under review; "retry" wakes the issue job. Throws NotUnderReview. */
export async function settleDebitReview(deps: RedemptionDeps, shop: string, id: string, outcome: DebitReviewOutcome, actor: string | null) {
  const result = await resolveDebitReview(deps.pool, shop, id, outcome, actor);
  if (result === 'retry') await issueLater(deps)();
  return result;
}
