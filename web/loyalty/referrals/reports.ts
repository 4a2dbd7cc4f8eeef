// What the admin sees of the referral program: every referral with its
// status and reason, and the members who bring the most friends.
import type pg from 'pg';

export const REFERRAL_STATUSES = ['VISITED', 'PENDING', 'REWARDED', 'BLOCKED', 'REJECTED', 'CANCELLED', 'REVERSED'] as const;

export async function listReferrals({ pool }: { pool: pg.Pool }, shop: string, filter: { status?: string; referrerId?: string }) {
  const { rows } = await pool.query(
    `SELECT r.id, r.status, r.reason, r.code, r."referrerId", m."customerId" AS "referrerCustomerId", m.email AS "referrerEmail",
            m."firstName" AS "referrerFirstName", m."lastName" AS "referrerLastName",
            r."friendCustomerId", r."friendEmail", r."offerCode", r."offerError", r."orderId", o.name AS "orderName",
            r."rewardPoints", r."reviewedBy", r."reviewedAt", r."qualifiedAt", r."rewardedAt", r."createdAt"
     FROM "Referral" r JOIN "Member" m ON m.id = r."referrerId"
     LEFT JOIN "Order" o ON o.shop = r.shop AND o."orderId" = r."orderId"
     WHERE r.shop = $1 AND ($2::text IS NULL OR r.status = $2::"ReferralStatus") AND ($3::text IS NULL OR r."referrerId" = $3)
     ORDER BY r."createdAt" DESC LIMIT 200`,
    [shop, filter.status ?? null, filter.referrerId ?? null],
  );
  return rows;
}

/** Members ranked by friends who joined (pending or rewarded), then by points earned from referrals. */
export async function topReferrers({ pool }: { pool: pg.Pool }, shop: string, limit = 10) {
  const { rows } = await pool.query(
    `SELECT m.id AS "memberId", m."customerId", m.email, m."firstName", m."lastName", rc.code,
            count(*) FILTER (WHERE r.status IN ('PENDING', 'REWARDED'))::int AS "friendsJoined",
            count(*) FILTER (WHERE r.status = 'REWARDED')::int AS rewarded,
            count(*) FILTER (WHERE r.status = 'BLOCKED')::int AS blocked,
            count(*)::int AS visits,
            COALESCE(sum(r."rewardPoints") FILTER (WHERE r.status = 'REWARDED'), 0)::bigint AS "pointsEarned"
     FROM "Referral" r JOIN "Member" m ON m.id = r."referrerId"
     LEFT JOIN "ReferralCode" rc ON rc.shop = r.shop AND rc."memberId" = m.id
     WHERE r.shop = $1
     GROUP BY m.id, rc.code
     HAVING count(*) FILTER (WHERE r.status IN ('PENDING', 'REWARDED')) > 0
     ORDER BY "friendsJoined" DESC, "pointsEarned" DESC, m.id
     LIMIT $2`,
    [shop, limit],
  );
  return rows;
}
