// What the Thank-you and Order status pages show a buyer about their order
// (the checkout UI extension, web/routes/extension): the points it earns, when
// they become available, and whether the buyer is a member or would have to
// join to get them. Read from Tally's own records; the order is known only
// once its webhook arrived, which may be after the Thank-you page loads.
import type { Survey } from '../surveys/store.js';
import type { LoyaltyDeps } from './services.js';

/** An order's points as the buyer sees them. */
export interface OrderPoints {
  points: number;
  /** earned: available now; pending: available at `availableAt` (null: when the order ships). */
  status: 'earned' | 'pending';
  availableAt: string | null;
  /** false: a guest or a customer who has not joined (the page says "Join to get N points"). */
  member: boolean;
}

export type OrderLookup = { found: 'mine'; order: OrderPoints } | { found: 'unknown' } | { found: 'other' };

/** The trailing number of gid://shopify/Order/123 or gid://shopify/OrderIdentity/123 (the Thank-you page's id). */
export function orderGidOf(raw: string): string | null {
  const match = /^gid:\/\/shopify\/Order(?:Identity)?\/(\d{1,20})$/.exec(raw.trim());
  return match ? `gid://shopify/Order/${match[1]}` : null;
}

/**
 * The order's points for `customerId` (the session token's `sub`; null for a
 * buyer who is not logged in). An order of another customer is 'other', never
 * shown; a guest (no `sub`) sees only a guest order's points, as "join" wording.
 */
export async function orderPointsFor(
  { pool }: Pick<LoyaltyDeps, 'pool'>,
  shop: string,
  orderGid: string,
  customerId: string | null,
  now = new Date(),
): Promise<OrderLookup> {
  const { rows } = await pool.query<{
    customerKey: string | null;
    memberCustomer: string | null;
    pointsAwarded: string;
    pointsAvailableAt: Date | null;
    pointsReleasedAt: Date | null;
    cancelledAt: Date | null;
    isMember: boolean;
  }>(
    `SELECT o."customerKey", m."customerId" AS "memberCustomer", o."pointsAwarded"::text AS "pointsAwarded",
            o."pointsAvailableAt", o."pointsReleasedAt", o."cancelledAt",
            (m.id IS NOT NULL AND m."redactedAt" IS NULL)
              OR EXISTS (SELECT 1 FROM "Member" c WHERE c.shop = $1 AND c."customerId" = $3 AND c."redactedAt" IS NULL) AS "isMember"
       FROM "Order" o LEFT JOIN "Member" m ON m.id = o."memberId"
      WHERE o.shop = $1 AND o."orderId" = $2`,
    [shop, orderGid, customerId ?? ''],
  );
  const row = rows[0];
  if (!row) return { found: 'unknown' };
  const owner = row.memberCustomer ?? (row.customerKey?.startsWith('gid://') ? row.customerKey : null);
  if (customerId ? owner !== customerId : owner !== null) return { found: 'other' };
  const points = row.cancelledAt ? 0 : Number(row.pointsAwarded);
  const earned = row.pointsReleasedAt !== null || (row.pointsAvailableAt !== null && row.pointsAvailableAt <= now);
  return {
    found: 'mine',
    order: {
      points,
      status: earned ? 'earned' : 'pending',
      availableAt: earned ? null : (row.pointsAvailableAt?.toISOString() ?? null),
      member: customerId !== null && row.isMember,
    },
  };
}

/** Who answers on the Thank-you page: a member, or a logged-in customer who is not one (answers without points). */
export type PageRespondent = { memberId: string } | { customerId: string };

/** The logged-in buyer as a survey respondent: their membership if they have one. */
export async function respondentOf({ pool }: Pick<LoyaltyDeps, 'pool'>, shop: string, customerId: string): Promise<PageRespondent> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM "Member" WHERE shop = $1 AND "customerId" = $2 AND "redactedAt" IS NULL`,
    [shop, customerId],
  );
  return rows[0] ? { memberId: rows[0].id } : { customerId };
}

/**
 * The CSAT or NPS survey the Thank-you and Order status pages ask now: active,
 * on the thank_you channel, not yet answered by this respondent in its
 * current period; one the member was invited to first, then the oldest. A
 * survey for a segment is asked only of its members (or those invited).
 */
export async function dueThankYouSurvey(
  { pool }: Pick<LoyaltyDeps, 'pool'>,
  shop: string,
  who: PageRespondent,
  now = new Date(),
): Promise<(Survey & { shopName: string }) | null> {
  const memberId = 'memberId' in who ? who.memberId : null;
  const respondent = memberId ? `member:${memberId}` : `customer:${(who as { customerId: string }).customerId}`;
  const period = `floor(extract(epoch FROM ($4::timestamp - s."createdAt")) / (s."periodDays" * 86400))::int`;
  const { rows } = await pool.query<Survey & { shopName: string }>(
    `SELECT s.id, s.type, s.name, s.content, s.trigger, s."periodDays", s."pointsForAnswer", s.channels, s.status,
            s."createdAt", s."updatedAt", sh.name AS "shopName"
       FROM "Survey" s JOIN "Shop" sh ON sh.domain = s.shop
       LEFT JOIN "SurveyInvite" i ON i."surveyId" = s.id AND i."memberId" = $2 AND i.period = ${period}
      WHERE s.shop = $1 AND s.status = 'active' AND s.type IN ('csat', 'nps') AND 'thank_you' = ANY(s.channels)
        AND NOT EXISTS (SELECT 1 FROM "SurveyResponse" r WHERE r."surveyId" = s.id AND r.respondent = $3 AND r.period = ${period})
        AND (i.id IS NOT NULL OR s.trigger->>'segmentId' IS NULL
             OR EXISTS (SELECT 1 FROM "SegmentMember" sm
                         WHERE sm.shop = s.shop AND sm."segmentId" = s.trigger->>'segmentId' AND sm."memberId" = $2))
      ORDER BY (i.id IS NULL), s."createdAt", s.id
      LIMIT 1`,
    [shop, memberId, respondent, now],
  );
  return rows[0] ?? null;
}
